"""Non-speech for the "no words from noise" checks (tests and benchmarks/settle.py)."""

from __future__ import annotations

import numpy as np

from livecaption.samples import SR


def non_speech(seconds: float, seed: int = 0) -> np.ndarray:
    """Silence, then 50 Hz mains hum with harmonics, then white and pink-ish noise, then breath-like bursts."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    q = n // 5
    t = np.arange(q) / SR
    silence = np.zeros(q)
    hum = sum(0.08 / k * np.sin(2 * np.pi * 50 * k * t) for k in (1, 2, 3, 5))
    white = rng.normal(0, 0.05, q)
    pink = np.cumsum(rng.normal(0, 1, q))
    pink = 0.1 * (pink - np.convolve(pink, np.ones(400) / 400, mode="same")) / (np.std(pink) + 1e-9)
    # breathing: noise shaped by a slow 0.25 Hz envelope
    env = np.clip(np.sin(2 * np.pi * 0.25 * t), 0, None) ** 2
    breath = env * rng.normal(0, 0.06, q)
    out = np.concatenate((silence, hum, white, pink, breath))
    return np.pad(out, (0, n - len(out))).astype(np.float32)
