"""A shorter encoder window for faster-whisper.

faster-whisper pads every input to Whisper's 30 s window (3000 mel frames) before the
encoder, so a 3 s chunk costs as much as 30 s. CTranslate2's encoder accepts fewer
frames. Too few hurts accuracy (the model was trained on 30 s windows): measured on
lecture_en with tiny.en, 20 s costs nothing measurable, 10 s adds 3 points of WER and
5 s ruins it (benchmarks/README.md). So the window is cut to max(floor, content + 1 s).

The padding faster-whisper adds is exact zeros in the normalised log-mel domain; real
audio, digital silence included, never gives an all-zero frame, so the content length
is read off the features themselves.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import numpy as np

FULL_FRAMES = 3000  # Whisper's 30 s window, 100 frames a second
_MARGIN = 100  # keep 1 s of padding after the content

_local = threading.local()


def _install(model) -> None:
    """Wrap `model.encode` once so it honours the calling thread's window."""
    if getattr(model, "_livecaption_window", False):
        return
    full_encode = model.encode

    def encode(features: np.ndarray):
        frames = getattr(_local, "frames", FULL_FRAMES)
        f = features if features.ndim == 3 else features[None]
        if frames < f.shape[-1]:
            used = np.flatnonzero(np.any(f[0] != 0, axis=0))
            n = int(used[-1]) + 1 if len(used) else 1
            n = min(f.shape[-1], max(frames, n + _MARGIN))
            n += n % 2  # the encoder's stride-2 convolution
            f = np.ascontiguousarray(f[..., :n])
        return full_encode(f)

    model.encode = encode
    model._livecaption_window = True


@contextmanager
def encoder_window(model, seconds: float):
    """Within this block, this thread's calls to `model` encode at least `seconds` of window."""
    _install(model)
    before = getattr(_local, "frames", FULL_FRAMES)
    _local.frames = min(FULL_FRAMES, max(2, int(seconds * 100)))
    try:
        yield
    finally:
        _local.frames = before
