"""The main window: puts the widgets together and runs sessions through the worker."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QPushButton, QVBoxLayout, QWidget

from livecaption.captions import UNSURE_SAID, Caption
from livecaption.config import SessionConfig
from livecaption.errors import LivecaptionError
from livecaption.gui import a11y, recovery, window_state
from livecaption.gui import settings as cfg
from livecaption.gui.banner import ErrorBanner
from livecaption.gui.bridge import EngineBridge, SessionWorker
from livecaption.gui.find_bar import FindBar
from livecaption.gui.icons import app_icon
from livecaption.gui.menus import build_menus
from livecaption.gui.overlay import CaptionOverlay
from livecaption.gui.playback import LinePlayback
from livecaption.gui.remedies import remedies
from livecaption.gui.review import Review
from livecaption.gui.session_settings import config_for
from livecaption.gui.status import StatusArea
from livecaption.gui.toolbar import State, Toolbar
from livecaption.gui.transcript import TranscriptModel, TranscriptView
from livecaption.gui.tray import add_tray
from livecaption.session import Session
from livecaption.storage.export import save

if TYPE_CHECKING:
    from livecaption.share.server import ShareServer
    from livecaption.streaming.engine import Engine


class MainWindow(QMainWindow):
    requestSession = Signal(object)  # SessionConfig, to the worker thread

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("livecaption")
        self.setWindowIcon(app_icon())
        self.settings = cfg.settings()
        self.profile: str = cfg.get(self.settings, "profile")  # the vocabulary in use
        self.state = State.IDLE  # never read from the Start button's text
        self.session: Session | None = None
        self.session_id: str | None = None  # the journal of the last session shown
        self.input_file: str | None = None  # replay a recording instead of the microphone
        self.realtime = True
        self.unsaved = False
        self.automation = False  # driven by --exit-when-done: no questions on close
        self.share_server: ShareServer | None = None  # Session → Share captions…
        self.on_finished_hooks: list[Callable[[], None]] = []
        self._close_when_finished = False

        # engine plumbing: the bridge lives on the GUI thread, the worker on its own
        self.bridge = EngineBridge()
        self.worker_thread = QThread(self)
        self.worker = SessionWorker(self.bridge)
        self.worker.moveToThread(self.worker_thread)
        self.requestSession.connect(self.worker.start)
        self.worker.started.connect(self._on_started)
        self.worker.failed.connect(self._on_failed)
        self.bridge.caption.connect(self.on_caption)
        self.bridge.device.connect(self._on_device)
        self.bridge.finished.connect(self._on_finished)
        self.worker_thread.start()

        self.model = TranscriptModel()
        self.overlay = CaptionOverlay()
        self._build()
        window_state.restore(self)

    @property
    def engine(self) -> Engine | None:
        return self.session.engine if self.session is not None else None

    def _build(self) -> None:
        central = QWidget()
        root = QVBoxLayout(central)
        root.setContentsMargins(10, 8, 10, 6)
        root.setSpacing(8)
        self.toolbar = Toolbar()
        self.toolbar.start_btn.clicked.connect(self.toggle)
        self.toolbar.overlay_btn.toggled.connect(self.set_overlay_visible)
        root.addWidget(self.toolbar)
        self.banner = ErrorBanner()
        self.toolbar.failed.connect(self.banner.show_error)
        self.banner.remedies = remedies(self)
        root.addWidget(self.banner)
        self.view = TranscriptView(self.model)
        a11y.name(self.view, "Transcript", "Captions so far, one row per caption: its time, then its text")
        self.view.set_font_size(cfg.get(self.settings, "font_size"))
        self.find_bar = FindBar(self.model, self.view)
        root.addWidget(self.find_bar)
        self.review = Review(self, self)  # edits, undo, and what an edit teaches (its bar over the transcript)
        root.addWidget(self.review.bar)
        self.playback = LinePlayback(self, lambda: self.session_id, self.banner.show_error)  # hear a line
        self.playback.started.connect(self.model.set_playing)
        self.playback.stopped.connect(lambda: self.model.set_playing(None))
        self.placeholder = QLabel(
            "Press Start (Space) to caption the microphone.\nCaptions appear here as people speak."
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setEnabled(False)
        root.addWidget(self.placeholder, 1)
        root.addWidget(self.view, 1)
        self.view.hide()
        self.live_btn = QPushButton("↓ Jump to live", self.view)
        self.live_btn.setToolTip("Follow new captions again (End)")
        a11y.name(self.live_btn, "Jump to live", "Scrolls to the newest caption and follows new ones again (End)")
        self.live_btn.clicked.connect(self.view.jump_to_live)
        self.live_btn.hide()
        self.view.followingChanged.connect(lambda following: self.live_btn.setVisible(not following))
        self.view.followingChanged.connect(lambda _following: self._place_live_button())
        self.setCentralWidget(central)
        self.status = StatusArea(self.statusBar())
        self.status.cancel_btn.clicked.connect(self.worker.cancel.set)
        # Signals from other threads go to slots of objects on this thread, so Qt queues them here.
        self.worker.loading.connect(self.status.loading)
        self.bridge.status.connect(self.status.show_status)
        self.bridge.level.connect(self.status.show_level)
        self.bridge.error.connect(self.banner.show_session_error)
        self.bridge.notice.connect(self.status.show_notice)
        self.after = recovery.AfterSession(self)
        self.menu_actions = build_menus(self)
        self.tray = add_tray(self)
        self.toolbar.stateChanged.connect(self.tray.show_state)
        self.toolbar.refresh_devices()
        self.toolbar.fill_models()

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self._place_live_button()

    def _place_live_button(self) -> None:
        self.live_btn.adjustSize()
        vp = self.view.viewport().geometry()
        self.live_btn.move(vp.right() - self.live_btn.width() - 12, vp.bottom() - self.live_btn.height() - 10)

    # -- session ------------------------------------------------------------------------
    def session_config(self) -> SessionConfig:
        return config_for(self)

    def set_state(self, state: State) -> None:
        self.state = state
        self.toolbar.set_state(state)  # the Start button, and the tray through its stateChanged

    def toggle(self) -> None:
        if self.session is not None:
            self.stop()
        elif self.state is State.IDLE:
            self.start()

    def start(self) -> None:
        self.banner.hide()
        window_state.save(self)
        self.set_state(State.STARTING)
        self.status.state_label.setText("Starting")
        self.requestSession.emit(self.session_config())

    def stop(self) -> None:
        if self.session is None:
            return
        self.status.state_label.setText("Finishing the last words…")
        self.set_state(State.FINISHING)
        threading.Thread(target=self.session.stop, daemon=True).start()  # PortAudio may block briefly

    def _on_started(self, session: Session, desc: str) -> None:
        self.session = session
        self.setWindowTitle("livecaption")  # not a past session's any more
        self.session_id = session.journal.id if session.journal is not None else None
        self.set_state(State.RUNNING)
        settled = {i.label.source for i in session.engine.inputs if i.settle is not None}
        self.model.begin(settled or None)
        spool = session.engine.spool
        self.status.running(desc, str(spool.path.parent) if spool is not None else None)
        if self._close_when_finished:  # the window was closed while the model loaded
            self.stop()

    def _on_failed(self, error: LivecaptionError) -> None:
        self.set_state(State.IDLE)
        self.status.idle("Not running")
        self.banner.show_error(error)
        if self._close_when_finished:
            self.close()

    def _on_device(self, lost: bool, message: str) -> None:
        if lost:
            self.banner.show_error(message + ".", ("Refresh inputs", self.toolbar.refresh_devices))
        else:
            self.banner.hide()
            self.statusBar().showMessage(message, 6000)

    def _on_finished(self) -> None:
        self.session = None
        self.model.settling(None)
        self.set_state(State.IDLE)
        self.status.idle("Stopped")
        hooks, self.on_finished_hooks = self.on_finished_hooks, []
        for hook in hooks:
            hook()
        if self._close_when_finished:
            QTimer.singleShot(0, self.close)

    def on_caption(self, caption: Caption) -> None:
        if self.view.isHidden():
            self.placeholder.hide()
            self.view.show()
            QTimer.singleShot(0, self._place_live_button)
        self.model.upsert(caption)
        if caption.final and caption.text:
            self.unsaved = True
        if not caption.settled:  # the overlay shows live captions; settled text is not news to a listener
            self.overlay.show_caption(caption)
            if caption.final and caption.text:
                a11y.announce(self.view, caption.labelled(UNSURE_SAID))

    # -- dialogs ----------------------------------------------------------------------
    def zoom(self, step: int) -> None:
        size = min(40.0, max(8.0, self.view.font().pointSizeF() + step))
        self.view.set_font_size(size)
        self.settings.setValue("font_size", size)

    def default_export_path(self, fmt: str) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        return Path(folder) / f"livecaption-{dt.datetime.now():%Y-%m-%d_%H%M}.{fmt}"

    def export_dialog(self, fmt: str = "srt") -> bool:
        path, _ = QFileDialog.getSaveFileName(self, "Export transcript", str(self.default_export_path(fmt)), f"*.{fmt}")
        return bool(path) and self.export_to(path, fmt)

    def export_to(self, path: str, fmt: str | None = None) -> bool:
        """Everything final so far, also while a session runs."""
        try:
            out = save(self.model.finals(), path, fmt)
        except LivecaptionError as exc:
            self.banner.show_error(exc)
            return False
        self.unsaved = False
        self.statusBar().showMessage(f"Saved {out}", 5000)
        return True

    def open_recording(self) -> None:
        filters = "Audio (*.wav *.flac *.mp3 *.ogg *.m4a *.opus);;All files (*)"
        path, _ = QFileDialog.getOpenFileName(self, "Caption a recording", str(Path.home()), filters)
        if path:
            self.input_file, self.realtime = path, False
            self.start()

    # -- overlay ---------------------------------------------------------------------------
    def set_overlay_visible(self, on: bool) -> None:
        if on:
            self.overlay.show()
            self.overlay.raise_()
            if self.overlay.note:
                self.statusBar().showMessage(self.overlay.note, 8000)
        else:
            self.settings.setValue("overlay/geometry", self.overlay.saveGeometry())
            self.overlay.hide()

    # -- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session is not None or self.state is State.STARTING:
            # Finish the last words (and settle the rest) off the GUI thread; the window closes once they are in.
            event.ignore()
            settler = self.engine.settler if self.engine is not None else None
            if self._close_when_finished and settler is not None:  # closed again: leave the rest to export
                settler.abandon()
                self.status.idle("Closing: the rest is settled when this session is exported")
                return
            self._close_when_finished = True
            self.stop()
            return
        if self.unsaved and not self.automation:
            buttons = QMessageBox.StandardButton
            answer = QMessageBox.question(self, "Save transcript?", "Save the captions of this session before closing?",
                                          buttons.Save | buttons.Discard | buttons.Cancel)  # fmt: skip
            if answer == buttons.Cancel or (answer == buttons.Save and not self.export_dialog("srt")):
                self._close_when_finished = False
                event.ignore()
                return
        window_state.save(self)
        self.playback.stop()
        self.overlay.close()
        self.worker_thread.quit()
        self.worker_thread.wait(5000)
        event.accept()
