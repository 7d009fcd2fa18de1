"""The main window: controls, live transcript, status, export, and the overlay toggle."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from livecaption.captions import Caption, hms
from livecaption.engine import Engine, EngineStatus
from livecaption.errors import LivecaptionError
from livecaption.export import save
from livecaption.gui import settings as cfg
from livecaption.gui.bridge import EngineBridge, SessionRequest, SessionWorker
from livecaption.gui.overlay import PRESETS, CaptionOverlay
from livecaption.gui.transcript import TranscriptModel, TranscriptView

LANGUAGES = [("Auto-detect", "auto"), ("English", "en"), ("Korean", "ko"), ("Japanese", "ja"), ("Chinese", "zh"),
             ("German", "de"), ("French", "fr"), ("Spanish", "es"), ("Italian", "it"), ("Portuguese", "pt"),
             ("Dutch", "nl"), ("Russian", "ru"), ("Polish", "pl"), ("Turkish", "tr"), ("Arabic", "ar"), ("Hindi", "hi")]  # fmt: skip
COMPUTE = [("Auto", "auto"), ("CPU", "cpu"), ("GPU (CUDA)", "cuda")]
HUB = ["tiny", "base", "small", "medium", "large-v3", "large-v3-turbo", "distil-large-v3"]
STATE_TEXT = {
    "listening": "Listening",
    "speech": "Hearing speech",
    "transcribing": "Transcribing",
    "stopped": "Stopped",
}


def _combo(tooltip: str, min_chars: int, max_width: int | None = None) -> QComboBox:
    """A toolbar picker that shrinks to `min_chars` at 800 px and, with max_width, grows on wide screens."""
    box = QComboBox()
    box.setToolTip(tooltip)
    box.setMinimumContentsLength(min_chars)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    if max_width:
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        box.setMaximumWidth(max_width)
    return box


class ErrorBanner(QFrame):
    """A non-modal message across the top with one way forward."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.setStyleSheet(
            "#banner { background: #fdecea; border: 1px solid #e0a39c; border-radius: 6px; } QLabel { color: #611a15; }"
        )
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.action = QPushButton()
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setStyleSheet("QToolButton { color: #611a15; font-weight: bold; border: none; }")
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.action)
        lay.addWidget(close)
        self._handler = None
        self.action.clicked.connect(self._act)
        self.hide()

    def show_error(self, text: str, action: str | None = None, handler=None) -> None:
        self.label.setText(text)
        self._handler = handler
        self.action.setVisible(bool(action))
        self.action.setText(action or "")
        self.show()

    def _act(self) -> None:
        self.hide()
        if self._handler:
            self._handler()


class MainWindow(QMainWindow):
    requestSession = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("livecaption")
        self.settings = cfg.settings()
        self.engine: Engine | None = None
        self.input_file: str | None = None  # replay a recording instead of the microphone
        self.realtime = True
        self.unsaved = False
        self.on_finished_hooks: list = []
        self.max_stall_ms = 0.0

        # engine plumbing: the bridge lives on the GUI thread, the worker on its own
        self.bridge = EngineBridge()
        self.worker_thread = QThread(self)
        self.worker = SessionWorker(self.bridge)
        self.worker.moveToThread(self.worker_thread)
        self.requestSession.connect(self.worker.start)
        self.worker.loading.connect(self._on_loading)
        self.worker.started.connect(self._on_started)
        self.worker.failed.connect(self._on_failed)
        self.bridge.caption.connect(self._on_caption)
        self.bridge.status.connect(self._on_status)
        self.bridge.level.connect(self._on_level)
        self.bridge.error.connect(self._on_engine_error)
        self.bridge.device.connect(self._on_device)
        self.bridge.finished.connect(self._on_finished)
        self.worker_thread.start()

        self.model = TranscriptModel()
        self.overlay = CaptionOverlay()
        self._build()
        self._restore()
        self._heartbeat()

    # -- layout ------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget()
        root = QVBoxLayout(central)
        root.setContentsMargins(10, 8, 10, 6)
        root.setSpacing(8)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.start_btn = QPushButton("Start")
        self.start_btn.setToolTip("Start or stop captioning (Space, Ctrl+R)")
        self.start_btn.setMinimumWidth(76)
        self.start_btn.setDefault(True)
        self.start_btn.clicked.connect(self.toggle)
        bar.addWidget(self.start_btn)

        self.device_box = _combo("Microphone", 6, max_width=420)
        refresh = QToolButton()
        refresh.setText("⟳")
        refresh.setToolTip("Refresh the list of microphones")
        refresh.clicked.connect(self.refresh_devices)
        self.model_box = _combo("Whisper model", 8, max_width=320)
        self.model_box.activated.connect(self._model_chosen)
        self.lang_box = _combo("Spoken language", 6)
        for name, code in LANGUAGES:
            self.lang_box.addItem(name, code)
        self.compute_box = _combo("Compute device: Auto uses a CUDA GPU when one works, else the CPU", 4)
        for name, code in COMPUTE:
            self.compute_box.addItem(name, code)
        self.overlay_btn = QToolButton()
        self.overlay_btn.setText("Overlay")
        self.overlay_btn.setCheckable(True)
        self.overlay_btn.setToolTip("Show the caption overlay (Ctrl+Shift+O)")
        self.overlay_btn.toggled.connect(self.set_overlay_visible)
        for label, w in (
            ("Mic", self.device_box),
            (None, refresh),
            ("Model", self.model_box),
            ("Language", self.lang_box),
            ("Run on", self.compute_box),
        ):
            if label:
                lab = QLabel(label)
                lab.setBuddy(w)
                bar.addWidget(lab)
            bar.addWidget(w, 3 if w in (self.device_box, self.model_box) else 0)
        bar.addStretch(1)
        bar.addWidget(self.overlay_btn)
        root.addLayout(bar)

        self.banner = ErrorBanner()
        root.addWidget(self.banner)

        self.find_bar = QWidget()
        fl = QHBoxLayout(self.find_bar)
        fl.setContentsMargins(0, 0, 0, 0)
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("Find in transcript")
        self.find_edit.returnPressed.connect(lambda: self.find(1))
        prev_btn, next_btn, close_btn = QToolButton(), QToolButton(), QToolButton()
        prev_btn.setText("▲")
        next_btn.setText("▼")
        close_btn.setText("✕")
        prev_btn.clicked.connect(lambda: self.find(-1))
        next_btn.clicked.connect(lambda: self.find(1))
        close_btn.clicked.connect(self.find_bar.hide)
        self.find_status = QLabel()
        for w in (self.find_edit, prev_btn, next_btn, self.find_status, close_btn):
            fl.addWidget(w)
        self.find_bar.hide()
        root.addWidget(self.find_bar)

        self.view = TranscriptView(self.model)
        self.view.set_font_size(cfg.get(self.settings, "font_size"))
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
        self.live_btn.clicked.connect(self.view.jump_to_live)
        self.live_btn.hide()
        self.view.followingChanged.connect(lambda f: self.live_btn.setVisible(not f))
        self.setCentralWidget(central)

        sb = self.statusBar()
        self.level = QProgressBar()
        self.level.setRange(-60, 0)
        self.level.setValue(-60)
        self.level.setTextVisible(False)
        self.level.setFixedSize(110, 10)
        self.level.setToolTip("Input level")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFixedSize(90, 10)
        self.progress.hide()
        self.cancel_btn = QToolButton()
        self.cancel_btn.setText("Cancel")
        self.cancel_btn.clicked.connect(self.worker.cancel.set)
        self.cancel_btn.hide()
        self.state_label = QLabel("Ready")
        self.engine_label = QLabel("")
        self.perf_label = QLabel("")
        sb.setStyleSheet("QStatusBar::item { border: none; }")
        for lab in (self.state_label, self.engine_label, self.perf_label):
            lab.setContentsMargins(8, 0, 8, 0)
        sb.addWidget(self.level)
        sb.addWidget(self.progress)
        sb.addWidget(self.cancel_btn)
        sb.addWidget(self.state_label)
        sb.addWidget(self.engine_label, 1)
        sb.addPermanentWidget(self.perf_label)
        self._actions()
        self.refresh_devices()
        self._fill_models()

    def _actions(self) -> None:
        m = self.menuBar()
        file = m.addMenu("&File")
        self.export_actions = {}
        for fmt, label in (
            ("srt", "SubRip subtitles (.srt)"),
            ("vtt", "WebVTT (.vtt)"),
            ("txt", "Text with times (.txt)"),
            ("json", "JSON (.json)"),
        ):
            a = file.addAction(f"Export as {label}…", lambda f=fmt: self.export_dialog(f))
            self.export_actions[fmt] = a
        self.export_actions["srt"].setShortcut(QKeySequence.StandardKey.Save)
        file.addSeparator()
        file.addAction("Open recording…", self.open_recording)
        file.addSeparator()
        file.addAction("Quit", QKeySequence.StandardKey.Quit, self.close)
        edit = m.addMenu("&Edit")
        edit.addAction("Copy", QKeySequence.StandardKey.Copy, self.copy_selection)
        edit.addAction("Copy all", QKeySequence("Ctrl+Shift+C"), self.copy_all)
        edit.addAction("Find…", QKeySequence.StandardKey.Find, self.show_find)
        edit.addSeparator()
        edit.addAction("Clear transcript…", self.clear_transcript)
        view = m.addMenu("&View")
        view.addAction("Larger text", QKeySequence("Ctrl++"), lambda: self.zoom(1))
        view.addAction("Smaller text", QKeySequence("Ctrl+-"), lambda: self.zoom(-1))
        QShortcut(QKeySequence("Ctrl+="), self, lambda: self.zoom(1))
        view.addSeparator()
        self.overlay_action = QAction("Caption overlay", self, checkable=True)
        self.overlay_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.overlay_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # works from the overlay too
        self.overlay_action.toggled.connect(self.overlay_btn.setChecked)
        self.overlay_btn.toggled.connect(self.overlay_action.setChecked)
        view.addAction(self.overlay_action)
        presets = view.addMenu("Overlay colours")
        for name in PRESETS:
            presets.addAction(name, lambda n=name: self._overlay_style(preset=n))
        sizes = view.addMenu("Overlay text size")
        for pts in (24, 28, 30, 36, 44, 56):
            sizes.addAction(f"{pts} pt", lambda p=pts: self._overlay_style(points=p))
        self.click_action = QAction("Overlay click-through", self, checkable=True)
        self.click_action.toggled.connect(self._click_through)
        view.addAction(self.click_action)
        session = m.addMenu("&Session")
        session.addAction("Start / Stop", QKeySequence("Ctrl+R"), self.toggle)
        self.translate_action = QAction("Translate to English", self, checkable=True)
        self.translate_action.setToolTip("English captions for any spoken language (multilingual models)")
        session.addAction(self.translate_action)
        session.addAction("Vocabulary…", self.edit_vocabulary)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.toggle)
        QShortcut(QKeySequence(Qt.Key.Key_End), self, self.view.jump_to_live)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.find_bar, self.find_bar.hide)

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self._place_live_button()

    def _place_live_button(self) -> None:
        self.live_btn.adjustSize()
        vp = self.view.viewport().geometry()
        self.live_btn.move(vp.right() - self.live_btn.width() - 12, vp.bottom() - self.live_btn.height() - 10)

    # -- settings -------------------------------------------------------------------
    def _restore(self) -> None:
        s = self.settings
        self._select(self.lang_box, cfg.get(s, "language"))
        self._select(self.compute_box, cfg.get(s, "compute"))
        model = cfg.get(s, "model")
        if self.model_box.findData(model) < 0:
            self.model_box.insertItem(self.model_box.count() - 1, Path(model).name or model, model)
        self._select(self.model_box, model)
        dev = cfg.get(s, "device")
        if dev:
            i = self.device_box.findData(dev)
            if i < 0:  # remembered device is not plugged in now: keep it listed, marked
                self.device_box.addItem(f"{dev} (not found)", dev)
                i = self.device_box.count() - 1
            self.device_box.setCurrentIndex(i)
        geo = s.value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            self.resize(960, 620)
        ogeo = s.value("overlay/geometry")
        if ogeo is not None:
            self.overlay.restoreGeometry(ogeo)
        else:
            screen = QGuiApplication.primaryScreen().availableGeometry()
            self.overlay.setGeometry(screen.left() + (screen.width() - 900) // 2, screen.bottom() - 220, 900, 180)
        self.overlay.apply_style(cfg.get(s, "overlay/preset"), cfg.get(s, "overlay/points"))
        self.click_action.setChecked(cfg.get(s, "overlay/click_through"))
        self.translate_action.setChecked(cfg.get(s, "translate"))
        self.profile = cfg.get(s, "profile")
        if cfg.get(s, "overlay/visible"):
            self.overlay_btn.setChecked(True)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("device", self.device_box.currentData() or "")
        s.setValue("model", self.model_box.currentData() or "tiny.en")
        s.setValue("language", self.lang_box.currentData())
        s.setValue("compute", self.compute_box.currentData())
        s.setValue("font_size", self.view.font().pointSizeF())
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("overlay/geometry", self.overlay.saveGeometry())
        s.setValue("overlay/preset", self.overlay.preset)
        s.setValue("overlay/points", self.overlay.points)
        s.setValue("overlay/visible", self.overlay_btn.isChecked())
        s.setValue("overlay/click_through", self.overlay.click_through)
        s.setValue("translate", self.translate_action.isChecked())
        s.setValue("profile", self.profile)
        s.sync()

    @staticmethod
    def _select(box: QComboBox, data) -> None:
        i = box.findData(data)
        if i >= 0:
            box.setCurrentIndex(i)

    # -- pickers ----------------------------------------------------------------------
    def refresh_devices(self) -> None:
        from livecaption.audio import list_input_devices

        current = self.device_box.currentData()
        self.device_box.clear()
        self.device_box.addItem("Default", "")
        try:
            for d in list_input_devices():
                self.device_box.addItem(d.name + ("  (default)" if d.is_default else ""), d.name)
        except LivecaptionError as exc:
            self.banner.show_error(str(exc), "Retry", self.refresh_devices)
        if current:
            self._select(self.device_box, current)

    def _fill_models(self) -> None:
        """Bundled, installed, cached and local models, then hub models to download on request."""
        from livecaption.models import list_models
        from livecaption.userconfig import UserConfig

        self.model_box.clear()
        have = set()
        for m in list_models(UserConfig.load().local_models):
            label = Path(m.name).name if m.kind == "local" else m.name
            self.model_box.addItem(f"{label} ({m.kind})", m.name)
            self.model_box.setItemData(
                self.model_box.count() - 1, f"{m.languages}, {m.size_mb:.0f} MB, {m.path}", Qt.ItemDataRole.ToolTipRole
            )
            have.add(m.name)
        for name in HUB:
            if name not in have:
                self.model_box.addItem(f"{name} (download)", name)
        self.model_box.addItem("Local folder…", "__folder__")

    def _model_chosen(self, index: int) -> None:
        if self.model_box.itemData(index) != "__folder__":
            return
        folder = QFileDialog.getExistingDirectory(self, "CTranslate2 Whisper model folder")
        if folder:
            self.add_local_model(folder)
        else:
            self._select(self.model_box, "tiny.en")

    def add_local_model(self, folder: str) -> bool:
        from livecaption.models import check_model_folder
        from livecaption.userconfig import UserConfig

        try:
            check_model_folder(Path(folder))
            config = UserConfig.load()
            if folder not in config.local_models:
                config.local_models.append(folder)
                config.save()
        except LivecaptionError as exc:
            self.banner.show_error(
                str(exc), "Choose another folder", lambda: self._model_chosen(self.model_box.findData("__folder__"))
            )
            self._select(self.model_box, "tiny.en")
            return False
        self._fill_models()
        self._select(self.model_box, folder)
        return True

    # -- session ------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.engine is not None:
            self.stop()
        elif self.start_btn.text() == "Start":
            self.start()

    def start(self) -> None:
        self.banner.hide()
        self.save_settings()
        self.start_btn.setText("Starting…")
        self.start_btn.setEnabled(False)
        self.state_label.setText("Starting")
        self.max_stall_ms = 0.0
        vocabulary = self.vocabulary  # one read of the profiles file
        self.requestSession.emit(
            SessionRequest(
                input_file=self.input_file,
                realtime=self.realtime,
                mic=self.device_box.currentData() or None,
                model=self.model_box.currentData() or "tiny.en",
                device=self.compute_box.currentData(),
                language=self.lang_box.currentData(),
                task="translate" if self.translate_action.isChecked() else "transcribe",
                prompt=vocabulary.prompt,
                hotwords=vocabulary.hotwords,
            )
        )

    def stop(self) -> None:
        if self.engine is None:
            return
        self.state_label.setText("Finishing the last words…")
        self.start_btn.setEnabled(False)
        threading.Thread(target=self.engine.stop, daemon=True).start()  # PortAudio may block briefly

    def _on_loading(self, text: str) -> None:
        self.state_label.setText(text)
        self.progress.show()
        self.cancel_btn.setVisible(text.startswith("Downloading"))

    def _on_started(self, engine: Engine, desc: str) -> None:
        self.engine = engine
        self.progress.hide()
        self.cancel_btn.hide()
        self.start_btn.setText("Stop")
        self.start_btn.setEnabled(True)
        self.state_label.setText("Listening")
        self.engine_label.setText(desc)

    def _on_failed(self, message: str) -> None:
        self.progress.hide()
        self.cancel_btn.hide()
        self.start_btn.setText("Start")
        self.start_btn.setEnabled(True)
        self.state_label.setText("Not running")
        low = message.lower()
        if "device" in low or "microphone" in low or "portaudio" in low:
            self.banner.show_error(message, "Refresh microphones", self.refresh_devices)
        elif "model" in low:
            self.banner.show_error(message, "Use the bundled model", lambda: self._select(self.model_box, "tiny.en"))
        else:
            self.banner.show_error(message)

    def _on_engine_error(self, message: str) -> None:
        self.banner.show_error(message + " — captions so far are kept.", "Refresh microphones", self.refresh_devices)

    def _on_device(self, lost: bool, message: str) -> None:
        if lost:
            self.banner.show_error(message + ".", "Refresh microphones", self.refresh_devices)
        else:
            self.banner.hide()
            self.statusBar().showMessage(message, 6000)

    def _on_finished(self) -> None:
        self.engine = None
        self.start_btn.setText("Start")
        self.start_btn.setEnabled(True)
        self.state_label.setText("Stopped")
        self.level.setValue(-60)
        hooks, self.on_finished_hooks = self.on_finished_hooks, []
        for hook in hooks:
            hook()

    def _on_caption(self, caption: Caption) -> None:
        if self.view.isHidden():
            self.placeholder.hide()
            self.view.show()
            QTimer.singleShot(0, self._place_live_button)
        self.model.upsert(caption)
        self.overlay.show_caption(caption)
        if caption.final and caption.text:
            self.unsaved = True

    def _on_status(self, st: EngineStatus) -> None:
        if self.engine is None:
            return
        self.state_label.setText(STATE_TEXT.get(st.state, st.state.title()))
        parts = [f"{hms(st.position)}"]
        if st.language:
            parts.append(st.language)
        if st.latency is not None:
            parts.append(f"latency {st.latency:.1f} s")
        parts.append(f"RTF {st.rtf:.2f}")
        if st.backlog > 5:
            parts.append(f"behind by {st.backlog:.0f} s")
        if st.overflows:
            parts.append(f"{st.overflows} overflows")
        self.perf_label.setText(" · ".join(parts))

    def _on_level(self, db: float) -> None:
        self.level.setValue(int(max(-60, min(0, db))))

    # -- heartbeat: measures how long the event loop was ever blocked --------------------
    def _heartbeat(self) -> None:
        self._beat = time.perf_counter()
        self._beat_timer = QTimer(self)
        self._beat_timer.setInterval(10)
        self._beat_timer.timeout.connect(self._tick)
        self._beat_timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        stall = (now - self._beat) * 1000 - 10
        self._beat = now
        if self.engine is not None and stall > self.max_stall_ms:
            self.max_stall_ms = stall

    # -- vocabulary ------------------------------------------------------------------------------
    @property
    def vocabulary(self):
        from livecaption.userconfig import UserConfig, Vocabulary

        return UserConfig.load().profiles.get(self.profile, Vocabulary())

    def edit_vocabulary(self) -> None:
        from livecaption.gui.vocabulary import VocabularyDialog

        dlg = VocabularyDialog(self.profile, self)
        if dlg.exec():
            self.profile = dlg.save()
            self.settings.setValue("profile", self.profile)

    # -- crash recovery ----------------------------------------------------------------------
    def offer_restore(self) -> bool:
        """After a crash: offer the unfinished session's captions. True if restored."""
        from livecaption.journal import list_sessions, load, mark_recovered

        crashed = [s for s in list_sessions() if s.crashed and s.captions]
        if not crashed:
            return False
        info = crashed[-1]
        answer = QMessageBox.question(
            self, "Restore session?",
            f"The session started {info.started.replace('T', ' ')} did not finish ({info.captions} captions, "
            f"{hms(info.duration)}). Restore its transcript?",
        )  # fmt: skip
        for s in crashed:
            mark_recovered(s)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.restore_captions(load(info.id)[1])
        return True

    def restore_captions(self, captions: list[Caption]) -> None:
        for c in captions:
            c.id = 0  # restored captions never collide with a new session's ids
            self._on_caption(c)

    # -- transcript actions --------------------------------------------------------------------
    def _lines(self, rows) -> str:
        return "\n".join(f"[{hms(c.start)}] {c.text}" for c in rows)

    def copy_selection(self) -> None:
        rows = sorted(i.row() for i in self.view.selectedIndexes())
        caps = [self.model.captions[r] for r in rows] if rows else []
        if caps:
            QApplication.clipboard().setText(self._lines(caps))

    def copy_all(self) -> None:
        QApplication.clipboard().setText(self._lines(self.model.finals()))

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def find(self, direction: int) -> bool:
        needle = self.find_edit.text().strip().lower()
        caps = self.model.captions
        if not needle or not caps:
            return False
        cur = (
            self.view.currentIndex().row()
            if self.view.currentIndex().isValid()
            else (-1 if direction > 0 else len(caps))
        )
        n = len(caps)
        for k in range(1, n + 1):
            r = (cur + direction * k) % n
            if needle in caps[r].text.lower():
                self.view.following = False
                self.live_btn.show()
                idx = self.model.index(r)
                self.view.setCurrentIndex(idx)
                self.view.scrollTo(idx)
                self.find_status.setText(f"{hms(caps[r].start)}")
                return True
        self.find_status.setText("Not found")
        return False

    def zoom(self, step: int) -> None:
        size = min(40.0, max(8.0, self.view.font().pointSizeF() + step))
        self.view.set_font_size(size)
        self.settings.setValue("font_size", size)

    def clear_transcript(self) -> None:
        if not self.model.rowCount():
            return
        answer = QMessageBox.question(
            self, "Clear transcript", "Remove all captions from the window? Export first if you need them."
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.model.clear()
            self.unsaved = False

    # -- export -----------------------------------------------------------------------------------------
    def default_export_path(self, fmt: str) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        return Path(folder) / f"livecaption-{dt.datetime.now():%Y-%m-%d_%H%M}.{fmt}"

    def export_dialog(self, fmt: str = "srt") -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export transcript", str(self.default_export_path(fmt)), f"*.{fmt}")
        if path:
            self.export_to(path, fmt)

    def export_to(self, path: str, fmt: str | None = None) -> bool:
        """Everything final so far, also while a session runs."""
        try:
            out = save(self.model.finals(), path, fmt)
        except LivecaptionError as exc:
            self.banner.show_error(str(exc), "Choose another place", lambda: self.export_dialog(fmt or "srt"))
            return False
        self.unsaved = False
        self.statusBar().showMessage(f"Saved {out}", 5000)
        return True

    def open_recording(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Caption a recording",
            str(Path.home()),
            "Audio (*.wav *.flac *.mp3 *.ogg *.m4a *.opus);;All files (*)",
        )
        if path:
            self.input_file = path
            self.realtime = False
            self.start()

    # -- overlay ---------------------------------------------------------------------------------------------
    def set_overlay_visible(self, on: bool) -> None:
        if on:
            self.overlay.show()
            self.overlay.raise_()
            if self.overlay.note:
                self.statusBar().showMessage(self.overlay.note, 8000)
        else:
            self.settings.setValue("overlay/geometry", self.overlay.saveGeometry())
            self.overlay.hide()

    def _overlay_style(self, preset: str | None = None, points: int | None = None) -> None:
        self.overlay.apply_style(preset or self.overlay.preset, points or self.overlay.points)

    def _click_through(self, on: bool) -> None:
        self.overlay.set_click_through(on)
        if on:
            self.statusBar().showMessage(
                "Overlay ignores the mouse; turn it off from View → Overlay click-through.", 6000
            )

    # -- closing -----------------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.engine is not None:  # keep the tail: stop and wait for the last captions
            engine = self.engine
            engine.stop()
            deadline = time.monotonic() + 60
            while not engine.finished.is_set() and time.monotonic() < deadline:
                QApplication.processEvents()
                time.sleep(0.01)
            QApplication.processEvents()
        if self.unsaved and not getattr(self, "automation", False):
            answer = QMessageBox.question(
                self, "Save transcript?", "Save the captions of this session before closing?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            )  # fmt: skip
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save:
                path, _ = QFileDialog.getSaveFileName(
                    self, "Export transcript", str(self.default_export_path("srt")), "*.srt"
                )
                if not path or not self.export_to(path):
                    event.ignore()
                    return
        self.save_settings()
        self.overlay.close()
        self.worker_thread.quit()
        self.worker_thread.wait(5000)
        event.accept()
        print(f"livecaption: longest GUI event-loop stall during sessions: {self.max_stall_ms:.0f} ms", file=sys.stderr)
