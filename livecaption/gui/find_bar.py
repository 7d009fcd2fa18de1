"""Find in the transcript (Ctrl+F): Enter for the next match, Escape to close."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from livecaption.captions import hms
from livecaption.gui import a11y
from livecaption.gui.transcript import TranscriptModel, TranscriptView


class FindBar(QWidget):
    def __init__(self, model: TranscriptModel, view: TranscriptView) -> None:
        super().__init__()
        self.model, self.view = model, view
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find in transcript")
        self.edit.setToolTip("Words, a speaker's name, or (?) for the lines whose speaker is unsure")
        a11y.name(self.edit, "Find in transcript", "Type words to find; Enter goes to the next match")
        self.edit.returnPressed.connect(lambda: self.find_next(1))
        buttons = []
        for text, name, step in (("▲", "Previous match", -1), ("▼", "Next match", 1)):
            b = QToolButton()
            b.setText(text)
            a11y.name(b, name, f"Goes to the {name.lower()} in the transcript")
            b.setToolTip(name)
            b.clicked.connect(lambda _=False, s=step: self.find_next(s))
            buttons.append(b)
        close = QToolButton()
        close.setText("✕")
        a11y.name(close, "Close find", "Hides the find bar (Escape)")
        close.setToolTip("Close (Escape)")
        close.clicked.connect(self.hide)
        self.status = QLabel()
        for w in (self.edit, *buttons, self.status, close):
            lay.addWidget(w)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.hide)
        self.hide()

    def open(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def find_next(self, direction: int) -> bool:
        """Select the next caption (direction 1) or the previous one (-1) that holds the text, or whose
        speaker it names whole ("Speaker 2", "You"), or whose voice is unsure when it is "(?)"."""
        needle = self.edit.text().strip().lower()
        caps = self.model.captions
        if not needle or not caps:
            return False
        current = self.view.currentIndex()
        cur = current.row() if current.isValid() else (-1 if direction > 0 else len(caps))
        n = len(caps)
        for k in range(1, n + 1):
            r = (cur + direction * k) % n
            c = caps[r]
            if needle in c.text.lower() or needle in (c.speaker.lower(), c.label.lower()) or (
                needle == "(?)" and c.unsure
            ):
                self.view.stop_following()
                idx = self.model.index(r)
                self.view.setCurrentIndex(idx)
                self.view.scrollTo(idx)
                self.status.setText(f"{hms(caps[r].start)}")
                return True
        self.status.setText("Not found")
        return False
