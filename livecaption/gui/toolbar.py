"""The row of controls above the transcript: Start, and the microphone, model, language and device pickers."""

from __future__ import annotations

import itertools
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from livecaption.errors import LivecaptionError
from livecaption.gui import a11y

_SPOKEN = [("English", "en"), ("Korean", "ko"), ("Japanese", "ja"), ("Chinese", "zh"), ("German", "de"),
           ("French", "fr"), ("Spanish", "es"), ("Italian", "it"), ("Portuguese", "pt"), ("Dutch", "nl"),
           ("Russian", "ru"), ("Polish", "pl"), ("Turkish", "tr"), ("Arabic", "ar"), ("Hindi", "hi")]  # fmt: skip
# Each language alone, and with English (a lecture with English terms and questions): detected among the two.
LANGUAGES = [("Auto-detect", "auto"), _SPOKEN[0]] + [
    item for name, code in _SPOKEN[1:] for item in ((name, code), (f"{name} + English", f"{code},en"))
]
COMPUTE = [("Auto", "auto"), ("CPU", "cpu"), ("GPU", "cuda")]  # CUDA: the tooltip says so
HUB = ["tiny", "base", "small", "medium", "large-v3", "large-v3-turbo", "distil-large-v3"]
BUNDLED = "tiny.en"
FOLDER = "__folder__"
SYSTEM = "__system__"  # the input picker's system audio choices (not device names)
BOTH = "__both__"
CAPTURE = {SYSTEM: "system", BOTH: "both"}


class State(StrEnum):
    """Where the window's session is: the window keeps it, the Start button and the tray show it."""

    IDLE = "idle"
    STARTING = "starting"  # the model loads; Start is disabled
    RUNNING = "running"
    FINISHING = "finishing"  # the last words are transcribed (and settled) after Stop


# The Start button in each state: its text and whether it can be pressed.
BUTTON = {State.IDLE: ("Start", True), State.STARTING: ("Starting…", False), State.RUNNING: ("Stop", True),
          State.FINISHING: ("Stop", False)}  # fmt: skip


def _combo(name: str, tooltip: str, min_chars: int, max_width: int | None = None) -> QComboBox:
    """A picker that shrinks to `min_chars` at 800 px and, with max_width, grows on wide screens."""
    box = QComboBox()
    a11y.name(box, name, tooltip)
    box.setToolTip(tooltip)
    box.setMinimumContentsLength(min_chars)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    if max_width:
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        box.setMaximumWidth(max_width)
    return box


def select(box: QComboBox, data) -> bool:
    i = box.findData(data)
    if i >= 0:
        box.setCurrentIndex(i)
    return i >= 0


class Toolbar(QWidget):
    failed = Signal(object, object)  # LivecaptionError, (button text, handler) to offer
    stateChanged = Signal(object)  # State: idle, starting, running, finishing

    def __init__(self) -> None:
        super().__init__()
        self.start_btn = QPushButton("Start")
        self.start_btn.setToolTip("Start or stop captioning (Space, Ctrl+R)")
        a11y.name(self.start_btn, "Start or stop captioning", "Starts captioning the chosen input, or stops it (Space)")
        self.start_btn.setMinimumWidth(76)
        self.start_btn.setDefault(True)
        self.device_box = _combo(
            "Input",
            "Where the sound comes from: a microphone, what the computer plays (a call, a video), or both "
            "(each line then says who: You or Others)",
            6,
            max_width=420,
        )
        self.refresh_btn = QToolButton()
        self.refresh_btn.setText("⟳")
        a11y.name(self.refresh_btn, "Refresh inputs", "Looks again for microphones plugged in or removed")
        self.refresh_btn.setToolTip("Refresh the list of microphones")
        self.refresh_btn.clicked.connect(self.refresh_devices)
        self.model_box = _combo("Model", "The Whisper model that transcribes: larger is more accurate and slower", 17, max_width=320)
        self.model_box.activated.connect(self._model_activated)
        self.lang_box = _combo("Spoken language", "The language people speak, or Auto-detect", 11)
        for name, code in LANGUAGES:
            self.lang_box.addItem(name, code)
        self.compute_box = _combo("Run on", "Compute device: Auto uses a CUDA GPU when one works, else the CPU", 4)
        for name, code in COMPUTE:
            self.compute_box.addItem(name, code)
        self.overlay_btn = QToolButton()
        self.overlay_btn.setText("Overlay")
        self.overlay_btn.setCheckable(True)
        self.overlay_btn.setToolTip("Show the caption overlay (Ctrl+Shift+O)")
        a11y.name(self.overlay_btn, "Caption overlay", "Shows captions in large type over other windows (Ctrl+Shift+O)")
        self.groups: list[list[QWidget]] = []
        for label, w in (("&Input", self.device_box), (None, self.refresh_btn), ("Mo&del", self.model_box),
                         ("&Language", self.lang_box), ("Run &on", self.compute_box)):  # fmt: skip
            group: list[QWidget] = [w]
            if label:
                lab = QLabel(label)
                lab.setBuddy(w)
                group.insert(0, lab)
            self.groups.append(group)
        self.wide: bool | None = None
        self.root = self._arrange(True)
        self.wide_width = self.root.minimumSize().width()  # below it, the pickers go to a second row
        self.root = self._arrange(False)
        self.setMinimumWidth(self.root.minimumSize().width())

    def _arrange(self, wide: bool) -> QVBoxLayout:
        """One row when the window is wide enough, else two: Start, input and overlay above the model,
        language and compute pickers, so that at 800 px (or 2x scale) nothing is clipped. Returns the layout."""
        if wide == self.wide:
            return self.root
        self.wide = wide
        old = self.layout()
        if old is not None:
            while old.count():
                item = old.takeAt(0)
                rows = item.layout() if item is not None else None
                if rows is not None:
                    while rows.count():
                        rows.takeAt(0)
            QWidget().setLayout(old)  # a widget takes only one layout: hand the old one away
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(6)
        first, second = QHBoxLayout(), QHBoxLayout()
        for row in (first, second):
            row.setSpacing(6)
        first.addWidget(self.start_btn)
        for i, group in enumerate(self.groups):
            row = first if wide or i < 2 else second
            for w in group:
                row.addWidget(w, 3 if w in (self.device_box, self.model_box) else 0)
        first.addStretch(1)
        first.addWidget(self.overlay_btn)
        root.addLayout(first)
        if not wide:
            second.addStretch(1)
            root.addLayout(second)
        # Keyboard order follows the rows: left to right, then the next row.
        order = [self.start_btn, *[w for g in self.groups for w in g if w.focusPolicy() != Qt.FocusPolicy.NoFocus]]
        if wide:
            order.append(self.overlay_btn)
        else:
            order.insert(3, self.overlay_btn)
        for a, b in itertools.pairwise(order):
            QWidget.setTabOrder(a, b)
        return root

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self.root = self._arrange(e.size().width() >= self.wide_width)

    def refresh_devices(self) -> None:
        from livecaption.audio.portaudio import list_input_devices

        current = self.device_box.currentData()
        self.device_box.clear()
        self.device_box.addItem("Default", "")
        try:
            for d in list_input_devices():
                self.device_box.addItem(d.name + ("  (default)" if d.is_default else ""), d.name)
        except LivecaptionError as exc:
            self.failed.emit(exc, ("Retry", self.refresh_devices))
        self.device_box.insertSeparator(self.device_box.count())
        self.device_box.addItem("System audio (what you hear)", SYSTEM)
        self.device_box.addItem("Microphone + system audio", BOTH)
        tips = {SYSTEM: "What the computer plays: the other side of a call, a video. Works with headphones.",
                BOTH: "The default microphone (You) and what the computer plays (Others), each line labelled"}  # fmt: skip
        for data, tip in tips.items():
            self.device_box.setItemData(self.device_box.findData(data), tip, Qt.ItemDataRole.ToolTipRole)
        if current:
            select(self.device_box, current)

    def capture(self) -> tuple[str, str | None]:
        """(mic | system | both, the microphone's name or None for the default)."""
        data = self.device_box.currentData() or ""
        if data in CAPTURE:
            return CAPTURE[data], None
        return "mic", data or None

    def keep_device(self, name: str) -> None:
        """Select the remembered device, listed as not found when it is not plugged in now."""
        if name and not select(self.device_box, name):
            self.device_box.addItem(f"{name} (not found)", name)
            self.device_box.setCurrentIndex(self.device_box.count() - 1)

    def fill_models(self) -> None:
        """Bundled, installed, cached and local models, then hub models to download on request."""
        from livecaption.storage.userconfig import UserConfig
        from livecaption.whisper.models import list_models

        self.model_box.clear()
        have = set()
        for m in list_models(UserConfig.load().local_models):
            label = Path(m.name).name if m.kind == "local" else m.name
            self.model_box.addItem(f"{label} ({m.kind})", m.name)
            tip = f"{m.languages}, {m.size_mb:.0f} MB, {m.path}"
            self.model_box.setItemData(self.model_box.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
            have.add(m.name)
        for name in HUB:
            if name not in have:
                self.model_box.addItem(f"{name} (download)", name)
        self.model_box.addItem("Local folder…", FOLDER)

    def keep_model(self, model: str) -> None:
        if self.model_box.findData(model) < 0:
            self.model_box.insertItem(self.model_box.count() - 1, Path(model).name or model, model)
        select(self.model_box, model)

    def _model_activated(self, index: int) -> None:
        if self.model_box.itemData(index) == FOLDER:
            self.choose_model_folder()

    def choose_model_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "CTranslate2 Whisper model folder")
        if folder:
            self.add_local_model(folder)
        else:
            select(self.model_box, BUNDLED)

    def add_local_model(self, folder: str) -> bool:
        """Remember a model folder and select it; False (and `failed`) when it is not one."""
        from livecaption.storage.userconfig import UserConfig
        from livecaption.whisper.models import check_model_folder

        try:
            check_model_folder(Path(folder))
            config = UserConfig.load()
            if folder not in config.local_models:
                config.local_models.append(folder)
                config.save()
        except LivecaptionError as exc:
            select(self.model_box, BUNDLED)
            self.failed.emit(exc, ("Choose another folder", self.choose_model_folder))
            return False
        self.fill_models()
        select(self.model_box, folder)
        return True

    def set_state(self, state: State) -> None:
        """Show the window's state (it is never read back from the button)."""
        text, enabled = BUTTON[state]
        self.start_btn.setText(text)
        self.start_btn.setEnabled(enabled)
        self.stateChanged.emit(state)
