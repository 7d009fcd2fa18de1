"""The scheduler's decisions when live input outruns the transcriber: merge, drop stale looks,
degrade, skip. Pure, so these run in milliseconds."""

import numpy as np
from fakes import FakeDecoder, say

from livecaption.samples import SR, Chunk
from livecaption.streaming.scheduler import Scheduler, SchedulerConfig
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


def chunks(seconds: list[float], start: int = 0, end_every: int = 0) -> list[Chunk]:
    out = []
    for k, s in enumerate(seconds):
        audio = np.full(int(s * SR), 0.1, np.float32)
        last = bool(end_every) and (k + 1) % end_every == 0
        out.append(Chunk(start, audio, last, start + len(audio)))
        start += len(audio)
    return out


def test_contiguous_waiting_chunks_are_merged_up_to_the_cap():
    s = Scheduler(SchedulerConfig(max_merge_s=10.0))
    for c in chunks([4, 4, 4, 4]):
        s.add(c)
    first, second = s.next(), s.next()
    assert len(first.chunk.audio) == 8 * SR and len(second.chunk.audio) == 8 * SR
    assert second.chunk.start == first.chunk.end and s.next() is None


def test_chunks_after_a_pause_are_not_merged_across_it():
    s = Scheduler()
    a, b = chunks([2]), chunks([2], start=5 * SR)
    s.add(a[0])
    s.add(b[0])
    assert s.next().chunk is a[0] and s.next().chunk is b[0]


def test_a_look_is_dropped_when_newer_work_waits():
    s = Scheduler()
    c = chunks([2, 2])
    look = Chunk(0, c[0].audio, False, c[0].ready, is_look=True, look=1)
    for x in (look, c[0], c[1]):
        s.add(x)
    step = s.next()
    assert not step.chunk.is_look and len(step.chunk.audio) == 4 * SR
    s.add(look)
    assert s.next().chunk is look  # alone, it is worth decoding


def test_a_peek_offered_while_a_pass_ran_is_not_decoded_after_it():
    """Run as that pass ends, a peek would hold up the chunk cut next (and the end of the utterance
    after it) for a whole pass, and the backlog would grow past two chunks."""
    s = Scheduler()
    c = chunks([2])
    peek = Chunk(0, c[0].audio, False, c[0].ready, is_look=True, look=1, peek=True)
    pause = Chunk(0, c[0].audio, False, c[0].ready, is_look=True, look=2)
    s.add(peek)
    s.add(pause)
    s.passed()  # both came while a pass ran: only the pause's look, which a chunk may reuse, stays
    assert list(s.waiting) == [pause] and s.peeks_passed == 1
    s.next()
    s.add(peek)  # offered to a free transcriber: decoded
    assert s.next().chunk is peek
    replay = Scheduler(live=False)
    replay.add(peek)
    replay.passed()
    assert list(replay.waiting) == [peek]


def test_finals_turn_greedy_when_behind_and_back_when_caught_up():
    s = Scheduler(SchedulerConfig(degrade_s=6.0, recover_s=3.0, max_merge_s=2.0))
    for c in chunks([2] * 5):
        s.add(c)
    assert s.next().greedy  # 10 s waiting; then 8, 6, 4 and 2
    greedy = [s.next().greedy for _ in range(4)]
    assert greedy == [True, True, True, False]


def test_past_the_limit_the_oldest_speech_is_skipped_and_counted():
    s = Scheduler(SchedulerConfig(max_backlog_s=10.0, max_merge_s=100))
    for c in chunks([2] * 8):
        s.add(c)
    step = s.next()
    assert step.skipped_s == 12.0 and s.skipped_s == 12.0
    assert step.chunk.start == 12 * SR and len(step.chunk.audio) == 4 * SR


def test_after_a_skip_the_transcriber_never_joins_the_two_sides():
    """Hazard: skipping dropped chunks from the middle of an utterance, and the audio on both
    sides of the gap was decoded as one piece."""
    d = FakeDecoder()
    t = Transcriber(d, TranscribeOptions(language="en"))
    s = Scheduler(SchedulerConfig(max_backlog_s=4.0, max_merge_s=1.0))
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    pos, out = 0, []
    first = Chunk(0, say(words[0]), False, int(0.25 * SR))
    out += t.transcribe(first)  # decoding the first chunk while the rest arrives
    pos = first.end
    for k, w in enumerate(words[1:]):
        audio = say(" ".join([w] * 8))  # 2 s each
        s.add(Chunk(pos, audio, k == len(words) - 2, pos + len(audio)))
        pos += len(audio)
    while (step := s.next()) is not None:
        out += t.transcribe(step.chunk, greedy=step.greedy)
    finals = [c for c in out if c.final]
    assert s.skipped_s > 0
    assert finals[0].text == "alpha" and finals[0].end <= 0.25 + 1e-6
    assert all("alpha" not in c.text for c in finals[1:])


def test_a_replayed_recording_is_decoded_chunk_by_chunk():
    s = Scheduler(live=False)
    for c in chunks([2] * 40):
        s.add(c)
    steps = [s.next() for _ in range(40)]
    assert all(len(x.chunk.audio) == 2 * SR and not x.greedy and not x.skipped_s for x in steps)
