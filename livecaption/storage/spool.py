"""The session's audio, kept next to its journal: FLAC, 16 kHz mono, on the session timeline.

Sample k of the file is sample k of the session (gaps such as a lost microphone are
written as silence, which FLAC stores in a few bytes), so a caption's times find its
audio. Written on the engine's pump thread, never the audio callback; flushed and
synced at least once a second, so after a crash or `kill -9` everything but the last
second can be read back. A file cut short that way has no length in its header, so it
is read with PyAV, which decodes up to where the data ends.

Old audio is removed by retention (days, and a size cap, oldest first) when a session
starts; the captions in the journals stay.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from livecaption.errors import InputError, StorageError
from livecaption.samples import SR

SYNC_S = 1.0  # flush and fsync at least this often
SUFFIX = ".flac"


class AudioSpool:
    """Writes one session's audio. Not thread-safe: the pump thread owns it."""

    def __init__(self, path: Path) -> None:
        import soundfile as sf

        self.path = path
        try:
            self._raw = open(path, "w+b")  # noqa: SIM115 - held for the session; ours, so we can fsync it
            self._f = sf.SoundFile(self._raw, "w", SR, 1, "PCM_16", format="FLAC")
        except (OSError, RuntimeError) as exc:
            raise StorageError(f"cannot keep the session audio in {path.parent}: {exc}") from None
        self.written = 0  # samples on the session timeline so far
        self.failed: str | None = None
        self._synced = time.monotonic()

    def write(self, start: int, samples: np.ndarray) -> None:
        """`samples` begin at session sample `start`; anything skipped before them is silence."""
        if self.failed:
            return
        try:
            if start > self.written:
                self._write(np.zeros(start - self.written, np.float32))
            if start < self.written:  # never rewrite what is on disk
                samples = samples[self.written - start :]
            if len(samples):
                self._write(samples)
            if time.monotonic() - self._synced >= SYNC_S:
                self.sync()
        except (OSError, RuntimeError) as exc:
            self.failed = (
                f"keeping the session audio stopped ({getattr(exc, 'strerror', None) or exc}); "
                "captions go on and are kept"
            )
            raise StorageError(self.failed) from None

    def _write(self, samples: np.ndarray) -> None:
        self._f.write(np.clip(samples, -1.0, 1.0))
        self.written += len(samples)

    def sync(self) -> None:
        self._f.flush()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._synced = time.monotonic()

    def close(self) -> None:
        try:
            self._f.close()
            self._raw.close()
        except (OSError, RuntimeError):
            pass


def audio_path(journal: Path, index: int, source: str = "") -> Path:
    """Where a session input's audio is kept: <id>.flac for the first, <id>.<source>.flac for others."""
    return journal.with_suffix(SUFFIX if index == 0 else f".{source or index}{SUFFIX}")


def read_spool(path: Path, start_s: float = 0.0, end_s: float | None = None) -> np.ndarray:
    """The audio between two session times (a spool cut short by a crash included)."""
    from livecaption.audio.files import decode_with_av

    if not path.is_file():
        raise InputError(f"the session's audio is missing: {path} (was it deleted, or kept off?)")
    try:
        return decode_with_av(path, max(0.0, start_s), end_s)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"the session's audio {path.name} is damaged: {reason}") from None


def prune(folder: Path, keep_days: float, max_bytes: int, now: float | None = None) -> list[Path]:
    """Remove session audio older than `keep_days`, then the oldest until under `max_bytes`."""
    now = time.time() if now is None else now
    files = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    removed = []
    total = sum(p.stat().st_size for p in files)
    for p in files:
        size = p.stat().st_size
        if now - p.stat().st_mtime > keep_days * 86400 or total > max_bytes:
            try:
                p.unlink()
            except OSError:
                continue
            removed.append(p)
            total -= size
    return removed
