"""The engine's threads with fake audio, VAD and decoder: timeline, end of input, falling behind."""

import numpy as np
from fakes import FakeDecoder, FakeSource, FakeVad, say

from livecaption.samples import SR
from livecaption.streaming.engine import Engine, EngineListener
from livecaption.streaming.scheduler import SchedulerConfig
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


class Recorder(EngineListener):
    def __init__(self):
        self.errors, self.backlogs, self.captions, self.statuses = [], [], [], []

    def on_error(self, error):
        self.errors.append(error)

    def on_status(self, status):
        self.backlogs.append(status.backlog)
        self.statuses.append(status)

    def on_caption(self, caption):
        self.captions.append(caption)


def engine(audio, decoder=None, realtime=False, speed=1.0, **kw) -> tuple[Engine, Recorder]:
    rec = Recorder()
    t = Transcriber(decoder or FakeDecoder(), TranscribeOptions(language="en"))
    e = Engine(FakeSource(audio, realtime, speed), t, rec, vad=FakeVad(), **kw)
    return e, rec


def test_utterances_become_captions_at_their_place_on_the_timeline():
    gap = np.zeros(2 * SR, np.float32)
    audio = np.concatenate((gap, say("good morning everyone"), gap, say("let us begin"), gap))
    e, rec = engine(audio)
    e.start()
    assert e.wait(20)
    assert [c.text for c in e.captions] == ["good morning everyone", "let us begin"]
    # where the words are (the decoder's timestamps), not the 300 ms pre-roll before them
    assert abs(e.captions[0].start - 2.0) < 0.05 and abs(e.captions[1].start - 4.75) < 0.05
    assert not rec.errors


def test_speech_still_going_at_the_end_of_the_input_is_kept():
    e, _ = engine(say("and the last words are"))
    e.start()
    assert e.wait(20)
    assert " ".join(c.text for c in e.captions) == "and the last words are"


def test_a_transcriber_slower_than_speech_keeps_the_backlog_bounded():
    """Merge, degrade and skip: 60 s of speech at 8x speed, a decoder twice slower than real time."""
    words = " ".join(f"w{k}" for k in range(40))
    pause = np.zeros(SR // 2, np.float32)
    audio = np.concatenate([np.concatenate((say(words), pause)) for _ in range(6)])
    decoder = FakeDecoder(delay_per_s=2.0 / 8)
    config = SchedulerConfig(max_backlog_s=10.0, degrade_s=3.0, max_merge_s=8.0)
    e, rec = engine(audio, decoder, realtime=True, speed=8.0, scheduler_config=config)
    taken, transcribe = [], e.transcriber.transcribe
    e.transcriber.transcribe = lambda chunk, greedy=False: (
        taken.append(len(chunk.audio) / SR) or transcribe(chunk, greedy)
    )
    e.start()
    assert e.wait(60)
    assert max(taken) > 5.5  # waiting chunks (at most 5 s each) were merged into longer decodes
    assert any(beam == 1 for kind, beam, _ in decoder.calls if kind != "encode")  # greedy while behind
    assert e.skipped_s > 0 and any("cannot keep up" in str(x) for x in rec.errors)  # the oldest skipped
    # With max_backlog_s=1000 (no skipping) 39 s were waiting at the worst; with the limit, 21 s.
    assert max(rec.backlogs) <= 28.0
    assert e.captions and "w39" in " ".join(c.text for c in e.captions)


def _unbroken(seconds: float) -> np.ndarray:
    """Fake speech without a single pause: distinct words, a quarter second each."""
    return say(" ".join(f"p{k}" for k in range(int(seconds / 0.25))))


def _updates_while_speaking(captions, speech_end: float) -> list[float]:
    live = [c for c in captions if not c.settled and c.emit < speech_end]
    return np.diff([c.emit for c in live]).tolist()


def test_unbroken_speech_gets_partials_at_the_peek_cadence_and_finals_within_seconds():
    """10 s without a pause at real time: something new on screen about every 0.4 s, and each word
    final within a few seconds of being said (commits by agreement, not at the end of speech)."""
    audio = np.concatenate((_unbroken(10.0), np.zeros(SR, np.float32)))
    e, rec = engine(audio, realtime=True)
    e.start()
    assert e.wait(30)
    gaps = _updates_while_speaking(rec.captions, 10.0)
    assert len(gaps) >= 15 and np.percentile(gaps, 90) <= 0.6, gaps
    words = " ".join(c.text for c in e.captions).split()
    assert words == [f"p{k}" for k in range(40)]
    said_end = {w: (k + 1) * 0.25 for k, w in enumerate(words)}
    # and each peek shows speech: its newest word was said less than a second before it. (Left out: the
    # tail a commit shows with its final, which is the committing pass's and can be seconds old.)
    commits = {c.emit for c in rec.captions if c.final}
    peeks = [c for c in rec.captions if not c.final and c.text and c.emit < 10.0 and c.emit not in commits]
    behind = [(c.emit, c.text.split()[-1], round(c.emit - said_end[c.text.split()[-1]], 2)) for c in peeks]
    assert len(peeks) >= 15 and max(b for _, _, b in behind) < 1.0, behind
    lag = [c.emit - said_end[c.text.split()[-1]] for c in e.captions]  # the last word of each final
    assert len(e.captions) >= 3 and max(lag[:-1]) <= 5.0, lag  # the last one waits for the end of speech
    partials = [c for c in rec.captions if not c.final]
    assert any(0 < c.stable < len(c.text) for c in partials)  # a stable start and a tentative tail


def test_a_decoder_slower_than_the_cadence_peeks_less_often_and_never_falls_behind():
    """Each pass costs 0.2 s per second of audio it reads: a peek over 4 s of pending speech takes
    longer than the 0.4 s between peeks. The engine spaces its peeks out instead of queueing them,
    and captions stay a bounded time behind the speech."""
    audio = np.concatenate((_unbroken(12.0), np.zeros(SR, np.float32)))
    e, rec = engine(audio, FakeDecoder(delay_per_s=0.2), realtime=True)
    e.start()
    assert e.wait(40)
    assert e.inputs[0].segmenter.peek_s > 0.6  # the cadence adapted to the passes
    assert any(s.words_every and s.words_every > 0.6 for s in rec.statuses)  # and the status bar says so
    assert max(rec.backlogs) <= 4.0 and e.skipped_s == 0
    assert " ".join(c.text for c in e.captions).split() == [f"p{k}" for k in range(48)]
    lag = [c.emit - c.end for c in rec.captions if not c.settled and c.text]
    assert max(lag) <= 8.0, lag  # a commit's pass over at most commit_after_s + chunk_s of speech
