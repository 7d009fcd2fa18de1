"""The app in a meeting: Microphone + system audio through a real PulseAudio server, labels in
the transcript, the overlay and the exported SRT and VTT."""

import subprocess
import threading
import urllib.request
from dataclasses import replace

import pytest
import soundfile as sf
import srt
from conftest import run_cli
from PySide6.QtCore import Qt

from livecaption.gui.main_window import MainWindow
from livecaption.gui.share_dialog import start_sharing, stop_sharing
from livecaption.gui.toolbar import BOTH, select


def play(sink: str, clip) -> threading.Thread:
    t = threading.Thread(target=subprocess.run, args=(["paplay", "--device", sink, str(clip)],))
    t.start()
    return t


@pytest.mark.model  # starts a session with the real model
def test_microphone_and_system_audio_in_the_app(speech, qtbot, pulse, tmp_path):
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    win.settings.setValue("labels/mic", "Ana")  # as Session → Settings saves them
    assert select(win.toolbar.device_box, BOTH)
    server = start_sharing(win, "127.0.0.1", 0)  # the shared page's transcript, fed as the window is
    qtbot.mouseClick(win.toolbar.start_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.toolbar.start_btn.text() == "Stop" or win.banner.isVisible(), timeout=90_000)
    assert not win.banner.isVisible(), win.banner.label.text()
    assert "Ana: " in win.status.engine_label.text() and "Others: system audio" in win.status.engine_label.text()
    told = win.status.engine_label.toolTip().splitlines()  # all of it, where the bar cuts it
    assert any(line.startswith("words every") for line in told) and any(line.startswith("settled by") for line in told)
    mic, system = win.engine.input("mic"), win.engine.input("system")
    q0 = {mic: mic.position, system: system.position}
    qtbot.waitUntil(lambda: all(i.position > q0[i] + 0.3 for i in q0), timeout=30_000)  # both are recording
    p0 = {mic: mic.position, system: system.position}
    threads = [play(pulse["sink"], speech / "61-70968-0000.flac"), play(pulse["speakers"], speech / "jfk.flac")]
    qtbot.waitUntil(lambda: not any(t.is_alive() for t in threads), timeout=60_000)
    # until each input has recorded its whole clip (what PulseAudio still buffers included)
    lengths = {mic: sf.info(speech / "61-70968-0000.flac").duration, system: sf.info(speech / "jfk.flac").duration}
    qtbot.waitUntil(lambda: all(i.position >= p0[i] + lengths[i] + 0.3 for i in (mic, system)), timeout=30_000)
    with qtbot.waitSignal(win.bridge.finished, timeout=90_000):
        qtbot.mouseClick(win.toolbar.start_btn, Qt.MouseButton.LeftButton)
    finals = win.model.finals()
    speakers = {c.speaker for c in finals}
    assert speakers == {"Ana", "Others"}, [(c.speaker, c.text) for c in finals]
    shown = [win.model.data(win.model.index(r)) for r in range(win.model.rowCount())]
    # (the system audio's rows are its settled reading by now, which may start "and so" in lower case)
    assert any("Ana: He began" in s for s in shown) and any(s.lower().split("  ", 1)[-1].startswith("others: and so") for s in shown), shown
    # room for whole captions: a label starts each caption's first line
    win.overlay.set_style(replace(win.overlay.style_, lines=5, points=12, dock="free"))
    win.overlay.resize(1400, 900)
    assert "Others: " in win.overlay.text and "Ana: " in win.overlay.text, win.overlay.text
    win.overlay.set_show_speakers(False)
    assert "Others:" not in win.overlay.text and "Ana:" not in win.overlay.text
    assert win.export_to(str(tmp_path / "meeting.srt"))
    subs = list(srt.parse((tmp_path / "meeting.srt").read_text()))
    assert {s.content.split(":")[0] for s in subs} == {"Ana", "Others"}
    assert win.export_to(str(tmp_path / "meeting.vtt"))
    vtt = (tmp_path / "meeting.vtt").read_text()
    assert "<v Ana>" in vtt and "<v Others>" in vtt
    # One kept transcript: the window's export, the shared page's and `export latest` (the journal read
    # back) are the same text, the microphone's live lines and the system audio's settled ones alike.
    assert win.export_to(str(tmp_path / "meeting.txt"))
    window = (tmp_path / "meeting.txt").read_text(encoding="utf-8")
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/transcript.txt?k={server.token}", timeout=10) as r:
        page = r.read().decode("utf-8")
    journal = run_cli("export", "latest", "-f", "txt", timeout=120)
    assert journal.returncode == 0, journal.stderr
    assert "Ana: He began" in window and "Others: " in window, window
    assert window == page == journal.stdout
    stop_sharing(win)
    win.close()
