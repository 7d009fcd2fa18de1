"""Recently committed speech, kept to be read again before new audio."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from livecaption.transcription.decoder import Segment

SR = 16000


@dataclass(frozen=True)
class Said:
    """A committed stretch of speech: where it starts, its audio, its text (and the text in timed
    segments, seconds from `start`, when the decoder gave them)."""

    start: int
    audio: np.ndarray
    text: str
    segments: tuple[Segment, ...] = ()

    def tail(self, end: int, oldest: int, room: int) -> tuple[np.ndarray, str] | None:
        """Its last whole segments (audio up to sample `end`, text): those starting at or after
        sample `oldest`, in at most `room` samples. For a long stretch, only part fits a window."""
        for k, seg in enumerate(self.segments):
            begin = self.start + int(seg.start * SR)
            if begin >= oldest and end - begin <= room:
                text = " ".join(s.text.strip() for s in self.segments[k:])
                return (self.audio[begin - self.start : end - self.start], text) if text else None
        return None

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
        oldest = first - int(self.seconds * SR)
        for said in reversed(self._said):
            if not said.text or said.start >= first:
                break
            gap = np.zeros(min(max(0, nxt - said.end), SR), np.float32)
            end = min(nxt, said.end)
            if said.start >= oldest and size + len(gap) + end - said.start <= room:
                piece, text = said.audio[: end - said.start], said.text
            else:  # too old or too long as a whole: its last segments, if they fit
                part = said.tail(end, oldest, room - size - len(gap))
                if part is not None:
                    parts[:0] = (part[0], gap)
                    texts.insert(0, part[1])
                break
            size += len(piece) + len(gap)
            parts[:0] = (piece, gap)
            texts.insert(0, text)
            nxt = said.start
        if not texts:
            return None
        return np.concatenate(parts), " ".join(texts)
