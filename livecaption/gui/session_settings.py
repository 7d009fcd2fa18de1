"""Session → Settings…: speed and accuracy options, the same as the command line's."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
)

from livecaption.config import SessionConfig, default_threads
from livecaption.gui import settings as cfg
from livecaption.gui.host import MenuActions
from livecaption.gui.toolbar import BUNDLED, Toolbar
from livecaption.gui.voices import RememberedVoices
from livecaption.storage.userconfig import UserConfig


def _spin(lo: float, hi: float, step: float, decimals: int, suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    return box


class SessionSettingsDialog(QDialog):
    def __init__(self, settings: QSettings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Session settings")
        self.settings = settings
        self.beam = QSpinBox()
        self.beam.setRange(1, 10)
        self.context = _spin(0, 24, 1, 0, " s")
        self.early = QCheckBox("Show tentative words at the first short pause")
        self.chunk = _spin(1, 10, 0.5, 1, " s")
        self.vad = _spin(0.05, 0.95, 0.05, 2)
        self.threads = QSpinBox()
        self.threads.setRange(0, 64)
        self.threads.setSpecialValueText(f"Automatic ({default_threads()})")
        days = UserConfig.load().audio_keep_days
        self.keep_audio = QCheckBox(f"Keep the session's audio for {days:g} days")
        self.settle = QCheckBox("Read the audio again behind the live captions, as a recording is read")
        self.settle_model = QComboBox()
        self.settle_model.addItem("Automatic: base where this computer keeps up", "auto")
        self.settle_model.addItem("The session's model", "")
        for m in _installed_models():
            self.settle_model.addItem(m, m)
        self.settle.toggled.connect(self.settle_model.setEnabled)
        self.speakers = QCheckBox("Tell voices apart: Speaker 1, Speaker 2… (rename them in Session → Speakers…)")
        self.label_mic = QLineEdit()
        self.label_system = QLineEdit()
        for box in (self.label_mic, self.label_system):
            box.setMaxLength(40)
        form = QFormLayout(self)
        rows = (
            ("&Beam size", self.beam, "Search width for final captions; 1 is fastest, 5 is the default"),
            ("&Context", self.context, "Recent speech each pass reads again for accuracy; 0 turns it off"),
            ("&Early partials", self.early, "Off: words every few seconds and at sentence ends, less compute"),
            ("C&hunk length", self.chunk, "How much speech is decoded at a time within a long sentence"),
            ("&Speech threshold", self.vad, "Speech probability that counts as speech; raise it in noisy rooms"),
            ("&Threads", self.threads, "CPU threads for Whisper"),
            (
                "&Audio",
                self.keep_audio,
                "Kept beside the transcript so the last words survive a crash and "
                "File → Improve transcript can read the session again; deleted with the session",
            ),
            (
                "Settled &transcript",
                self.settle,
                "A few tens of seconds behind, settled text replaces the live captions in the transcript, the "
                "shared page and every export; the overlay keeps showing live captions",
            ),
            (
                "Settle &model",
                self.settle_model,
                "The model that settles the transcript: a larger one is more accurate if this computer keeps up",
            ),
            (
                "S&peakers",
                self.speakers,
                "Each voice gets a label of its own; with Microphone + system audio the microphone stays your "
                "label and what the computer plays is split into its voices",
            ),
            (
                "&Your label",
                self.label_mic,
                "With Microphone + system audio: the name before what the microphone hears",
            ),
            (
                "Ot&hers' label",
                self.label_system,
                "With Microphone + system audio: the name before what the computer plays",
            ),
        )
        for label, widget, help_text in rows:
            widget.setAccessibleName(label.replace("&", ""))
            widget.setAccessibleDescription(help_text)
            widget.setToolTip(help_text)
            form.addRow(label, widget)
        note = QLabel("Used from the next Start.")
        form.addRow(note)
        self.voices = RememberedVoices(lambda: getattr(parent, "engine", None), self)
        form.addRow("Remembered voices", self.voices)  # each forgotten at once, whatever the dialog's buttons
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._defaults)
        form.addRow(buttons)
        self._show(lambda key: cfg.get(settings, _key(key)))
        self.settle_model.setEnabled(self.settle.isChecked())

    def _widgets(self) -> dict:
        return {"beam_size": self.beam, "context_s": self.context, "early_partials": self.early,
                "chunk_s": self.chunk, "vad_threshold": self.vad, "threads": self.threads,
                "keep_audio": self.keep_audio, "settle": self.settle, "settle_model": self.settle_model,
                "speakers": self.speakers, "labels/mic": self.label_mic,
                "labels/system": self.label_system}  # fmt: skip

    def _show(self, value) -> None:
        for key, w in self._widgets().items():
            if isinstance(w, QCheckBox):
                w.setChecked(value(key))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value(key))))
            elif isinstance(w, QLineEdit):
                w.setText(value(key))
            else:
                w.setValue(value(key))

    def _defaults(self) -> None:
        self._show(lambda key: cfg.DEFAULTS[_key(key)])

    def save(self) -> None:
        for key, w in self._widgets().items():
            value: object
            if isinstance(w, QCheckBox):
                value = w.isChecked()
            elif isinstance(w, QComboBox):
                value = w.currentData()
            elif isinstance(w, QLineEdit):
                value = w.text().strip() or cfg.DEFAULTS[key]  # an empty label would hide who spoke
            else:
                value = w.value()
            self.settings.setValue(_key(key), value)


def _installed_models() -> list[str]:
    """Models that need no download (a settle model is loaded when a session starts)."""
    from livecaption.whisper.models import list_models

    return [m.name for m in list_models(UserConfig.load().local_models)]


def _key(key: str) -> str:
    return key if "/" in key else f"session/{key}"


def session_options(settings: QSettings) -> dict:
    """SessionConfig fields from the saved settings."""
    options = {key: cfg.get(settings, f"session/{key}") for key in cfg.SESSION_KEYS}
    options["settle_model"] = options["settle_model"] or None  # "": the session's own model
    return options


class ConfigHost(Protocol):
    """The window's choices that make a session."""

    toolbar: Toolbar
    menu_actions: MenuActions
    settings: QSettings
    profile: str
    input_file: str | None  # a recording to caption instead of the microphone
    realtime: bool


def config_for(win: ConfigHost) -> SessionConfig:
    """The session the window's toolbar, vocabulary and Session → Settings describe."""
    from livecaption.vocabulary import saved

    tb, vocabulary = win.toolbar, saved(win.profile)  # one read of the profiles file
    capture, mic = tb.capture()
    labels = (cfg.get(win.settings, "labels/mic"), cfg.get(win.settings, "labels/system"))
    return SessionConfig(
        input_file=win.input_file,
        realtime=win.realtime,
        mic=mic,
        capture=capture,
        labels=labels if capture == "both" and not win.input_file else None,
        model=tb.model_box.currentData() or BUNDLED,
        device=tb.compute_box.currentData(),
        language=tb.lang_box.currentData(),
        task=win.menu_actions.task(),
        prompt=vocabulary.prompt,
        hotwords=vocabulary.all_hotwords,
        **session_options(win.settings),
    )
