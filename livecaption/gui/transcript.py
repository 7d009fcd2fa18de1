"""The transcript view: follows the live end, and keeps the reader's place when settled text
replaces live rows above it.

A model/view (not a growing text widget) keeps it smooth with tens of thousands
of captions. Partials are updated in place and replaced by their final.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QFont, QFontMetrics, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from livecaption.captions import Caption, hms
from livecaption.gui.transcript_model import CaptionRole, TranscriptModel

__all__ = ["CaptionRole", "TranscriptModel", "TranscriptView"]


class CaptionDelegate(QStyledItemDelegate):
    """Time in a muted column, text wrapped beside it; partials in italics, dimmed.

    The space between rows grows with the text size (View → Larger text), so large type stays easy to follow.
    """

    def __init__(self, model: TranscriptModel, parent=None) -> None:
        super().__init__(parent)
        self._model = model
        # A row's height is measured once per text, width and font, so re-measuring every
        # row of an 8-hour transcript (7000 rows) after a resize stays quick.
        self._sig: int | None = None  # the width measured for; font changes call reset()
        self._heights: dict[str, int] = {}
        self._width = 100
        self._metrics: QFontMetrics | None = None
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

    def on_label(self, option, row: int, pos: QPoint) -> bool:
        """Whether `pos` is on the row's speaker label (its first words, "Speaker 1: ")."""
        c = self._model.captions[row]
        text, _ = self._model.shown(row)
        if not c.speaker or not text.endswith(c.labelled()):
            return False
        box, metrics = self.text_box(option), QFontMetrics(self._fonts(option)[0])
        label = text[: len(text) - len(c.labelled())] + f"{c.speaker}: "
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
        option.font = self.parent().font()
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
        playing = self._model.playing is not None and (c.source, c.id) == self._model.playing
        mark = " ▶" if playing else " ✎" if self._model.edited(index.row()) else ""  # quiet: a glyph, no colour
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


class TranscriptView(QTableView):
    """Follows new captions unless the user scrolled back; `following` says which.

    A one-column table rather than a list view: a QListView with rows of different
    heights lays out every row each time one is added (benchmarks/README.md, 'Long
    sessions'), while a table keeps each row's height in its vertical header, set once
    when the row arrives or changes. Only a new width or font measures all rows again.
    """

    followingChanged = Signal(bool)
    speakerActivated = Signal(str)  # a double-click on a line's speaker label: name that speaker

    def __init__(self, model: TranscriptModel) -> None:
        super().__init__()
        self.setModel(model)
        self.delegate = CaptionDelegate(model, self)
        self.setItemDelegate(self.delegate)
        self.setWordWrap(True)
        self.setShowGrid(False)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setMinimumSectionSize(1)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # heights are set here, per row
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)  # F2; Enter and double-click below
        self.following = True
        self._auto = False
        self._measured_width = -1
        model.rowsInserted.connect(self._on_rows)
        model.dataChanged.connect(lambda top, bottom, *_: self._on_rows(None, top.row(), bottom.row()))
        model.dataChanged.connect(lambda top, bottom, *_: self._renamed(top.row(), bottom.row()))
        model.modelReset.connect(self._measure_all)
        model.revising.connect(self._hold_place)
        model.revised.connect(self._keep_place)
        self._anchor: tuple[int, int] | None = None  # (caption id, its top in the viewport) over a revision
        self.verticalScrollBar().valueChanged.connect(self._on_scroll)

    def _row_width(self) -> int:
        return self.viewport().width()

    def mouseDoubleClickEvent(self, e) -> None:
        """On the speaker label: name the speaker; on the text of a final line: edit it in place."""
        index = self.indexAt(e.position().toPoint())
        if not index.isValid():
            return super().mouseDoubleClickEvent(e)
        option = QStyleOptionViewItem()
        option.font, option.rect = self.font(), self.visualRect(index)
        model: TranscriptModel = self.model()
        speaker = model.captions[index.row()].speaker
        if speaker and (self.delegate.on_label(option, index.row(), e.position().toPoint()) or not model.editable(index.row())):
            self.speakerActivated.emit(speaker)
        elif model.editable(index.row()):
            self.setCurrentIndex(index)
            self.edit(index)

    def keyPressEvent(self, e) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != QAbstractItemView.State.EditingState:
            self.edit_current()
            return
        super().keyPressEvent(e)

    def edit_current(self) -> bool:
        """Open the current line (the selected one) for editing, if it is a final line of this session."""
        index = self.currentIndex()
        if not index.isValid() or not self.model().editable(index.row()):
            return False
        self.scrollTo(index)
        return self.edit(index, QAbstractItemView.EditTrigger.AllEditTriggers, None)

    def _renamed(self, first: int, last: int) -> None:
        """Tell screen readers a row's text changed (a partial grew, or became final): Qt's AT-SPI
        bridge does not, so without this they keep reading the first words of a caption."""
        if not QAccessible.isActive() or self.model().quiet:  # settled text is not news to a listener
            return
        table = QAccessible.queryAccessibleInterface(self)
        for row in range(first, last + 1):
            cell = table.child(3 + 2 * row)  # the corner, the column header, then (row header, cell) per row
            if cell is not None and cell.role() == QAccessible.Role.Cell:
                QAccessible.updateAccessibility(QAccessibleEvent(cell, QAccessible.Event.NameChanged))

    def _on_rows(self, _parent, first: int, last: int) -> None:
        rows, width = self.verticalHeader(), self._row_width()
        for row in range(first, last + 1):
            rows.resizeSection(row, self.delegate.height_for(row, width))
        if self.following:
            self._auto = True
            self.updateGeometries()  # the scroll range must include the new height first
            self.scrollToBottom()
            self._auto = False

    def _hold_place(self) -> None:
        row = self.rowAt(0)
        self._anchor = None if self.following or row < 0 else (self.model().captions[row].id, self.rowViewportPosition(row))

    def _keep_place(self) -> None:
        """The row that was at the top of the viewport (or the settled row now in its place) stays where it was."""
        anchor, self._anchor = self._anchor, None
        if anchor is None:
            return
        model: TranscriptModel = self.model()
        cid, top = anchor
        row = model.row_of(cid)
        if row is None and cid in model.forwarded:
            row = model.row_of(model.forwarded[cid])
        if row is None:
            return
        self.updateGeometries()
        self._auto = True
        self.verticalScrollBar().setValue(self.verticalHeader().sectionPosition(row) - top)
        self._auto = False

    def _measure_all(self) -> None:
        self._measured_width = self._row_width()
        self.delegate.reset()
        n = self.model().rowCount()
        if n:
            self._on_rows(None, 0, n - 1)

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        if self._row_width() != self._measured_width:
            self._measure_all()

    def _on_scroll(self, value: int) -> None:
        if self._auto:
            return
        at_end = value >= self.verticalScrollBar().maximum() - 4
        if at_end != self.following:
            self.following = at_end
            self.followingChanged.emit(at_end)

    def copy_selection(self) -> None:
        rows = sorted({i.row() for i in self.selectedIndexes()})
        if rows:
            QApplication.clipboard().setText(_lines(self.model().captions[r] for r in rows))

    def copy_all(self) -> None:
        QApplication.clipboard().setText(_lines(self.model().finals()))

    def stop_following(self) -> None:
        if self.following:
            self.following = False
            self.followingChanged.emit(False)

    def jump_to_live(self) -> None:
        self.following = True
        self.followingChanged.emit(True)
        self._auto = True
        self.scrollToBottom()
        self._auto = False

    def set_font_size(self, points: float) -> None:
        f = self.font()
        f.setPointSizeF(points)
        self.setFont(f)
        self._measure_all()

    def changeEvent(self, e) -> None:
        super().changeEvent(e)
        if e.type() == QEvent.Type.FontChange:
            self._measure_all()


def _lines(captions) -> str:
    return "\n".join(f"[{hms(c.start)}] {c.labelled()}" + (f"\n           {c.translation}" if c.translation else "")
                     for c in captions)  # fmt: skip
