"""The engine's threads with fake audio, VAD and decoder: timeline, end of input, falling behind."""

import numpy as np
from fakes import SR, FakeDecoder, FakeSource, FakeVad, say

from livecaption.streaming.engine import Engine, EngineListener
from livecaption.streaming.scheduler import SchedulerConfig
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


class Recorder(EngineListener):
    def __init__(self):
        self.errors, self.backlogs, self.captions = [], [], []

    def on_error(self, error):
        self.errors.append(error)

    def on_status(self, status):
        self.backlogs.append(status.backlog)

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
    assert max(taken) > 6.5  # waiting chunks (at most 6 s each) were merged into longer decodes
    assert any(beam == 1 for kind, beam, _ in decoder.calls if kind != "encode")  # greedy while behind
    assert e.skipped_s > 0 and any("cannot keep up" in str(x) for x in rec.errors)  # the oldest skipped
    # With max_backlog_s=1000 (no skipping) 39 s were waiting at the worst; with the limit, 21 s.
    assert max(rec.backlogs) <= 28.0
    assert e.captions and "w39" in " ".join(c.text for c in e.captions)
