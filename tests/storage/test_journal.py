"""Nothing final is lost: the journal survives kill -9 and a full disk."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import srt
from conftest import run_cli

from livecaption.captions import Caption
from livecaption.storage.journal import Journal, _read, list_sessions, load


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    folder = tmp_path / "sessions"
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(folder))
    return folder


def test_journal_round_trip_and_listing(sessions):
    j = Journal("mic", "tiny.en")
    j.append(Caption(1.0, 2.5, "first words", id=1))
    j.append(Caption(2.0, 2.4, "tentative", final=False, id=2))  # partials are not journalled
    j.append(Caption(3.0, 4.0, "second", id=3))
    info = list_sessions()[-1]
    assert (info.captions, info.finished, info.crashed) == (2, False, False)  # running: locked
    j.close()
    info, caps = load("latest")
    assert info.finished and [c.text for c in caps] == ["first words", "second"]
    assert caps[0].start == 1.0 and caps[1].end == 4.0


def test_torn_last_line_is_skipped(sessions):
    j = Journal()
    j.append(Caption(0, 1, "kept", id=1))
    j._f.write('{"type": "caption", "start": 1, "te')  # the process died mid-write
    j._f.flush()
    _, caps = load("latest")
    assert [c.text for c in caps] == ["kept"]


def test_full_disk_is_reported_once_and_loses_nothing_in_memory(sessions, monkeypatch):
    """The disk fills up after the first caption: that one stays on disk, the error is said once,
    and every caption of the session is still made and kept in memory (for the output and export)."""
    import numpy as np
    from fakes import FakeDecoder, FakeSource, FakeVad, say

    from livecaption.samples import SR
    from livecaption.streaming.engine import Engine, EngineListener
    from livecaption.transcription.options import TranscribeOptions
    from livecaption.transcription.policy import Transcriber

    class Heard(EngineListener):
        def __init__(self):
            self.errors, self.finals = [], []

        def on_error(self, error):
            self.errors.append(error)

        def on_caption(self, caption):
            if caption.final and caption.text:
                self.finals.append(caption.text)

    said = ["on disk first", "in memory only", "and later words"]
    gap = np.zeros(SR, np.float32)
    audio = np.concatenate([piece for text in said for piece in (say(text), gap)])
    j = Journal("mic", "tiny.en")
    real_fsync, lines = os.fsync, {"n": 0}

    def fills_up(fd):  # fault injection: the first caption fits (the header is written), then the disk is full
        lines["n"] += 1
        if lines["n"] > 1:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fills_up)
    heard = Heard()
    engine = Engine(FakeSource(audio), Transcriber(FakeDecoder(), TranscribeOptions(language="en")), heard,
                    journal=j, vad=FakeVad())  # fmt: skip
    engine.start()
    assert engine.wait(20)
    assert [c.text for c in engine.captions] == said == heard.finals  # nothing lost in memory or on screen
    assert len(heard.errors) == 1 and "No space left" in str(heard.errors[0])  # said once
    monkeypatch.setattr(os, "fsync", real_fsync)
    _, caps = load("latest")
    on_disk = [c.text for c in caps]
    assert on_disk[0] == said[0] and on_disk == said[: len(on_disk)]  # what reached the disk is whole, in order


def finals_in(path) -> list[str]:
    """Texts of the final captions in a JSONL output (partials are drafts, never journaled)."""
    lines = [json.loads(x) for x in path.read_text().splitlines() if x.endswith("}")]
    return [x["text"] for x in lines if x.get("final") and not x.get("settled")]


@pytest.mark.model
def test_kill_9_loses_no_final_caption(speech, sessions, tmp_path):
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "livecaption", "caption", "--input", str(speech / "jfk.flac"), "--realtime", "--format", "jsonl", "-o", str(out)],
        stderr=subprocess.DEVNULL, env=dict(os.environ),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or len(finals_in(out)) < 2):
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    printed = finals_in(out)
    assert len(printed) >= 2
    info = list_sessions()[-1]
    assert not info.finished and info.crashed
    live = [c.text for c in _read(info.path)[1] if not c.settled]
    assert live[: len(printed)] == printed  # everything shown is on disk
    r = run_cli("sessions")
    assert r.returncode == 0 and info.id in r.stdout and "restorable" in r.stdout
    r = run_cli("export", "latest", "--format", "srt")
    assert r.returncode == 0
    assert [s.content.replace("\n", " ") for s in srt.parse(r.stdout)]
    exported = tmp_path / "recovered.vtt"
    r = run_cli("export", info.id, "--format", "vtt", "-o", str(exported))
    assert r.returncode == 0 and exported.read_text().startswith("WEBVTT")


def test_export_unknown_session(sessions):
    r = run_cli("export", "nope")
    assert r.returncode == 2 and "no session" in r.stderr and "Traceback" not in r.stderr


def test_app_offers_to_restore_a_crashed_session(sessions, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from livecaption.gui.main_window import MainWindow

    # a session file whose writer died: unfinished and not locked
    j = Journal("mic", "tiny.en")
    j.append(Caption(0, 2, "before the crash", id=1))
    j._f.close()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    assert win.after.offer_restore()
    assert [c.text for c in win.model.finals()] == ["before the crash"]
    assert not win.after.offer_restore()  # offered once
    win.close()


def test_latest_is_the_session_that_started_last_even_within_one_second(sessions):
    for name, text in (("20990101-000000", "first"), ("20990101-000000-2", "second"), ("20990101-000000-10", "third")):
        j = Journal("mic", "tiny.en")  # two started in one second are "ID" and "ID-2" (Journal's own naming)
        j.append(Caption(0.0, 1.0, text, id=1))
        j.close()
        j.path.rename(sessions / f"{name}.jsonl")
    assert [s.id for s in list_sessions()] == ["20990101-000000", "20990101-000000-2", "20990101-000000-10"]
    assert load("latest")[1][0].text == "third"
