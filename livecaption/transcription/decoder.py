"""What the commit policy needs from a speech recogniser, and nothing more.

`livecaption.whisper.WhisperDecoder` is the real one; tests use a fake. Results are
immutable, so a pass can be kept and compared without copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

WINDOW_S = 29.0  # context plus new audio must fit one 30 s Whisper window, with a margin


@dataclass(frozen=True)
class Word:
    text: str  # with its leading space and punctuation, as Whisper writes it
    start: float  # seconds from the start of the audio decoded
    end: float


@dataclass(frozen=True)
class Segment:
    text: str
    start: float  # seconds from the start of the audio decoded
    end: float
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0
    words: tuple[Word, ...] = ()  # only when word times were asked for


@dataclass(frozen=True)
class Transcription:
    segments: tuple[Segment, ...]
    language: str
    language_probability: float


@dataclass(frozen=True)
class Encoded:
    """Context and new audio, encoded once; several decodes may read it."""

    data: object  # the back-end's encoding
    context_len: int  # samples of context before the new audio
    audio_len: int  # samples of new audio


@dataclass(frozen=True)
class Continuation:
    text: str  # what was said after the context
    avg_logprob: float  # of the new tokens only
    segments: tuple[Segment, ...] = ()  # the text in timed pieces, seconds from the new audio's start
    words: tuple[Word, ...] = ()  # only when word times were asked for


@dataclass(frozen=True)
class DecodeSettings:
    """Per-pass choices that stay the same for a session."""

    task: str = "transcribe"
    patience: float = 1.0
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6)
    compression_ratio_threshold: float = 2.4
    without_timestamps: bool = False
    hotwords: str = ""
    max_tokens_per_s: float = 0.0  # a pass writes at most this many tokens per second of audio (+ 20); 0: no bound


def token_budget(per_s: float, seconds: float, prompt_tokens: int, max_length: int = 448) -> int | None:
    """New tokens a pass over `seconds` of audio may write: bounded by how fast anyone speaks, so a
    decoder caught in a loop stops early instead of writing to the model's limit. None: no bound
    (`per_s` 0, or a prompt that leaves no room: the decoder's own limit applies)."""
    room = max_length - prompt_tokens
    if per_s <= 0 or room <= 0:
        return None
    return min(int(per_s * seconds) + 20, room)


class Decoder(Protocol):
    name: str
    multilingual: bool

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None,
        prompt: str | None,
        beam_size: int,
        settings: DecodeSettings,
        word_times: bool = False,
    ) -> Transcription:
        """Decode `audio` alone (detecting the language when it is None); with `word_times`, each
        segment's words are timed too."""
        ...

    def detect_language(self, audio: np.ndarray) -> tuple[tuple[str, float], ...]:
        """The probability of each language (code, p), most likely first, for `audio` alone."""
        ...

    def encode(self, context: np.ndarray, audio: np.ndarray, window_s: float | None = None) -> Encoded | None:
        """Encode `context` then `audio` in one window (at least `window_s` long; None: the decoder's
        own floor); None when they do not fit."""
        ...

    def continue_after(
        self,
        encoded: Encoded,
        context_text: str,
        *,
        language: str,
        prompt: str | None,
        beam_size: int,
        settings: DecodeSettings,
        word_times: bool = False,
    ) -> Continuation:
        """The text of the new audio, read as what follows the context (whose text is given)."""
        ...
