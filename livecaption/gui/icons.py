"""The app's icon, from the SVG and PNGs in resources/."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from livecaption import desktop

_icon: list[QIcon] = []


def app_icon() -> QIcon:
    if not _icon:
        icon = QIcon(str(desktop.icon_path()))
        for n in desktop.icon_sizes():
            icon.addFile(str(desktop.icon_path(n)))
        _icon.append(icon)
    return _icon[0]
