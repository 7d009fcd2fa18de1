"""How a transcript row looks and is edited: the time (and a mark: edited ✎, play ▷, playing ▶) in a
muted column, the text wrapped beside it; partials in italics; a final line's text edited in place."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QPen
from PySide6.QtWidgets import QLineEdit, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from livecaption.captions import Caption, hms
from livecaption.gui.transcript_model import CaptionRole, TranscriptModel


class CaptionDelegate(QStyledItemDelegate):
    """Time in a muted column, text wrapped beside it; partials in italics, dimmed.

    The space between rows grows with the text size (View → Larger text), so large type stays easy to follow.
    """

    def __init__(self, model: TranscriptModel, view: QWidget) -> None:
        super().__init__(view)
        self._model = model
        self._view = view
        # A row's height is measured once per text, width and font, so re-measuring every
        # row of an 8-hour transcript (7000 rows) after a resize stays quick.
        self._sig: int | None = None  # the width measured for; font changes call reset()
        self._heights: dict[tuple[str, str], int] = {}  # (text, translation under it) → height
        self._width = 100
        self._metrics = QFontMetrics(QFont())  # the text's, set with the width
        self._pad = 6

    def reset(self) -> None:
        self._sig = None

    def _fonts(self, option) -> tuple[QFont, QFont]:
        base = QFont(option.font)
        time_font = QFont(base)
        time_font.setFamily("DejaVu Sans Mono")
        time_font.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
        return base, time_font

    @staticmethod
    def pad(font: QFont) -> int:
        return max(4, round(QFontMetrics(font).height() * 0.3))

    def _time_width(self, option) -> int:
        _, tf = self._fonts(option)  # the time, and room for a mark: edited (✎) or playing (▶)
        return QFontMetrics(tf).horizontalAdvance("00:00:00 ▶") + 3 * self.pad(option.font)

    def text_box(self, option) -> QRect:
        """Where the row's text is drawn (and edited)."""
        r, pad = option.rect, self.pad(option.font)
        tw = self._time_width(option)
        return QRect(r.left() + tw, r.top() + pad, r.width() - tw - pad, r.height() - pad)

    def mark(self, option, index) -> str:
        """After the time: playing ▶, the play control ▷ under the pointer, edited ✎; quiet, no colour."""
        c = self._model.captions[index.row()]
        if self._model.playing is not None and (c.source, c.id) == self._model.playing:
            return " ▶"
        if option.state & QStyle.StateFlag.State_MouseOver and self._model.playable(index.row()):
            return " ▷"
        return " ✎" if self._model.edited(index.row()) else ""

    def on_play(self, option, pos: QPoint) -> bool:
        """Whether `pos` is on the row's play control (the mark after its time)."""
        r, pad = option.rect, self.pad(option.font)
        time_end = r.left() + pad + QFontMetrics(self._fonts(option)[1]).horizontalAdvance("00:00:00")
        return time_end <= pos.x() < r.left() + self._time_width(option) and pos.y() < r.top() + 3 * pad + 16

    def on_label(self, option, row: int, pos: QPoint) -> bool:
        """Whether `pos` is on the row's speaker label (its first words, "Speaker 1: ")."""
        c = self._model.captions[row]
        text, _ = self._model.shown(row)
        shown = f"{c.label}: "
        if not c.speaker or shown + c.text not in text:
            return False
        box, metrics = self.text_box(option), QFontMetrics(self._fonts(option)[0])
        label = text[: text.index(shown + c.text)] + shown
        return box.left() <= pos.x() <= box.left() + metrics.horizontalAdvance(label) and pos.y() <= box.top() + metrics.height()

    # -- editing: a final line's text in place (Enter keeps it, Esc drops it) ----------------------
    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setAccessibleName("Edit line")
        editor.setAccessibleDescription("Enter keeps your text, Escape drops it; Ctrl+Z undoes an edit")
        return editor

    def setEditorData(self, editor, index) -> None:
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor, model, index) -> None:
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor, option, index) -> None:
        box = self.text_box(option)
        editor.setGeometry(box.left() - 2, option.rect.top(), box.width() + 2, max(option.rect.height(), editor.sizeHint().height()))

    def height_for(self, row: int, width: int) -> int:
        """Height of `row` in a view `width` pixels wide (cached per text while width and font hold)."""
        option = QStyleOptionViewItem()
        option.font = self._view.font()
        option.rect = QRect(0, 0, width, 0)
        return self._height(*self._model.shown(row), option)

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        return QSize(option.rect.width(), self._height(*self._model.shown(index.row()), option))

    def _text_height(self, text: str) -> int:
        rect = self._metrics.boundingRect(QRect(0, 0, self._width, 100000), int(Qt.TextFlag.TextWordWrap), text)
        return rect.height()

    def _height(self, text: str, under: str, option: QStyleOptionViewItem) -> int:
        sig = option.rect.width()
        if sig != self._sig:
            self._sig, self._heights = sig, {}
            self._pad = self.pad(option.font)
            self._width = max(100, option.rect.width() - self._time_width(option) - self._pad)
            self._metrics = QFontMetrics(self._fonts(option)[0])
        height = self._heights.get((text, under))
        if height is None:  # a translation is one more wrapped paragraph under the text
            lines = self._text_height(text) + (self._text_height(under) if under else 0)
            height = self._heights[(text, under)] = lines + 2 * self._pad
        return height

    def paint(self, painter, option: QStyleOptionViewItem, index) -> None:
        c: Caption = index.data(CaptionRole)
        painter.save()
        pal = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, pal.highlight())
        base, tf = self._fonts(option)
        tw, pad = self._time_width(option), self.pad(option.font)
        r = option.rect
        if self._model.is_pending(c):  # not settled yet: a quiet dotted edge, no colour, no motion
            painter.setPen(QPen(pal.color(QPalette.ColorRole.PlaceholderText), 2, Qt.PenStyle.DotLine))
            painter.drawLine(r.left() + 1, r.top() + pad, r.left() + 1, r.bottom() - pad)
        if option.state & QStyle.StateFlag.State_HasFocus:  # the keyboard's place, visible in any theme
            painter.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2))
            painter.drawRect(r.adjusted(1, 1, -1, -1))
        text_color = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        painter.setFont(tf)
        painter.setPen(text_color if selected else muted)
        mark = self.mark(option, index)
        painter.drawText(
            QRect(r.left() + pad, r.top() + pad, tw, r.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            hms(c.start) + mark,
        )
        if not c.final:
            base.setItalic(True)
            text_color = muted
        painter.setFont(base)
        painter.setPen(text_color)
        text, under = self._model.shown(index.row())
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
        box = self.text_box(option)
        used = painter.drawText(box, flags, text)
        if under:  # the translation: its own paragraph, quieter (italic, muted) than what was said
            base.setItalic(True)
            painter.setFont(base)
            painter.setPen(text_color if selected else muted)
            painter.drawText(box.adjusted(0, used.height(), 0, 0), flags, under)
        painter.restore()
