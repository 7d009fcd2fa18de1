"""The transcript: a list model of captions and a view that follows the live end.

A model/view (not a growing text widget) keeps it smooth with tens of thousands
of captions. Partials are updated in place and replaced by their final.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from livecaption.captions import Caption, hms

CaptionRole = Qt.ItemDataRole.UserRole + 1


class TranscriptModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Caption] = []
        self._by_id: dict[int, int] = {}  # caption id -> row

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hms(c.start)}  {c.text}"
        if role == CaptionRole:
            return c
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hms(c.start)} – {hms(c.end)}" + ("" if c.final else " (tentative)")
        return None

    @property
    def captions(self) -> list[Caption]:
        return self._rows

    def finals(self) -> list[Caption]:
        return [c for c in self._rows if c.final and c.text]

    def upsert(self, caption: Caption) -> None:
        """Add a caption, or replace the partial with the same id in place."""
        row = self._by_id.get(caption.id) if caption.id else None
        if row is not None and row < len(self._rows) and self._rows[row].id == caption.id:
            if caption.final and not caption.text:  # the final retracts the partial
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
                self._by_id = {c.id: i for i, c in enumerate(self._rows) if c.id}  # rows after it moved up
                return
            self._rows[row] = caption
            idx = self.index(row)
            self.dataChanged.emit(idx, idx)
            return
        if not caption.text:
            return
        n = len(self._rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self._rows.append(caption)
        if caption.id:
            self._by_id[caption.id] = n
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows, self._by_id = [], {}
        self.endResetModel()


class CaptionDelegate(QStyledItemDelegate):
    """Time in a muted column, text wrapped beside it; partials in italics, dimmed."""

    PAD = 6

    def _fonts(self, option) -> tuple[QFont, QFont]:
        base = QFont(option.font)
        time_font = QFont(base)
        time_font.setFamily("DejaVu Sans Mono")
        time_font.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
        return base, time_font

    def _time_width(self, option) -> int:
        _, tf = self._fonts(option)
        return QFontMetrics(tf).horizontalAdvance("00:00:00") + 3 * self.PAD

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        c: Caption = index.data(CaptionRole)
        base, _ = self._fonts(option)
        width = max(100, option.rect.width() - self._time_width(option) - self.PAD)
        rect = QFontMetrics(base).boundingRect(QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), c.text)
        return QSize(option.rect.width(), rect.height() + 2 * self.PAD)

    def paint(self, painter, option: QStyleOptionViewItem, index) -> None:
        c: Caption = index.data(CaptionRole)
        painter.save()
        pal = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, pal.highlight())
        base, tf = self._fonts(option)
        tw = self._time_width(option)
        r = option.rect
        text_color = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        painter.setFont(tf)
        painter.setPen(text_color if selected else muted)
        painter.drawText(
            QRect(r.left() + self.PAD, r.top() + self.PAD, tw, r.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            hms(c.start),
        )
        if not c.final:
            base.setItalic(True)
            text_color = muted
        painter.setFont(base)
        painter.setPen(text_color)
        painter.drawText(
            QRect(r.left() + tw, r.top() + self.PAD, r.width() - tw - self.PAD, r.height() - self.PAD),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
            c.text,
        )
        painter.restore()


class TranscriptView(QListView):
    """Follows new captions unless the user scrolled back; `following` says which."""

    followingChanged = Signal(bool)

    def __init__(self, model: TranscriptModel) -> None:
        super().__init__()
        self.setModel(model)
        self.setItemDelegate(CaptionDelegate(self))
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setAlternatingRowColors(True)
        self.following = True
        self._auto = False
        model.rowsInserted.connect(self._on_new)
        model.dataChanged.connect(self._on_new)
        self.verticalScrollBar().valueChanged.connect(self._on_scroll)

    def _on_new(self, *args) -> None:
        if self.following:
            self._auto = True
            self.scrollToBottom()
            self._auto = False

    def _on_scroll(self, value: int) -> None:
        if self._auto:
            return
        at_end = value >= self.verticalScrollBar().maximum() - 4
        if at_end != self.following:
            self.following = at_end
            self.followingChanged.emit(at_end)

    def jump_to_live(self) -> None:
        self.following = True
        self.followingChanged.emit(True)
        self._on_new()

    def set_font_size(self, points: float) -> None:
        f = self.font()
        f.setPointSizeF(points)
        self.setFont(f)
        self.doItemsLayout()
