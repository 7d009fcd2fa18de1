"""The window's choices, remembered between runs (QSettings)."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from livecaption.gui import settings as cfg
from livecaption.gui.overlay import OverlayStyle
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
        win.overlay.restoreGeometry(ogeo)  # where it was when free; docked, set_style places it
    win.overlay.set_style(load_overlay_style(s))
    win.click_action.setChecked(cfg.get(s, "overlay/click_through"))
    win.speakers_action.setChecked(cfg.get(s, "overlay/speakers"))
    win.translate_action.setChecked(cfg.get(s, "translate"))
    win.both_action.setChecked(cfg.get(s, "translate_both"))
    win.profile = cfg.get(s, "profile")
    if cfg.get(s, "overlay/visible"):
        tb.overlay_btn.setChecked(True)


def load_overlay_style(s) -> OverlayStyle:
    return OverlayStyle(**{f.name: cfg.get(s, f"overlay/{f.name}") for f in fields(OverlayStyle)})


def save_overlay_style(s, style: OverlayStyle) -> None:
    for f in fields(OverlayStyle):
        s.setValue(f"overlay/{f.name}", getattr(style, f.name))


def save(win: MainWindow) -> None:
    s, tb = win.settings, win.toolbar
    s.setValue("device", tb.device_box.currentData() or "")
    s.setValue("model", tb.model_box.currentData() or BUNDLED)
    s.setValue("language", tb.lang_box.currentData())
    s.setValue("compute", tb.compute_box.currentData())
    s.setValue("font_size", win.view.font().pointSizeF())
    s.setValue("window/geometry", win.saveGeometry())
    s.setValue("overlay/geometry", win.overlay.saveGeometry())
    save_overlay_style(s, win.overlay.style_)
    s.setValue("overlay/visible", tb.overlay_btn.isChecked())
    s.setValue("overlay/click_through", win.overlay.click_through)
    s.setValue("overlay/speakers", win.overlay.show_speakers)
    s.setValue("translate", win.translate_action.isChecked())
    s.setValue("translate_both", win.both_action.isChecked())
    s.setValue("profile", win.profile)
    s.sync()
