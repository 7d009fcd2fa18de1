"""Session → Vocabulary…: the profile's learned words are listed and can be removed (pytest-qt)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from livecaption.gui.vocabulary import VocabularyDialog
from livecaption.storage.userconfig import UserConfig, Vocabulary
from livecaption.vocabulary import DEFAULT_PROFILE, learn


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Preferences of this test alone, with a profile that has typed words and learned ones."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    c = UserConfig()
    c.profiles["lecture"] = Vocabulary("The Magic of Oz.", "Ozma, Tik-Tok")
    c.save()
    learn(["Boolooroo", "Ghip"], "lecture")


def dialog(qtbot, profile: str) -> VocabularyDialog:
    dlg = VocabularyDialog(profile)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_learned_words_are_listed_and_one_removed_from_the_keyboard_is_gone_once_saved(config, qtbot):
    dlg = dialog(qtbot, "lecture")
    assert dlg.learned() == ["Boolooroo", "Ghip"]
    assert dlg.prompt.toPlainText() == "The Magic of Oz." and dlg.hotwords.text() == "Ozma, Tik-Tok"
    unnamed = [type(w).__name__ for w in dlg.findChildren(QWidget)
               if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isVisible() and not w.accessibleName()]  # fmt: skip
    assert unnamed == []

    dlg.words.setFocus()
    qtbot.keyClick(dlg.words, Qt.Key.Key_Down)  # Ghip
    qtbot.keyClick(dlg.words, Qt.Key.Key_Delete)
    assert dlg.learned() == ["Boolooroo"]
    assert UserConfig.load().profiles["lecture"].words == ["Boolooroo", "Ghip"]  # only Save keeps it

    learn(["Pinkies"], "lecture")  # a word taught in the window while the dialog is open
    with qtbot.waitSignal(dlg.accepted):
        qtbot.keyClick(dlg.words, Qt.Key.Key_Return)  # Enter: the dialog's Save
    assert dlg.save() == "lecture"
    saved = UserConfig.load().profiles["lecture"]
    assert saved.words == ["Boolooroo", "Pinkies"]
    assert saved.prompt == "The Magic of Oz." and saved.hotwords == "Ozma, Tik-Tok"
    assert "Ghip" not in saved.all_hotwords and "Boolooroo" in saved.all_hotwords


def test_the_remove_button_and_cancel(config, qtbot):
    dlg = dialog(qtbot, "lecture")
    dlg.words.setCurrentRow(0)
    qtbot.mouseClick(dlg.remove_btn, Qt.MouseButton.LeftButton)
    assert dlg.learned() == ["Ghip"]
    dlg.reject()  # cancelled: nothing removed
    assert UserConfig.load().profiles["lecture"].words == ["Boolooroo", "Ghip"]

    dlg = dialog(qtbot, "lecture")
    dlg.words.selectAll()
    qtbot.mouseClick(dlg.remove_btn, Qt.MouseButton.LeftButton)
    assert dlg.learned() == [] and not dlg.remove_btn.isEnabled() and dlg.none_learned.isVisible()
    dlg.save()
    assert UserConfig.load().profiles["lecture"].words == []


def test_with_no_profile_chosen_the_default_profile_and_its_learned_words_show(config, qtbot):
    learn(["Blueskins"])  # the app learns into the default profile when none is chosen
    dlg = dialog(qtbot, "")
    assert dlg.profile_box.currentText() == DEFAULT_PROFILE and dlg.learned() == ["Blueskins"]
    dlg.profile_box.setCurrentText("lecture")
    assert dlg.learned() == ["Boolooroo", "Ghip"]
