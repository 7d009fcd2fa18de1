"""faster-whisper on chunks of speech, with the committed text as the prompt."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from livecaption.captions import Caption
from livecaption.errors import LivecaptionError
from livecaption.guard import GuardConfig, rejection
from livecaption.models import LoadedModel
from livecaption.segmenter import Chunk

SR = 16000


@dataclass
class TranscribeOptions:
    language: str = "auto"  # a code ("en", "ko") or auto
    task: str = "transcribe"  # or translate (to English)
    beam_size: int = 5
    initial_prompt: str = ""  # domain vocabulary, names
    hotwords: str = ""
    prompt_chars: int = 200  # how much committed text is fed back as context
    without_timestamps: bool = False
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6)
    patience: float = 1.0
    commit_after_s: float = 12.0  # an utterance longer than this is committed at a chunk boundary
    guard: GuardConfig = field(default_factory=GuardConfig)


def _words(text: str) -> list[str]:
    return [re.sub(r"[^\w]", "", w.lower()) for w in text.split()]


def drop_seam_repeat(previous: str, text: str, max_words: int = 8) -> str:
    """Remove words at the start of `text` that repeat the end of `previous` (2+ words)."""
    prev, new = _words(previous)[-max_words:], _words(text)
    raw = text.split()
    for k in range(min(len(prev), len(new), max_words), 1, -1):
        if prev[-k:] == new[:k] and all(prev[-k:]):
            return " ".join(raw[k:])
    return text


@dataclass
class _Pass:
    """One decode of the uncommitted audio: its text, times and language."""

    text: str
    start: float
    end: float
    language: str


class Transcriber:
    """Turns chunks into captions. Not thread-safe: one transcriber thread owns it.

    Policy: chunks of one utterance accumulate from the commit point; each new chunk
    re-decodes all of it and yields a partial caption, and the utterance end yields
    the final one. Decoding whole utterances is what keeps live accuracy close to an
    offline pass. An utterance longer than `commit_after_s` is committed at the end
    of the previous chunk: that boundary is a pause, and the pass that ended exactly
    there is already decoded, so the seam neither repeats nor drops words.
    """

    def __init__(self, loaded: LoadedModel, options: TranscribeOptions | None = None) -> None:
        self.loaded = loaded
        self.options = options or TranscribeOptions()
        lang = (self.options.language or "auto").lower()
        if lang != "auto" and not loaded.multilingual and lang != "en":
            raise LivecaptionError(
                f"model {loaded.spec.name} is English-only; use --language en or a multilingual model"
            )
        if self.options.task == "translate" and not loaded.multilingual:
            raise LivecaptionError(f"model {loaded.spec.name} is English-only and cannot translate")
        self.language: str | None = None if lang == "auto" else lang
        if not loaded.multilingual:
            self.language = "en"
        self.committed = ""  # recent final text, the prompt for the next chunk
        self.rejected = 0
        self.decodes = 0
        self._pending: list[Chunk] = []  # uncommitted chunks of the current utterance
        self._last: _Pass | None = None  # the latest pass, which covered exactly _pending
        self._span = 1  # id shared by the partials and the final of one stretch of speech

    def decode(self, audio: np.ndarray, prompt: str | None):
        """One faster-whisper pass; returns (segments, info)."""
        segments, info = self.loaded.model.transcribe(
            audio,
            language=self.language,
            task=self.options.task,
            beam_size=self.options.beam_size,
            initial_prompt=prompt,
            hotwords=self.options.hotwords or None,
            condition_on_previous_text=False,
            temperature=self.options.temperatures,
            patience=self.options.patience,
            vad_filter=False,
            without_timestamps=self.options.without_timestamps,
        )
        return list(segments), info

    def _prompt(self) -> str | None:
        parts = [self.options.initial_prompt.strip(), self.committed[-self.options.prompt_chars :].strip()]
        text = " ".join(p for p in parts if p)
        return text or None

    def _run(self, chunks: list[Chunk]) -> _Pass | None:
        audio = np.concatenate([c.audio for c in chunks]) if len(chunks) > 1 else chunks[0].audio
        if len(audio) < SR // 10:
            return None
        self.decodes += 1
        segments, info = self.decode(audio, self._prompt())
        if self.language is None and info.language_probability >= 0.5 and len(audio) >= 2 * SR:
            self.language = info.language  # hold it: no flipping language per chunk
        kept = []
        for seg in segments:
            if rejection(seg, self.options.guard):
                self.rejected += 1
            elif seg.text.strip():
                kept.append(seg)
        t0, dur = chunks[0].start / SR, len(audio) / SR
        if not kept:
            return _Pass("", t0, t0 + dur, self.language or info.language)
        text = " ".join(seg.text.strip() for seg in kept)
        start = t0 + min(max(kept[0].start, 0.0), dur)
        end = t0 + min(max(kept[-1].end, kept[0].start), dur)
        return _Pass(text, start, max(end, start + 0.1), self.language or info.language)

    def _commit(self, result: _Pass | None) -> list[Caption]:
        """Make `result` final: it replaces the partials of the current span."""
        span = self._span
        self._span += 1
        if result is None:
            return []
        text = drop_seam_repeat(self.committed, result.text)
        if not text:
            # Nothing survived: a final with empty text retracts any partial on screen.
            return [Caption(result.start, result.end, "", True, result.language, id=span)]
        self.committed = (self.committed + " " + text)[-2000:]
        return [Caption(result.start, result.end, text, True, result.language, id=span)]

    def transcribe(self, chunk: Chunk) -> list[Caption]:
        """Feed one chunk; returns the partial and/or final captions it produced."""
        out: list[Caption] = []
        pending_s = sum(len(c.audio) for c in self._pending) / SR
        if self._pending and self._last is not None and pending_s + len(chunk.audio) / SR > self.options.commit_after_s:
            out += self._commit(self._last)  # _last covered exactly the pending chunks
            self._pending = []
        self._pending.append(chunk)
        result = self._run(self._pending)
        if chunk.utterance_end:
            out += self._commit(result)
            self._pending, self._last = [], None
        else:
            self._last = result
            if result is not None and result.text:
                out.append(
                    Caption(
                        result.start,
                        result.end,
                        drop_seam_repeat(self.committed, result.text),
                        False,
                        result.language,
                        id=self._span,
                    )
                )
        return out

    def flush(self) -> list[Caption]:
        """End of session: whatever is pending becomes final."""
        if not self._pending:
            return []
        out = self._commit(self._last)
        self._pending, self._last = [], None
        return out
