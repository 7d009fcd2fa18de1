"""The commit policy: chunks of speech in, partial and final captions out.

Chunks of one utterance accumulate from the commit point; each new chunk re-decodes all of it and
yields a partial, and the utterance end the final. Speech going on past `commit_after_s` without a
pause is committed in pieces, by agreement of consecutive word-timed passes (agreement.py). Audio
not contiguous with what is pending (the scheduler skipped speech) closes the pending utterance first.
Context: each pass reads up to `context_s` of recently committed speech in its language (and its
text) before the new audio; the decoder writes only what follows; what both remember is
context.Memory's. Text that looks wrong is decoded alone, where the guard can weigh it; loops and a
deaf session are found by healing.py's checks and read again by rereading.py. Each stretch's
language is the picker's (livecaption/languages). Looks (Chunk.is_look: at the first short pause,
and peeks while speech goes on) keep their encoding; peeks decode greedily, a look in a pause at the final
beam: when the utterance ends in that pause, that reading is the final, with no pass of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from livecaption.captions import Caption, at_ms
from livecaption.languages.picker import LanguagePicker
from livecaption.samples import SR, VAD_FRAME, Chunk
from livecaption.transcription import healing, passes
from livecaption.transcription.agreement import FORCE_S, SNAP_S, agreed_words, joined, quiet_point, words_to_commit
from livecaption.transcription.context import Memory, Said
from livecaption.transcription.decoder import WINDOW_S, Continuation, Decoder, Segment, Word
from livecaption.transcription.guard import collapse_loops, suspicious
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.passes import SPEECH_PROB, KeptEncoding, Log, Pass, Rejection, speech_of
from livecaption.transcription.rereading import Rereader
from livecaption.transcription.text import drop_seam_repeat, words


class Transcriber:
    """Turns chunks into captions. Not thread-safe: one transcriber thread owns it."""

    def __init__(self, decoder: Decoder, options: TranscribeOptions | None = None) -> None:
        self.decoder = decoder
        self.options = (options or TranscribeOptions()).for_task()
        self.picker = LanguagePicker(self.options.languages(decoder))
        self.language: str | None = self.picker.current  # of the pass being decoded
        o = self.options
        self.settings = o.settings()
        self.memory = Memory(o.context_s, o.initial_prompt, o.prompt_chars, o.hotwords)  # prompt and context
        self._detected_s = 0.0  # seconds of this stretch when its language was last detected (0: not yet)
        self.log = Log()  # every final drop, in order (the engine logs them), the watchdog's notices, counts
        self.again = Rereader(decoder, self.settings, o, self.memory, self.log)
        self._final_beam = o.beam_size  # lowered to 1 for a pass while the scheduler catches up
        self._pending: list[Chunk] = []  # uncommitted chunks of the current utterance
        self._last: Pass | None = None  # the latest pass, which covered exactly _pending
        self._span = 1  # id shared by the partials and the final of one stretch of speech
        self._look: Pass | None = None  # the latest look, until the next chunk
        self._peek = False  # reading a peek now
        self._seam: int | None = None  # where the last commit cut speech without a pause
        self._rest: Pass | None = None  # the rest of a pass cut by a commit: shown, not agreed with
        self.watchdog = healing.Watchdog()
        self._unheard: list[Pass] = []  # speech committed without words since the last final with words

    @property
    def rejections(self) -> list[Rejection]:
        return self.log.rejections

    @property
    def notices(self) -> list[Rejection]:
        """What the watchdog did, for the status bar."""
        return self.log.notices

    @property
    def stats(self) -> dict[str, int]:
        return self.log.stats

    @property
    def pending_from(self) -> int | None:
        """Sample index of the first audio handed in that is not final yet, if any."""
        return self._pending[0].start if self._pending else None

    def continue_from(self, text: str) -> None:
        """The text said just before the audio to come (a recovered session's last captions)."""
        self.memory.continue_from(text)

    # -- decoding -------------------------------------------------------------------
    def _with_context(
        self, audio: np.ndarray, first: int, beam: int, kept: KeptEncoding | None, look: int, word_times: bool = False
    ) -> Continuation | None:
        """Decode `audio` after its context; the new text, or None to decode it alone.

        `kept` is an earlier encoding of this same audio and context (a look's), read
        again instead of encoding anew."""
        language = self.language
        if language is None:
            return None  # no context before the language is known (it is, whenever there is context)
        if kept is None:
            room, window = int(WINDOW_S * SR) - len(audio), None
            if self._peek:  # a peek is read again soon: a short context and encoder window will do
                room, window = min(room, int(self.options.peek_context_s * SR)), self.options.peek_window_s
            ctx = self.memory.context_for(language, first, room)  # none in another language
            encoded = self.decoder.encode(ctx[0], audio, window) if ctx is not None else None
            if ctx is None or encoded is None:
                return None
            kept = KeptEncoding(first, ctx[1], encoded, look)
        else:
            self.stats["reused"] += 1
        self.memory.kept = kept
        prompt = self.memory.prompt_after(kept.context_text, language)
        self.stats["context_passes"] += 1
        found = self.decoder.continue_after(
            kept.encoded, kept.context_text, language=language, prompt=prompt, beam_size=beam,
            settings=self.settings, word_times=word_times,
        )  # fmt: skip
        new = collapse_loops(found.text)
        seconds = len(audio) / SR
        if (
            found.avg_logprob < self.options.guard.logprob_threshold
            or suspicious(new, self.options.guard)
            or self._too_short(new, seconds)
            or drop_seam_repeat(self.memory.text, new) != new  # said again, or read again? alone, it tells
            or len(new) > healing.MAX_CHARS_PER_S * seconds + 10
        ):
            # In doubt, decode the audio alone: there the guard's no-speech check and the
            # temperature fallback judge the new audio by itself.
            self.stats["context_fallbacks"] += 1
            return None
        return replace(found, text=new)

    def _too_short(self, text: str, seconds: float) -> bool:
        """Did a context pass stop early, for the audio's length or the partial over less of it? (Seen
        when a speaker repeats the previous sentence word for word: the model takes it for context.)"""
        n = len(text.strip())
        hint = self._last.text if self._last is not None else ""
        return (seconds >= 2.0 and n < 3 * seconds) or n < 0.6 * len(hint.strip())

    def _run(
        self, chunks: list[Chunk], final: bool = False, kept: KeptEncoding | None = None, word_times: bool = False
    ) -> Pass | None:
        audio = np.concatenate([c.audio for c in chunks]) if len(chunks) > 1 else chunks[0].audio
        if kept is not None:
            audio = audio[: kept.encoded.audio_len]  # the look saw all of the speech; the rest is silence
        if len(audio) < SR // 10:
            return None
        self.stats["decodes"] += 1
        self._choose_language(audio, speech_of(chunks), final)
        beam = self._final_beam if final else min(self.options.partial_beam_size, self._final_beam)
        first, t0, dur = chunks[0].start, chunks[0].start / SR, len(audio) / SR
        found = None
        if final or self.options.partial_context:
            look = chunks[-1].look if chunks[-1].is_look else 0
            found = self._with_context(audio, first, beam, kept, look, word_times)
        if found is not None:
            start, end = t0, t0 + dur
            if found.segments:  # where the words are, not the padding around them
                start, end = t0 + found.segments[0].start, t0 + max(found.segments[-1].end, found.segments[0].start + 0.1)
            return Pass(found.text, start, end, self.language or "", first, audio, beam, segments=found.segments,
                        words=found.words, speech=speech_of(chunks))  # fmt: skip
        return self.again.with_prompt(audio, first, speech_of(chunks), self.language, beam, word_times)

    def _choose_language(self, audio: np.ndarray, speech: np.ndarray | None, final: bool) -> None:
        """The language of this stretch: detected once it can be judged (by its seconds of speech), and
        again for its final when there is much more than then; otherwise the current language."""
        seconds = len(audio) / SR if speech is None else int((speech >= SPEECH_PROB).sum()) * VAD_FRAME / SR
        again = final and seconds >= 1.5 * self._detected_s
        if (not self._detected_s or again) and self.picker.needs_detection(seconds):
            self._detected_s = seconds
            before, self.language = self.language, self.picker.choose(self.decoder.detect_language(audio))
            if self.language != before:
                self.memory.kept = None  # read after context in the other language

    # -- commits ----------------------------------------------------------------------
    def _commit(self, result: Pass | None) -> list[Caption]:
        """Make `result` final: it replaces the partials of the current span."""
        span = self._span
        self._span += 1
        self.memory.kept, self._detected_s = None, 0.0  # its context is out of date now; a new stretch
        if result is None:
            return []
        self.log.rejections += result.rejected
        # Words repeated across a cut inside speech are the same words read twice; across a pause
        # they were said twice (people repeat themselves), and stay.
        result = self.again.sound(result, self.language)
        seam, self._seam = self._seam, None
        text = drop_seam_repeat(self.memory.text, result.text) if result.first == seam else result.text
        if result.text.strip() and not text:
            self.log.rejections.append(Rejection(result.start, result.end, "repeats the caption before", result.text))
        said = Said(result.first, result.audio, text, result.segments) if result.audio is not None else None
        self.memory.commit(text, result.language, said)
        if not text:
            if result.audio is not None:
                self._unheard = healing.keep_unheard([*self._unheard, result])  # for the watchdog to read again
            # Nothing survived: a final with empty text retracts any partial on screen.
            return [Caption(at_ms(result.start), at_ms(result.end), "", True, result.language, id=span)]
        self._unheard = []
        self.watchdog.captioned()
        return [Caption(at_ms(result.start), at_ms(result.end), text, True, result.language, id=span)]

    def _commit_pending(self) -> list[Caption]:
        out = self._commit(self._final(self._last))
        self._pending, self._last = [], None
        return out

    def transcribe(self, chunk: Chunk, greedy: bool = False) -> list[Caption]:
        """Feed one chunk; returns the partial and/or final captions it produced.

        greedy: decode finals at beam 1 (the scheduler is catching up)."""
        if (hotwords := self.memory.learned()) is not None:  # words the user taught since the last pass
            self.settings = self.again.settings = replace(self.settings, hotwords=hotwords)
        if not chunk.is_look:
            heard = len(chunk.audio) if chunk.speech is None else int((chunk.speech >= SPEECH_PROB).sum()) * VAD_FRAME
            self.watchdog.heard(heard)
        out = self._step(chunk, greedy)
        if self.watchdog.due and not self._pending and self._unheard:
            out += self._rescue()
        return out

    def _rescue(self) -> list[Caption]:
        """The watchdog fired: the stretches that ended without words, read again alone."""
        pieces, self._unheard = self._unheard, []
        out = []
        for found in self.again.rescue(pieces, self.language, self.watchdog.fire()):
            out.append(Caption(at_ms(found.start), at_ms(found.end), found.text, True, found.language, id=self._span))
            self._span += 1
        if out:
            self.watchdog.captioned()
        return out

    def _step(self, chunk: Chunk, greedy: bool) -> list[Caption]:
        self._final_beam = 1 if greedy else self.options.beam_size
        out: list[Caption] = []
        if self._pending and chunk.start != self._pending[-1].end:
            out += self._commit_pending()  # speech was skipped in between: never decode across a gap
            self._look = None
        if chunk.is_look:
            return out + self._look_at(chunk)
        self._pending.append(chunk)
        look, self._look = self._look, None
        due = not chunk.utterance_end and self._pending_s() > self.options.commit_after_s
        if not chunk.utterance_end and not due and look is not None and look.first == self._pending[0].start:
            # A look since the last chunk already showed these words: no pass for a partial.
            # Cut in the look's own pause, the look read exactly this chunk's speech;
            # otherwise its text is only a hint, and a commit here decodes the chunks anew.
            audio = np.concatenate([c.audio for c in self._pending])
            beam = look.beam if chunk.look and chunk.look == look.look else 0
            self._last = Pass(look.text, look.start, look.end, look.language, look.first, audio, beam)
            return out
        if due and look is not None and look.first == self._pending[0].start:
            self._last = look  # the latest reading over less of this audio: the pass to agree with
        if (result := passes.final_look(look, chunk, self._pending, self._final_beam)) is not None:
            self.log.count("looks_final")  # the look in this pause read it as the final would: no pass
        else:
            result = self._run(self._pending, final=chunk.utterance_end or due, kept=passes.reusable(self.memory.kept, chunk,
                               self._pending), word_times=due and self.options.task != "translate")  # fmt: skip
        if chunk.utterance_end:
            out += self._commit(result)
            self._pending, self._last = [], None
        elif due:
            out += self._commit_agreed(result)
        else:
            self._last = result
            out += self._partial(result)
        return out

    def _pending_s(self) -> float:
        return sum(len(c.audio) for c in self._pending) / SR

    def _commit_agreed(self, result: Pass | None) -> list[Caption]:
        """A long utterance: commit the words of `result` (a pass over all pending audio, with word
        times) that end before its last `TAIL_S` and that the previous pass, over less audio, read
        the same (as ufal/whisper_streaming's LocalAgreement), up to the last clause end if any.
        The audio after them stays pending, read next after them as context; the cut falls in the
        quietest moment between two words. Past `FORCE_S` the words are committed without
        agreement; a pass without timed words commits whole (at a pause or the quietest frame)."""
        prev, self._last = self._last, result
        if prev is not None and prev is self._rest:
            prev = None
        if result is None:
            return []
        total = self._pending_s()
        units: Sequence[Word | Segment] = result.words or result.segments
        if self.options.task == "translate":
            # A translation's words do not follow the audio's order: no word time to cut at. The
            # whole pass is committed; it ends where the segmenter cut (a pause, or the quietest frame).
            take, forced = 0, True
        else:
            agreed = len(words(result.text))
            if self.options.agreement:
                agreed = agreed_words(prev.text, result.text) if prev is not None and prev.first == result.first else 0
            forced = total >= FORCE_S
            take = words_to_commit(units, total, agreed, forced)
        if take == 0:
            if not forced:
                return self._partial(result)
            out = self._commit(result)  # nothing timed to cut at: all of it, as before agreement
            self._seam = result.first + len(result.audio) if result.audio is not None else None
            self._pending, self._last = [], None
            return out
        after = units[take].start if take < len(units) else total
        snap = SNAP_S if result.words else 4 * SNAP_S  # a segment's end is less exact than a word's
        audio = result.audio if result.audio is not None else np.zeros(0, np.float32)
        cut = result.first + quiet_point(audio, units[take - 1].end, max(units[take - 1].end, after), snap)
        kept = tuple(units[:take])
        text = collapse_loops(joined(kept))
        t0 = result.first / SR
        pieces = tuple(Segment(u.text, u.start, u.end) for u in kept)  # context can start at any of them
        done = Pass(text, t0 + kept[0].start, cut / SR, result.language, result.first, audio[: cut - result.first],
                    result.beam, rejected=result.rejected, segments=pieces)  # fmt: skip
        out = self._commit(done)
        self._seam = cut
        rest = audio[cut - result.first :]
        speech = speech_of(self._pending)
        if speech is not None:
            speech = speech[(cut - result.first) // VAD_FRAME :]
        self._pending = [Chunk(cut, rest, False, self._pending[-1].ready, speech=speech)]
        left = units[take:]
        rest_text = joined(left)
        # The rest was read after other text than what is now committed, from another start: the
        # partial on screen until the next pass, never a final (beam 0) nor a pass to agree with.
        self._last = self._rest = Pass(rest_text, cut / SR, t0 + total, result.language, cut, rest, 0)
        return out + self._partial(self._last)

    def _look_at(self, chunk: Chunk) -> list[Caption]:
        """A partial for the open utterance including `chunk`, which a later chunk will bring again."""
        self._peek = chunk.peek
        look = self._run([*self._pending, chunk], final=not chunk.peek)  # in a pause: as its final would be
        self._peek = False
        self._look = replace(look, look=chunk.look) if look is not None else None
        return self._partial(self._look)

    def _partial(self, result: Pass | None) -> list[Caption]:
        if result is None:
            return []
        text = drop_seam_repeat(self.memory.text, result.text) if result.first == self._seam else result.text
        text = healing.cut_degenerate(text, max(result.end - result.start, self._pending_s()))[0]
        if not text:
            return []
        return [Caption(at_ms(result.start), at_ms(result.end), text, False, result.language, id=self._span)]

    def flush(self) -> list[Caption]:
        """End of session: what is pending becomes final; speech without words is read again if the
        watchdog is due or has fired (this session went deaf once)."""
        self._final_beam = self.options.beam_size
        out = self._commit_pending() if self._pending else []
        return out + (self._rescue() if self._unheard and (self.watchdog.due or self.watchdog.fired) else [])

    def _final(self, last: Pass | None) -> Pass | None:
        """The pending chunks at the final beam: `last` (a pass over exactly them) if at that beam."""
        if last is not None and last.beam >= self._final_beam:
            return last
        return self._run(self._pending, final=True) if self._pending else None
