"""Audio as every layer counts it, defined once: 16 kHz mono float32 samples on the session timeline
(an input's sample index is its place on it), the VAD's frames and Whisper's feature frames and
window on it, and a chunk of speech the segmenter hands the transcriber (Chunk)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SR = 16000  # samples a second: every input is resampled to it; Whisper, the VAD and the speaker model read it
VAD_FRAME = 512  # samples per VAD frame (Silero at 16 kHz): one speech probability each
HOP = 160  # samples per Whisper feature frame (10 ms)
WINDOW = 3000  # feature frames in Whisper's window (30 s)


@dataclass
class Chunk:
    start: int  # absolute 16 kHz sample index of audio[0]
    audio: np.ndarray
    utterance_end: bool  # True when silence (or stop) follows: the text is complete
    ready: int  # absolute sample index at which the chunk was complete (for latency)
    is_look: bool = False  # a look at speech that a later chunk will carry again: partial only
    look: int = 0  # a look's number; for other chunks, the look whose pause they end in (it saw all
    # their speech), or 0
    speech: np.ndarray | None = None  # the VAD's speech probability per VAD_FRAME samples, if known
    peek: bool = False  # a look while speech goes on (not in a pause): only ever a partial

    @property
    def end(self) -> int:
        return self.start + len(self.audio)
