"""Review and correct in the app: a line's edit goes to every view at once, can be undone, and may teach a word.

One path for an edit (`Review.apply`): the window's rows, the session's journal (through the running
engine's record, or appended to the file of a session that stopped or was opened), and the shared
page. Undo is Qt's undo stack: each edit, and each "replace in the other lines", is one step.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from livecaption.captions import Caption
from livecaption.corrections import Fix, LineFix, fix_of, lines_to_fix, new_words
from livecaption.errors import LivecaptionError
from livecaption.gui import a11y
from livecaption.gui.host import Host
from livecaption.gui.teach_bar import TeachBar
from livecaption.transcript import Edit, Key, key
from livecaption.vocabulary import saved


class ReviewHost(Host, Protocol):
    """What the review needs of the window (the window is not imported: it builds the review)."""

    profile: str  # the vocabulary that learns

    @property
    def view(self) -> QWidget: ...


class _EditLine(QUndoCommand):
    def __init__(self, review: Review, k: Key, before: str, after: str, text: str) -> None:
        super().__init__(text)
        self.review, self.k, self.before, self.after = review, k, before, after

    def redo(self) -> None:
        self.review.apply(Edit(*self.k, self.after))

    def undo(self) -> None:
        self.review.apply(Edit(*self.k, self.before))  # "" takes the user's text back


class Review(QObject):
    def __init__(self, win: ReviewHost, parent: QObject) -> None:
        super().__init__(parent)
        self.win = win
        self.undo = QUndoStack(self)
        self.bar = TeachBar()
        self.bar.replaceAll.connect(self.replace_all)
        self.bar.learn.connect(self.learn)
        win.model.editRequested.connect(self.edit_line)
        win.model.began.connect(self.forget)

    def forget(self) -> None:
        """Another transcript in the window: the undo steps and the offer were the last one's (ids repeat)."""
        self.undo.clear()
        self.bar.hide()

    # -- edits ---------------------------------------------------------------------------------
    def edit_line(self, caption: Caption, text: str) -> None:
        """The user's text for `caption` (as shown): one undo step; then what it may teach is offered."""
        model = self.win.model
        own = model.transcript.own(caption)
        before = caption.text if model.transcript.edited(caption) else ""
        text = " ".join(text.split())
        if not text:  # an emptied line: its own words again (deleting a line is not an edit)
            text = own.text
        if text == caption.text:
            return
        self.undo.push(_EditLine(self, key(caption), before, "" if text == own.text else text, "Edit line"))
        a11y.announce(self.win.view, "Line edited")
        fix = fix_of(own.text, text)
        if fix is not None:
            self.offer(fix, caption)

    def apply(self, edit: Edit) -> bool:
        """One edit to the journal, the window and the shared page; False when it changed nothing.

        A running session's record goes first: it is ahead of the window (captions reach the window
        through queued signals), and a line it has settled meanwhile is not there to edit any more."""
        win = self.win
        if win.engine is not None and not win.engine.record.edit(edit).ops:  # its transcript and journal
            win.statusBar().showMessage("That line was just settled: edit the settled line.", 6000)
            return False
        if not win.model.upsert(edit).ops:
            return False
        try:
            if win.engine is None and win.session_id:
                from livecaption.storage.journal import append_to, sessions_dir

                path = sessions_dir() / f"{win.session_id}.jsonl"
                if path.is_file():
                    append_to(path, edit.to_dict())
        except LivecaptionError as exc:  # the window keeps the edit; saying so is enough (a stopped session's file)
            win.banner.show_error(exc)
        if win.share_server is not None:
            win.share_server.publish(edit)
        win.unsaved = True
        return True

    # -- teaching ------------------------------------------------------------------------------
    def offer(self, fix: Fix, caption: Caption) -> None:
        """The other lines with the misreading, and the words to learn, shown in the bar (not a dialog)."""
        rows = [c for c in self.win.model.transcript.rows if key(c) != key(caption)]
        lines = lines_to_fix(rows, fix)
        words = new_words(fix, known=saved(self.win.profile).all_hotwords)
        if lines or words:
            self.bar.offer(fix, lines, words)

    def replace_all(self, lines: list[LineFix]) -> None:
        """The offered lines still as they were offered (not settled or edited since) get the fix: one undo step."""
        t = self.win.model.transcript
        steps = []
        for f in lines:
            row = t.row_of(key(f.caption))
            shown = t.rows[row] if row is not None else None
            if shown is None or shown.text != f.caption.text:
                continue  # settled or edited since it was offered: left as it is now
            before = shown.text if t.edited(shown) else ""
            steps.append(_EditLine(self, key(shown), before, "" if f.text == t.own(shown).text else f.text, "Replace"))
        if not steps:
            self.win.statusBar().showMessage("Those lines have changed since: nothing was replaced", 6000)
            return
        self.undo.beginMacro(f"Replace in {len(steps)} lines")
        for step in steps:
            self.undo.push(step)
        self.undo.endMacro()
        n = len(steps)
        self.win.statusBar().showMessage(f"Replaced in {n} line{'s' * (n != 1)} (Ctrl+Z undoes it)", 6000)

    def learn(self, words: list[str]) -> None:
        """The words join the running session's vocabulary (its next passes) and the profile in use."""
        from livecaption.vocabulary import learn

        if self.win.session is not None:
            self.win.session.vocabulary.learn(words)
        try:
            learn(words, self.win.profile)
        except LivecaptionError as exc:
            self.win.banner.show_error(exc)
            return
        said = ", ".join(words)
        running = "the captions use it from their next pass; " if self.win.session is not None else ""
        self.win.statusBar().showMessage(f"Learned {said}: {running}saved in vocabulary '{self.win.profile}'", 8000)
