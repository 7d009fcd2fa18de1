"""The transcript view: follows the live end, and keeps the reader's place when settled text
replaces live rows above it.

A model/view (not a growing text widget) keeps it smooth with tens of thousands
of captions. Partials are updated in place and replaced by their final.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyleOptionViewItem,
    QTableView,
)

from livecaption.captions import Caption, hms
from livecaption.gui.caption_delegate import CaptionDelegate
from livecaption.gui.transcript_model import CaptionRole, TranscriptModel

__all__ = ["CaptionRole", "TranscriptModel", "TranscriptView"]


class TranscriptView(QTableView):
    """Follows new captions unless the user scrolled back; `following` says which.

    A one-column table rather than a list view: a QListView with rows of different
    heights lays out every row each time one is added (benchmarks/README.md, 'Long
    sessions'), while a table keeps each row's height in its vertical header, set once
    when the row arrives or changes. Only a new width or font measures all rows again.
    """

    followingChanged = Signal(bool)
    speakerActivated = Signal(str)  # a double-click on a line's speaker label: name that speaker
    playActivated = Signal(object)  # a click on a line's play control (▷ after its time): the caption

    def __init__(self, model: TranscriptModel) -> None:
        super().__init__()
        self.setModel(model)
        self._model = model  # model() is typed as Qt's base class
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
        self.viewport().setMouseTracking(True)  # a row under the pointer shows its play control
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

    def _option(self, index) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        option.font, option.rect = self.font(), self.visualRect(index)
        return option

    def mousePressEvent(self, e) -> None:
        index = self.indexAt(e.position().toPoint())
        if index.isValid() and e.button() == Qt.MouseButton.LeftButton:
            c = self._model.captions[index.row()]
            if self._model.playable(index.row()) and self.delegate.on_play(self._option(index), e.position().toPoint()):
                self.setCurrentIndex(index)
                self.playActivated.emit(c)
                return
        super().mousePressEvent(e)

    def mouseDoubleClickEvent(self, e) -> None:
        """On the speaker label: name the speaker; on the text of a final line: edit it in place."""
        index = self.indexAt(e.position().toPoint())
        if not index.isValid():
            return super().mouseDoubleClickEvent(e)
        option = self._option(index)
        model = self._model
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

    def current_caption(self) -> Caption | None:
        """The selected line, if its audio can be played (a final line of this session)."""
        index = self.currentIndex()
        return self._model.captions[index.row()] if index.isValid() and self._model.playable(index.row()) else None

    def edit_current(self) -> bool:
        """Open the current line (the selected one) for editing, if it is a final line of this session."""
        index = self.currentIndex()
        if not index.isValid() or not self._model.editable(index.row()):
            return False
        self.scrollTo(index)
        # Qt takes no event here (nullptr); PySide6's stub wants a QEvent
        return self.edit(index, QAbstractItemView.EditTrigger.AllEditTriggers, None)  # type: ignore[call-overload]

    def _renamed(self, first: int, last: int) -> None:
        """Tell screen readers a row's text changed (a partial grew, or became final): Qt's AT-SPI
        bridge does not, so without this they keep reading the first words of a caption."""
        if not QAccessible.isActive() or self._model.quiet:  # settled text is not news to a listener
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
        self._anchor = None if self.following or row < 0 else (self._model.captions[row].id, self.rowViewportPosition(row))

    def _keep_place(self) -> None:
        """The row that was at the top of the viewport (or the settled row now in its place) stays where it was."""
        anchor, self._anchor = self._anchor, None
        if anchor is None:
            return
        model = self._model
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
        n = self._model.rowCount()
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
            QApplication.clipboard().setText(_lines(self._model.captions[r] for r in rows))

    def copy_all(self) -> None:
        QApplication.clipboard().setText(_lines(self._model.finals()))

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
