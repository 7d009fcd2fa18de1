"""Domain vocabulary (names, jargon) per profile, shared with `livecaption caption --profile`."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit

from livecaption.storage.userconfig import UserConfig, Vocabulary


class VocabularyDialog(QDialog):
    def __init__(self, profile: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Vocabulary")
        self.config = UserConfig.load()
        self.profile_box = QComboBox()
        self.profile_box.setEditable(True)
        self.profile_box.addItems(sorted(set(self.config.profiles) | {profile}))
        self.profile_box.setCurrentText(profile)
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(
            "A sentence or two with the names and terms you expect, spelled as they should appear."
        )
        self.hotwords = QLineEdit()
        self.hotwords.setPlaceholderText("e.g. Kubernetes, Dr. Okonkwo, eigenvalue")
        form = QFormLayout(self)
        form.addRow("Profile", self.profile_box)
        form.addRow("Context", self.prompt)
        form.addRow("Hot words", self.hotwords)
        note = QLabel("Used from the next Start. The command line uses the same profiles (--profile NAME).")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.profile_box.currentTextChanged.connect(self._load)
        self._load(profile)

    def _load(self, name: str) -> None:
        v = self.config.profiles.get(name, Vocabulary())
        self.prompt.setPlainText(v.prompt)
        self.hotwords.setText(v.hotwords)

    def save(self) -> str:
        name = self.profile_box.currentText().strip() or "default"
        self.config.profiles[name] = Vocabulary(self.prompt.toPlainText().strip(), self.hotwords.text().strip())
        self.config.save()
        return name
