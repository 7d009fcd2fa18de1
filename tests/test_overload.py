"""Falling behind: when inference is slower than speech, latency and memory stay bounded."""

import time

from conftest import DATA

from livecaption import engine as engine_mod
from livecaption.audio import FileSource
from livecaption.engine import Engine, EngineListener
from livecaption.transcriber import TranscribeOptions, Transcriber


class SlowTranscriber(Transcriber):
    """Fault injection: a model slower than real time (1.3 s of extra compute per second of audio)."""

    calls: list[float]

    def _run(self, chunks, final=False, window=None):
        seconds = sum(len(c.audio) for c in chunks) / 16000
        self.calls.append((seconds, self.options.beam_size))
        time.sleep(1.3 * seconds)
        return super()._run(chunks, final, window)


class Recorder(EngineListener):
    def __init__(self):
        self.errors, self.backlogs = [], []

    def on_error(self, message):
        self.errors.append(message)

    def on_status(self, status):
        self.backlogs.append(status.backlog)


def test_merge_degrade_and_skip_keep_latency_bounded(loaded_model, tmp_path, monkeypatch):
    import numpy as np
    import soundfile as sf

    from livecaption.audio import read_audio

    # 40 s of speech with short pauses, played in real time to a far too slow transcriber
    clip = read_audio(DATA / "61-70968-0000.flac")
    gap = np.zeros(8000, np.float32)
    sf.write(tmp_path / "long.wav", np.concatenate([np.concatenate((clip, gap)) for _ in range(7)]), 16000)
    monkeypatch.setattr(engine_mod, "MAX_BACKLOG_S", 8.0)
    monkeypatch.setattr(engine_mod, "DEGRADE_S", 3.0)
    t = SlowTranscriber(loaded_model, TranscribeOptions(language="en"))
    t.calls = []
    rec = Recorder()
    eng = Engine(FileSource(tmp_path / "long.wav", realtime=True), t, rec)
    eng.start()
    assert eng.wait(180)
    assert max(d for d, _ in t.calls) > 3.5  # queued chunks were merged into longer decodes
    assert any(beam == 1 for _, beam in t.calls)  # decoding turned greedy while behind
    assert eng.skipped_s > 0 and any("cannot keep up" in e for e in rec.errors)  # and the oldest skipped
    assert max(rec.backlogs) <= 8.0 + 6.0  # the backlog (memory, latency) stays bounded
    assert eng.captions and "wizard" in " ".join(c.text for c in eng.captions).lower()
