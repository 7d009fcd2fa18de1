"""The tray icon, where the desktop has a tray: the app's state at a glance, and Start/Stop, Overlay and Quit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QColor, QIcon, QPainter
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from livecaption.gui.icons import app_icon

if TYPE_CHECKING:
    from livecaption.gui.main_window import MainWindow

# The dot on the icon while a session runs: red as in a recording light.
DOTS = {"running": "#d93025", "starting": "#f2b705", "finishing": "#f2b705"}
TIPS = {"idle": "not captioning", "starting": "starting…", "running": "captioning", "finishing": "finishing…"}


def state_icon(base: QIcon, state: str, size: int = 64) -> QIcon:
    if state not in DOTS:
        return base
    pix = base.pixmap(size, size)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor("#ffffff"))
    p.setBrush(QColor(DOTS[state]))
    d = size * 0.42
    p.drawEllipse(int(size - d - 1), int(size - d - 1), int(d), int(d))
    p.end()
    return QIcon(pix)


class Tray(QObject):
    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.base = app_icon()
        self.icon = QSystemTrayIcon(self.base, self)
        self.menu = QMenu()
        self.start_action = self.menu.addAction("Start captioning", win.toggle)
        self.overlay_action = QAction("Caption overlay", self.menu, checkable=True)
        self.overlay_action.toggled.connect(win.toolbar.overlay_btn.setChecked)
        win.toolbar.overlay_btn.toggled.connect(self.overlay_action.setChecked)
        self.menu.addAction(self.overlay_action)
        self.menu.addAction("Show window", self.show_window)
        self.menu.addSeparator()
        self.menu.addAction("Quit", win.close)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.show_state("idle")

    def show_state(self, state: str) -> None:
        self.icon.setIcon(state_icon(self.base, state))
        self.icon.setToolTip(f"livecaption: {TIPS.get(state, state)}")
        self.start_action.setText("Stop captioning" if state in ("running", "finishing") else "Start captioning")
        self.start_action.setEnabled(state in ("idle", "running"))

    def show_window(self) -> None:
        self.win.showNormal()
        self.win.raise_()
        self.win.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_window()


def add_tray(win: MainWindow) -> Tray:
    """A tray icon where the desktop shows one (not on GNOME without an extension, nor on a bare X server)."""
    tray = Tray(win)
    if QSystemTrayIcon.isSystemTrayAvailable():
        tray.icon.show()
    return tray


