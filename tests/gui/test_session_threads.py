"""Closing the window mid-session: the GUI thread never waits for the last words."""

import numpy as np
from fakes import FakeDecoder, FakeSource, FakeVad, say

from livecaption.config import SessionConfig
from livecaption.gui.main_window import MainWindow
from livecaption.samples import SR
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
    # mid-sentence: 1.5 s of speech heard, the transcriber holding it for the end of the sentence
    qtbot.waitUntil(lambda: engine.status().position >= 2.0 and transcriber.pending_from is not None, timeout=20_000)
    win.close()
    assert win.isVisible() and not engine.finished.is_set()  # close() came back; the tail is being decoded
    assert win.status.state_label.text() == "Finishing the last words…"
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=20_000)
    assert engine.finished.is_set() and "lecture" in " ".join(c.text for c in win.model.finals())


class FailingOnce(FakeDecoder):
    def transcribe(self, audio, **kw):
        if not self.calls:
            self.calls.append(("fail", 0, 0.0))
            raise RuntimeError("fault injection")
        return super().transcribe(audio, **kw)


def test_engine_and_worker_events_reach_the_widgets_on_the_gui_thread(qtbot, monkeypatch):
    """Engine and worker signals are emitted on their own threads; every widget they update must be
    touched on the GUI thread only. (A lambda connected to the worker's signals ran on the worker
    thread, and the Improve transcript dialog deadlocked closing itself there.)"""
    import threading

    from PySide6.QtWidgets import QProgressDialog

    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    seen = []

    def spy(widget, method: str, name: str) -> None:
        real = getattr(widget, method)

        def record(*args):
            seen.append((name, threading.current_thread() is threading.main_thread()))
            return real(*args)

        monkeypatch.setattr(widget, method, record)  # our code calls widgets through Python attributes

    spy(win.status.state_label, "setText", "state")
    spy(win.status.perf_label, "setText", "status")
    spy(win.status.level, "setValue", "level")
    spy(win.banner.label, "setText", "error")
    win.after.dialog = QProgressDialog(win)
    spy(win.after.dialog, "setValue", "progress")
    spy(win.after.dialog, "close", "polished")
    gap = np.zeros(SR, np.float32)
    audio = np.concatenate((gap, say("first words"), gap, say("then more words"), gap))
    transcriber = Transcriber(FailingOnce(), TranscribeOptions(language="en"))
    source = FakeSource(audio, realtime=True, speed=4.0)
    engine = Engine(source, transcriber, win.bridge, vad=FakeVad())
    with qtbot.waitSignal(win.bridge.finished, timeout=20_000):
        engine.start()
        win._on_started(Session(SessionConfig(), source, None, transcriber, None, engine), "fake")
    emit = (win.worker.loading.emit, "Loading"), (win.worker.progress.emit, 0.5), (win.worker.polished.emit, None)
    worker_side = threading.Thread(target=lambda: [signal(arg) for signal, arg in emit])
    worker_side.start()
    worker_side.join()
    names = {"state", "status", "level", "error", "progress", "polished"}
    qtbot.waitUntil(lambda: names <= {name for name, _ in seen}, timeout=5_000)
    assert all(on_gui for _, on_gui in seen), sorted({name for name, on_gui in seen if not on_gui})
    assert "fault injection" in win.banner.label.text()
    assert "then more words" in [c.text for c in win.model.finals()]
    win.close()


def test_the_watchdog_says_in_the_status_bar_what_it_did(qtbot):
    from transcription.test_healing import SENTENCES, DeafAfterContext, sentences_audio

    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    transcriber = Transcriber(DeafAfterContext(), TranscribeOptions(language="en"))
    source = FakeSource(sentences_audio(SENTENCES))
    engine = Engine(source, transcriber, win.bridge, vad=FakeVad())
    with qtbot.waitSignal(win.bridge.finished, timeout=20_000):
        engine.start()
        win._on_started(Session(SessionConfig(), source, None, transcriber, None, engine), "fake")
    qtbot.waitUntil(win.status.notice_label.isVisible, timeout=5_000)
    assert "without a caption" in win.status.notice_label.text() and "recovered" in win.status.notice_label.text()
    assert win.status.notice_label.accessibleName() == "Notice"
    win.close()
