"""After a crash: offer the unfinished session's captions from the journal."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from livecaption.captions import Caption, hms
from livecaption.storage.journal import list_sessions, load, mark_recovered


def offer_restore(parent: QWidget) -> list[Caption] | None:
    """Ask whether to restore the newest crashed session; its captions, or None."""
    crashed = [s for s in list_sessions() if s.crashed and s.captions]
    if not crashed:
        return None
    info = crashed[-1]
    answer = QMessageBox.question(
        parent, "Restore session?",
        f"The session started {info.started.replace('T', ' ')} did not finish ({info.captions} captions, "
        f"{hms(info.duration)}). Restore its transcript?",
    )  # fmt: skip
    for s in crashed:
        mark_recovered(s)
    if answer != QMessageBox.StandardButton.Yes:
        return None
    captions = load(info.id)[1]
    for c in captions:
        c.id = 0  # restored captions never collide with a new session's ids
    return captions
