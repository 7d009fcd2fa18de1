"""File → Open session…: a past session's transcript in the window, to review, correct, hear and export.

The transcript is read from the session's journal as every view reads it (storage/journal.read_events,
the same events in the same order), so the window shows what the session showed: its settled
readings, its speakers' names and the user's edits. Later edits go to that journal (gui/review.py),
and its kept audio plays under each line (gui/playback.py), because `win.session_id` names it.

A session that died is opened as its journal has it: nothing is changed or lost, it stays restorable,
and where its audio was kept the banner offers to recover the words after its last caption (the
window's own restore path, which closes the journal with them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from livecaption.captions import hms
from livecaption.errors import StorageError
from livecaption.gui import a11y
from livecaption.gui.host import Host
from livecaption.gui.review import Review
from livecaption.gui.status import StatusArea
from livecaption.gui.transcript import TranscriptView
from livecaption.storage.journal import SessionInfo, read_events, sessions_dir, settled_inputs, transcript_of

RECENT = 200  # sessions listed, newest first
INPUT_NAMES = {"mic": "microphone", "system": "system audio"}
COLUMNS = ("Started", "Length", "Inputs", "Speakers", "Captions", "Audio")


@dataclass(frozen=True)
class PastSession:
    info: SessionInfo
    speakers: tuple[str, ...]  # the transcript's labels and names, in the order they first spoke

    @property
    def when(self) -> str:
        return started_text(self.info.started)

    @property
    def inputs(self) -> str:
        return inputs_text(self.info)

    @property
    def state(self) -> str:
        if self.info.finished:
            return ""
        return "did not finish" if self.info.crashed else "still running"

    def said(self) -> str:
        """The row as one sentence, for a screen reader."""
        parts = [f"Session of {self.when}", hms(self.info.duration), self.inputs]
        if self.speakers:
            parts.append("speakers " + ", ".join(self.speakers))
        parts.append(f"{self.info.captions} captions")
        parts.append("audio kept" if self.info.has_audio else "no audio")
        return ", ".join(parts + ([self.state] if self.state else []))


def started_text(started: str) -> str:
    try:
        return dt.datetime.fromisoformat(started).strftime("%a %Y-%m-%d %H:%M")
    except ValueError:
        return started.replace("T", " ") or "unknown date"


def inputs_text(info: SessionInfo) -> str:
    """'microphone (You) + system audio (Others)', or the one input's name."""
    rows = info.header.get("inputs") or []
    if len(rows) < 2 and not any(r.get("speaker") for r in rows):
        return info.source or "one input"
    named = []
    for r in rows:
        source = r.get("source", "")
        what = INPUT_NAMES.get(source, r.get("name") or source or "input")
        named.append(f"{what} ({r['speaker']})" if r.get("speaker") else what)
    return " + ".join(named)


def recent_sessions(folder: Path | None = None, limit: int = RECENT) -> list[PastSession]:
    """Sessions with captions, newest first, each read once (its journal replayed as the window would)."""
    folder = folder or sessions_dir()
    paths = sorted(folder.glob("*.jsonl"), reverse=True)[:limit] if folder.is_dir() else []
    out = []
    for p in paths:
        try:
            header, events, finished = read_events(p)
        except (OSError, ValueError):
            continue  # removed or unreadable since it was listed
        t = transcript_of(header, events)
        kept = t.kept()
        if not kept:
            continue
        info = SessionInfo(p.stem, p, header.get("started", ""), max(c.end for c in kept), len(kept), finished,
                           header.get("source", ""), header)  # fmt: skip
        out.append(PastSession(info, tuple(t.speakers())))
    return sorted(out, key=lambda s: (s.info.started, s.info.id), reverse=True)


class Recovers(Protocol):
    def recover(self, info: SessionInfo) -> None: ...  # the words after a dead session's last caption


class OpenSessionHost(Host, Protocol):
    """What showing a past session needs of the window: its transcript, view and status, and its undo steps."""

    review: Review
    placeholder: QLabel
    view: TranscriptView
    status: StatusArea

    @property
    def after(self) -> Recovers: ...


class OpenSessionDialog(QDialog):
    """The recent sessions, newest first: arrows pick, Enter opens, Esc closes."""

    def __init__(self, win: OpenSessionHost, sessions: list[PastSession] | None = None) -> None:
        super().__init__(win.window())
        self.setWindowTitle("Open session")
        self.setMinimumWidth(760)
        self.sessions = recent_sessions() if sessions is None else sessions
        self.chosen: SessionInfo | None = None
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Pick a session to review, correct, hear and export. Its transcript replaces what the window shows."
            if self.sessions
            else f"No sessions recorded yet (they are kept in {sessions_dir()})."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(COLUMNS)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAllColumnsShowFocus(True)
        a11y.name(self.list, "Recent sessions", "Newest first: date, length, inputs, speakers, captions, audio kept")
        intro.setBuddy(self.list)
        for s in self.sessions:
            item = QTreeWidgetItem([s.when + (f" ({s.state})" if s.state else ""), hms(s.info.duration), s.inputs,
                                    ", ".join(s.speakers), str(s.info.captions),
                                    "kept" if s.info.has_audio else "—"])  # fmt: skip
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, s.said())
            item.setToolTip(0, s.said())
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        for col in range(len(COLUMNS)):
            self.list.resizeColumnToContents(col)
        self.list.itemActivated.connect(lambda *_: self.accept())  # Enter or a double-click
        lay.addWidget(self.list, 1)
        buttons = QDialogButtonBox()
        self.open_btn = QPushButton("Open")
        self.open_btn.setDefault(True)
        a11y.name(self.open_btn, "Open", "Shows the selected session's transcript in the window")
        buttons.addButton(self.open_btn, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        a11y.name(cancel, "Cancel", "Closes without opening a session")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.open_btn.setEnabled(bool(self.sessions))
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        self.list.setFocus()

    def accept(self) -> None:
        current = self.list.currentItem()
        row = self.list.indexOfTopLevelItem(current) if current is not None else -1
        if not 0 <= row < len(self.sessions):
            return
        self.chosen = self.sessions[row].info
        super().accept()


def show_session(win: OpenSessionHost, info: SessionInfo) -> bool:
    """The session's transcript in the window, as its journal has it; False when it was not shown."""
    if win.session is not None:
        win.statusBar().showMessage("Stop the running session first: a past session opens in its place.", 8000)
        return False
    try:
        header, events, _ = read_events(info.path)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        win.banner.show_error(StorageError(f"cannot read the session journal {info.path}: {reason}"))
        return False
    win.model.open_past(settled_inputs(header))  # as journal.transcript_of reads it
    for event in events:
        win.model.upsert(event)
    win.model.settling(None)
    win.review.undo.clear()  # the steps were another transcript's
    win.session_id = info.id
    win.unsaved = False  # the journal keeps it, edits included
    win.placeholder.hide()
    win.view.show()
    when = started_text(info.started or header.get("started", ""))
    win.window().setWindowTitle(f"livecaption — session of {when}")
    kept = win.model.transcript.kept()
    length = hms(max((c.end for c in kept), default=0.0))
    win.status.idle(f"Session of {when} ({length}, {len(kept)} captions)")
    a11y.announce(win.view, f"Opened the session of {when}")
    if info.crashed and info.has_audio:
        win.banner.show_error(
            "This session did not finish: its transcript is shown as its journal kept it.",
            ("Recover the last words", lambda: recover_tail(win, info)),
        )
    elif info.crashed:
        win.statusBar().showMessage("This session did not finish: its transcript is shown as its journal kept it.")
    return True


def recover_tail(win: OpenSessionHost, info: SessionInfo) -> None:
    """The words after a dead session's last caption, from its kept audio, through the window's restore path."""
    if win.session is not None or win.session_id != info.id:
        return
    win.banner.hide()
    win.status.loading("Recovering the last words from the kept audio…")
    win.after.recover(info)  # the worker appends them to the journal, then AfterSession shows them


def open_session(win: OpenSessionHost) -> bool:
    """File → Open session…: pick one, then show it. False when none was opened."""
    if win.session is not None:
        win.statusBar().showMessage("Stop the running session first: a past session opens in its place.", 8000)
        return False
    dialog = OpenSessionDialog(win)
    if not dialog.exec() or dialog.chosen is None:
        return False
    return show_session(win, dialog.chosen)
