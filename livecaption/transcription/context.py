"""Recently committed speech, kept to be read again before new audio."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

SR = 16000


@dataclass(frozen=True)
class Said:
    """A committed stretch of speech: where it starts, its audio, its text."""

    start: int
    audio: np.ndarray
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.audio)


class ContextBuffer:
    """The last `seconds` of committed speech (plus a second), nothing older."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._said: deque[Said] = deque()

    def add(self, said: Said) -> None:
        self._said.append(said)
        keep = int((self.seconds + 1) * SR)  # only what the next passes can reach back to
        while len(self._said) > 1 and self._said[-1].end - self._said[0].end > keep:
            self._said.popleft()

    def before(self, first: int, room: int) -> tuple[np.ndarray, str] | None:
        """Committed speech before sample `first`: its audio (pauses capped at 1 s) and text,
        at most `room` samples of it, so that context and new audio fit one window."""
        if self.seconds <= 0:
            return None
        parts: list[np.ndarray] = []
        texts: list[str] = []
        nxt, size = first, 0
        for said in reversed(self._said):
            if not said.text or said.start >= first or (first - said.start) / SR > self.seconds:
                break
            piece = (said.audio[: max(0, nxt - said.start)], np.zeros(min(max(0, nxt - said.end), SR), np.float32))
            if size + len(piece[0]) + len(piece[1]) > room:
                break
            size += len(piece[0]) + len(piece[1])
            parts[:0] = piece
            texts.insert(0, said.text)
            nxt = said.start
        if not texts:
            return None
        return np.concatenate(parts), " ".join(texts)
