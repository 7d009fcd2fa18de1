"""The session audio spool: on the session timeline, readable after kill -9, bounded by retention."""

import os
import subprocess
import sys
import time

import numpy as np
import pytest
from fakes import FakeDecoder, FakeSource, FakeVad, say

from livecaption.errors import InputError, StorageError
from livecaption.samples import SR
from livecaption.storage.spool import AudioSpool, prune, read_spool
from livecaption.streaming.engine import Engine, EngineListener
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


def tone(seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def test_audio_keeps_its_place_on_the_session_timeline(tmp_path):
    sp = AudioSpool(tmp_path / "s.flac")
    sp.write(0, tone(1.0))
    sp.write(3 * SR, tone(1.0, 880))  # a lost microphone: two seconds without audio
    sp.close()
    audio = read_spool(tmp_path / "s.flac")
    assert len(audio) == 4 * SR
    assert np.abs(audio[SR : 3 * SR]).max() == 0  # the gap is silence
    assert np.abs(audio[3 * SR :] - tone(1.0, 880)).max() < 1e-3  # 16-bit FLAC, lossless otherwise
    assert np.abs(read_spool(tmp_path / "s.flac", 3.5, 3.75) - tone(1.0, 880)[SR // 2 : SR // 2 + SR // 4]).max() < 1e-3


def test_what_was_written_a_second_before_kill_9_can_be_read(tmp_path):
    """The README promises about a second (the spool flushes every second), and FLAC holds back at
    most one block (4096 samples) more."""
    path = tmp_path / "crash.flac"
    code = (
        "import sys, time, numpy as np; sys.path[:0] = sys.argv[2:]\n"
        "from livecaption.storage.spool import AudioSpool\n"
        f"sp = AudioSpool(__import__('pathlib').Path(sys.argv[1])); t = np.arange({SR // 10}) / {SR}\n"
        "for k in range(10000):\n"
        "    sp.write(k * len(t), (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32))\n"
        "    print(k + 1, flush=True); time.sleep(0.1)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), *sys.path], stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:  # each line: one more tenth of a second handed to the spool
        written = int(line) / 10
        if written >= 5.9:  # just before a sync is due, the most it may lose
            proc.kill()
            break
    proc.wait()
    seconds = len(read_spool(path)) / SR
    assert seconds >= written - 1.0 - 4096 / SR - 0.1, (seconds, written)


def test_retention_removes_old_audio_then_the_oldest_over_the_cap(tmp_path):
    now = time.time()
    for name, age_days, size in (("a", 10, 100), ("b", 3, 300), ("c", 2, 300), ("d", 1, 300)):
        p = tmp_path / f"{name}.flac"
        p.write_bytes(b"x" * size)
        os.utime(p, (now - age_days * 86400, now - age_days * 86400))
    (tmp_path / "a.jsonl").write_text("{}")  # captions are never removed
    removed = prune(tmp_path, keep_days=7, max_bytes=700, now=now)
    assert sorted(p.name for p in removed) == ["a.flac", "b.flac"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "c.flac", "d.flac"]


def test_missing_and_damaged_audio_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="missing"):
        read_spool(tmp_path / "none.flac")
    bad = tmp_path / "bad.flac"
    bad.write_bytes(b"fLaC" + os.urandom(2000))
    with pytest.raises(InputError, match="damaged"):
        read_spool(bad)


class Errors(EngineListener):
    def __init__(self):
        self.errors = []

    def on_error(self, error):
        self.errors.append(error)


def test_a_full_disk_stops_the_audio_not_the_captions(tmp_path, monkeypatch):
    spool = AudioSpool(tmp_path / "full.flac")
    real = spool._write
    calls = {"n": 0}

    def fail_after_a_while(samples):
        calls["n"] += 1
        if calls["n"] > 2:  # fault injection: the disk fills up mid-session
            raise OSError(28, "No space left on device")
        real(samples)

    monkeypatch.setattr(spool, "_write", fail_after_a_while)
    gap = np.zeros(SR, np.float32)
    audio = np.concatenate((say("first words here"), gap, say("and more words after"), gap))
    listener = Errors()
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en"))
    e = Engine(FakeSource(audio), t, listener, vad=FakeVad(), spool=spool)
    e.start()
    assert e.wait(20)
    assert [c.text for c in e.captions] == ["first words here", "and more words after"]
    spool_errors = [x for x in listener.errors if isinstance(x, StorageError)]
    assert len(spool_errors) == 1 and "No space left" in str(spool_errors[0])  # said once
