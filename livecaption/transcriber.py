"""faster-whisper on chunks of speech, with the committed text as the prompt."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from livecaption import anchored
from livecaption.anchored import MAX_SECONDS
from livecaption.captions import Caption
from livecaption.errors import LivecaptionError
from livecaption.guard import GuardConfig, collapse_loops, rejection, suspicious
from livecaption.models import LoadedModel
from livecaption.segmenter import Chunk
from livecaption.window import encoder_window

SR = 16000
REUSE_MAX_S = 0.5  # an early look's encoding serves the final if only this much (silence) came after
MAX_CHARS_PER_S = 25  # faster than anyone speaks: the pass read more than the new audio


@dataclass
class TranscribeOptions:
    language: str = "auto"  # a code ("en", "ko") or auto
    task: str = "transcribe"  # or translate (to English)
    beam_size: int = 5  # for final captions
    partial_beam_size: int = 1  # partials are redrawn on the next chunk anyway: greedy is enough
    partial_context: bool = True  # partials read after their context too: same cost, better words, and
    # an early look's encoding can then serve the final
    initial_prompt: str = ""  # domain vocabulary, names
    hotwords: str = ""
    prompt_chars: int = 200  # how much committed text is fed back as context
    without_timestamps: bool = False
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6)
    patience: float = 1.0
    commit_after_s: float = 12.0  # an utterance longer than this is committed at a chunk boundary
    context_s: float = 16.0  # recent committed speech re-fed before new audio, its text as the prompt (0: off)
    encoder_s: float = 20.0  # encoder window (Whisper's is 30 s; see window.py for why 20)
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


def _rereads(context: list[str], text: str, n: int = 4) -> bool:
    """Does `text` hold a run of `n` words that is already in the context?

    A context pass can read the context's audio again instead of going on after it (seen
    a few times per hour of speech); and a speaker repeating a sentence word for word
    confuses it too. Either way such text is decoded alone instead.
    """
    words = _words(text)
    runs = {tuple(context[i : i + n]) for i in range(len(context) - n + 1)}
    return any(tuple(words[i : i + n]) in runs for i in range(len(words) - n + 1))


@dataclass
class _Pass:
    """One decode of the uncommitted audio: its text, times and language."""

    text: str
    start: float
    end: float
    language: str
    first: int = 0  # absolute sample index of the audio decoded
    audio: np.ndarray | None = None
    beam: int = 0
    look: int = 0  # the early look's number (Chunk.look), for a look's pass


@dataclass
class _Window:
    """An encoded pass over new audio from sample `first`, after context whose text is given."""

    first: int
    context_text: str
    encoded: anchored.Window  # holds the new audio's length too
    look: int = 0  # the early look that made it (Chunk.look), or 0


@dataclass
class _Said:
    """Committed speech kept as context for the next passes."""

    start: int
    audio: np.ndarray
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.audio)


class Transcriber:
    """Turns chunks into captions. Not thread-safe: one transcriber thread owns it.

    Policy: chunks of one utterance accumulate from the commit point; each new chunk
    re-decodes all of it and yields a partial caption, and the utterance end yields
    the final one. An utterance longer than `commit_after_s` is committed at the end
    of the previous chunk: that boundary is a pause, and the pass that ended exactly
    there is already decoded, so the seam neither repeats nor drops words.

    Context: an offline pass reads a short utterance in the middle of a 30 s window,
    after the previous sentences' audio and its own text for them. Each pass here
    does the same: up to `context_s` of recently committed speech goes in front of the
    new audio, its committed text goes in as the previous text, and the decoder starts
    at the timestamp where the new audio begins (anchored.py), so the model only writes
    what follows. That took tiny.en on lecture_en from 1.39x to about 1.0x the offline
    WER (benchmarks/README.md).

    Early looks (Chunk.peek, at the first short pause) decode greedily and keep their
    encoding; when the utterance then ends in that same pause, the final decodes that
    encoding again at the final beam instead of encoding the same speech twice, and a
    chunk cut in that pause takes the look's text as its partial.
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
        self._window: _Window | None = None  # the latest context pass's encoding, for reuse
        self._look: _Pass | None = None  # the latest early look, until the next chunk
        self._said: deque[_Said] = deque()  # recent commits, for context (about context_s of audio)
        self.context_passes = 0
        self.context_fallbacks = 0  # context passes redone without context
        self.reused_windows = 0  # finals that read an early look's encoding

    def decode(self, audio: np.ndarray, prompt: str | None, beam_size: int | None = None):
        """One faster-whisper pass; returns (segments, info)."""
        with encoder_window(self.loaded.model, self.options.encoder_s):
            segments, info = self.loaded.model.transcribe(
                audio,
                language=self.language,
                task=self.options.task,
                beam_size=beam_size or self.options.beam_size,
                initial_prompt=prompt,
                hotwords=self.options.hotwords.strip() or None,
                condition_on_previous_text=False,
                temperature=self.options.temperatures,
                patience=self.options.patience,
                vad_filter=False,
                without_timestamps=self.options.without_timestamps,
                compression_ratio_threshold=self.options.guard.compression_ratio_threshold,
            )
            return list(segments), info

    def _prompt(self, before: str | None = None, budget: int | None = None) -> str | None:
        recent = self.committed if before is None else before
        n = self.options.prompt_chars if budget is None else budget
        parts = [self.options.initial_prompt.strip(), recent[-n:].strip() if n > 0 else ""]
        text = " ".join(p for p in parts if p)
        return text or None

    def _context(self, first: int, room: int) -> tuple[np.ndarray, str] | None:
        """Recent committed speech before sample `first`: its audio (pauses capped at 1 s) and
        text, at most `room` samples of it, so that context and new audio fit one window."""
        if self.options.context_s <= 0 or self.language is None:
            return None
        parts: list[np.ndarray] = []
        texts: list[str] = []
        nxt, size = first, 0
        for said in reversed(self._said):
            if not said.text or said.start >= first or (first - said.start) / SR > self.options.context_s:
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

    def _decode_with_context(
        self, audio: np.ndarray, first: int, beam: int, window: _Window | None = None, look: int = 0
    ) -> str | None:
        """Decode `audio` after its context; returns the new text, or None to decode it alone.

        `window` is an earlier encoding of this same audio and context (an early look's),
        read again instead of encoding anew."""
        if window is None:
            ctx = self._context(first, int(MAX_SECONDS * SR) - len(audio))
            if ctx is None:
                return None
            encoded = anchored.encode(self.loaded.model, ctx[0], audio, self.options.encoder_s)
            if encoded is None:
                return None
            window = _Window(first, ctx[1], encoded, look)
        else:
            self.reused_windows += 1
        self._window = window
        before = self.committed[: -len(window.context_text)] if self.committed.endswith(window.context_text) else ""
        hotwords = self.options.hotwords.strip()
        budget = self.options.prompt_chars - len(window.context_text) - 1
        prompt = " ".join(p for p in (hotwords, self._prompt(before, budget) or "") if p) or None
        self.context_passes += 1
        found = anchored.decode_after(
            self.loaded.model,
            window.encoded,
            window.context_text,
            language=self.language,
            task=self.options.task,
            prompt=prompt,
            beam_size=beam,
            patience=self.options.patience,
        )
        new = collapse_loops(found.text)
        if (
            found.avg_logprob < self.options.guard.logprob_threshold
            or suspicious(new, self.options.guard)
            or self._too_short(new, len(audio) / SR)
            or _rereads(_words(window.context_text), new)
            or len(new) > MAX_CHARS_PER_S * len(audio) / SR + 10
        ):
            # In doubt, decode the audio alone: there the guard's no-speech check and the
            # temperature fallback judge the new audio by itself.
            self.context_fallbacks += 1
            return None
        return new

    def _too_short(self, text: str, seconds: float) -> bool:
        """Did a context pass stop early? Its text is checked against the audio's length and
        against the partial for the same utterance, which covered less audio. (Seen when a
        speaker repeats the previous sentence word for word: the model takes it for the context.)"""
        n = len(text.strip())
        hint = self._last.text if self._last is not None else ""
        return (seconds >= 2.0 and n < 3 * seconds) or n < 0.6 * len(hint.strip())

    def _run(self, chunks: list[Chunk], final: bool = False, window: _Window | None = None) -> _Pass | None:
        audio = np.concatenate([c.audio for c in chunks]) if len(chunks) > 1 else chunks[0].audio
        if window is not None:
            audio = audio[: window.encoded.audio_len]  # the look saw all of the speech; the rest is silence
        if len(audio) < SR // 10:
            return None
        self.decodes += 1
        beam = self.options.beam_size if final else min(self.options.partial_beam_size, self.options.beam_size)
        t0, dur = chunks[0].start / SR, len(audio) / SR
        found = (
            self._decode_with_context(audio, chunks[0].start, beam, window, chunks[-1].look if chunks[-1].peek else 0)
            if final or self.options.partial_context
            else None
        )
        if found is not None:  # _context only runs once the language is known
            return _Pass(found, t0, t0 + dur, self.language, chunks[0].start, audio, beam)
        segments, info = self.decode(audio, self._prompt(), beam)
        if self.language is None and info.language_probability >= 0.5 and len(audio) >= 2 * SR:
            self.language = info.language  # hold it: no flipping language per chunk
        kept = []
        for seg in segments:
            if rejection(seg, self.options.guard):
                self.rejected += 1
            elif seg.text.strip():
                kept.append(seg)
        language = self.language or info.language
        if not kept:
            return _Pass("", t0, t0 + dur, language, chunks[0].start, audio, beam)
        text = collapse_loops(" ".join(seg.text.strip() for seg in kept))
        start = t0 + min(max(kept[0].start, 0.0), dur)
        end = t0 + min(max(kept[-1].end, kept[0].start), dur)
        return _Pass(text, start, max(end, start + 0.1), language, chunks[0].start, audio, beam)

    def _commit(self, result: _Pass | None) -> list[Caption]:
        """Make `result` final: it replaces the partials of the current span."""
        span = self._span
        self._span += 1
        self._window = None  # its context is out of date now
        if result is None:
            return []
        text = drop_seam_repeat(self.committed, result.text)
        if result.audio is not None:
            self._said.append(_Said(result.first, result.audio, text))
            keep = int((self.options.context_s + 1) * SR)  # only what the next passes can reach back to
            while len(self._said) > 1 and self._said[-1].end - self._said[0].end > keep:
                self._said.popleft()
        if not text:
            # Nothing survived: a final with empty text retracts any partial on screen.
            return [Caption(result.start, result.end, "", True, result.language, id=span)]
        self.committed = (self.committed + " " + text)[-2000:]
        return [Caption(result.start, result.end, text, True, result.language, id=span)]

    def transcribe(self, chunk: Chunk) -> list[Caption]:
        """Feed one chunk; returns the partial and/or final captions it produced."""
        if chunk.peek:
            return self._peek(chunk)
        out: list[Caption] = []
        pending_s = sum(len(c.audio) for c in self._pending) / SR
        if self._pending and self._last is not None and pending_s + len(chunk.audio) / SR > self.options.commit_after_s:
            out += self._commit(self._final(self._last))  # _last covered exactly the pending chunks
            self._pending = []
        self._pending.append(chunk)
        look, self._look = self._look, None
        if not chunk.utterance_end and look is not None and look.first == self._pending[0].start:
            # An early look since the last chunk already showed these words: no pass for a
            # partial. Cut in the look's own pause, the look read exactly this chunk's speech;
            # otherwise its text is only a hint, and a commit here decodes the chunks anew.
            audio = np.concatenate([c.audio for c in self._pending])
            beam = look.beam if chunk.look and chunk.look == look.look else 0
            self._last = _Pass(look.text, look.start, look.end, look.language, look.first, audio, beam)
            return out
        result = self._run(self._pending, final=chunk.utterance_end, window=self._reusable(chunk))
        if chunk.utterance_end:
            out += self._commit(result)
            self._pending, self._last = [], None
        else:
            self._last = result
            out += self._partial(result)
        return out

    def _reusable(self, chunk: Chunk) -> _Window | None:
        """The early look's encoding, when this utterance end came in the pause it looked at."""
        w, first = self._window, self._pending[0].start
        if w is None or not (chunk.utterance_end and chunk.look and chunk.look == w.look) or w.first != first:
            return None
        extra = sum(len(c.audio) for c in self._pending) - w.encoded.audio_len
        return w if 0 <= extra <= REUSE_MAX_S * SR else None

    def _peek(self, chunk: Chunk) -> list[Caption]:
        """A partial for the open utterance including `chunk`, which a later chunk will bring again."""
        self._look = self._run([*self._pending, chunk])
        if self._look is not None:
            self._look.look = chunk.look
        return self._partial(self._look)

    def _partial(self, result: _Pass | None) -> list[Caption]:
        text = drop_seam_repeat(self.committed, result.text) if result is not None else ""
        return [Caption(result.start, result.end, text, False, result.language, id=self._span)] if text else []

    def flush(self) -> list[Caption]:
        """End of session: whatever is pending becomes final."""
        if not self._pending:
            return []
        out = self._commit(self._final(self._last))
        self._pending, self._last = [], None
        return out

    def _final(self, last: _Pass | None) -> _Pass | None:
        """`last` (a partial pass over exactly the pending chunks) at the final beam size."""
        if last is None or last.beam >= self.options.beam_size:
            return last
        return self._run(self._pending, final=True)
