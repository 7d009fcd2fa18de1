"""The window's choices, remembered between runs (QSettings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication

from livecaption.gui import settings as cfg
from livecaption.gui.toolbar import BUNDLED, select

if TYPE_CHECKING:
    from livecaption.gui.main_window import MainWindow


def restore(win: MainWindow) -> None:
    s, tb = win.settings, win.toolbar
    select(tb.lang_box, cfg.get(s, "language"))
    select(tb.compute_box, cfg.get(s, "compute"))
    tb.keep_model(cfg.get(s, "model"))
    tb.keep_device(cfg.get(s, "device"))
    geo = s.value("window/geometry")
    if geo is not None:
        win.restoreGeometry(geo)
    else:
        win.resize(960, 620)
    ogeo = s.value("overlay/geometry")
    if ogeo is not None:
        win.overlay.restoreGeometry(ogeo)
    else:
        screen = QGuiApplication.primaryScreen().availableGeometry()
        win.overlay.setGeometry(screen.left() + (screen.width() - 900) // 2, screen.bottom() - 220, 900, 180)
    win.overlay.apply_style(cfg.get(s, "overlay/preset"), cfg.get(s, "overlay/points"))
    win.click_action.setChecked(cfg.get(s, "overlay/click_through"))
    win.speakers_action.setChecked(cfg.get(s, "overlay/speakers"))
    win.translate_action.setChecked(cfg.get(s, "translate"))
    win.profile = cfg.get(s, "profile")
    if cfg.get(s, "overlay/visible"):
        tb.overlay_btn.setChecked(True)


def save(win: MainWindow) -> None:
    s, tb = win.settings, win.toolbar
    s.setValue("device", tb.device_box.currentData() or "")
    s.setValue("model", tb.model_box.currentData() or BUNDLED)
    s.setValue("language", tb.lang_box.currentData())
    s.setValue("compute", tb.compute_box.currentData())
    s.setValue("font_size", win.view.font().pointSizeF())
    s.setValue("window/geometry", win.saveGeometry())
    s.setValue("overlay/geometry", win.overlay.saveGeometry())
    s.setValue("overlay/preset", win.overlay.preset)
    s.setValue("overlay/points", win.overlay.points)
    s.setValue("overlay/visible", tb.overlay_btn.isChecked())
    s.setValue("overlay/click_through", win.overlay.click_through)
    s.setValue("overlay/speakers", win.overlay.show_speakers)
    s.setValue("translate", win.translate_action.isChecked())
    s.setValue("profile", win.profile)
    s.sync()
