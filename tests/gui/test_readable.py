"""Readable captions and a keyboard-only user: overlay settings, contrast, transcript spacing, focus order, tray."""

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel

from livecaption.captions import Caption
from livecaption.gui.contrast import TARGET, luminance, min_opacity, ratio, rgb, worst_contrast
from livecaption.gui.main_window import MainWindow
from livecaption.gui.overlay import PRESETS, CaptionOverlay, OverlayStyle
from livecaption.gui.overlay_settings import OverlaySettingsDialog
from livecaption.gui.toolbar import State
from livecaption.gui.tray import Tray


def make_window(qtbot) -> MainWindow:
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    return win


def test_contrast_is_the_wcag_ratio():
    assert ratio(luminance(rgb("#ffffff")), luminance(rgb("#000000"))) == pytest.approx(21.0)
    assert ratio(luminance(rgb("#767676")), luminance(rgb("#ffffff"))) == pytest.approx(4.54, abs=0.01)
    # A see-through black over white is grey: white text on it loses contrast.
    assert worst_contrast("#ffffff", "#000000", 0.5) < 4
    assert worst_contrast("#777777", "#000000", 0.5) == 1.0  # some underlay matches the text


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_keeps_7_to_1_over_anything_at_every_opacity_allowed(preset):
    fg, bg = PRESETS[preset]
    lowest = min_opacity(fg, bg)
    assert lowest < 100
    for percent in range(lowest, 101):
        assert worst_contrast(fg, bg, percent / 100) >= TARGET, (preset, percent)
    # Below that the overlay does not go, whatever the settings file says.
    assert OverlayStyle(preset=preset, opacity=10).checked().opacity == lowest
    assert worst_contrast(fg, bg, (lowest - 5) / 100) < TARGET


def test_overlay_settings_preview_live_and_cancel_restores(qtbot):
    ov = CaptionOverlay()
    qtbot.addWidget(ov)
    ov.show()
    ov.show_caption(Caption(0, 2, "one two three four five six seven eight nine ten " * 6, id=1))
    before = ov.style_
    dlg = OverlaySettingsDialog(ov)
    qtbot.addWidget(dlg)
    dlg.lines.setValue(1)
    assert ov.style_.lines == 1 and len(ov.visible_lines()) == 1
    dlg.lines.setValue(5)
    assert len(ov.visible_lines()) == 5
    dlg.preset.setCurrentIndex(dlg.preset.findData("White on blue"))
    assert dlg.opacity.minimum() == min_opacity(*PRESETS["White on blue"]) and dlg.contrast() >= TARGET
    dlg.opacity.setValue(0)  # the spin box stops at the minimum
    assert ov.style_.opacity == dlg.opacity.minimum()
    dlg.font_box.setCurrentIndex((dlg.font_box.currentIndex() + 1) % dlg.font_box.count())
    assert ov.caption_font.family() == dlg.font_box.currentFont().family()
    dlg.reject()
    assert ov.style_ == before


def test_outline_and_shadow_draw_an_edge_around_letters(qtbot):
    ov = CaptionOverlay()
    qtbot.addWidget(ov)
    ov.show()
    ov.show_caption(Caption(0, 2, "Outlined words", id=1))
    shots = {}
    for edge in ("none", "outline", "shadow"):
        ov.set_style(replace(ov.style_, edge=edge, opacity=70))  # the edge is solid, the background not
        shots[edge] = ov.grab().toImage()
    assert shots["none"] != shots["outline"] and shots["none"] != shots["shadow"]


def test_docked_at_the_bottom_centre_until_dragged(qtbot):
    ov = CaptionOverlay()
    qtbot.addWidget(ov)
    ov.show()
    screen = QGuiApplication.primaryScreen().availableGeometry()
    g = ov.geometry()
    assert abs(g.center().x() - screen.center().x()) <= 1 and screen.bottom() - g.bottom() <= 60
    ov.set_style(replace(ov.style_, lines=1))
    one = ov.height()
    ov.set_style(replace(ov.style_, lines=4))
    assert ov.height() > 3 * (one - 2 * ov.MARGIN_Y), "docked, it is as tall as its lines"
    with qtbot.waitSignal(ov.undocked, timeout=2000):
        qtbot.mousePress(ov, Qt.MouseButton.LeftButton, pos=QPoint(30, 10))
        qtbot.mouseMove(ov, QPoint(10, 5))
    qtbot.mouseRelease(ov, Qt.MouseButton.LeftButton)
    assert ov.style_.dock == "free"


def test_transcript_spacing_grows_with_the_text_size(qtbot):
    win = make_window(qtbot)
    win.on_caption(Caption(0, 2, "A caption in the transcript", id=1))
    win.view.set_font_size(10)
    small = win.view.delegate.height_for(0, 600), win.view.delegate.pad(win.view.font())
    win.view.set_font_size(30)
    large = win.view.delegate.height_for(0, 600), win.view.delegate.pad(win.view.font())
    assert large[1] >= 2 * small[1] and large[0] >= 2.5 * small[0]
    win.close()


def test_the_keyboard_reaches_every_control_in_reading_order(qtbot):
    win = make_window(qtbot)
    win.on_caption(Caption(0, 2, "the transcript is shown", id=1))
    tb = win.toolbar
    pickers = [tb.model_box, tb.lang_box, tb.compute_box]
    for width, wide in ((1100, True), (800, False)):
        win.resize(width, 600)
        qtbot.waitUntil(lambda w=width: win.width() == w)
        assert tb.wide is wide
        # One row: left to right. Two rows: the first row (Start, input, overlay), then the pickers below.
        head = [tb.start_btn, tb.device_box, tb.refresh_btn]
        expected = [*head, *pickers, tb.overlay_btn] if wide else [*head, tb.overlay_btn, *pickers]
        w, order = tb.start_btn, []
        for _ in range(60):
            if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w not in order:
                order.append(w)
            w = w.nextInFocusChain()
        assert [x for x in order if x in [*expected, win.view]] == [*expected, win.view]
    # Each picker's label is its buddy, with a mnemonic (Alt+letter) to reach it.
    labels = {lab.buddy(): lab.text() for lab in tb.findChildren(QLabel) if lab.buddy()}
    for box in (tb.device_box, tb.model_box, tb.lang_box, tb.compute_box):
        assert "&" in labels.get(box, ""), box.accessibleName()
    # Every menu opens with Alt+letter.
    assert all("&" in a.text() for a in win.menuBar().actions())
    win.close()


def test_tray_shows_the_state_and_offers_start_overlay_and_quit(qtbot):
    win = make_window(qtbot)
    tray = win.tray
    assert isinstance(tray, Tray)
    assert "not captioning" in tray.icon.toolTip()
    idle_icon = tray.icon.icon().pixmap(32, 32).toImage()
    win.set_state(State.RUNNING)
    assert "captioning" in tray.icon.toolTip() and "not" not in tray.icon.toolTip()
    assert tray.start_action.text() == "Stop captioning"
    assert tray.icon.icon().pixmap(32, 32).toImage() != idle_icon
    win.set_state(State.IDLE)
    tray.overlay_action.trigger()
    assert win.overlay.isVisible() and win.toolbar.overlay_btn.isChecked()
    tray.overlay_action.trigger()
    assert not win.overlay.isVisible()
    texts = [a.text() for a in tray.menu.actions()]
    assert {"Start captioning", "Caption overlay", "Quit"} <= set(texts)
    quit_action = next(a for a in tray.menu.actions() if a.text() == "Quit")
    quit_action.trigger()
    assert not win.isVisible()
    QApplication.processEvents()


@pytest.mark.parametrize("width", [800, 960])
def test_nothing_is_clipped_in_a_small_window(qtbot, width):
    """At 800x500 (also what a 1600x1000 screen at 2x scale gives) every control shows whole."""
    win = make_window(qtbot)
    assert win.minimumSizeHint().width() <= 800
    win.resize(width, 500)
    qtbot.waitUntil(lambda: win.width() == width)
    QApplication.processEvents()
    tb = win.toolbar
    assert tb.wide == (width >= tb.wide_width)
    box = tb.rect()
    for w in [tb.start_btn, tb.refresh_btn, tb.overlay_btn, *[x for g in tb.groups for x in g]]:
        assert w.isVisible(), w
        assert w.width() >= w.minimumSizeHint().width(), (w, w.width(), w.minimumSizeHint())
        assert box.contains(w.geometry()), (w, w.geometry(), box)
    # The model picker shows its whole name.
    assert tb.model_box.width() >= tb.model_box.fontMetrics().horizontalAdvance(tb.model_box.currentText()) + 20
    win.close()
