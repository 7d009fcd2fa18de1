"""View → Overlay settings…: colours, type, lines, edge, background and position of the overlay, previewed live."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFontComboBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from livecaption.gui import a11y
from livecaption.gui.contrast import min_opacity, worst_contrast
from livecaption.gui.overlay import DOCKS, EDGES, PRESETS, CaptionOverlay, OverlayStyle


class OverlaySettingsDialog(QDialog):
    def __init__(self, overlay: CaptionOverlay, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Overlay settings")
        self.overlay = overlay
        self.before = overlay.style_
        self.before_speakers = overlay.show_speakers
        st = overlay.style_
        form = QFormLayout(self)
        self.preset = QComboBox()
        for name in PRESETS:
            self.preset.addItem(name, name)
        self.preset.setCurrentIndex(self.preset.findData(st.preset))
        self.points = QSpinBox()
        self.points.setRange(12, 96)
        self.points.setSuffix(" pt")
        self.points.setValue(st.points)
        self.font_box = QFontComboBox()
        self.font_box.setCurrentFont(QFont(st.font) if st.font else overlay.font())
        self.lines = QSpinBox()
        self.lines.setRange(1, 5)
        self.lines.setValue(st.lines)
        self.edge = QComboBox()
        for key, label in EDGES.items():
            self.edge.addItem(label, key)
        self.edge.setCurrentIndex(self.edge.findData(st.edge))
        self.opacity = QSpinBox()
        self.opacity.setSuffix(" %")
        self.opacity.setSingleStep(5)
        self.dock = QComboBox()
        for key, label in DOCKS.items():
            self.dock.addItem(label, key)
        self.dock.setCurrentIndex(self.dock.findData(st.dock))
        self.speakers = QCheckBox("Show who is speaking (You: / Others:)")
        self.speakers.setChecked(overlay.show_speakers)
        rows = (
            ("&Colours", self.preset, "Text and background colours; each keeps a contrast of at least 7 to 1"),
            ("Text &size", self.points, "Size of the caption text, in points"),
            ("&Font", self.font_box, "The typeface of the captions"),
            ("&Lines", self.lines, "How many lines of captions the overlay shows, 1 to 5"),
            ("&Edge of letters", self.edge, "An outline or shadow around the letters keeps them readable on anything"),
            ("&Background", self.opacity, "How solid the background is; see-through only as far as contrast allows"),
            ("&Position", self.dock, "Docked at the bottom centre of the screen, or where you drag it"),
        )
        for label, widget, description in rows:
            a11y.name(widget, label.replace("&", ""), description)
            widget.setToolTip(description)
            form.addRow(label, widget)
        form.addRow("", self.speakers)
        a11y.name(self.speakers, "Show who is speaking", "With microphone and system audio, each line says who spoke")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._limit_opacity()
        self.opacity.setValue(st.opacity)
        for signal in (self.preset.currentIndexChanged, self.points.valueChanged, self.font_box.currentFontChanged,
                       self.lines.valueChanged, self.edge.currentIndexChanged, self.opacity.valueChanged,
                       self.dock.currentIndexChanged, self.speakers.toggled):  # fmt: skip
            signal.connect(self.preview)

    def _limit_opacity(self) -> None:
        self.opacity.setRange(min_opacity(*PRESETS[self.preset.currentData()]), 100)

    def chosen(self) -> OverlayStyle:
        return OverlayStyle(
            preset=self.preset.currentData(),
            points=self.points.value(),
            lines=self.lines.value(),
            font=self.font_box.currentFont().family(),
            edge=self.edge.currentData(),
            opacity=self.opacity.value(),
            dock=self.dock.currentData(),
        )

    def contrast(self) -> float:
        fg, bg = PRESETS[self.preset.currentData()]
        return worst_contrast(fg, bg, self.opacity.value() / 100)

    def preview(self, *_args) -> None:
        self._limit_opacity()
        self.overlay.set_style(self.chosen())
        self.overlay.set_show_speakers(self.speakers.isChecked())

    def reject(self) -> None:
        self.overlay.set_style(replace(self.before))
        self.overlay.set_show_speakers(self.before_speakers)
        super().reject()
