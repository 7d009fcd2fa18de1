"""Session → Speakers…: name the voices a session told apart, or say two labels are one person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit

from livecaption.gui import a11y
from livecaption.transcript import Rename

if TYPE_CHECKING:
    from livecaption.gui.main_window import MainWindow

SAME = "Same person as…"


def rename_speaker(win: MainWindow, old: str, new: str) -> bool:
    """`old` is `new` in the window, the overlay, the shared page, the journal and what comes next."""
    new = " ".join(new.split())
    if not new or new == old or old not in win.model.speakers():
        return False
    changed = win.model.rename_speaker(old, new)
    win.overlay.rename_speaker(old, new)
    if win.engine is not None:
        win.engine.rename_speaker(old, new)
    elif win.session_id:  # the session has stopped: its journal still learns the name
        from livecaption.errors import LivecaptionError
        from livecaption.storage.journal import rename_in, sessions_dir

        path = sessions_dir() / f"{win.session_id}.jsonl"
        try:
            if path.is_file():
                rename_in(path, old, new)
        except LivecaptionError as exc:
            win.banner.show_error(exc)
    server = getattr(win, "share_server", None)
    if server is not None and changed:
        server.publish(Rename(old, new))  # the page puts the renamed rows in place
    win.unsaved = True
    return True


class SpeakersDialog(QDialog):
    def __init__(self, win: MainWindow, focus: str = "") -> None:
        super().__init__(win)
        self.setWindowTitle("Speakers")
        self.win = win
        self.rows: list[tuple[str, QLineEdit, QComboBox]] = []
        form = QFormLayout(self)
        self.setMinimumWidth(520)
        labels = win.model.speakers()
        intro = QLabel(
            "Type a name for each voice: it replaces the label in every line so far and to come, and in exports. "
            "If two labels are one person, pick who they are the same as."
            if labels else "No one is labelled yet. Turn on Speakers in Session → Settings… and start."
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        for label in labels:
            name = QLineEdit(label)
            name.setMaxLength(40)
            a11y.name(name, f"Name for {label}", "Type the person's name; it replaces the label everywhere")
            same = QComboBox()
            same.addItem(SAME, "")
            for other in labels:
                if other != label:
                    same.addItem(other, other)
            a11y.name(same, f"{label} is the same person as", "Merge this label into another")
            row = QHBoxLayout()
            row.addWidget(name, 3)
            row.addWidget(same, 2)
            form.addRow(label, row)
            self.rows.append((label, name, same))
            if label == focus:
                name.setFocus()
                name.selectAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def apply(self) -> None:
        final = {label: " ".join(name.text().split()) or label for label, name, _ in self.rows}
        for label, _, same in self.rows:  # names first, then merges into whatever the other is called now
            if not same.currentData():
                rename_speaker(self.win, label, final[label])
        for label, _, same in self.rows:
            if same.currentData():
                rename_speaker(self.win, label, final[same.currentData()])


def edit_speakers(win: MainWindow, focus: str = "") -> None:
    dlg = SpeakersDialog(win, focus)
    if dlg.exec():
        dlg.apply()
