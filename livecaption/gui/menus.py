"""The menu bar and the window's keyboard shortcuts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut

if TYPE_CHECKING:
    from livecaption.gui.main_window import MainWindow

EXPORTS = (("srt", "SubRip subtitles (.srt)"), ("vtt", "WebVTT (.vtt)"), ("txt", "Text with times (.txt)"),
           ("json", "JSON (.json)"))  # fmt: skip


def build_menus(win: MainWindow) -> None:
    m = win.menuBar()
    file = m.addMenu("&File")
    for fmt, label in EXPORTS:
        a = file.addAction(f"Export as {label}…", lambda f=fmt: win.export_dialog(f))
        if fmt == "srt":
            a.setShortcut(QKeySequence.StandardKey.Save)
    file.addAction("Improve transcript…", win.after.improve)
    file.addSeparator()
    file.addAction("Open session…", QKeySequence.StandardKey.Open, lambda: open_session(win))
    file.addAction("Open recording…", win.open_recording)
    file.addSeparator()
    file.addAction("Quit", QKeySequence.StandardKey.Quit, win.close)

    edit = m.addMenu("&Edit")
    undo = win.review.undo.createUndoAction(win, "Undo")
    undo.setShortcuts(QKeySequence.StandardKey.Undo)
    redo = win.review.undo.createRedoAction(win, "Redo")
    redo.setShortcuts(QKeySequence.StandardKey.Redo)  # Ctrl+Shift+Z and Ctrl+Y
    edit.addActions([undo, redo])
    edit.addAction("Edit line", QKeySequence(Qt.Key.Key_F2), win.view.edit_current)
    edit.addAction("Play line", QKeySequence("Ctrl+P"), lambda: play_line(win))
    edit.addSeparator()
    edit.addAction("Copy", QKeySequence.StandardKey.Copy, win.view.copy_selection)
    edit.addAction("Copy all", QKeySequence("Ctrl+Shift+C"), win.view.copy_all)
    edit.addAction("Find…", QKeySequence.StandardKey.Find, win.find_bar.open)
    edit.addSeparator()
    edit.addAction("Clear transcript…", win.clear_transcript)

    view = m.addMenu("&View")
    view.addAction("Larger text", QKeySequence("Ctrl++"), lambda: win.zoom(1))
    view.addAction("Smaller text", QKeySequence("Ctrl+-"), lambda: win.zoom(-1))
    QShortcut(QKeySequence("Ctrl+="), win, lambda: win.zoom(1))
    view.addSeparator()
    win.overlay_action = QAction("Caption overlay", win, checkable=True)
    win.overlay_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
    win.overlay_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # works from the overlay too
    win.overlay_action.toggled.connect(win.toolbar.overlay_btn.setChecked)
    win.toolbar.overlay_btn.toggled.connect(win.overlay_action.setChecked)
    view.addAction(win.overlay_action)
    view.addAction("Overlay settings…", QKeySequence("Ctrl+Shift+L"), lambda: edit_overlay_settings(win))
    win.speakers_action = QAction("Overlay shows who is speaking", win, checkable=True, checked=True)
    win.speakers_action.setToolTip("Who said each line on the overlay: You / Others, or Speaker 1, Speaker 2…")
    win.speakers_action.toggled.connect(win.overlay.set_show_speakers)
    view.addAction(win.speakers_action)
    win.click_action = QAction("Overlay click-through", win, checkable=True)
    win.click_action.toggled.connect(lambda on: set_click_through(win, on))
    view.addAction(win.click_action)

    session = m.addMenu("&Session")
    session.addAction("Start / Stop", QKeySequence("Ctrl+R"), win.toggle)
    win.translate_action = QAction("Translate to English", win, checkable=True)
    win.translate_action.setToolTip("English captions for any spoken language (multilingual models)")
    session.addAction(win.translate_action)
    win.both_action = QAction("Original and English translation", win, checkable=True)
    win.both_action.setToolTip("Each caption as spoken, with its English translation under it (multilingual models)")
    session.addAction(win.both_action)
    # one or the other: English only, or the original with English under it
    win.translate_action.toggled.connect(lambda on: on and win.both_action.setChecked(False))
    win.both_action.toggled.connect(lambda on: on and win.translate_action.setChecked(False))
    session.addAction("Vocabulary…", lambda: edit_vocabulary(win))
    session.addAction("Speakers…", lambda: edit_speakers(win))
    session.addAction("Settings…", lambda: edit_session_settings(win))
    session.addSeparator()
    session.addAction("Share captions…", lambda: share_captions(win))

    win.view.speakerActivated.connect(lambda speaker: edit_speakers(win, speaker))
    win.view.playActivated.connect(win.playback.play)
    QShortcut(QKeySequence(Qt.Key.Key_Space), win, win.toggle)
    QShortcut(QKeySequence(Qt.Key.Key_End), win, win.view.jump_to_live)


def edit_speakers(win: MainWindow, focus: str = "") -> None:
    from livecaption.gui.speakers import edit_speakers as edit

    edit(win, focus)


def play_line(win: MainWindow) -> None:
    """The selected line's audio, or stop it (Ctrl+P again)."""
    caption = win.view.current_caption()
    if caption is not None and caption.final:
        win.playback.play(caption)
    elif win.playback.playing is not None:
        win.playback.stop()


def open_session(win: MainWindow) -> None:
    from livecaption.gui.open_session import open_session as choose

    win.playback.stop()
    choose(win)


def set_click_through(win: MainWindow, on: bool) -> None:
    win.overlay.set_click_through(on)
    if on:
        win.statusBar().showMessage("Overlay ignores the mouse; turn it off from View → Overlay click-through.", 6000)


def edit_vocabulary(win: MainWindow) -> None:
    from livecaption.gui.vocabulary import VocabularyDialog

    dlg = VocabularyDialog(win.profile, win)
    if dlg.exec():
        win.profile = dlg.save()
        win.settings.setValue("profile", win.profile)


def edit_overlay_settings(win: MainWindow) -> None:
    from livecaption.gui.overlay_settings import OverlaySettingsDialog
    from livecaption.gui.window_state import save_overlay_style

    dlg = OverlaySettingsDialog(win.overlay, win)
    if dlg.exec():
        win.speakers_action.setChecked(win.overlay.show_speakers)
        save_overlay_style(win.settings, win.overlay.style_)


def share_captions(win: MainWindow) -> None:
    from livecaption.gui.share_dialog import ShareDialog

    ShareDialog(win).exec()


def edit_session_settings(win: MainWindow) -> None:
    from livecaption.gui.session_settings import SessionSettingsDialog

    dlg = SessionSettingsDialog(win.settings, win)
    if dlg.exec():
        dlg.save()
