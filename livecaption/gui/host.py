"""The window as its helpers see it, without importing it (the window imports them).

Each helper module (menus, recovery, speakers, the share dialog…) names what it needs of the window in a
Protocol, most of them built on `Host` here; MainWindow satisfies them all, and mypy checks that where the
window hands itself to a helper. `MenuActions` are the menus' checkable actions, the window's choices that its
helpers read: menus.build_menus builds and returns them, the window keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar, QWidget

from livecaption.gui.banner import ErrorBanner
from livecaption.gui.transcript_model import TranscriptModel

if TYPE_CHECKING:
    from livecaption.session import Session
    from livecaption.share.server import ShareServer
    from livecaption.streaming.engine import Engine


@dataclass(frozen=True)
class MenuActions:
    """The View and Session menus' checkable actions, each remembered between runs (window_state)."""

    overlay: QAction  # the caption overlay shown (the toolbar's Overlay button mirrors it)
    speakers: QAction  # the overlay says who is speaking
    click_through: QAction  # the overlay ignores the mouse
    translate: QAction  # English captions for any spoken language
    both: QAction  # each caption as spoken, with its English translation under it

    def task(self) -> str:
        """The session's Whisper task these choose: both, translate or transcribe."""
        return "both" if self.both.isChecked() else "translate" if self.translate.isChecked() else "transcribe"


class Host(Protocol):
    """What the helpers that show, change or share the transcript see of the window."""

    model: TranscriptModel
    banner: ErrorBanner
    session: Session | None  # the running session
    session_id: str | None  # the journal of the session shown (running, stopped or opened)
    share_server: ShareServer | None  # the caption page, while it is shared
    unsaved: bool

    @property
    def engine(self) -> Engine | None: ...

    def statusBar(self) -> QStatusBar: ...

    def window(self) -> QWidget: ...  # the window itself (QWidget.window()): the parent of dialogs
