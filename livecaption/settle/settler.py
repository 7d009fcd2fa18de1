"""The settle pass over one input, fed as the audio arrives: Whisper's long-form loop, one window
at a time (whisper/longform.py does the decoding). Thread-safe: the pump feeds, one settle
thread reads.

No VAD cut: a window is read whole, and skipped only when the VAD heard no speech at all in it
(nor within a second around it): then there is nothing for Whisper to read, and an idle session
costs nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

import numpy as np

from livecaption.captions import at_ms
from livecaption.samples import HOP, SR, VAD_FRAME, WINDOW
from livecaption.transcription.decoder import Word
from livecaption.transcription.healing import cut_degenerate

EDGE = 10  # frames of audio kept on each side of a window (see whisper/longform.py)
QUIET = 0.2  # a window is skipped only if the VAD's probability stays under this, well below its threshold
QUIET_PAD_S = 1.0  # ...within this much around the window too
SHORT_SHARE = 0.6  # a window read with fewer than this share of the live captions' words is read again...
SHORT_MIN_WORDS = 8  # ...when they have at least this many
MIN_PART_S = 1.0  # a window ends where the live captions change language, if that is this far in


class Reader(Protocol):
    word_times: bool  # give each segment's words with their times (WindowReader)

    def features(self, audio: np.ndarray, first_frame: int) -> np.ndarray: ...

    def read(self, features: np.ndarray, size: int, offset_s: float, previous: list[int], language: str | None = None): ...

    def resets_prompt(self, temperature: float) -> bool: ...


Spans = Callable[[float, float], list[tuple[float, float, str]]]  # live finals (start, end, language) in a time range


def language_stretch(spans: list[tuple[float, float, str]], start: float, end: float) -> tuple[str | None, float]:
    """The live captions' language from `start`, and where it changes (`end` if it does not): between
    the last caption in it and the first in another language. A language that only grazes the start
    (less than MIN_PART_S) gives way to the next."""
    spans = sorted(s for s in spans if s[2])
    if not spans:
        return None, end
    lang = spans[0][2]
    for prev, cur in pairwise(spans):
        if cur[2] != lang:
            cut = (prev[1] + cur[0]) / 2
            if cut - start >= MIN_PART_S:
                return lang, min(cut, end)
            lang = cur[2]
    return lang, end


def _words(read) -> int:
    return sum(len(seg.text.split()) for seg in read.segments)


@dataclass(frozen=True)
class SettledPiece:
    start: float  # seconds on the session timeline
    end: float
    text: str
    language: str = ""  # the language its window was read in
    words: tuple[Word, ...] = ()  # its words with their times, where the reader gives them (and the text is theirs)

    def later(self, seconds: float) -> SettledPiece:
        """The piece with its times (and its words') `seconds` later."""
        words = tuple(Word(w.text, at_ms(w.start + seconds), at_ms(w.end + seconds)) for w in self.words)
        return SettledPiece(at_ms(self.start + seconds), at_ms(self.end + seconds), self.text, self.language, words)


@dataclass(frozen=True)
class SettledWindow:
    """What one step settled: the time from `start` to `end` (the next window's start) now reads
    as `pieces`. An empty tuple: nothing was said there."""

    start: float
    end: float
    pieces: tuple[SettledPiece, ...]
    skipped: bool = False  # read as silence without decoding (the VAD heard no speech)
    language: str = ""  # the language the window was read in


class SettlePass:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._lock = threading.Lock()
        self._audio = np.zeros(0, np.float32)  # samples from _base on
        self._speech = np.zeros(0, np.float32)  # the VAD's probability per VAD_FRAME samples from _base
        self._base = 0  # session sample of _audio[0]
        self._pieces: list[tuple[np.ndarray, np.ndarray]] = []  # (audio, VAD) fed since the last window
        self.end = 0  # session samples fed so far
        self.seek = 0  # frame where the next window starts
        self._tokens: list[int] = []
        self._prompt_from = 0  # the prompt is _tokens[_prompt_from:]
        self.windows = 0
        self.skipped = 0
        self.rereads = 0

    # -- pump thread ------------------------------------------------------------
    def feed(self, start: int, audio: np.ndarray, speech: np.ndarray | None = None) -> None:
        """Session audio from sample `start` (a gap before it is silence), with its VAD
        probabilities per 512 samples when known (unknown counts as speech)."""
        with self._lock:
            if start > self.end:
                gap = start - self.end
                self._pieces.append((np.zeros(gap, np.float32), np.zeros(-(-gap // VAD_FRAME), np.float32)))
            elif start < self.end:
                audio = audio[self.end - start :]
            probs = speech if speech is not None else np.ones(-(-len(audio) // VAD_FRAME), np.float32)
            # Kept as pieces and joined once a window is read: joining on every feed copied the whole
            # buffer some 30 times a second.
            self._pieces.append((audio.astype(np.float32), probs.astype(np.float32)))
            self.end = max(self.end, start + len(audio))

    def _join(self) -> None:
        """Under the lock: the pieces fed since the last window onto the buffers."""
        if self._pieces:
            self._audio = np.concatenate([self._audio, *(a for a, _ in self._pieces)])
            self._speech = np.concatenate([self._speech, *(p for _, p in self._pieces)])
            self._pieces = []

    # -- settle thread ----------------------------------------------------------------
    def due(self, final: bool = False) -> bool:
        """A whole window (and its right edge) is there, or at the end anything is left."""
        have = self.end // HOP - self.seek
        return have >= WINDOW + EDGE or (final and have > 0)

    def behind_s(self) -> float:
        return max(0.0, self.end / SR - self.seek * HOP / SR)

    def step(
        self, final: bool = False, live_words: Callable[[float, float], int] | None = None, live_spans: Spans | None = None
    ) -> SettledWindow | None:
        """Read the next window, if due. `live_words(start, end)`: how many words the live captions
        have between two session times, a check on a reading that lost speech. `live_spans(start, end)`:
        the live finals there with their languages; a window is read in one language (an offline pass
        of that part alone), so it ends where they change language."""
        if not self.due(final):
            return None
        language = None
        if live_spans is not None:
            first, size = self.seek, min(WINDOW, self.end // HOP - self.seek)
            start = first * HOP / SR
            language, cut = language_stretch(live_spans(start, start + size * HOP / SR), start, start + size * HOP / SR)
        with self._lock:
            self._join()
            first = self.seek
            content = self.end // HOP
            size = min(WINDOW, content - first)
            if language is not None:
                size = max(1, min(size, round(cut * SR / HOP) - first))
            a = max(0, (first - EDGE) * HOP)
            b = min(self.end, (first + size + EDGE) * HOP)
            audio = self._audio[a - self._base : b - self._base].copy()
            s0 = max(0, first * HOP - int(QUIET_PAD_S * SR)) - self._base
            s1 = (first + size) * HOP + int(QUIET_PAD_S * SR) - self._base
            speech = self._speech[max(0, s0) // VAD_FRAME : -(-max(0, s1) // VAD_FRAME)]
        offset = first * HOP / SR
        if len(speech) and float(speech.max()) < QUIET:
            window = SettledWindow(offset, (first + size) * HOP / SR, (), skipped=True)
            self._advance(first + size)
            self.skipped += 1
            return window
        features = self.reader.features(audio, first)
        read = self.reader.read(features, size, offset, self._tokens[self._prompt_from :], language)
        if live_words is not None and self._prompt_from < len(self._tokens):
            heard = live_words(offset, offset + read.advance * HOP / SR)
            if heard >= SHORT_MIN_WORDS and _words(read) < SHORT_SHARE * heard:
                # Far fewer words than the live captions heard: the prompt led the model astray
                # (it tends to repeat it). Read without it, and keep the reading with more words.
                again = self.reader.read(features, size, offset, [], language)
                self.rereads += 1
                if _words(again) > _words(read):
                    read = again
                self._prompt_from = len(self._tokens)
        pieces = []
        for seg in read.segments:
            text, why = cut_degenerate(seg.text.strip(), seg.end - seg.start)
            if why is not None:  # a loop: never a prompt for the next window (healing.py)
                self._prompt_from = len(self._tokens) + len(seg.tokens)
            if text:
                words = seg.words if why is None else ()  # a loop cut short: the words are no longer its text
                pieces.append(SettledPiece(at_ms(seg.start), at_ms(seg.end), text, getattr(read, "language", ""), words))
            self._tokens.extend(seg.tokens)
        if self.reader.resets_prompt(read.temperature):
            self._prompt_from = len(self._tokens)
        if len(self._tokens) > 4000:  # a prompt reads at most the last 223 tokens
            self._tokens, self._prompt_from = self._tokens[2000:], max(0, self._prompt_from - 2000)
        advance = max(1, read.advance)
        self.windows += 1
        self._advance(first + advance)
        return SettledWindow(offset, (first + advance) * HOP / SR, tuple(pieces), language=getattr(read, "language", ""))

    def _advance(self, frame: int) -> None:
        with self._lock:
            self._join()
            self.seek = frame
            keep = max(0, (frame - EDGE) * HOP)  # what later windows can still read
            drop = (keep - self._base) // VAD_FRAME * VAD_FRAME
            if drop > 0:
                self._audio = self._audio[drop:]
                self._speech = self._speech[drop // VAD_FRAME :]
                self._base += drop
