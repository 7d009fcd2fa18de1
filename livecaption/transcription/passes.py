"""What one decode of pending speech gave, and what was dropped from it (immutable)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from livecaption.samples import SR, VAD_FRAME, Chunk
from livecaption.transcription.decoder import Encoded, Segment, Word

SPEECH_PROB = 0.5  # a frame is speech at this VAD probability or above (Silero's own default)
REUSE_MAX_S = 0.5  # a look's encoding serves the final if only this much (silence) came after


def speech_of(chunks: list[Chunk]) -> np.ndarray | None:
    """The chunks' VAD probabilities, one per VAD_FRAME samples, if all of them carry theirs."""
    if any(c.speech is None for c in chunks):
        return None
    return np.concatenate([c.speech for c in chunks]) if len(chunks) > 1 else chunks[0].speech


def speech_share(speech: np.ndarray | None, start: float, end: float) -> float | None:
    """Share of the frames between `start` and `end` (s) that the VAD heard as speech."""
    if speech is None:
        return None
    part = speech[int(start * SR / VAD_FRAME) : max(int(start * SR / VAD_FRAME) + 1, int(np.ceil(end * SR / VAD_FRAME)))]
    return float(np.mean(part >= SPEECH_PROB)) if len(part) else None


@dataclass(frozen=True)
class Rejection:
    """Speech the VAD passed that ended in no caption words, and why (logged, never silent)."""

    start: float
    end: float
    reason: str
    text: str = ""

    def describe(self) -> str:
        said = f' "{self.text.strip()}"' if self.text.strip() else ""
        return f"{self.start:.1f}-{self.end:.1f} s ({self.end - self.start:.1f} s): {self.reason}{said}"


STATS = ("decodes", "rejected", "context_passes", "context_fallbacks", "reused", "prompts_dropped", "cut", "watchdog", "looks_final")


@dataclass
class Log:
    """What the live policy dropped and did: every rejection in order (the engine reports them), what
    the watchdog did (for the status bar), and counts of each step."""

    rejections: list[Rejection] = field(default_factory=list)
    notices: list[Rejection] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATS, 0))

    def count(self, what: str, n: int = 1) -> None:
        self.stats[what] = self.stats.get(what, 0) + n


@dataclass(frozen=True)
class Pass:
    """One decode of the uncommitted audio: its text, times and language."""

    text: str
    start: float
    end: float
    language: str
    first: int = 0  # absolute sample index of the audio decoded
    audio: np.ndarray | None = None
    beam: int = 0
    look: int = 0  # the look's number (Chunk.look), for a look's pass
    rejected: tuple[Rejection, ...] = ()  # what the guard dropped from this pass
    segments: tuple[Segment, ...] = ()  # the text in timed pieces, seconds from `first`
    words: tuple[Word, ...] = ()  # its words, timed, when asked for (seconds from `first`)
    speech: np.ndarray | None = None  # the VAD's speech probability per VAD_FRAME of `audio`, when known


@dataclass(frozen=True)
class KeptEncoding:
    """A context pass's encoding of the audio from sample `first`, kept for the final."""

    first: int
    context_text: str
    encoded: Encoded
    look: int = 0  # the look that made it, or 0


def reusable(kept: KeptEncoding | None, chunk: Chunk, pending: list[Chunk]) -> KeptEncoding | None:
    """The look's encoding, when this utterance end came in the pause it looked at."""
    if kept is None or not (chunk.utterance_end and chunk.look and chunk.look == kept.look):
        return None
    extra = sum(len(c.audio) for c in pending) - kept.encoded.audio_len
    return kept if kept.first == pending[0].start and 0 <= extra <= REUSE_MAX_S * SR else None


def final_look(look: Pass | None, chunk: Chunk, pending: list[Chunk], beam: int) -> Pass | None:
    """The look that is already this utterance's final: the utterance ended in the pause it looked at
    (nothing said since), and it was read at the final beam."""
    if look is None or not (chunk.utterance_end and chunk.look and chunk.look == look.look) or look.beam < beam:
        return None
    if look.audio is None or look.first != pending[0].start:
        return None
    extra = sum(len(c.audio) for c in pending) - len(look.audio)
    return look if 0 <= extra <= REUSE_MAX_S * SR else None
