"""Domain vocabulary (names, jargon) per profile, shared with `livecaption caption --profile`, and the words
the profile learned from the user's corrections, which can be removed here.

Removals are kept until Save, and Save writes them over the profile as it is on disk then, so a word
learned meanwhile (a correction in the window while this dialog is open) is not lost.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from livecaption.gui import a11y
from livecaption.storage.userconfig import UserConfig, Vocabulary
from livecaption.vocabulary import DEFAULT_PROFILE


class VocabularyDialog(QDialog):
    def __init__(self, profile: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Vocabulary")
        profile = profile or DEFAULT_PROFILE  # where words are learned when no profile was chosen
        self.config = UserConfig.load()
        self.removed: set[str] = set()  # learned words taken out (lower case), until Save
        self.profile_box = QComboBox()
        self.profile_box.setEditable(True)
        self.profile_box.addItems(sorted(set(self.config.profiles) | {profile}))
        self.profile_box.setCurrentText(profile)
        a11y.name(self.profile_box, "Profile", "The vocabulary profile to edit; type a new name to make one")
        name_edit = self.profile_box.lineEdit()
        assert name_edit is not None  # an editable combo box has one
        a11y.name(name_edit, "Profile name", "Type a new name to make a profile")
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(
            "A sentence or two with the names and terms you expect, spelled as they should appear."
        )
        self.prompt.setTabChangesFocus(True)  # Tab goes on to the next field, as everywhere else
        a11y.name(self.prompt, "Context", "Names and terms you expect, spelled as they should appear")
        self.hotwords = QLineEdit()
        self.hotwords.setPlaceholderText("e.g. Kubernetes, Dr. Okonkwo, eigenvalue")
        a11y.name(self.hotwords, "Hot words", "Words to boost, separated by commas")
        self.words = QListWidget()
        self.words.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        a11y.name(self.words, "Learned words", "Words learned from your corrections; Delete removes the selected")
        self.remove_btn = QPushButton("Remove")
        a11y.name(self.remove_btn, "Remove learned word", "Removes the selected learned words when you save")
        self.remove_btn.clicked.connect(self.remove_selected)
        self.words.installEventFilter(self)  # Delete removes the selected words
        self.none_learned = QLabel("None yet: when you correct a word in a line, you can teach it, and it shows here.")
        self.none_learned.setWordWrap(True)
        learned = QVBoxLayout()
        learned.addWidget(self.words)
        learned.addWidget(self.none_learned)
        side = QHBoxLayout()
        side.addLayout(learned, 1)
        side.addWidget(self.remove_btn, 0, Qt.AlignmentFlag.AlignTop)
        form = QFormLayout(self)
        form.addRow("Profile", self.profile_box)
        form.addRow("Context", self.prompt)
        form.addRow("Hot words", self.hotwords)
        form.addRow("Learned words", side)
        note = QLabel("Used from the next Start. The command line uses the same profiles (--profile NAME).")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        a11y.name(buttons.button(QDialogButtonBox.StandardButton.Save), "Save", "Keeps the profile as shown")
        a11y.name(buttons.button(QDialogButtonBox.StandardButton.Cancel), "Cancel", "Closes without changes")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.words.currentRowChanged.connect(lambda _row: self._enable())
        self.profile_box.currentTextChanged.connect(self._load)
        self._load(profile)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.words and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.matches(QKeySequence.StandardKey.Delete)):  # fmt: skip
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)

    def _load(self, name: str) -> None:
        v = self.config.profiles.get(name.strip(), Vocabulary())
        self.prompt.setPlainText(v.prompt)
        self.hotwords.setText(v.hotwords)
        self.removed = set()  # another profile: what was taken out of the last one is not saved
        self.words.clear()
        self.words.addItems(v.words)
        if v.words:
            self.words.setCurrentRow(0)
        self._enable()

    def _enable(self) -> None:
        has = self.words.count() > 0
        self.words.setVisible(has)
        self.none_learned.setVisible(not has)
        self.remove_btn.setEnabled(has and self.words.currentRow() >= 0)

    def learned(self) -> list[str]:
        """The learned words as the list shows them now."""
        return [self.words.item(k).text() for k in range(self.words.count())]

    def remove_selected(self) -> None:
        """Take the selected learned words (or the current one) out of the list; Save makes it so."""
        items = self.words.selectedItems() or ([self.words.currentItem()] if self.words.currentItem() else [])
        if not items:
            return
        row = min(self.words.row(i) for i in items)
        gone = []
        for item in items:
            self.removed.add(item.text().lower())
            gone.append(self.words.takeItem(self.words.row(item)).text())
        if self.words.count():
            self.words.setCurrentRow(min(row, self.words.count() - 1))
            self.words.setFocus()
        else:
            self.profile_box.setFocus()
        self._enable()
        a11y.announce(self.words, f"Removed {', '.join(gone)}; Save keeps the change")

    def save(self) -> str:
        name = self.profile_box.currentText().strip() or DEFAULT_PROFILE
        config = UserConfig.load()  # as it is now: words learned while this dialog was open stay
        saved = config.profiles.get(name, Vocabulary())
        words = [w for w in saved.words if w.lower() not in self.removed]
        config.profiles[name] = Vocabulary(self.prompt.toPlainText().strip(), self.hotwords.text().strip(), words)
        config.save()
        self.config = config
        return name
