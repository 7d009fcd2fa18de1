"""File → Open session…: a past session's transcript in the window, picked from the keyboard (pytest-qt)."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from livecaption.captions import Caption
from livecaption.gui.main_window import MainWindow
from livecaption.gui.open_session import OpenSessionDialog, open_session, recent_sessions, show_session
from livecaption.gui.playback import session_audio
from livecaption.storage.journal import Journal, list_sessions, read_events, transcript_of
from livecaption.storage.spool import SR, AudioSpool, audio_path
from livecaption.transcript import Edit

MEETING = {
    "settle": True, "settle_skip": ["mic"], "speakers": True,
    "inputs": [{"source": "mic", "speaker": "You", "name": "pulse"},
               {"source": "system", "speaker": "Others", "name": "Monitor of Speakers"}],
}  # fmt: skip


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    """Two finished sessions: a recording, then a meeting with a settled reading, a rename, an edit, kept audio."""
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path))
    older = Journal("lecture.flac", "tiny.en", folder=tmp_path)
    older.append(Caption(0.0, 2.0, "Good morning.", id=1))
    older.append(Caption(2.0, 4.5, "Today we look at rocks.", id=2))
    older.close()
    newer = Journal("Microphone + system audio", "tiny.en", folder=tmp_path, extra=MEETING)
    newer.append(Caption(0.0, 1.5, "Hello everyone.", id=1, source="mic", speaker="You"))
    newer.append(Caption(1.6, 3.0, "we talk about buluru", id=2, source="system", speaker="Others"))
    newer.append(Caption(3.0, 4.0, "the rock", id=3, source="system", speaker="Others"))
    newer.append(Caption(1.6, 4.0, "We talk about Buluru, the rock.", id=100, source="system", speaker="Others",
                         settled=True, replaces=(2, 3)))  # fmt: skip
    newer.rename("Others", "Anna")
    newer.edit(Edit("system", 100, "We talk about Boolooroo, the rock."))
    newer.append(Caption(4.2, 5.0, "Thanks.", id=4, source="mic", speaker="You"))
    newer.close()
    spool = AudioSpool(audio_path(newer.path, 1, "system"))
    spool.write(0, np.zeros(5 * SR, np.float32))
    spool.close()
    return older, newer


def make_window(qtbot) -> MainWindow:
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    return win


def controls(dlg: QWidget) -> list[QWidget]:
    return [w for w in dlg.findChildren(QWidget) if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isVisible()]


def test_the_newest_session_opens_from_the_keyboard_as_its_journal_has_it(sessions, qtbot):
    older, newer = sessions
    win = make_window(qtbot)
    seen: dict = {}

    def drive() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, OpenSessionDialog):
            QTimer.singleShot(50, drive)
            return
        try:
            seen["said"] = dlg.list.topLevelItem(0).data(0, Qt.ItemDataRole.AccessibleTextRole)
            seen["newest"] = [dlg.list.topLevelItem(0).text(k) for k in range(6)]
            seen["unnamed"] = [type(w).__name__ for w in controls(dlg) if not w.accessibleName()]
            seen["focus"] = dlg.focusWidget() is dlg.list
            seen["ids"] = [x.info.id for x in dlg.sessions]
            qtbot.keyClick(dlg.list, Qt.Key.Key_Down)  # the older one
            seen["down"] = dlg.list.indexOfTopLevelItem(dlg.list.currentItem())
            qtbot.keyClick(dlg.list, Qt.Key.Key_Up)  # back to the newest
            qtbot.keyClick(dlg.list, Qt.Key.Key_Return)
        finally:
            if dlg.isVisible():
                dlg.reject()

    QTimer.singleShot(0, drive)
    assert open_session(win)
    assert seen["ids"] == [newer.id, older.id] and seen["down"] == 1
    assert seen["focus"] and seen["unnamed"] == []
    when, length, inputs, speakers, count, audio = seen["newest"]
    assert length == "00:00:05" and count == "3" and audio == "kept"
    assert inputs == "microphone (You) + system audio (Others)" and speakers == "You, Anna"
    assert "3 captions" in seen["said"] and "audio kept" in seen["said"] and "You, Anna" in seen["said"]

    header, events, _ = read_events(newer.path)
    kept = transcript_of(header, events).kept()
    assert win.model.finals() == kept and win.model.captions == kept
    row = next(r for r, c in enumerate(win.model.captions) if c.source == "system")
    shown = win.model.data(win.model.index(row), Qt.ItemDataRole.DisplayRole)
    assert "Anna: We talk about Boolooroo, the rock." in shown and win.model.edited(row)
    assert win.session_id == newer.id and win.view.isVisible() and not win.placeholder.isVisible()
    assert when in win.windowTitle() and win.status.state_label.text().startswith(f"Session of {when}")
    assert session_audio(win.session_id, "system") == audio_path(newer.path, 1, "system")  # a line can be heard

    # an edit now goes to that session's journal, as a running session's does
    win.model.setData(win.model.index(0), "Hello, everyone.")
    assert win.model.captions[0].text == "Hello, everyone."
    header, events, _ = read_events(newer.path)
    assert transcript_of(header, events).kept()[0].text == "Hello, everyone."
    win.close()


def test_a_running_session_is_not_replaced(sessions, qtbot):
    _, newer = sessions
    win = make_window(qtbot)
    win.session = object()  # as if one ran
    try:
        info = next(s for s in list_sessions() if s.id == newer.id)
        assert not show_session(win, info) and not open_session(win)
        assert "Stop the running session first" in win.statusBar().currentMessage()
        assert win.model.rowCount() == 0 and win.session_id is None
        empty = OpenSessionDialog(win, [])  # nothing recorded: nothing to open
        assert not empty.open_btn.isEnabled() and empty.list.topLevelItemCount() == 0
    finally:
        win.session = None
    win.close()


def test_a_session_that_died_opens_as_its_journal_kept_it(sessions, tmp_path, qtbot):
    path = tmp_path / "20200101-090000.jsonl"  # older than the others; no end line: it died
    lines = [{"type": "session", "id": path.stem, "started": "2020-01-01T09:00:00", "source": "pulse"},
             {"type": "caption", **Caption(0.0, 1.0, "Before the crash.", id=1).to_dict()}]  # fmt: skip
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    before = path.read_bytes()
    AudioSpool(audio_path(path, 0)).close()  # audio kept (empty): the way to its last words is offered
    listed = recent_sessions()
    assert [s.info.id for s in listed][-1] == path.stem and listed[-1].state == "did not finish"
    win = make_window(qtbot)
    assert show_session(win, listed[-1].info)
    assert [c.text for c in win.model.captions] == ["Before the crash."]
    assert path.read_bytes() == before  # nothing changed: still restorable, nothing lost
    assert win.banner.isVisible() and win.banner.action.text() == "Recover the last words"
    win.close()
