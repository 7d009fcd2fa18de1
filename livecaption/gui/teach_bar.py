"""The bar over the transcript that offers what an edit teaches: the other lines with the same misreading
(shown first), and the new words to learn. Not a dialog: captions go on while it is open."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout

from livecaption.captions import hms
from livecaption.corrections import Fix, LineFix
from livecaption.gui import a11y

SHOWN = 4  # lines listed in the bar; the rest are counted


class TeachBar(QFrame):
    replaceAll = Signal(list)  # the LineFix list offered
    learn = Signal(list)  # the words

    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.lines: list[LineFix] = []
        self.words: list[str] = []
        col = QVBoxLayout(self)
        col.setContentsMargins(8, 4, 4, 4)
        row = QHBoxLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        self.replace_btn = QPushButton()
        self.replace_btn.clicked.connect(self._replace)
        self.learn_btn = QPushButton()
        self.learn_btn.clicked.connect(self._learn)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        a11y.name(close, "Dismiss", "Closes this offer; nothing is replaced or learned")
        for w in (self.replace_btn, self.learn_btn, close):
            row.addWidget(w)
        col.addLayout(row)
        self.preview = QLabel()  # the lines that would change, before anything does
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        self.preview.setEnabled(False)  # muted: a preview, not the transcript
        col.addWidget(self.preview)
        a11y.name(self, "Correction offer", "What your edit can fix in other lines, and the words it can learn")
        self.hide()

    def offer(self, fix: Fix, lines: list[LineFix], words: list[str]) -> None:
        self.lines, self.words = lines, words
        n = len(lines)
        said = f"{n} other line{'s' * (n != 1)} may have the same misreading of “{fix.right}”." if n else ""
        quoted = ", ".join(f"“{w}”" for w in words)
        learn = f"Learn {quoted} so the captions spell it right from now on?" if words else ""
        self.message.setText(" ".join(p for p in (said, learn) if p))
        self.replace_btn.setText(f"&Replace in {n} line{'s' * (n != 1)}")
        self.replace_btn.setVisible(bool(n))
        a11y.name(
            self.replace_btn,
            self.replace_btn.text().replace("&", ""),
            "Puts your words in each line listed (Ctrl+Z undoes it)",
        )
        self.learn_btn.setText(f"Lear&n {quoted}")  # Alt+L is the toolbar's Language
        self.learn_btn.setVisible(bool(words))
        a11y.name(self.learn_btn, self.learn_btn.text().replace("&", ""),
                  "Adds the words to the vocabulary: this session's next passes and later sessions use them")  # fmt: skip
        shown = [f"{hms(f.caption.start)}  {f.text}" for f in lines[:SHOWN]]
        if n > SHOWN:
            shown.append(f"…and {n - SHOWN} more")
        self.preview.setText("\n".join(shown))
        self.preview.setVisible(bool(shown))
        self.show()
        keys = ", ".join(k for k, on in (("Alt+R replaces them", n), ("Alt+N learns", words)) if on)
        a11y.announce(self, f"{self.message.text()} {keys}.")

    def _replace(self) -> None:
        lines, self.lines = self.lines, []
        self._done(self.replace_btn, self.replaceAll, lines)

    def _learn(self) -> None:
        words, self.words = self.words, []
        self._done(self.learn_btn, self.learn, words)

    def _done(self, button: QPushButton, signal, taken: list) -> None:
        """One offer taken: its button goes, and the bar with it once nothing else is offered."""
        button.hide()
        if not (self.replace_btn.isVisible() or self.learn_btn.isVisible()):
            self.hide()
        if taken:
            signal.emit(taken)

    def keyPressEvent(self, e) -> None:
        if e.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(e)
