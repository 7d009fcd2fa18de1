"""The app's icon, from the SVG and PNGs in resources/."""

from __future__ import annotations

import functools

from PySide6.QtGui import QIcon

from livecaption import desktop


@functools.cache
def app_icon() -> QIcon:
    icon = QIcon(str(desktop.icon_path()))
    for n in desktop.icon_sizes():
        icon.addFile(str(desktop.icon_path(n)))
    return icon
