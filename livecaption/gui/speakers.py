"""Session → Speakers…: name the voices a session told apart, say two labels are one person, and remember a
named person's voice on this computer so later sessions name them (gui/voices.py)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
)

from livecaption.errors import LivecaptionError
from livecaption.gui import a11y
from livecaption.gui.host import Host
from livecaption.gui.overlay import CaptionOverlay
from livecaption.transcript import Rename

SAME = "Same person as…"


class SpeakersHost(Host, Protocol):
    """What naming speakers needs of the window: the transcript's views (rows, overlay, shared page, journal)."""

    overlay: CaptionOverlay


def rename_speaker(win: SpeakersHost, old: str, new: str) -> bool:
    """`old` is `new` in the window, the overlay, the shared page, the journal and what comes next."""
    new = " ".join(new.split())
    if not new or new == old or old not in win.model.speakers():
        return False
    changed = win.model.rename_speaker(old, new)
    win.overlay.rename_speaker(old, new)
    if win.engine is not None:
        win.engine.rename_speaker(old, new)
    elif win.session_id:  # the session has stopped: its journal still learns the name
        from livecaption.storage.journal import rename_in, sessions_dir

        path = sessions_dir() / f"{win.session_id}.jsonl"
        try:
            if path.is_file():
                rename_in(path, old, new)
        except LivecaptionError as exc:
            win.banner.show_error(exc)
    if win.share_server is not None and changed:
        win.share_server.publish(Rename(old, new))  # the page puts the renamed rows in place
    win.unsaved = True
    return True


class SpeakersDialog(QDialog):
    def __init__(self, win: SpeakersHost, focus: str = "") -> None:
        super().__init__(win.window())
        self.setWindowTitle("Speakers")
        self.win = win
        self.rows: list[tuple[str, QLineEdit, QComboBox]] = []
        self.remember: dict[str, QCheckBox] = {}  # label → "Remember this voice"
        form = QFormLayout(self)
        self.setMinimumWidth(640)
        labels = win.model.speakers()
        intro = QLabel(
            "Type a name for each voice: it replaces the label in every line so far and to come, and in exports. "
            "If two labels are one person, pick who they are the same as. Remember this voice keeps a named "
            "person's voice print (no audio) on this computer, so later sessions with Speakers on name them."
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
            keep = QCheckBox("Remember this voice")
            a11y.name(keep, f"Remember {label}'s voice",
                      "Keeps a voice print under the name typed, on this computer only: later sessions name this person")  # fmt: skip
            name.textChanged.connect(lambda text, box=keep: _allow(box, text))
            _allow(keep, label)
            row = QHBoxLayout()
            row.addWidget(name, 3)
            row.addWidget(same, 2)
            row.addWidget(keep)
            self.remember[label] = keep
            form.addRow(label, row)
            self.rows.append((label, name, same))
            if label == focus:
                name.setFocus()
                name.selectAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        a11y.name(buttons.button(QDialogButtonBox.StandardButton.Save), "Save",
                  "Applies the names and merges, and remembers the voices ticked")  # fmt: skip
        a11y.name(buttons.button(QDialogButtonBox.StandardButton.Cancel), "Cancel", "Closes without changes")
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
        for label, _, same in self.rows:
            if self.remember[label].isChecked() and self.remember[label].isEnabled():
                remember_voice(self.win, final[same.currentData() or label])


def _allow(box: QCheckBox, name: str) -> None:
    """A voice is remembered under a name: not under "Speaker N" (or nothing)."""
    from livecaption.speakers.voices import clean_name

    try:
        clean_name(name)
    except LivecaptionError:
        box.setChecked(False)
        box.setEnabled(False)
        box.setToolTip("Type the person's name first")
        return
    box.setEnabled(True)
    box.setToolTip(f"Later sessions with Speakers on name this voice {' '.join(name.split())}")


def remember_voice(win: SpeakersHost, name: str) -> None:
    """Keep the voice of the speaker now called `name`: from the running session's labeller, else from the
    session's kept audio (on a thread); the status bar says when it is kept, the banner if it cannot be."""
    from livecaption.gui.voices import VoiceKeeper, kept_voice, running_voice, speech

    keeper = win.window().findChild(VoiceKeeper)
    if keeper is None:
        keeper = VoiceKeeper(win.window())
        keeper.remembered.connect(lambda v: win.statusBar().showMessage(
            f"Remembered {v.name}'s voice ({speech(v.seconds)} of speech): later sessions with Speakers on name them",
            8000))  # fmt: skip
        keeper.failed.connect(win.banner.show_error)
    held = running_voice(win.engine, name) if win.engine is not None else None
    session_id = win.session_id
    if held is not None:
        keeper.remember(name, lambda: held)
    elif session_id:
        keeper.remember(name, lambda: kept_voice(session_id, name))
    else:
        win.banner.show_error(LivecaptionError(f"there is no voice of {name} to remember: this session kept none"))


def edit_speakers(win: SpeakersHost, focus: str = "") -> None:
    dlg = SpeakersDialog(win, focus)
    if dlg.exec():
        dlg.apply()
