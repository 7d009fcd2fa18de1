"""Review and correct in the app (#36): edit a line in place from the keyboard, undo it, and let one
edit fix the same misreading elsewhere and teach the word; every change reaches the journal."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLineEdit

from livecaption.captions import Caption
from livecaption.gui.main_window import MainWindow
from livecaption.storage.journal import Journal, read_events, transcript_of
from livecaption.storage.userconfig import UserConfig
from livecaption.transcript import Edit

LINES = ["The Buluru gave a yell.", "We met Ghip today.", "Said the bullaroo, angrily.", "A blue sky.",
         "The buluru's room."]  # fmt: skip


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "sessions"


def stopped_session(qtbot, speaker: str = "") -> MainWindow:
    """The window as a session left it: its captions shown, its journal closed."""
    journal = Journal("mic", "tiny.en")
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()  # mnemonics and shortcuts go to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
    win.model.begin({""})
    for k, text in enumerate(LINES):
        c = Caption(2.0 * k, 2.0 * k + 1.5, text, id=k + 1, speaker=speaker)
        journal.append(c)
        win.on_caption(c)
    journal.close()
    win.model.settling(None)
    win.session_id = journal.id
    return win


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as a person presses it: to whatever has the focus (shortcuts and mnemonics included)."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)
    qtbot.wait(150)  # a button's mnemonic clicks it after a short press animation


def kept(win: MainWindow) -> list[str]:
    return [c.text for c in win.model.finals()]


def journaled(win: MainWindow) -> list[str]:
    from livecaption.storage.journal import sessions_dir

    header, events, _ = read_events(sessions_dir() / f"{win.session_id}.jsonl")
    return [c.text for c in transcript_of(header, events).kept()]


def type_into_editor(qtbot, win: MainWindow, text: str, key=Qt.Key.Key_Return) -> None:
    editors = [e for e in win.view.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1 and editors[0].accessibleName() == "Edit line"
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, key)
    # the delegate commits and closes it from the event loop
    qtbot.waitUntil(lambda: win.view.state() != win.view.State.EditingState, timeout=2000)


def test_a_line_is_edited_undone_and_taught_from_the_keyboard_alone(sessions, qtbot):
    win = stopped_session(qtbot)
    win.view.setFocus()
    win.view.setCurrentIndex(win.model.index(0))
    press(qtbot, Qt.Key.Key_Return)  # Enter opens the line in place
    type_into_editor(qtbot, win, "The Boolooroo gave a yell.")
    assert kept(win)[0] == "The Boolooroo gave a yell." and win.model.edited(0)
    assert "(edited)" in win.model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert journaled(win) == kept(win)  # on disk at once
    # the bar shows the other lines first, then one key replaces them all
    bar = win.review.bar
    assert bar.isVisible() and bar.replace_btn.text() == "&Replace in 2 lines"
    assert "the Boolooroo, angrily" in bar.preview.text() and "A blue sky" not in bar.preview.text()
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert kept(win) == ["The Boolooroo gave a yell.", "We met Ghip today.", "Said the Boolooroo, angrily.",
                         "A blue sky.", "The Boolooroo's room."]  # fmt: skip
    assert journaled(win) == kept(win)
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # learn the word
    assert UserConfig.load().profiles[win.profile].words == ["Boolooroo"]
    assert not bar.isVisible()
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one undo: the replace, all of it
    assert kept(win)[1:] == LINES[1:] and kept(win)[0] == "The Boolooroo gave a yell."
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # and the edit
    assert kept(win) == LINES and not win.model.edited(0)
    assert journaled(win) == LINES
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert kept(win)[0] == "The Boolooroo gave a yell."  # redo
    # Escape drops what was typed; F2 opens a line too
    win.view.setCurrentIndex(win.model.index(3))
    press(qtbot, Qt.Key.Key_F2)
    type_into_editor(qtbot, win, "A red sky.", key=Qt.Key.Key_Escape)
    assert kept(win)[3] == "A blue sky." and journaled(win) == kept(win)


def test_a_double_click_edits_the_text_and_names_the_speaker_on_its_label(sessions, qtbot):
    win = stopped_session(qtbot, speaker="Speaker 1")
    named = []
    win.view.speakerActivated.disconnect()
    win.view.speakerActivated.connect(named.append)
    rect = win.view.visualRect(win.model.index(1))
    box = win.view.delegate.text_box(_option(win, rect))
    qtbot.mouseDClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(box.left() + 4, rect.top() + 8))
    assert named == ["Speaker 1"] and not [e for e in win.view.viewport().findChildren(QLineEdit) if e.isVisible()]
    qtbot.mouseDClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.right() - 20, rect.top() + 8))
    type_into_editor(qtbot, win, "We met Ghip yesterday.")
    assert kept(win)[1] == "We met Ghip yesterday." and win.model.finals()[1].speaker == "Speaker 1"
    assert not win.review.bar.isVisible()  # nothing to teach: a common word, in no other line
    assert journaled(win) == kept(win)


def _option(win: MainWindow, rect):
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.font, option.rect = win.view.font(), rect
    return option


def test_an_edit_while_a_session_runs_goes_to_its_record_first(sessions, qtbot):
    """A running session's record (its transcript and journal, real) is ahead of the window: a line it
    settled a moment ago is refused, not edited in the window alone; any other edit is on disk at once."""
    from livecaption.streaming.record import Record

    win = stopped_session(qtbot)
    journal = Journal("mic", "tiny.en")
    record = Record(journal, lambda exc: None)
    record.begin({""})
    with record.lock:
        for c in win.model.finals():
            record.add(c)
        record.add(Caption(2.0, 3.5, "We met Ghip today!", id=1 << 30, settled=True, replaces=(2,)))  # not shown yet
    win.session_id = journal.id
    win.session = type("Running", (), {"engine": type("Engine", (), {"record": record, "settler": None})()})()
    try:
        assert not win.review.apply(Edit("", 2, "We met Ghip on Tuesday."))
        assert kept(win)[1] == "We met Ghip today." and "settled" in win.statusBar().currentMessage()
        assert win.review.apply(Edit("", 3, "Said the Boolooroo, angrily."))
        assert kept(win)[2] == "Said the Boolooroo, angrily."
        assert [c.text for c in record.transcript()][2] == "Said the Boolooroo, angrily."
        _, events, _ = read_events(journal.path)
        assert Edit("", 3, "Said the Boolooroo, angrily.") in events  # on disk before the window showed it
    finally:
        win.session = None
        journal.close()


def test_a_line_is_heard_from_its_play_control_or_ctrl_p_and_marked_while_it_plays(sessions, qtbot):
    """The window's wiring (the player itself plays into a real sound server in tests/audio/test_playback.py)."""
    win = stopped_session(qtbot)
    played = []

    class Player:  # records what the window asks to hear
        playing = False

        def play(self, path, start_s, end_s, on_done=None):
            played.append((path.name, round(start_s, 2), round(end_s, 2)))

        def stop(self):
            pass

    win.playback.player = Player()
    rect = win.view.visualRect(win.model.index(2))
    option = _option(win, rect)
    x = next(x for x in range(rect.left(), rect.right()) if win.view.delegate.on_play(option, QPoint(x, rect.top() + 8)))
    qtbot.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x + 2, rect.top() + 8))
    assert played == [(f"{win.session_id}.flac", 3.85, 5.65)]  # line 3 (4.0–5.5 s), a little either side
    assert win.model.playing == ("", 3) and "▶" in win.view.delegate.mark(option, win.model.index(2))
    win.view.setFocus()
    win.view.setCurrentIndex(win.model.index(0))
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert played[-1] == (f"{win.session_id}.flac", 0.0, 1.65) and win.model.playing == ("", 1)
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # again: stop
    assert win.model.playing is None


def test_undo_and_the_offer_belong_to_one_transcript_and_lines_without_an_id_are_not_edited(sessions, qtbot):
    """Live ids start again at 1 each session: an undo step of the last one would edit this one's line."""
    win = stopped_session(qtbot)
    win.review.edit_line(win.model.captions[0], "The Boolooroo gave a yell.")
    assert win.review.undo.canUndo() and win.review.bar.isVisible()
    win.model.begin({""})  # the next session starts
    assert not win.review.undo.canUndo() and not win.review.bar.isVisible()
    win.on_caption(Caption(0.0, 1.0, "A line read again.", id=0))  # Improve transcript's lines have no id
    row = win.model.rowCount() - 1
    assert not win.model.editable(row) and not win.model.playable(row)
    assert not win.model.editable(0) and not win.model.playable(0)  # an earlier session's line


def test_a_line_whose_voice_is_unsure_is_marked_for_the_eye_the_pointer_and_a_screen_reader(sessions, qtbot,
                                                                                             monkeypatch):  # fmt: skip
    from livecaption.gui import a11y
    from livecaption.gui.transcript_model import UNSURE_TIP

    win = stopped_session(qtbot, speaker="Speaker 1")
    announced: list[str] = []
    monkeypatch.setattr(a11y, "announce", lambda _w, text: announced.append(text))
    doubt = Caption(12.0, 13.5, "Who said this?", id=9, speaker="Speaker 2", unsure=True)
    win.on_caption(doubt)
    assert announced == ["Speaker 2 (speaker unsure): Who said this?"]  # said in words, not "(?)"
    row = win.model.row_of(9)
    shown = win.model.data(win.model.index(row))
    assert shown.endswith("Speaker 2 (?): Who said this?") and "(?)" not in win.model.data(win.model.index(0))
    assert UNSURE_TIP in win.model.data(win.model.index(row), Qt.ItemDataRole.ToolTipRole)
    assert "(speaker unsure)" in win.model.data(win.model.index(row), Qt.ItemDataRole.AccessibleTextRole)
    named = []
    win.view.speakerActivated.disconnect()
    win.view.speakerActivated.connect(named.append)
    win.view.scrollTo(win.model.index(row))
    rect = win.view.visualRect(win.model.index(row))
    box = win.view.delegate.text_box(_option(win, rect))
    on_mark = box.left() + QFontMetrics(win.view.font()).horizontalAdvance("Speaker 2 (") + 2
    qtbot.mouseDClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(on_mark, rect.top() + 8))
    assert named == ["Speaker 2"]  # the mark is part of the label: a double-click on it names the speaker
    assert win.model.finals()[-1].unsure and win.model.finals()[-1].to_dict()["unsure"] is True
    win.view.setCurrentIndex(win.model.index(0))
    win.find_bar.open()
    win.find_bar.edit.setText("(?)")  # a person reviewing goes from one unsure line to the next
    assert win.find_bar.find_next(1) and win.view.currentIndex().row() == row
    win.find_bar.edit.setText("speaker")  # a part of a label finds nobody's lines: only words or a whole name
    assert not win.find_bar.find_next(1)
    win.view.setCurrentIndex(win.model.index(0))
    win.find_bar.edit.setText("Speaker 2")
    assert win.find_bar.find_next(1) and win.view.currentIndex().row() == row
