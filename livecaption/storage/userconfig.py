"""Preferences shared by the command line and the app: vocabulary profiles, local model folders.

A small JSON file in the user config folder (platformdirs), written atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from livecaption.errors import StorageError


def config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("livecaption")) / "livecaption.json"


@dataclass
class Vocabulary:
    prompt: str = ""  # context text: names, jargon, spelling the model should prefer
    hotwords: str = ""  # words to boost
    words: list[str] = field(default_factory=list)  # words learned from the user's corrections

    @property
    def all_hotwords(self) -> str:
        """The words to boost: the typed ones, then the learned ones not among them."""
        typed = self.hotwords.strip()
        have = {w.lower() for w in typed.replace(",", " ").split()}
        learned = [w for w in self.words if w.lower() not in have]
        return ", ".join(p for p in (typed.rstrip(","), ", ".join(learned)) if p)


@dataclass
class UserConfig:
    profiles: dict[str, Vocabulary] = field(default_factory=dict)
    local_models: list[str] = field(default_factory=list)
    audio_keep_days: float = 7.0  # session audio older than this is removed when a session starts
    audio_max_gb: float = 2.0  # and the oldest beyond this much in all

    @classmethod
    def load(cls) -> UserConfig:
        p = config_path()
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            return cls()  # unreadable: start fresh rather than refuse to run
        profiles = {
            k: Vocabulary(
                str(v.get("prompt", "")), str(v.get("hotwords", "")),
                [str(w) for w in v.get("words", []) if str(w).strip()] if isinstance(v.get("words"), list) else [],
            )
            for k, v in data.get("profiles", {}).items()
            if isinstance(v, dict)
        }  # fmt: skip
        retention = {}
        for key in ("audio_keep_days", "audio_max_gb"):
            with contextlib.suppress(TypeError, ValueError):  # unreadable: the default
                retention[key] = max(0.0, float(data.get(key, getattr(cls, key))))
        return cls(profiles, [str(x) for x in data.get("local_models", [])], **retention)

    def save(self) -> None:
        p = config_path()
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_suffix(".tmp")
            tmp.write_text(
                json.dumps(
                    {
                        "profiles": {k: asdict(v) for k, v in self.profiles.items()},
                        "local_models": self.local_models,
                        "audio_keep_days": self.audio_keep_days,
                        "audio_max_gb": self.audio_max_gb,
                    },
                    indent=1,
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
            os.replace(tmp, p)
        except OSError as exc:
            raise StorageError(f"cannot save preferences to {p}: {exc.strerror or exc}") from None
