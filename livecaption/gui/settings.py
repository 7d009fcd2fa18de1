"""What the app remembers between runs (QSettings: ~/.config/livecaption/livecaption.conf)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings

from livecaption.config import SessionConfig

DEFAULTS = {
    "device": "",  # input device name; "" = system default
    "model": "tiny.en",
    "language": "auto",
    "compute": "auto",
    "font_size": 12.0,
    "overlay/preset": "White on black",
    "overlay/points": 30,
    "overlay/lines": 3,
    "overlay/font": "",
    "overlay/edge": "outline",
    "overlay/opacity": 85,
    "overlay/dock": "bottom",
    "overlay/visible": False,
    "overlay/click_through": False,
    "overlay/speakers": True,  # the overlay shows who is speaking (You/Others) when a session has both
    "translate": False,
    "translate_both": False,  # the original with its English translation under it
    "labels/mic": "You",
    "labels/system": "Others",
    "profile": "default",
    # Session → Settings…: the command line's other options
    "session/beam_size": SessionConfig.beam_size,
    "session/context_s": SessionConfig.context_s,
    "session/early_partials": SessionConfig.early_partials,
    "session/chunk_s": SessionConfig.chunk_s,
    "session/vad_threshold": SessionConfig.vad_threshold,
    "session/threads": SessionConfig.threads,
    "session/keep_audio": SessionConfig.keep_audio,
    "session/settle": SessionConfig.settle,
    "session/settle_model": "auto",  # "": the session's own model; auto: settle/choice.py decides
    "session/speakers": SessionConfig.speakers,
}
SESSION_KEYS = ("beam_size", "context_s", "early_partials", "chunk_s", "vad_threshold", "threads", "keep_audio",
                "settle", "settle_model", "speakers")  # fmt: skip


def settings() -> QSettings:
    return QSettings("livecaption", "livecaption")


def get(s: QSettings, key: str) -> Any:
    """The value saved for `key` (QSettings reads numbers from the file as text), else its default."""
    default = DEFAULTS.get(key)
    value = s.value(key, default)
    if isinstance(default, bool):
        return value in (True, "true", "1", 1)
    if isinstance(default, float):
        return float(value) if isinstance(value, str | int | float) else default
    if isinstance(default, int):
        return int(value) if isinstance(value, str | int | float) else default
    return value
