"""Speaker labels in the app: the Settings switch, the rows, renaming and merging from Session → Speakers…"""

import json

import numpy as np
import pytest
import srt
from conftest import run_cli, write_wav
from PySide6.QtCore import Qt

from livecaption.audio import read_audio
from livecaption.gui.main_window import MainWindow
from livecaption.gui.session_settings import config_for
from livecaption.gui.speakers import SpeakersDialog
from livecaption.samples import SR


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    return tmp_path / "sessions"


def two_voices(speech, folder) -> str:
    jfk, reader = read_audio(speech / "jfk.flac"), read_audio(speech / "1089-134686-0001.flac")
    gap = np.zeros(int(0.8 * SR), np.float32)
    audio = np.concatenate((gap, jfk[: int(5.6 * SR)], gap, reader[: int(3.3 * SR)], gap, jfk[int(5.6 * SR) :], gap,
                            reader[int(3.3 * SR) :], gap))  # fmt: skip
    return str(write_wav(folder / "two.wav", audio))


@pytest.mark.model  # starts a session with the real model
def test_speakers_are_labelled_renamed_and_merged_everywhere(speech, qtbot, tmp_path, sessions):
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    assert not config_for(win).speakers  # off until asked for
    switch_speakers_on(qtbot, win)  # Session → Settings…: the checkbox, then Save
    assert config_for(win).speakers
    win.input_file = two_voices(speech, tmp_path)
    with qtbot.waitSignal(win.bridge.finished, timeout=120_000):
        qtbot.mouseClick(win.toolbar.start_btn, Qt.MouseButton.LeftButton)
    assert win.model.speakers() == ["Speaker 1", "Speaker 2"]
    rows = [win.model.data(win.model.index(r)) for r in range(win.model.rowCount())]
    assert any("Speaker 2: " in r for r in rows), rows

    dlg = SpeakersDialog(win, focus="Speaker 2")
    assert [label for label, _, _ in dlg.rows] == ["Speaker 1", "Speaker 2"]
    dlg.rows[1][1].setText("Ana")
    dlg.apply()
    assert win.model.speakers() == ["Speaker 1", "Ana"]
    rows = [win.model.data(win.model.index(r)) for r in range(win.model.rowCount())]
    assert any("Ana: " in r for r in rows) and not any("Speaker 2" in r for r in rows)
    out = tmp_path / "talk.srt"
    assert win.export_to(str(out))
    said = [s.content.split(": ")[0] for s in srt.parse(out.read_text(encoding="utf-8"))]
    assert set(said) == {"Speaker 1", "Ana"}
    # the session's journal knows the name too (the session had stopped when it was given)
    data = json.loads(run_cli("export", "latest", "--format", "json").stdout)["captions"]
    assert {c["speaker"] for c in data} == {"Speaker 1", "Ana"}

    dlg = SpeakersDialog(win)
    dlg.rows[0][2].setCurrentIndex(dlg.rows[0][2].findData("Ana"))  # Speaker 1 is the same person as Ana
    dlg.apply()
    assert win.model.speakers() == ["Ana"]
    # one speaker in the export and the journal too
    merged = tmp_path / "merged.srt"
    assert win.export_to(str(merged))
    said = [s.content.split(": ")[0] for s in srt.parse(merged.read_text(encoding="utf-8"))]
    assert said and set(said) == {"Ana"}, said
    journal = run_cli("export", "latest", "--format", "json")
    assert journal.returncode == 0, journal.stderr
    data = [c for c in json.loads(journal.stdout)["captions"] if c["text"]]
    assert data and {c["speaker"] for c in data} == {"Ana"}, data
    win.close()


def switch_speakers_on(qtbot, win: MainWindow) -> None:
    """Ticks "Tell voices apart" in Session → Settings… and saves, as a person does."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from livecaption.gui import menus
    from livecaption.gui.session_settings import SessionSettingsDialog

    seen = []

    def in_the_dialog():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, SessionSettingsDialog):
            QTimer.singleShot(50, in_the_dialog)  # not shown yet
            return
        seen.append(dlg.speakers.isChecked())
        qtbot.mouseClick(dlg.speakers, Qt.MouseButton.LeftButton, pos=dlg.speakers.rect().center())
        seen.append(dlg.speakers.isChecked())
        save = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, in_the_dialog)
    menus.edit_session_settings(win)  # modal: returns once Save was clicked
    assert seen == [False, True]  # it was off, and the click ticked it
