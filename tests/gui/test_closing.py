"""Closing the window mid-session: the GUI thread never waits for the last words."""

import numpy as np
from fakes import SR, FakeDecoder, FakeSource, FakeVad, say

from livecaption.config import SessionConfig
from livecaption.gui.main_window import MainWindow
from livecaption.session import Session
from livecaption.streaming.engine import Engine
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


def test_close_returns_at_once_and_the_window_goes_when_the_tail_is_in(qtbot):
    """Hazard: closeEvent stopped the engine on the GUI thread and spun processEvents for up to 60 s."""
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    words = " ".join(["lecture"] * 20)  # 5 s of speech without a pause
    audio = np.concatenate((np.zeros(SR // 2, np.float32), say(words)))
    transcriber = Transcriber(FakeDecoder(delay_per_s=0.5), TranscribeOptions(language="en"))
    source = FakeSource(audio, realtime=True)
    engine = Engine(source, transcriber, win.bridge, vad=FakeVad())
    session = Session(SessionConfig(), source, None, transcriber, None, engine)
    engine.start()
    win._on_started(session, "fake")
    qtbot.wait(2000)  # mid-sentence: about 1.5 s of speech pending
    win.close()
    assert win.isVisible() and not engine.finished.is_set()  # close() came back; the tail is being decoded
    assert win.status.state_label.text() == "Finishing the last words…"
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=20_000)
    assert engine.finished.is_set() and "lecture" in " ".join(c.text for c in win.model.finals())
