import numpy as np

from livecaption.samples import SR, VAD_FRAME
from livecaption.streaming.segmenter import Segmenter, SegmenterConfig
from livecaption.streaming.vad import VadConfig

FPS = SR / VAD_FRAME  # frames per second (31.25)


def feed(probs, seg=None, vad=None, config=None):
    """Push frames whose audio encodes their own index, so chunks can be traced back."""
    seg = seg or Segmenter(
        vad or VadConfig(min_silence_ms=400, speech_pad_ms=96),
        config or SegmenterConfig(chunk_s=3.0, look_after_ms=0, peek_s=0),
    )
    probs = np.asarray(probs, dtype=np.float32)
    audio = np.repeat(np.arange(len(probs), dtype=np.float32), VAD_FRAME)
    return seg, seg.push(0, audio, probs)


def frames_of(chunk):
    return sorted(set(int(x) for x in chunk.audio))


def run(pattern):
    """pattern: list of (seconds, prob) pieces."""
    out = []
    for secs, p in pattern:
        out += [p] * round(secs * FPS)
    return out


def test_cuts_at_the_pause_nearest_the_target():
    # 2.5 s speech, 0.1 s dip, 2 s speech, 0.1 s dip at 4.6 s, then more speech
    probs = run([(0.5, 0.0), (2.5, 0.9), (0.1, 0.2), (2.0, 0.9), (0.1, 0.2), (3.0, 0.9)])
    seg, chunks = feed(probs)
    first = chunks[0]
    assert not first.utterance_end
    dip = int(3.0 * FPS)  # the first dip starts at 3.0 s; the target (3 s of chunk) lands on it
    assert abs(frames_of(first)[-1] - dip) <= 3
    # contiguous: the next chunk starts exactly where the first ended
    rest = seg.flush()
    assert chunks[1].start == first.end if len(chunks) > 1 else rest[0].start == first.end


def test_never_cuts_mid_word_when_a_pause_is_within_reach():
    # the only dip is 1.5 s past the target: the segmenter waits for it
    probs = run([(0.3, 0.0), (4.2, 0.9), (0.1, 0.1), (2.0, 0.9)])
    _, chunks = feed(probs)
    assert chunks, "a chunk is cut at the late pause"
    last = frames_of(chunks[0])[-1]
    assert probs[last] < 0.5, "the cut lies inside the pause, not in speech"


def test_no_pause_in_reach_cuts_at_max_length():
    probs = run([(0.3, 0.0), (8.0, 0.95)])
    _, chunks = feed(probs)
    assert chunks and not chunks[0].utterance_end
    assert len(chunks[0].audio) / SR <= 3.0 + 2.0 + 0.1


def test_utterance_end_flushes_with_padding_and_drops_silence():
    probs = run([(1.0, 0.0), (1.5, 0.9), (2.0, 0.0)])
    _, chunks = feed(probs)
    assert len(chunks) == 1 and chunks[0].utterance_end
    f = frames_of(chunks[0])
    speech = [i for i, p in enumerate(probs) if p >= 0.5]
    assert f[0] == speech[0] - 3 and f[-1] == speech[-1] + 3  # 96 ms = 3 frames of padding


def test_stop_flushes_the_tail():
    probs = run([(0.5, 0.0), (1.2, 0.9)])
    seg, chunks = feed(probs)
    assert chunks == []
    tail = seg.flush()
    assert len(tail) == 1 and tail[0].utterance_end
    assert frames_of(tail[0])[-1] == len(probs) - 1


def test_short_blips_are_dropped():
    probs = run([(0.5, 0.0), (0.06, 0.9), (1.0, 0.0)])
    _, chunks = feed(probs)
    assert chunks == []


def test_time_indices_follow_the_stream():
    probs = run([(1.0, 0.0), (1.0, 0.9), (1.0, 0.0), (1.0, 0.9), (1.0, 0.0)])
    _, chunks = feed(probs)
    assert len(chunks) == 2
    for c in chunks:
        assert c.start == frames_of(c)[0] * VAD_FRAME  # the label matches the audio it carries


def test_early_partial_at_the_first_short_pause_leaves_the_real_chunks_unchanged():
    # 1.5 s speech, a 0.2 s pause (too short to end the utterance), 1 s speech, then silence
    probs = run([(0.5, 0.0), (1.5, 0.9), (0.2, 0.1), (1.0, 0.9), (1.0, 0.0)])
    _, plain = feed(probs)
    _, chunks = feed(probs, config=SegmenterConfig(chunk_s=3.0, look_after_ms=128, peek_s=0))
    peeks = [c for c in chunks if c.is_look]
    assert [(c.start, frames_of(c)) for c in chunks if not c.is_look] == [(c.start, frames_of(c)) for c in plain]
    # one at the short pause, one where the utterance's final silence begins
    assert len(peeks) == 2 and not any(c.utterance_end for c in peeks)
    speech_end = int(2.0 * FPS)  # the first speech run ends here
    assert frames_of(peeks[0])[0] <= int(0.5 * FPS) and speech_end <= frames_of(peeks[0])[-1] < speech_end + 6
    assert peeks[0].ready < plain[0].ready  # sooner than the utterance end


def test_chunks_say_when_an_early_look_already_saw_all_their_speech():
    # 2.5 s speech, a 0.2 s pause (a look), 1.5 s speech, a 0.1 s dip, then the final silence
    probs = run([(0.5, 0.0), (2.5, 0.9), (0.2, 0.1), (1.5, 0.9), (0.1, 0.1), (0.3, 0.9), (1.0, 0.0)])
    _, chunks = feed(probs, config=SegmenterConfig(chunk_s=3.0, look_after_ms=128, peek_s=0))
    real = [c for c in chunks if not c.is_look]
    assert len(real) == 2
    # the 3 s cut falls in the pause the first look ended in; the end comes in the pause of the last look
    looks = [c.look for c in chunks if c.is_look]
    assert looks == list(range(1, len(looks) + 1))  # numbered in order
    assert real[0].look == looks[0] and not real[0].utterance_end
    assert real[1].look == looks[-1] and real[1].utterance_end
    _, plain = feed(probs)
    assert not any(c.look for c in plain)  # no looks, nothing to reuse


def test_speech_after_a_look_means_the_look_is_stale():
    # a look at the 0.2 s pause, then more speech, then stop: the end is not the look's
    probs = run([(0.5, 0.0), (1.0, 0.9), (0.2, 0.1), (0.5, 0.9)])
    seg, chunks = feed(probs, config=SegmenterConfig(chunk_s=3.0, look_after_ms=128, peek_s=0))
    assert [c.is_look for c in chunks] == [True]
    ends = seg.flush()
    assert len(ends) == 1 and ends[0].utterance_end and ends[0].look == 0


def test_peeks_come_at_the_pace_of_speech_and_leave_the_chunks_unchanged():
    # 0.5 s silence, 7 s of unbroken speech with two short dips, then the final silence
    probs = run([(0.5, 0.0), (3.2, 0.9), (0.1, 0.2), (3.0, 0.9), (0.1, 0.2), (0.7, 0.9), (1.0, 0.0)])
    _, plain = feed(probs)
    _, chunks = feed(probs, config=SegmenterConfig(chunk_s=3.0, look_after_ms=0, peek_s=0.4))
    real = [c for c in chunks if not c.is_look]
    assert [(c.start, frames_of(c)) for c in real] == [(c.start, frames_of(c)) for c in plain]
    peeks = [c for c in chunks if c.is_look]
    ready = [p.ready / VAD_FRAME for p in peeks]  # in frames
    gaps = np.diff([c.ready / VAD_FRAME for c in chunks if not c.utterance_end])
    assert len(peeks) >= 14 and max(gaps) <= round(0.4 * FPS) + 1  # something new at least every 0.4 s
    assert ready[0] <= 0.5 * FPS + round(0.4 * FPS) + 4  # the first soon after speech starts
    # each peek reads the utterance so far, from the last chunk's end, up to the frame it was made at
    for p in peeks:
        before = [c for c in real if c.ready <= p.ready]
        assert p.start == (before[-1].end if before else real[0].start)
        assert p.end == p.ready
    # no chunk claims a peek's number (a peek is not a pause the utterance could end in)
    assert not {c.look for c in real} & {p.look for p in peeks}


def test_the_peek_interval_can_change_while_speech_goes_on():
    seg = Segmenter(VadConfig(min_silence_ms=400, speech_pad_ms=96), SegmenterConfig(chunk_s=30.0, peek_s=0.4))
    speech = np.full(round(4 * FPS), 0.9, np.float32)
    audio = np.zeros(len(speech) * VAD_FRAME, np.float32)
    fast = [c for c in seg.push(0, audio, speech) if c.is_look]
    seg.peek_s = 1.2  # the engine's cadence: the passes got slower
    slow = [c for c in seg.push(len(audio), audio, speech) if c.is_look]
    assert len(fast) >= 9 and 3 <= len(slow) <= 4


def test_no_peeks_in_silence_nor_for_a_blip():
    probs = run([(2.0, 0.0), (0.05, 0.9), (3.0, 0.0)])
    _, chunks = feed(probs, config=SegmenterConfig(chunk_s=3.0, look_after_ms=128, peek_s=0.4))
    assert chunks == []
