"""The commit policy: chunks of speech in, partial and final captions out.

Chunks of one utterance accumulate from the commit point; each new chunk re-decodes all
of it and yields a partial caption, and the utterance end yields the final one. An
utterance longer than `commit_after_s` is committed at the end of the previous chunk:
that boundary is a pause, and the pass that ended exactly there is already decoded, so
the seam neither repeats nor drops words. Audio that is not contiguous with what is
pending (the scheduler skipped speech) closes the pending utterance first.

Context: each pass reads up to `context_s` of recently committed speech before the new
audio, with its committed text, and the decoder writes only what follows (as an offline
pass reads a short sentence in the middle of a 30 s window). Text that looks wrong is
decoded alone, where the guard can weigh it.

Looks (Chunk.is_look, at the first short pause) decode greedily and keep their encoding;
when the utterance then ends in that same pause, the final decodes that encoding again
at the final beam instead of encoding the same speech twice, and a chunk cut in that
pause takes the look's text as its partial.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from livecaption.captions import Caption
from livecaption.errors import LanguageError
from livecaption.streaming.segmenter import Chunk
from livecaption.transcription.context import ContextBuffer, Said
from livecaption.transcription.decoder import WINDOW_S, Decoder, DecodeSettings, Encoded
from livecaption.transcription.guard import collapse_loops, rejection, suspicious
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.text import drop_seam_repeat, rereads, words

SR = 16000
REUSE_MAX_S = 0.5  # a look's encoding serves the final if only this much (silence) came after
MAX_CHARS_PER_S = 25  # faster than anyone speaks: the pass read more than the new audio


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


@dataclass(frozen=True)
class KeptEncoding:
    """A context pass's encoding of the audio from sample `first`, kept for the final."""

    first: int
    context_text: str
    encoded: Encoded
    look: int = 0  # the look that made it, or 0


class Transcriber:
    """Turns chunks into captions. Not thread-safe: one transcriber thread owns it."""

    def __init__(self, decoder: Decoder, options: TranscribeOptions | None = None) -> None:
        self.decoder = decoder
        self.options = options or TranscribeOptions()
        lang = (self.options.language or "auto").lower()
        if lang != "auto" and not decoder.multilingual and lang != "en":
            raise LanguageError(f"model {decoder.name} is English-only; use --language en or a multilingual model")
        if self.options.task == "translate" and not decoder.multilingual:
            raise LanguageError(f"model {decoder.name} is English-only and cannot translate")
        self.language: str | None = None if lang == "auto" else lang
        if not decoder.multilingual:
            self.language = "en"
        o = self.options
        self.settings = DecodeSettings(
            o.task, o.patience, o.temperatures, o.guard.compression_ratio_threshold, o.without_timestamps, o.hotwords
        )
        self.committed = ""  # recent final text, the prompt for the next chunk
        self.context = ContextBuffer(o.context_s)
        self.stats = {"decodes": 0, "rejected": 0, "context_passes": 0, "context_fallbacks": 0, "reused": 0}
        self._final_beam = o.beam_size  # lowered to 1 for a pass while the scheduler catches up
        self._pending: list[Chunk] = []  # uncommitted chunks of the current utterance
        self._last: Pass | None = None  # the latest pass, which covered exactly _pending
        self._span = 1  # id shared by the partials and the final of one stretch of speech
        self._kept: KeptEncoding | None = None  # the latest context pass's encoding, for reuse
        self._look: Pass | None = None  # the latest look, until the next chunk

    def continue_from(self, text: str) -> None:
        """The text said just before the audio to come (a recovered session's last captions): read
        as the previous text, and not repeated at the seam."""
        self.committed = text.strip()[-2000:]

    # -- decoding -------------------------------------------------------------------
    def _prompt(self, before: str | None = None, budget: int | None = None) -> str | None:
        recent = self.committed if before is None else before
        n = self.options.prompt_chars if budget is None else budget
        parts = [self.options.initial_prompt.strip(), recent[-n:].strip() if n > 0 else ""]
        return " ".join(p for p in parts if p) or None

    def _with_context(
        self, audio: np.ndarray, first: int, beam: int, kept: KeptEncoding | None, look: int
    ) -> str | None:
        """Decode `audio` after its context; the new text, or None to decode it alone.

        `kept` is an earlier encoding of this same audio and context (a look's), read
        again instead of encoding anew."""
        if kept is None:
            if self.language is None:
                return None
            ctx = self.context.before(first, int(WINDOW_S * SR) - len(audio))
            if ctx is None:
                return None
            encoded = self.decoder.encode(ctx[0], audio)
            if encoded is None:
                return None
            kept = KeptEncoding(first, ctx[1], encoded, look)
        else:
            self.stats["reused"] += 1
        self._kept = kept
        ctx_text = kept.context_text
        before = self.committed[: -len(ctx_text)] if self.committed.endswith(ctx_text) else ""
        hotwords = self.options.hotwords.strip()
        budget = self.options.prompt_chars - len(ctx_text) - 1
        prompt = " ".join(p for p in (hotwords, self._prompt(before, budget) or "") if p) or None
        self.stats["context_passes"] += 1
        found = self.decoder.continue_after(
            kept.encoded, ctx_text, language=self.language, prompt=prompt, beam_size=beam, settings=self.settings
        )
        new = collapse_loops(found.text)
        seconds = len(audio) / SR
        if (
            found.avg_logprob < self.options.guard.logprob_threshold
            or suspicious(new, self.options.guard)
            or self._too_short(new, seconds)
            or rereads(words(ctx_text), new)
            or len(new) > MAX_CHARS_PER_S * seconds + 10
        ):
            # In doubt, decode the audio alone: there the guard's no-speech check and the
            # temperature fallback judge the new audio by itself.
            self.stats["context_fallbacks"] += 1
            return None
        return new

    def _too_short(self, text: str, seconds: float) -> bool:
        """Did a context pass stop early? Checked against the audio's length and against the
        partial for the same utterance, which covered less audio. (Seen when a speaker
        repeats the previous sentence word for word: the model takes it for the context.)"""
        n = len(text.strip())
        hint = self._last.text if self._last is not None else ""
        return (seconds >= 2.0 and n < 3 * seconds) or n < 0.6 * len(hint.strip())

    def _run(self, chunks: list[Chunk], final: bool = False, kept: KeptEncoding | None = None) -> Pass | None:
        audio = np.concatenate([c.audio for c in chunks]) if len(chunks) > 1 else chunks[0].audio
        if kept is not None:
            audio = audio[: kept.encoded.audio_len]  # the look saw all of the speech; the rest is silence
        if len(audio) < SR // 10:
            return None
        self.stats["decodes"] += 1
        beam = self._final_beam if final else min(self.options.partial_beam_size, self._final_beam)
        first, t0, dur = chunks[0].start, chunks[0].start / SR, len(audio) / SR
        found = None
        if final or self.options.partial_context:
            look = chunks[-1].look if chunks[-1].is_look else 0
            found = self._with_context(audio, first, beam, kept, look)
        if found is not None:
            return Pass(found, t0, t0 + dur, self.language or "", first, audio, beam)
        result = self.decoder.transcribe(audio, language=self.language, prompt=self._prompt(), beam_size=beam,
                                         settings=self.settings)  # fmt: skip
        if self.language is None and result.language_probability >= 0.5 and len(audio) >= 2 * SR:
            self.language = result.language  # hold it: no flipping language per chunk
        kept_segments = []
        for seg in result.segments:
            if rejection(seg, self.options.guard):
                self.stats["rejected"] += 1
            elif seg.text.strip():
                kept_segments.append(seg)
        language = self.language or result.language
        if not kept_segments:
            return Pass("", t0, t0 + dur, language, first, audio, beam)
        text = collapse_loops(" ".join(seg.text.strip() for seg in kept_segments))
        start = t0 + min(max(kept_segments[0].start, 0.0), dur)
        end = t0 + min(max(kept_segments[-1].end, kept_segments[0].start), dur)
        return Pass(text, start, max(end, start + 0.1), language, first, audio, beam)

    # -- commits ----------------------------------------------------------------------
    def _commit(self, result: Pass | None) -> list[Caption]:
        """Make `result` final: it replaces the partials of the current span."""
        span = self._span
        self._span += 1
        self._kept = None  # its context is out of date now
        if result is None:
            return []
        text = drop_seam_repeat(self.committed, result.text)
        if result.audio is not None:
            self.context.add(Said(result.first, result.audio, text))
        if not text:
            # Nothing survived: a final with empty text retracts any partial on screen.
            return [Caption(result.start, result.end, "", True, result.language, id=span)]
        self.committed = (self.committed + " " + text)[-2000:]
        return [Caption(result.start, result.end, text, True, result.language, id=span)]

    def _commit_pending(self) -> list[Caption]:
        out = self._commit(self._final(self._last))
        self._pending, self._last = [], None
        return out

    def transcribe(self, chunk: Chunk, greedy: bool = False) -> list[Caption]:
        """Feed one chunk; returns the partial and/or final captions it produced.

        greedy: decode finals at beam 1 (the scheduler is catching up)."""
        self._final_beam = 1 if greedy else self.options.beam_size
        out: list[Caption] = []
        if self._pending and chunk.start != self._pending[-1].end:
            out += self._commit_pending()  # speech was skipped in between: never decode across a gap
            self._look = None
        if chunk.is_look:
            return out + self._look_at(chunk)
        pending_s = sum(len(c.audio) for c in self._pending) / SR
        if self._pending and self._last is not None and pending_s + len(chunk.audio) / SR > self.options.commit_after_s:
            out += self._commit_pending()  # _last covered exactly the pending chunks
        self._pending.append(chunk)
        look, self._look = self._look, None
        if not chunk.utterance_end and look is not None and look.first == self._pending[0].start:
            # A look since the last chunk already showed these words: no pass for a partial.
            # Cut in the look's own pause, the look read exactly this chunk's speech;
            # otherwise its text is only a hint, and a commit here decodes the chunks anew.
            audio = np.concatenate([c.audio for c in self._pending])
            beam = look.beam if chunk.look and chunk.look == look.look else 0
            self._last = Pass(look.text, look.start, look.end, look.language, look.first, audio, beam)
            return out
        result = self._run(self._pending, final=chunk.utterance_end, kept=self._reusable(chunk))
        if chunk.utterance_end:
            out += self._commit(result)
            self._pending, self._last = [], None
        else:
            self._last = result
            out += self._partial(result)
        return out

    def _reusable(self, chunk: Chunk) -> KeptEncoding | None:
        """The look's encoding, when this utterance end came in the pause it looked at."""
        kept, first = self._kept, self._pending[0].start
        if kept is None or not (chunk.utterance_end and chunk.look and chunk.look == kept.look) or kept.first != first:
            return None
        extra = sum(len(c.audio) for c in self._pending) - kept.encoded.audio_len
        return kept if 0 <= extra <= REUSE_MAX_S * SR else None

    def _look_at(self, chunk: Chunk) -> list[Caption]:
        """A partial for the open utterance including `chunk`, which a later chunk will bring again."""
        look = self._run([*self._pending, chunk])
        self._look = replace(look, look=chunk.look) if look is not None else None
        return self._partial(self._look)

    def _partial(self, result: Pass | None) -> list[Caption]:
        text = drop_seam_repeat(self.committed, result.text) if result is not None else ""
        return [Caption(result.start, result.end, text, False, result.language, id=self._span)] if text else []

    def flush(self) -> list[Caption]:
        """End of session: whatever is pending becomes final."""
        self._final_beam = self.options.beam_size
        return self._commit_pending() if self._pending else []

    def _final(self, last: Pass | None) -> Pass | None:
        """The pending chunks at the final beam: `last` (a pass over exactly them) when it was
        decoded at that beam, else a new pass."""
        if last is not None and last.beam >= self._final_beam:
            return last
        return self._run(self._pending, final=True) if self._pending else None
