"""What the app remembers between runs (QSettings: ~/.config/livecaption/livecaption.conf)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

DEFAULTS = {
    "device": "",  # input device name; "" = system default
    "model": "tiny.en",
    "language": "auto",
    "compute": "auto",
    "font_size": 12.0,
    "overlay/preset": "White on black",
    "overlay/points": 30,
    "overlay/visible": False,
    "overlay/click_through": False,
    "translate": False,
    "profile": "default",
}


def settings() -> QSettings:
    return QSettings("livecaption", "livecaption")


def get(s: QSettings, key: str):
    default = DEFAULTS.get(key)
    value = s.value(key, default)
    if isinstance(default, bool):
        return value in (True, "true", "1", 1)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, int):
        return int(value)
    return value
