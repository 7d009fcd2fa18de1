"""The menu bar and the window's keyboard shortcuts."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenuBar, QMessageBox

from livecaption.gui.host import MenuActions
from livecaption.gui.open_session import OpenSessionHost
from livecaption.gui.open_session import open_session as choose_session
from livecaption.gui.share_dialog import ShareDialog, ShareHost
from livecaption.gui.speakers import SpeakersHost, edit_speakers

if TYPE_CHECKING:
    from livecaption.gui.find_bar import FindBar
    from livecaption.gui.playback import LinePlayback
    from livecaption.gui.recovery import AfterSession
    from livecaption.gui.toolbar import Toolbar

EXPORTS = (("srt", "SubRip subtitles (.srt)"), ("vtt", "WebVTT (.vtt)"), ("txt", "Text with times (.txt)"),
           ("json", "JSON (.json)"))  # fmt: skip


class MenuHost(SpeakersHost, ShareHost, OpenSessionHost, Protocol):
    """What the menus reach of the window: its parts and commands, and what the dialogs they open need."""

    playback: LinePlayback
    find_bar: FindBar
    toolbar: Toolbar
    settings: QSettings
    profile: str

    @property
    def after(self) -> AfterSession: ...

    def menuBar(self) -> QMenuBar: ...

    def export_dialog(self, fmt: str = "srt") -> bool: ...

    def open_recording(self) -> None: ...

    def zoom(self, step: int) -> None: ...

    def toggle(self) -> None: ...


def build_menus(win: MenuHost) -> MenuActions:
    """The menus and shortcuts, on the window; the actions the window keeps (its choices) are returned."""
    w = win.window()
    m = win.menuBar()
    file = m.addMenu("&File")
    for fmt, label in EXPORTS:
        a = file.addAction(f"Export as {label}…", partial(win.export_dialog, fmt))
        if fmt == "srt":
            a.setShortcut(QKeySequence.StandardKey.Save)
    file.addAction("Improve transcript…", win.after.improve)
    file.addSeparator()
    file.addAction("Open session…", QKeySequence.StandardKey.Open, lambda: open_session(win))
    file.addAction("Open recording…", win.open_recording)
    file.addSeparator()
    file.addAction("Quit", QKeySequence.StandardKey.Quit, w.close)

    edit = m.addMenu("&Edit")
    undo = win.review.undo.createUndoAction(w, "Undo")
    undo.setShortcuts(QKeySequence.StandardKey.Undo)
    redo = win.review.undo.createRedoAction(w, "Redo")
    redo.setShortcuts(QKeySequence.StandardKey.Redo)  # Ctrl+Shift+Z and Ctrl+Y
    edit.addActions([undo, redo])
    edit.addAction("Edit line", QKeySequence(Qt.Key.Key_F2), win.view.edit_current)
    edit.addAction("Play line", QKeySequence("Ctrl+P"), lambda: play_line(win))
    edit.addSeparator()
    edit.addAction("Copy", QKeySequence.StandardKey.Copy, win.view.copy_selection)
    edit.addAction("Copy all", QKeySequence("Ctrl+Shift+C"), win.view.copy_all)
    edit.addAction("Find…", QKeySequence.StandardKey.Find, win.find_bar.open)
    edit.addSeparator()
    edit.addAction("Clear transcript…", lambda: clear_transcript(win))

    view = m.addMenu("&View")
    view.addAction("Larger text", QKeySequence("Ctrl++"), lambda: win.zoom(1))
    view.addAction("Smaller text", QKeySequence("Ctrl+-"), lambda: win.zoom(-1))
    QShortcut(QKeySequence("Ctrl+="), w, lambda: win.zoom(1))
    view.addSeparator()
    overlay = QAction("Caption overlay", w, checkable=True)
    overlay.setShortcut(QKeySequence("Ctrl+Shift+O"))
    overlay.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # works from the overlay too
    overlay.toggled.connect(win.toolbar.overlay_btn.setChecked)
    win.toolbar.overlay_btn.toggled.connect(overlay.setChecked)
    view.addAction(overlay)
    speakers = QAction("Overlay shows who is speaking", w, checkable=True, checked=True)
    speakers.setToolTip("Who said each line on the overlay: You / Others, or Speaker 1, Speaker 2…")
    speakers.toggled.connect(win.overlay.set_show_speakers)
    view.addAction("Overlay settings…", QKeySequence("Ctrl+Shift+L"), lambda: edit_overlay_settings(win, speakers))
    view.addAction(speakers)
    click = QAction("Overlay click-through", w, checkable=True)
    click.toggled.connect(lambda on: set_click_through(win, on))
    view.addAction(click)

    session = m.addMenu("&Session")
    session.addAction("Start / Stop", QKeySequence("Ctrl+R"), win.toggle)
    translate = QAction("Translate to English", w, checkable=True)
    translate.setToolTip("English captions for any spoken language (multilingual models)")
    session.addAction(translate)
    both = QAction("Original and English translation", w, checkable=True)
    both.setToolTip("Each caption as spoken, with its English translation under it (multilingual models)")
    session.addAction(both)
    # one or the other: English only, or the original with English under it
    translate.toggled.connect(lambda on: uncheck_if(on, both))
    both.toggled.connect(lambda on: uncheck_if(on, translate))
    session.addAction("Vocabulary…", lambda: edit_vocabulary(win))
    session.addAction("Speakers…", lambda: edit_speakers(win))
    session.addAction("Settings…", lambda: edit_session_settings(win))
    session.addSeparator()
    session.addAction("Share captions…", lambda: share_captions(win))

    win.view.speakerActivated.connect(lambda speaker: edit_speakers(win, speaker))
    win.view.playActivated.connect(win.playback.play)
    QShortcut(QKeySequence(Qt.Key.Key_Space), w, win.toggle)
    QShortcut(QKeySequence(Qt.Key.Key_End), w, win.view.jump_to_live)
    return MenuActions(overlay=overlay, speakers=speakers, click_through=click, translate=translate, both=both)


def uncheck_if(on: bool, other: QAction) -> None:
    if on:
        other.setChecked(False)


def play_line(win: MenuHost) -> None:
    """The selected line's audio, or stop it (Ctrl+P again)."""
    caption = win.view.current_caption()
    if caption is not None and caption.final:
        win.playback.play(caption)
    elif win.playback.playing is not None:
        win.playback.stop()


def open_session(win: MenuHost) -> None:
    win.playback.stop()
    choose_session(win)


def clear_transcript(win: MenuHost) -> None:
    if not win.model.rowCount():
        return
    text = "Remove all captions from the window? Export first if you need them."
    if QMessageBox.question(win.window(), "Clear transcript", text) == QMessageBox.StandardButton.Yes:
        win.model.clear()
        win.unsaved = False


def set_click_through(win: MenuHost, on: bool) -> None:
    win.overlay.set_click_through(on)
    if on:
        win.statusBar().showMessage("Overlay ignores the mouse; turn it off from View → Overlay click-through.", 6000)


def edit_vocabulary(win: MenuHost) -> None:
    from livecaption.gui.vocabulary import VocabularyDialog

    dlg = VocabularyDialog(win.profile, win.window())
    if dlg.exec():
        win.profile = dlg.save()
        win.settings.setValue("profile", win.profile)


def edit_overlay_settings(win: MenuHost, speakers: QAction) -> None:
    from livecaption.gui.overlay_settings import OverlaySettingsDialog
    from livecaption.gui.window_state import save_overlay_style

    dlg = OverlaySettingsDialog(win.overlay, win.window())
    if dlg.exec():
        speakers.setChecked(win.overlay.show_speakers)
        save_overlay_style(win.settings, win.overlay.style_)


def share_captions(win: ShareHost) -> None:
    ShareDialog(win).exec()


def edit_session_settings(win: MenuHost) -> None:
    from livecaption.gui.session_settings import SessionSettingsDialog

    dlg = SessionSettingsDialog(win.settings, win.window())
    if dlg.exec():
        dlg.save()
