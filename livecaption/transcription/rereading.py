"""Reading a stretch again, alone and without the prompt, when the first reading looks wrong by
healing.py's checks: it looped after its prompt, it is degenerate (a loop), it repeats the captions
just before it, or the watchdog found speech that went without a caption for too long. A prompt
that made the model loop is forgotten (Memory.forget), and every step is logged (Log).

The live policy (policy.Transcriber) owns one Rereader; it shares the Transcriber's Memory and Log,
and is told the language of each pass.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from livecaption.samples import SR
from livecaption.transcription import healing
from livecaption.transcription.alone import looped, read_alone
from livecaption.transcription.context import Memory
from livecaption.transcription.decoder import Decoder, DecodeSettings
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.passes import Log, Pass, Rejection


class Rereader:
    def __init__(
        self, decoder: Decoder, settings: DecodeSettings, options: TranscribeOptions, memory: Memory, log: Log
    ) -> None:
        self.decoder = decoder
        self.settings = settings
        self.options = options
        self.memory = memory
        self.log = log

    def _alone(
        self, audio: np.ndarray, first: int, speech: np.ndarray | None, language: str | None, beam: int,
        prompt: str | None = None, word_times: bool = False,
    ) -> Pass:  # fmt: skip
        return read_alone(self.decoder, audio, first, speech, language=language, prompt=prompt, beam=beam,
                          settings=self.settings, guard=self.options.guard, word_times=word_times)[0]  # fmt: skip

    def with_prompt(
        self, audio: np.ndarray, first: int, speech: np.ndarray | None, language: str | None, beam: int,
        word_times: bool = False,
    ) -> Pass:  # fmt: skip
        """`audio` decoded alone after the prompt; when the prompt made the model loop, again without
        it, and a prompt that did so is dropped (a loop in it would make every later pass loop)."""
        prompt = self.memory.prompt(language)
        found = self._alone(audio, first, speech, language, beam, prompt, word_times)
        if prompt and (looped(found) or healing.cut_degenerate(found.text, len(audio) / SR)[1]):
            again = self._alone(audio, first, speech, language, beam, None, word_times)
            self.forget(found.start, found.end)
            if again.text:
                found = again
        self.log.count("rejected", sum(1 for r in found.rejected if r.reason != "the model heard no words"))
        return found

    def sound(self, result: Pass, language: str | None) -> Pass:
        """`result` with degenerate text (a loop) cut back to what its audio holds, or read again
        alone, without the prompt, when that reads more. Text that repeats the captions just before it
        is read again alone without the prompt too: a model led by its prompt writes it again (a loop
        across captions); only if the audio alone reads the same was it said again."""
        seconds = len(result.audio) / SR if result.audio is not None else result.end - result.start
        if result.audio is not None and healing.said_before(self.memory.text, result.text):
            again = self._alone(result.audio, result.first, result.speech, language, result.beam or 1)
            if healing.read_again_differs(result.text, again.text):
                note = Rejection(result.start, result.end, "repeats the captions before", result.text)
                self.log.rejections.append(note)
                self.log.count("repeats")
                result = again
        if self.options.task == "translate":
            unlooped = healing.unloop_translation(result.text)
            if unlooped != result.text:
                result = replace(result, text=unlooped, segments=(), words=())
        text, why = healing.cut_degenerate(result.text, seconds)
        if why is None:
            return result
        self.log.count("cut")
        self.log.rejections.append(Rejection(result.start, result.end, f"cut: {why}", result.text[len(text) :]))
        self.forget(result.start, result.end)
        if result.audio is not None:
            again = self._alone(result.audio, result.first, result.speech, language, result.beam or 1)
            better, why2 = healing.cut_degenerate(again.text, seconds)
            if why2 is None and len(better) > len(text):
                return again
        return replace(result, text=text, segments=(), words=())

    def rescue(self, pieces: list[Pass], language: str | None, waited: float) -> list[Pass]:
        """The watchdog fired after `waited` seconds of speech without a caption: each stretch that
        ended without words (`pieces`) decoded again alone, without the prompt (which is dropped);
        those that read words, their text cut to what their audio holds."""
        self.log.count("watchdog")
        self.forget(pieces[0].start, pieces[-1].end)
        out: list[Pass] = []
        for piece in pieces:
            if piece.audio is None:  # keep_unheard keeps only stretches with their audio
                continue
            found = self._alone(piece.audio, piece.first, piece.speech, language, self.options.beam_size)
            text = healing.cut_degenerate(found.text, len(piece.audio) / SR)[0]
            if text:
                out.append(replace(found, text=text))
                self.memory.remember(text)
        said = f"{len(out)} caption(s) recovered" if out else "still no words"
        note = Rejection(pieces[0].start, pieces[-1].end,
                         f"watchdog: {waited:.0f} s of speech without a caption, decoded again alone without context ({said})",
                         " ".join(p.text for p in out))  # fmt: skip
        self.log.rejections.append(note)
        self.log.notices.append(note)
        return out

    def forget(self, start: float, end: float) -> None:
        """Forget the text and audio later passes would read as context: it made the model loop."""
        self.log.rejections.append(Rejection(start, end, "the previous text made the model loop: dropped as prompt"))
        self.log.count("prompts_dropped")
        self.memory.forget()
