"""The transcript's rows in the app: a session's transcript (livecaption/transcript.py) shown as Qt rows."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from livecaption.captions import UNSURE_SAID, Caption, hms
from livecaption.transcript import Event, Key, Rename, Revision, Transcript, key

CaptionRole = Qt.ItemDataRole.UserRole + 1
PENDING_TIP = "live caption: the settled transcript has not reached it yet"
UNSURE_TIP = "the voice is about as close to another speaker's: check who said it"


class TranscriptModel(QAbstractListModel):
    """The Qt face of livecaption.transcript.Transcript: it applies the same events and turns each
    revision's row changes into Qt's. Rows of earlier sessions in the window stay above the current
    session's, which is a transcript of its own (its ids are its own)."""

    # Around a settled revision, so the view can keep the reader's place: rows above it may go.
    revising = Signal()
    revised = Signal()
    began = Signal()  # a new transcript (a session started, the window cleared or another session opened)
    # The user typed new text for a line in the view's editor: the window applies it (gui/review.py).
    editRequested = Signal(object, str)  # the caption as shown, the text

    def __init__(self) -> None:
        super().__init__()
        self._earlier = 0  # rows of the sessions before this one, as they were left, above this one's
        self._rows: list[Caption] = []  # what the view shows: the revisions applied in order, between Qt's begin and end
        self.transcript = Transcript()
        self.marking = False  # a session with a settle pass runs: live finals it will read again are marked
        self.forwarded: dict[int, int] = {}  # the last revision: replaced id -> the id now in its place
        self.quiet = False  # rows change without new words (settled, or marks cleared): no one is re-told
        self.playing: Key | None = None  # the line whose audio plays now (marked)

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
            said += " (edited)" if self.edited(index.row()) else ""
            said += UNSURE_SAID if c.unsure else ""
            return said + (f". In English: {under}" if under else "")
        if role == Qt.ItemDataRole.EditRole:
            return c.text
        if role == CaptionRole:
            return c
        if role == Qt.ItemDataRole.ToolTipRole:
            note = " (tentative)" if not c.final else f" ({PENDING_TIP})" if self.is_pending(c) else ""
            return f"{hms(c.start)} – {hms(c.end)}{note}" + (f"\n{c.label}: {UNSURE_TIP}" if c.unsure else "")
        return None

    def flags(self, index):
        """A final line of this session can be edited; a partial is still being heard."""
        flags = super().flags(index)
        if index.isValid() and self.editable(index.row()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def editable(self, row: int) -> bool:
        """A final line of this session with an id of its own (Improve transcript's lines have none)."""
        c = self._rows[row]
        return row >= self._earlier and c.final and bool(c.text) and bool(c.id)

    def playable(self, row: int) -> bool:
        """A final line of this session: its audio is this session's (rows above are earlier sessions')."""
        return self.editable(row)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        """The editor's text goes to the window, which applies it to every view as one edit."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable(index.row()):
            return False
        c = self._rows[index.row()]
        if " ".join(str(value).split()) != c.text:
            self.editRequested.emit(c, str(value))
        return True

    def edited(self, row: int) -> bool:
        return row >= self._earlier and self.transcript.edited(self._rows[row])

    def set_playing(self, k: Key | None) -> None:
        """Mark the line whose audio plays (None: none)."""
        rows = [r for r, c in enumerate(self._rows) if key(c) in (k, self.playing) and r >= self._earlier]
        self.playing = k
        for r in rows:
            self.quiet = True
            self.dataChanged.emit(self.index(r), self.index(r))
            self.quiet = False

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
        """What an export of the window keeps: earlier sessions' finals, then this one's kept transcript."""
        return [c for c in self._rows[: self._earlier] if c.final and c.text] + self.transcript.kept()

    def row_of(self, caption_id: int) -> int | None:
        if not caption_id:
            return None
        row = next((r for r, c in enumerate(self.transcript.rows) if c.id == caption_id), None)
        return None if row is None else row + self._earlier

    def is_pending(self, caption: Caption) -> bool:
        return self.marking and self.transcript.pending(caption)

    def begin(self, settled_inputs: set[str] | None) -> None:
        """A new session: what the window shows stays, as it was left; the session's captions are
        a transcript of their own, whose inputs in `settled_inputs` have a settle pass (None: none)."""
        self._earlier = len(self._rows)
        self.began.emit()
        self._clear_marks()
        self.transcript = Transcript(frozenset(settled_inputs or ()))
        self.marking = bool(settled_inputs)

    def open_past(self, settled_inputs: set[str] | None) -> None:
        """A past session's journal in the window, alone: its settled inputs as storage.journal.settled_inputs
        reads them (None: any input's settled readings apply), so it shows what `export` writes."""
        self.clear()
        self.transcript = Transcript(settled_inputs)
        self.marking = False

    def settling(self, sources: set[str] | None) -> None:
        """The session's settle pass ended (None): what it left unsettled stays as it is, unmarked."""
        if sources is None:
            self._clear_marks()
            self.marking = False

    def _clear_marks(self) -> None:
        rows = [r for r, c in enumerate(self.captions) if self.is_pending(c)]
        self.marking = False
        if rows:  # only the marked rows are repainted (an 8-hour transcript has thousands)
            self.quiet = True
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))
            self.quiet = False

    def upsert(self, event: Event) -> Revision:
        """Apply one event of the session (a caption, a settled reading, a rename, an edit)."""
        settled = isinstance(event, Caption) and event.settled
        if settled:
            self.revising.emit()
        rev = self.transcript.apply(event)
        if settled:
            self.forwarded = dict(rev.forwarded)
        self._show(rev, quiet=settled or not isinstance(event, Caption))
        if settled:
            self.revised.emit()
        return rev

    def _show(self, rev: Revision, quiet: bool) -> None:
        for op in rev.ops:
            row = op.row + self._earlier
            if op.kind == "remove":
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
                continue
            assert op.caption is not None  # an insert or a change carries the row's caption
            if op.kind == "insert":
                self.beginInsertRows(QModelIndex(), row, row)
                self._rows.insert(row, op.caption)
                self.endInsertRows()
            else:
                self._rows[row] = op.caption
                idx = self.index(row)
                self.quiet = quiet
                self.dataChanged.emit(idx, idx)
                self.quiet = False

    def rename_speaker(self, old: str, new: str) -> list[Caption]:
        """Rows that said `old` say `new` (earlier sessions' rows too); returns the finals changed."""
        changed = []
        for row, c in enumerate(self._rows[: self._earlier]):
            if c.speaker == old:
                self._rows[row] = replace(c, speaker=new)
                idx = self.index(row)
                self.dataChanged.emit(idx, idx)
                changed.append(self._rows[row])
        rev = self.upsert(Rename(old, new))
        return changed + [c for c in rev.changed if c.final]

    def speakers(self) -> list[str]:
        """The labels of the transcript's captions, in the order they first spoke."""
        return list(dict.fromkeys(c.speaker for c in self.captions if c.speaker and c.text))

    def clear(self) -> None:
        self.beginResetModel()
        self._rows, self._earlier, self.forwarded = [], 0, {}
        self.transcript = Transcript(self.transcript.settled_inputs)
        self.endResetModel()
        self.began.emit()
