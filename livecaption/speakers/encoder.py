"""The GE2E speaker encoder (resemblyzer's weights, tools/ge2e_convert.py) in NumPy: a voice → 256 numbers.

40 mel bands of power (not log) every 10 ms; a 3-layer LSTM reads 1.6 s pieces; the last hidden state
through a linear layer and ReLU, normalised, is a piece's embedding; a stretch's embedding is the
normalised mean of its pieces'. Same maths as resemblyzer's VoiceEncoder.embed_utterance, so its
output matches the original's (tests/speakers/test_encoder.py against stored reference embeddings).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from livecaption.errors import LivecaptionError
from livecaption.samples import SR
from livecaption.threads import one_blas_thread

HOP = 160  # 10 ms
N_FFT = 400  # 25 ms
PIECE = 160  # frames: 1.6 s
RATE = 1.3  # pieces a second
MIN_COVERAGE = 0.75  # a last piece shorter than this share of 1.6 s is dropped (if there are others)
TARGET_DBFS = -30.0  # quieter speech is raised to this before the features (never lowered)
WEIGHTS = Path(__file__).with_name("ge2e.npz")
SHA256 = "efcc6ac671cb28d86aa3757f84335abb4102be62e894dfb24029bfaa9d6598eb"


class SpeakerModelError(LivecaptionError):
    """The speaker model shipped with the app is missing or damaged."""


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass(frozen=True)
class _Layer:
    w_ih: np.ndarray  # (in, 4h), transposed for x @ w
    w_hh: np.ndarray  # (h, 4h)
    bias: np.ndarray  # (4h,)


class SpeakerEncoder:
    def __init__(self, path: Path = WEIGHTS, check: bool = True) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SpeakerModelError(
                f"the speaker model {path} cannot be read ({exc.strerror}); reinstall livecaption"
            ) from None
        if check and hashlib.sha256(data).hexdigest() != SHA256:
            raise SpeakerModelError(f"the speaker model {path} is damaged (checksum differs); reinstall livecaption")
        with np.load(io.BytesIO(data)) as w:
            self.layers = [
                _Layer(
                    np.ascontiguousarray(w[f"lstm_weight_ih_l{k}"].T),
                    np.ascontiguousarray(w[f"lstm_weight_hh_l{k}"].T),
                    w[f"lstm_bias_ih_l{k}"] + w[f"lstm_bias_hh_l{k}"],
                )
                for k in range(3)
            ]
            self.linear_w = np.ascontiguousarray(w["linear_weight"].T)
            self.linear_b = w["linear_bias"]
            self.mel = w["mel"]
        n = np.arange(N_FFT)
        self.window = (0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)).astype(np.float32)  # periodic Hann

    # -- features ------------------------------------------------------------
    def features(self, wav: np.ndarray) -> np.ndarray:
        """(frames, 40) mel power, one frame per 10 ms (centred frames, zero padded)."""
        y = np.pad(wav.astype(np.float32), N_FFT // 2)
        n = 1 + (len(y) - N_FFT) // HOP
        frames = np.lib.stride_tricks.as_strided(y, (n, N_FFT), (y.strides[0] * HOP, y.strides[0]))
        power = np.abs(np.fft.rfft(frames * self.window, axis=1)) ** 2
        return (power.astype(np.float32) @ self.mel.T).astype(np.float32)

    # -- network ---------------------------------------------------------------
    def _pieces(self, mels: np.ndarray) -> np.ndarray:
        """(batch, frames, 40) → (batch, 256) normalised embeddings."""
        x = mels
        h = None
        for layer in self.layers:
            b, t, _ = x.shape
            size = layer.w_hh.shape[0]
            gates_x = x @ layer.w_ih + layer.bias  # every frame's input part at once
            h = np.zeros((b, size), np.float32)
            c = np.zeros((b, size), np.float32)
            out = np.empty((b, t, size), np.float32)
            for k in range(t):
                g = gates_x[:, k] + h @ layer.w_hh  # gates in torch's order: in, forget, cell, out
                sig = _sigmoid(g)
                c = sig[:, size : 2 * size] * c + sig[:, :size] * np.tanh(g[:, 2 * size : 3 * size])
                h = sig[:, 3 * size :] * np.tanh(c)
                out[:, k] = h
            x = out
        assert h is not None
        raw = np.maximum(h @ self.linear_w + self.linear_b, 0.0)
        return raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-12)

    def embed(self, wav: np.ndarray) -> np.ndarray:
        """A stretch of 16 kHz speech → its (256,) embedding (resemblyzer's embed_utterance)."""
        one_blas_thread()  # a second one only spins on products this small (livecaption/threads.py)
        wav = loudness(wav)
        n_frames = int(np.ceil((len(wav) + 1) / HOP))
        step = round(SR / RATE / HOP)
        starts = list(range(0, max(1, n_frames - PIECE + step + 1), step))
        last = starts[-1] * HOP
        if len(starts) > 1 and (len(wav) - last) / (PIECE * HOP) < MIN_COVERAGE:
            starts.pop()
        need = (starts[-1] + PIECE) * HOP
        if need >= len(wav):
            wav = np.pad(wav, (0, need - len(wav)))
        mel = self.features(wav)
        partial = self._pieces(np.stack([mel[s : s + PIECE] for s in starts]))
        mean = partial.mean(axis=0)
        return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def loudness(wav: np.ndarray) -> np.ndarray:
    """Raised to -30 dBFS RMS if quieter (resemblyzer's normalize_volume, increase only)."""
    wav = np.asarray(wav, np.float32)
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64)))) if len(wav) else 0.0
    if rms <= 0:
        return wav
    gain_db = TARGET_DBFS - 20 * np.log10(rms)
    return wav * np.float32(10 ** (gain_db / 20)) if gain_db > 0 else wav
