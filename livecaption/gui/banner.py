"""A non-modal message across the top of the window, with the one way forward its error offers."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

from livecaption.errors import LivecaptionError, Remedy
from livecaption.gui import a11y

Action = tuple[str, Callable[[], object]]  # the button's text, and what it does


class ErrorBanner(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        a11y.name(self, "Message", "A problem and the way forward")
        self.setStyleSheet(
            "#banner { background: #fdecea; border: 1px solid #e0a39c; border-radius: 6px; } QLabel { color: #611a15; }"
        )
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.action = QPushButton()
        a11y.name(self.action, "Fix", "Does what the message suggests")
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        a11y.name(close, "Dismiss message", "Hides this message")
        close.setStyleSheet("QToolButton { color: #611a15; font-weight: bold; border: none; }")
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.action)
        lay.addWidget(close)
        self.remedies: dict[Remedy, Callable[[], Action | None]] = {}  # set by the window
        self._handler: Callable[[], object] | None = None
        self.action.clicked.connect(self._act)
        self.hide()

    def show_error(self, error: LivecaptionError | str, action: Action | None = None, suffix: str = "") -> None:
        """Show `error` with `action`, or else with the action its remedy offers right now."""
        if action is None and isinstance(error, LivecaptionError) and error.remedy in self.remedies:
            action = self.remedies[error.remedy]()
        self.label.setText(str(error) + suffix)
        self._handler = action[1] if action else None
        self.action.setVisible(action is not None)
        self.action.setText(action[0] if action else "")
        self.action.setAccessibleName(action[0] if action else "Fix")
        a11y.announce(self, str(error))
        self.show()

    @Slot(object)
    def show_session_error(self, error: LivecaptionError) -> None:
        """An error during a session, which goes on."""
        self.show_error(error, suffix=" — captions so far are kept.")

    def _act(self) -> None:
        self.hide()
        if self._handler:
            self._handler()
