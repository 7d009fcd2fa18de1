"""The window's choices, remembered between runs (QSettings)."""

from __future__ import annotations

from dataclasses import fields
from typing import Protocol

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from livecaption.gui import settings as cfg
from livecaption.gui.host import MenuActions
from livecaption.gui.overlay import CaptionOverlay, OverlayStyle
from livecaption.gui.toolbar import BUNDLED, Toolbar, select
from livecaption.gui.transcript import TranscriptView


class StateHost(Protocol):
    """The window's parts whose state is remembered."""

    settings: QSettings
    toolbar: Toolbar
    menu_actions: MenuActions
    overlay: CaptionOverlay
    view: TranscriptView
    profile: str

    def window(self) -> QWidget: ...


def restore(win: StateHost) -> None:
    """The choices of the last run (the vocabulary profile the window reads itself, when it is made)."""
    s, tb = win.settings, win.toolbar
    select(tb.lang_box, cfg.get(s, "language"))
    select(tb.compute_box, cfg.get(s, "compute"))
    tb.keep_model(cfg.get(s, "model"))
    tb.keep_device(cfg.get(s, "device"))
    geo = s.value("window/geometry")
    if geo is not None:
        win.window().restoreGeometry(geo)
    else:
        win.window().resize(960, 620)
    ogeo = s.value("overlay/geometry")
    if ogeo is not None:
        win.overlay.restoreGeometry(ogeo)  # where it was when free; docked, set_style places it
    win.overlay.set_style(load_overlay_style(s))
    win.menu_actions.click_through.setChecked(cfg.get(s, "overlay/click_through"))
    win.menu_actions.speakers.setChecked(cfg.get(s, "overlay/speakers"))
    win.menu_actions.translate.setChecked(cfg.get(s, "translate"))
    win.menu_actions.both.setChecked(cfg.get(s, "translate_both"))
    if cfg.get(s, "overlay/visible"):
        tb.overlay_btn.setChecked(True)


def load_overlay_style(s: QSettings) -> OverlayStyle:
    return OverlayStyle(**{f.name: cfg.get(s, f"overlay/{f.name}") for f in fields(OverlayStyle)})


def save_overlay_style(s: QSettings, style: OverlayStyle) -> None:
    for f in fields(OverlayStyle):
        s.setValue(f"overlay/{f.name}", getattr(style, f.name))


def save(win: StateHost) -> None:
    s, tb = win.settings, win.toolbar
    s.setValue("device", tb.device_box.currentData() or "")
    s.setValue("model", tb.model_box.currentData() or BUNDLED)
    s.setValue("language", tb.lang_box.currentData())
    s.setValue("compute", tb.compute_box.currentData())
    s.setValue("font_size", win.view.font().pointSizeF())
    s.setValue("window/geometry", win.window().saveGeometry())
    s.setValue("overlay/geometry", win.overlay.saveGeometry())
    save_overlay_style(s, win.overlay.style_)
    s.setValue("overlay/visible", tb.overlay_btn.isChecked())
    s.setValue("overlay/click_through", win.overlay.click_through)
    s.setValue("overlay/speakers", win.overlay.show_speakers)
    s.setValue("translate", win.menu_actions.translate.isChecked())
    s.setValue("translate_both", win.menu_actions.both.isChecked())
    s.setValue("profile", win.profile)
    s.sync()
