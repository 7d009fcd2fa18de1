"""Reading recordings: libsndfile (soundfile) first, PyAV for what it cannot read (m4a, video...)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from livecaption.errors import InputError
from livecaption.samples import SR


def probe_file(path: str | Path) -> tuple[int, float]:
    """Check that `path` is a readable, non-empty audio file; return (rate, seconds)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"audio file not found: {p}")
    if p.is_dir():
        raise InputError(f"{p} is a folder, not an audio file")
    try:
        import soundfile as sf

        info = sf.info(str(p))
        rate, frames = int(info.samplerate), int(info.frames)
    except Exception:
        rate, frames = SR, len(_decode_or_fail(p))
    if frames <= 0:
        raise InputError(f"{p} contains no audio")
    return rate, frames / rate


def _decode_or_fail(p: Path) -> np.ndarray:
    try:
        return decode_with_av(p)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read {p} as audio: {reason}") from None


def decode_with_av(p: Path, start_s: float = 0.0, end_s: float | None = None) -> np.ndarray:
    """Any format FFmpeg reads, as 16 kHz mono float32; only the part from `start_s` to `end_s`
    is kept, so the tail of a long recording costs the memory of the tail alone."""
    import av

    first, last = int(start_s * SR), None if end_s is None else int(end_s * SR)
    out: list[np.ndarray] = []
    pos = 0
    with av.open(str(p)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SR)
        frames = (f for frame in container.decode(audio=0) for f in resampler.resample(frame))
        for f in itertools.chain(frames, resampler.resample(None)):
            block = f.to_ndarray().reshape(-1)
            keep = block[max(0, first - pos) : None if last is None else max(0, last - pos)]
            if len(keep):
                out.append(keep)
            pos += len(block)
            if last is not None and pos >= last:
                break
    if not out:
        return np.zeros(0, np.float32)
    return np.concatenate(out).astype(np.float32) / 32768.0


def read_audio(path: str | Path) -> np.ndarray:
    """Decode a whole file to 16 kHz mono float32 (for offline baselines and tests)."""
    rate, _ = probe_file(path)
    try:
        import soundfile as sf

        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        data = data.mean(axis=1)
    except Exception:
        return _decode_or_fail(Path(path))
    if rate != SR:
        import soxr

        data = soxr.resample(data, rate, SR).astype(np.float32)
    return np.ascontiguousarray(data, dtype=np.float32)
