"""The transcript's rows: live captions as they come, partials updated in place, and settled
captions (livecaption/settle) put in place of the live rows they replace."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from livecaption.captions import Caption, hms

CaptionRole = Qt.ItemDataRole.UserRole + 1
PENDING_TIP = "live caption: the settled transcript has not reached it yet"


class TranscriptModel(QAbstractListModel):
    # Around a settled revision, so the view can keep the reader's place: rows above it may go.
    revising = Signal()
    revised = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Caption] = []
        self._by_id: dict[int, int] = {}  # caption id -> row
        self.settle_sources: set[str] | None = None  # inputs a settle pass reads now (None: none)
        self.pending: set[int] = set()  # ids of live finals a settle pass will read again
        self.forwarded: dict[int, int] = {}  # the last revision: replaced id -> the id now in its place
        self.quiet = False  # rows change without new words (settled, or marks cleared): no one is re-told

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self._rows[index.row()]
        text, under = self.shown(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hms(c.start)}  {text}" + (f"\n{under}" if under else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:  # a screen reader says "time, text"
            said = f"{hms(c.start)}, {text}" + ("" if c.final else " (tentative)")
            return said + (f". In English: {under}" if under else "")
        if role == CaptionRole:
            return c
        if role == Qt.ItemDataRole.ToolTipRole:
            note = " (tentative)" if not c.final else f" ({PENDING_TIP})" if c.id in self.pending else ""
            return f"{hms(c.start)} – {hms(c.end)}{note}"
        return None

    def shown(self, row: int) -> tuple[str, str]:
        """The row's text, with a small language tag where the language changes, and its translation."""
        c = self._rows[row]
        before = next((p.language for p in reversed(self._rows[:row]) if p.language and p.text), "")
        tag = f"[{c.language.upper()}] " if c.language and before and c.language != before else ""
        return tag + c.labelled(), c.translation

    @property
    def captions(self) -> list[Caption]:
        return self._rows

    def finals(self) -> list[Caption]:
        return [c for c in self._rows if c.final and c.text]

    def row_of(self, caption_id: int) -> int | None:
        row = self._by_id.get(caption_id)
        return row if row is not None and row < len(self._rows) and self._rows[row].id == caption_id else None

    def is_pending(self, caption: Caption) -> bool:
        return caption.id in self.pending

    def settling(self, sources: set[str] | None) -> None:
        """A session with a settle pass on these inputs starts (a set), or ends (None: what it left
        unsettled stays as it is, and is no longer marked)."""
        self.settle_sources = sources
        if sources is None and self.pending:
            rows = [r for i in self.pending if (r := self.row_of(i)) is not None]
            self.pending = set()
            if rows:  # only the marked rows are repainted (an 8-hour transcript has thousands)
                self.quiet = True
                self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))
                self.quiet = False

    def upsert(self, caption: Caption) -> None:
        """Add a caption, replace the partial with the same id in place, or settle live rows."""
        if caption.settled:
            self._settle(caption)
            return
        if caption.final and caption.text and self.settle_sources is not None and caption.source in self.settle_sources:
            self.pending.add(caption.id)
        row = self.row_of(caption.id) if caption.id else None
        if row is not None:
            if caption.final and not caption.text:  # the final retracts the partial
                self._remove([row])
                return
            self._rows[row] = caption
            idx = self.index(row)
            self.dataChanged.emit(idx, idx)
            return
        if caption.text:
            self._insert(len(self._rows), caption)

    def _settle(self, caption: Caption) -> None:
        rows = sorted(r for i in caption.replaces if (r := self.row_of(i)) is not None)
        self.pending.difference_update(caption.replaces)
        self.revising.emit()
        self.forwarded = {i: caption.id for i in caption.replaces} if caption.text else {}
        if rows and caption.text:  # the first row it replaces takes its text; the others go
            self._rows[rows[0]] = caption
            self._remove(rows[1:])  # all after the first: its row stays
            if len(rows) == 1:
                self._reindex()  # _remove did when it removed any
            idx = self.index(rows[0])
            self.quiet = True
            self.dataChanged.emit(idx, idx)
            self.quiet = False
        else:
            self._remove(rows)
            if caption.text:  # nothing live there: in time order
                row = len(self._rows)
                while row > 0 and self._rows[row - 1].start > caption.start:
                    row -= 1
                self._insert(row, caption)
        self.revised.emit()

    def _insert(self, row: int, caption: Caption) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, caption)
        self.endInsertRows()
        if row == len(self._rows) - 1:
            if caption.id:
                self._by_id[caption.id] = row
        else:
            self._reindex()

    def _remove(self, rows: list[int]) -> None:
        for row in sorted(rows, reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
        if rows:
            self._reindex()  # the rows after them moved up

    def _reindex(self) -> None:
        self._by_id = {c.id: i for i, c in enumerate(self._rows) if c.id}

    def rename_speaker(self, old: str, new: str) -> list[Caption]:
        """Rows that said `old` say `new`; returns the finals changed."""
        changed = []
        for row, c in enumerate(self._rows):
            if c.speaker == old:
                c.speaker = new
                idx = self.index(row)
                self.dataChanged.emit(idx, idx)
                if c.final:
                    changed.append(c)
        return changed

    def speakers(self) -> list[str]:
        """The labels of the transcript's captions, in the order they first spoke."""
        return list(dict.fromkeys(c.speaker for c in self._rows if c.speaker and c.text))

    def clear(self) -> None:
        self.beginResetModel()
        self._rows, self._by_id, self.pending, self.forwarded = [], {}, set(), {}
        self.endResetModel()
