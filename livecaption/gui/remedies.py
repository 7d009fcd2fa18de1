"""What the error banner offers for each kind of error (errors.Remedy), given the window's choices now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from livecaption.errors import Remedy
from livecaption.gui.banner import Action
from livecaption.gui.host import MenuActions
from livecaption.gui.toolbar import BUNDLED, Toolbar, select


class RemediesHost(Protocol):
    """What the remedies change or open in the window."""

    toolbar: Toolbar
    menu_actions: MenuActions

    def open_recording(self) -> None: ...

    def export_dialog(self, fmt: str = "srt") -> bool: ...


def remedies(win: RemediesHost) -> dict[Remedy, Callable[[], Action | None]]:
    tb = win.toolbar

    def bundled() -> Action | None:
        if tb.model_box.currentData() == BUNDLED:
            return None  # it is the bundled model that failed: nothing better to offer
        return ("Use the bundled model", lambda: select(tb.model_box, BUNDLED))

    def english() -> Action:
        def apply() -> None:
            win.menu_actions.translate.setChecked(False)
            win.menu_actions.both.setChecked(False)
            select(tb.lang_box, "en")

        return ("Caption in English", apply)

    def cpu() -> Action | None:
        return None if tb.compute_box.currentData() == "cpu" else ("Use the CPU", lambda: select(tb.compute_box, "cpu"))

    return {
        Remedy.REFRESH_DEVICES: lambda: ("Refresh microphones", tb.refresh_devices),
        Remedy.BUNDLED_MODEL: bundled,
        Remedy.USE_CPU: cpu,
        Remedy.ENGLISH: english,
        Remedy.OPEN_RECORDING: lambda: ("Open another recording…", win.open_recording),
        Remedy.EXPORT_ELSEWHERE: lambda: ("Save elsewhere…", lambda: win.export_dialog("srt")),
    }
