"""Sessions after the fact: restore one that died (with its last words), improve a finished one's transcript.

The model work runs on the window's worker thread; AfterSession is a QObject of the GUI
thread, so the worker's signals reach its slots queued, on the GUI thread.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from livecaption.captions import Caption, hms
from livecaption.errors import LivecaptionError
from livecaption.gui.bridge import SessionWorker
from livecaption.gui.open_session import OpenSessionHost, show_session
from livecaption.gui.toolbar import Toolbar
from livecaption.storage.journal import SessionInfo, list_sessions, load, mark_recovered


class RecoveryHost(OpenSessionHost, Protocol):
    """What restoring and improving a session need of the window: its worker, and the model picked."""

    worker: SessionWorker
    toolbar: Toolbar

    def on_caption(self, caption: Caption) -> None: ...


class AfterSession(QObject):
    requestRecover = Signal(object)  # SessionInfo of a crashed session, to the worker
    requestPolish = Signal(object)  # (SessionInfo, model), to the worker

    def __init__(self, win: RecoveryHost) -> None:
        super().__init__(win.window())
        self.win = win
        self.dialog: QProgressDialog | None = None  # while a polish runs
        self._recovering: str | None = None  # the session whose last words the worker is recovering
        self.requestRecover.connect(win.worker.recover)
        self.requestPolish.connect(win.worker.polish)
        win.worker.recovered.connect(self.on_recovered)
        win.worker.polished.connect(self.on_polished)
        win.worker.progress.connect(self.on_progress)

    def offer_restore(self) -> bool:
        """After a crash: offer the newest unfinished session's captions, and recover its last words."""
        win = self.win
        crashed = [s for s in list_sessions() if s.crashed and (s.captions or s.has_audio)]
        if not crashed:
            return False
        info = crashed[-1]
        answer = QMessageBox.question(
            win.window(), "Restore session?",
            f"The session started {info.started.replace('T', ' ')} did not finish ({info.captions} captions, "
            f"{hms(info.duration)}). Restore its transcript?",
        )  # fmt: skip
        for s in crashed:
            if s is not info or answer != QMessageBox.StandardButton.Yes:
                mark_recovered(s)  # not offered again; its audio stays for Improve transcript
        if answer != QMessageBox.StandardButton.Yes:
            return False
        show_session(win, info)  # with each line's own id: every line can be edited and played
        win.banner.hide()  # its offer to recover the last words: done here at once
        if info.has_audio:
            win.status.loading("Recovering the last words from the kept audio…")
            self.recover(info)
        else:
            mark_recovered(info)
        return True

    def recover(self, info: SessionInfo) -> None:
        """The words after a dead session's last caption, from its kept audio: the worker appends them to
        its journal, then on_recovered shows them if that session is still the one shown."""
        self._recovering = info.id
        self.requestRecover.emit(info)

    @Slot(object)
    def on_recovered(self, captions: list[Caption]) -> None:
        if self.win.session is not None or self.win.session_id != self._recovering:
            self.win.status.idle("The last words were recovered into that session's journal (open it to see them)")
            return  # another session is shown by now: they are in the journal they belong to
        for c in captions:  # ids of the recovered range: they do not collide with the session's own
            self.win.on_caption(c)
        words = sum(len(c.text.split()) for c in captions)
        self.win.status.idle(f"Recovered {words} words spoken after the last caption" if words else "Ready")

    def improve(self) -> None:
        """File → Improve transcript…: the last session's audio read again, with the model now selected."""
        win = self.win
        if win.session is not None:
            win.banner.show_error("Stop the session first: the transcript is improved from the whole recording.")
            return
        try:
            info = load(win.session_id)[0] if win.session_id else None
        except LivecaptionError:
            info = None
        if info is None or not info.has_audio:
            win.banner.show_error(
                "There is no session audio to read again: start a session with Session → Settings → Audio on "
                "(the default), or restore one."
            )
            return
        self.dialog = QProgressDialog("Reading the whole session again…", "Cancel", 0, 100, win.window())
        self.dialog.setWindowTitle("Improve transcript")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(win.worker.cancel.set)
        self.dialog.show()
        win.worker.cancel.clear()
        self.requestPolish.emit((info, win.toolbar.model_box.currentData()))

    @Slot(float)
    def on_progress(self, fraction: float) -> None:
        if self.dialog is not None:
            self.dialog.setValue(min(99, int(100 * fraction)))

    @Slot(object)
    def on_polished(self, captions: list[Caption] | None) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.close()
        if captions is None:
            return  # cancelled or failed: the live transcript stays as it was
        win = self.win
        win.model.clear()
        for c in captions:  # each a new line: a whole-recording reading has no live ids
            win.on_caption(c)
        win.unsaved = True
        win.statusBar().showMessage(f"Transcript improved: {len(captions)} captions from the whole recording", 8000)
