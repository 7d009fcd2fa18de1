"""One input's voices as they come: its recent speech, embedded 1.6 s at a time (encoder.py).

The pump thread feeds each block of audio with its VAD probabilities and embeds each 1.6 s piece of
speech as soon as it is complete (about 25 ms of one core per piece, 1.3 pieces a second), so that when a final caption
comes (transcriber thread) only its last fraction of a second is left to embed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from livecaption.samples import SR
from livecaption.speakers.encoder import HOP, PIECE, RATE, SpeakerEncoder

PIECE_N = PIECE * HOP  # samples in a piece (1.6 s)
# Pieces overlap by half, as resemblyzer's: side by side costs half the CPU but a change of voice inside a
# caption is then found only in captions twice as long (benchmarks/README.md, "Who is speaking").
STEP_N = round(SR / RATE / HOP) * HOP
KEEP_S = 90.0  # audio kept for captions still to come (a final is never this far behind)
MIN_SPEECH = 0.5  # a piece is embedded when at least half of it is speech
TAIL_S = 0.5  # a caption's end not covered by its whole pieces gets a piece of its own if longer than this


@dataclass(frozen=True)
class Voice:
    """A stretch of one input's audio as the speaker model hears it."""

    pieces: np.ndarray  # (k, 256): the embeddings of its 1.6 s pieces (one for a shorter stretch)
    seconds: float  # speech it covers
    starts: tuple[float, ...] = ()  # session time of each piece's start


class SpeakerTrack:
    def __init__(self, encoder: SpeakerEncoder) -> None:
        self.encoder = encoder
        self._lock = threading.Lock()
        self._buf = np.zeros(int(2 * KEEP_S * SR), np.float32)  # appended to in place; halved when full
        self._n = 0  # samples in _buf
        self._first = 0  # session sample of _buf[0]
        self._speech: list[tuple[int, int, bool]] = []  # (first sample, last sample, speech) of VAD frames
        self._pieces: dict[int, np.ndarray] = {}  # piece start sample → embedding
        self._next = 0  # the next piece start to look at
        self.compute_s = 0.0  # CPU time the speaker model used (thread time: it runs on one BLAS thread)

    # -- pump thread -------------------------------------------------------------
    def feed(self, pos: int, frames: np.ndarray, probs: np.ndarray, threshold: float = 0.5) -> None:
        """Audio at session sample `pos` with its VAD probabilities (one per frame)."""
        with self._lock:
            if not self._n or pos != self._first + self._n:  # the first audio, or a gap (device lost)
                self._n, self._first = 0, pos
                self._next = max(self._next, -(-pos // STEP_N) * STEP_N)
            if self._n + len(frames) > len(self._buf):  # keep the newest KEEP_S seconds, move them to the front
                keep = int(KEEP_S * SR)
                self._buf[:keep] = self._buf[self._n - keep : self._n]
                self._first += self._n - keep
                self._n = keep
                self._speech = [s for s in self._speech if s[1] > self._first]
                self._pieces = {k: v for k, v in self._pieces.items() if k >= self._first}
            self._buf[self._n : self._n + len(frames)] = frames
            self._n += len(frames)
            size = len(frames) // max(1, len(probs))
            for k, p in enumerate(probs):
                a = pos + k * size
                self._speech.append((a, a + size, bool(p >= threshold)))
        self._embed_ready()

    def _embed_ready(self) -> None:
        while True:
            with self._lock:
                start = self._next
                if start + PIECE_N > self._first + self._n:
                    return
                self._next += STEP_N
                speech = self._speech_share(start, start + PIECE_N) >= MIN_SPEECH
            if speech:
                emb = self._embed(start, start + PIECE_N)
                with self._lock:
                    self._pieces[start] = emb

    # -- any thread ----------------------------------------------------------------
    def _speech_share(self, a: int, b: int) -> float:
        covered = sum(min(b, y) - max(a, x) for x, y, s in self._speech if s and x < b and y > a)
        return covered / max(1, b - a)

    def _slice(self, a: int, b: int) -> np.ndarray:
        lo, hi = max(0, a - self._first), min(max(0, b - self._first), self._n)
        return self._buf[lo:hi].copy()

    def _embed(self, a: int, b: int) -> np.ndarray:
        """The embedding of session samples [a, b) (counted in compute_s)."""
        t0 = time.thread_time()
        with self._lock:
            wav = self._slice(a, b)
        out = self.encoder.embed(wav)
        self.compute_s += time.thread_time() - t0
        return out

    def _inside(self, a: int, b: int) -> list[tuple[int, np.ndarray]]:
        """(start, embedding) of the pieces embedded inside samples [a, b), 0.2 s of slack each side,
        in time order. Call with the lock held."""
        return sorted(((s, e) for s, e in self._pieces.items() if s >= a - HOP * 20 and s + PIECE_N <= b + HOP * 20),
                      key=lambda p: p[0])  # fmt: skip

    def known(self, start: float, end: float) -> np.ndarray | None:
        """The pieces already embedded inside [start, end) (nothing computed; None if none)."""
        with self._lock:
            embs = [e for _, e in self._inside(round(start * SR), round(end * SR))]
        return np.array(embs) if embs else None

    def voice(self, start: float, end: float) -> Voice | None:
        """The voice of session time [start, end): its whole pieces, plus its tail when the pieces
        leave more than TAIL_S of it; a stretch shorter than a piece is embedded whole. None when the
        stretch's audio is gone (or was never fed)."""
        a, b = round(start * SR), round(end * SR)
        with self._lock:
            if b <= a or b <= self._first or a >= self._first + self._n + SR:
                return None
            whole = self._inside(a, b)
            seconds = self._speech_share(a, b) * (b - a) / SR
            held = min(b, self._first + self._n) - max(a, self._first)  # samples of the stretch still here
        embs = [e for _, e in whole]
        starts = [s / SR for s, _ in whole]
        covered = (whole[-1][0] + PIECE_N) if whole else a
        if b - covered > TAIL_S * SR or not embs:
            if b - a <= PIECE_N or not embs:  # shorter than a piece (or none embedded): the stretch whole
                if held < HOP * 20:
                    return None
                embs.append(self._embed(a, b))
                starts.append(start)
            else:
                embs.append(self._embed(b - PIECE_N, b))
                starts.append((b - PIECE_N) / SR)
        return Voice(np.array(embs), max(seconds, 0.0), tuple(starts))
