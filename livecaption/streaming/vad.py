"""Silero VAD v6, streamed frame by frame on onnxruntime (no torch).

The ONNX file ships inside faster-whisper. Each 512-sample frame (32 ms at 16 kHz) is
fed with the 64 samples that precede it as context, and the LSTM state (h, c) is
carried from one call to the next, so feeding a stream in pieces gives the same
probabilities as feeding it whole, except after a call of nothing but digital silence
(exact zeros): it is not looked at (probability 0) and the model starts afresh after it.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass

import numpy as np

from livecaption.errors import LivecaptionError
from livecaption.samples import SR, VAD_FRAME

CONTEXT = 64


def silero_model_path() -> str:
    """The ONNX file that ships inside faster-whisper, found without importing it (and CTranslate2)."""
    spec = importlib.util.find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        raise LivecaptionError("the Silero VAD model is missing: reinstall livecaption (faster-whisper ships it)")
    return os.path.join(spec.submodule_search_locations[0], "assets", "silero_vad_v6.onnx")


class SileroVad:
    """Streaming speech probability for 16 kHz mono audio, one value per 512 samples."""

    def __init__(self, path: str | None = None) -> None:
        import onnxruntime  # telemetry is off: livecaption/__init__.py

        opts = onnxruntime.SessionOptions()
        # One thread: VAD is tiny and must not compete with Whisper for the 2 cores.
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.log_severity_level = 4
        path = path or silero_model_path()
        try:
            self._session = onnxruntime.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise LivecaptionError(f"cannot load the Silero VAD model {path}: {exc}") from None
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def __call__(self, audio: np.ndarray) -> np.ndarray:
        """Speech probabilities for `audio`, whose length must be a multiple of 512."""
        if len(audio) == 0:
            return np.zeros(0, dtype=np.float32)
        if len(audio) % VAD_FRAME:
            raise ValueError("audio length must be a multiple of 512 samples")
        if not audio.any():
            # Digital silence (a sink's monitor with nothing playing, a muted input): no voice to look for,
            # and the model would cost its most on a session's idle time. It starts afresh after it.
            self.reset()
            return np.zeros(len(audio) // VAD_FRAME, dtype=np.float32)
        frames = audio.reshape(-1, VAD_FRAME)
        contexts = np.empty((len(frames), CONTEXT), dtype=np.float32)
        contexts[0] = self._context
        contexts[1:] = frames[:-1, -CONTEXT:]
        batch = np.concatenate((contexts, frames), axis=1)
        probs, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = frames[-1, -CONTEXT:].copy()
        return np.asarray(probs, dtype=np.float32).reshape(-1)


@dataclass
class VadConfig:
    threshold: float = 0.5  # a frame at or above this starts speech
    neg_threshold: float | None = None  # below this counts as silence (default threshold - 0.15)
    min_silence_ms: int = 400  # silence that ends an utterance
    speech_pad_ms: int = 300  # audio kept before speech starts and after it ends
    min_speech_ms: int = 200  # shorter blips are dropped

    @property
    def off_threshold(self) -> float:
        if self.neg_threshold is not None:
            return self.neg_threshold
        return max(self.threshold - 0.15, 0.01)


def frames_for_ms(ms: float, sample_rate: int = SR) -> int:
    return max(0, round(ms * sample_rate / 1000 / VAD_FRAME))
