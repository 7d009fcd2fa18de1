"""Options of the transcription policy."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from livecaption.errors import LanguageError
from livecaption.languages import codes
from livecaption.transcription.decoder import Decoder, DecodeSettings
from livecaption.transcription.guard import GuardConfig


@dataclass
class TranscribeOptions:
    language: str = "auto"  # a code ("en", "ko") or auto
    task: str = "transcribe"  # or translate (to English)
    beam_size: int = 5  # for final captions
    partial_beam_size: int = 1  # partials are redrawn on the next chunk anyway: greedy is enough
    partial_context: bool = True  # partials read after their context too: same cost, better words, and
    # a look's encoding can then serve the final
    initial_prompt: str = ""  # domain vocabulary, names
    hotwords: str = ""
    prompt_chars: int = 200  # how much committed text is fed back as context
    without_timestamps: bool = False
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6)
    patience: float = 1.0
    max_tokens_per_s: float = 10.0  # a pass stops after this many tokens per second of audio (+ 20): nobody
    # speaks faster, and a decoder caught in a loop otherwise writes on to the model's limit of 448
    commit_after_s: float = 5.0  # an utterance longer than this is committed in pieces (shorter pieces cost words)
    agreement: bool = True  # ...that two consecutive passes read the same (policy._commit_agreed)
    context_s: float = 16.0  # recent committed speech re-fed before new audio, its text as the prompt (0: off)
    encoder_s: float = 20.0  # shortest encoder window (Whisper's is 30 s; whisper/backend.py says why)
    peek_context_s: float = 4.0  # a peek (a partial while speech goes on) reads at most this much context...
    peek_window_s: float = 10.0  # ...in an encoder window this short at least: it is read again anyway
    guard: GuardConfig = field(default_factory=GuardConfig)

    def for_task(self) -> TranscribeOptions:
        """The options as the task needs them. Translation reads each stretch alone, without fallbacks,
        and stops a loop early: its context passes were nearly all rejected and redone, and
        low-confidence translations sent every pass through four temperatures (benchmarks/README.md)."""
        if self.task != "translate":
            return self
        return replace(self, temperatures=(0.0,), context_s=0.0, prompt_chars=0,
                       max_tokens_per_s=min(self.max_tokens_per_s, 6.0))  # fmt: skip

    def settings(self) -> DecodeSettings:
        """What each decode is asked for."""
        return DecodeSettings(self.task, self.patience, self.temperatures, self.guard.compression_ratio_threshold,
                              self.without_timestamps, self.hotwords, self.max_tokens_per_s)  # fmt: skip

    def languages(self, decoder: Decoder) -> tuple[str, ...] | None:
        """The languages `decoder` may caption in (None: any); a LanguageError where it cannot do
        what is asked (an English-only model, another language or a translation)."""
        allowed = codes.parse(self.language)
        if decoder.multilingual:
            return allowed
        if self.task != "transcribe":
            raise LanguageError(f"model {decoder.name} is English-only and cannot translate")
        if allowed not in (None, ("en",)):
            raise LanguageError(f"model {decoder.name} is English-only; use --language en or a multilingual model")
        return ("en",)
