"""The tray icon, where the desktop has a tray: the app's state at a glance, and Start/Stop, Overlay and Quit."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QColor, QIcon, QPainter
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from livecaption.gui.icons import app_icon
from livecaption.gui.toolbar import State, Toolbar

# The dot on the icon while a session runs: red as in a recording light.
DOTS = {State.RUNNING: "#d93025", State.STARTING: "#f2b705", State.FINISHING: "#f2b705"}
TIPS = {State.IDLE: "not captioning", State.STARTING: "starting…", State.RUNNING: "captioning",
        State.FINISHING: "finishing…"}  # fmt: skip


class TrayHost(Protocol):
    """What the tray's menu does with the window: start or stop, the overlay, show it, quit."""

    toolbar: Toolbar

    def toggle(self) -> None: ...

    def window(self) -> QWidget: ...


def state_icon(base: QIcon, state: State, size: int = 64) -> QIcon:
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
    def __init__(self, win: TrayHost) -> None:
        super().__init__(win.window())
        self.window = win.window()
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
        self.menu.addAction("Quit", self.window.close)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.show_state(State.IDLE)

    def show_state(self, state: State) -> None:
        self.icon.setIcon(state_icon(self.base, state))
        self.icon.setToolTip(f"livecaption: {TIPS.get(state, state)}")
        self.start_action.setText("Stop captioning" if state in (State.RUNNING, State.FINISHING) else "Start captioning")
        self.start_action.setEnabled(state in (State.IDLE, State.RUNNING))

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_window()


def add_tray(win: TrayHost) -> Tray:
    """A tray icon where the desktop shows one (not on GNOME without an extension, nor on a bare X server)."""
    tray = Tray(win)
    if QSystemTrayIcon.isSystemTrayAvailable():
        tray.icon.show()
    return tray


