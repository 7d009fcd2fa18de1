"""Keeping a long session captioning: degenerate text is cut before it is committed, and a
watchdog notices speech that has gone without a caption for too long.

Whisper sometimes loops ("prayer. . . . . . ." to the token limit). Committed, such text becomes the
prompt of every pass after it; each of those passes then loops too, is rejected, commits
nothing, and the prompt never changes: the captions stop for good. So a loop is cut back to the
text before it, the prompt that produced it is dropped, and speech that goes on without any
caption is decoded again alone, without context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

import numpy as np

from livecaption.captions import Caption, at_ms
from livecaption.transcription.alone import looped, read_alone
from livecaption.transcription.context import ContextBuffer
from livecaption.transcription.decoder import Transcription
from livecaption.transcription.guard import collapse_loops, once_per_sentence
from livecaption.transcription.passes import Pass, Rejection

if TYPE_CHECKING:
    from livecaption.transcription.policy import Transcriber

SR = 16000
MAX_CHARS_PER_S = 25  # faster than anyone speaks (letters and spaces a second): a pass to check again
LOOP_CHARS_PER_S = 50  # twice that: a pass that wrote this much read more than the audio holds
PUNCT_RUN = 3  # this many punctuation-only tokens in a row are a loop, not a sentence's end
LONG_PUNCT = 6  # ...and so is one token of this many punctuation marks ("......")
LOOP_MAX_N, LOOP_REPEATS, LOOP_WORDS = 10, 3, 12  # a phrase of up to 10 words, 3 times or more, over 12 words
WATCHDOG_S = 10.0  # seconds of speech without a final caption before the stretch is decoded again
UNHEARD_S = 30.0  # ...of which at most this much, the newest, is read again

REPEAT_MIN_CHARS, REPEAT_SHARE = 8, 0.8  # a caption whose characters are 80 % those just captioned repeats them...
REPEAT_RUN = 4  # ...in runs of at least this many characters
_WORD = re.compile(r"\w")


def _punct(token: str) -> bool:
    return not _WORD.search(token)


def cut_degenerate(text: str, seconds: float) -> tuple[str, str | None]:
    """`text` cut back to what `seconds` of audio can hold, and why it was cut (None: it was not).

    A run of punctuation ("prayer. . . . .") ends the text where the run starts; a phrase looping
    back to back keeps one copy; text longer than anyone says in `seconds` keeps the words that fit."""
    tokens = text.split()
    reason = None
    run = 0
    for k, token in enumerate(tokens):
        run = run + 1 if _punct(token) else 0
        if run >= PUNCT_RUN or (_punct(token) and len(token) >= LONG_PUNCT):
            tokens = tokens[: k + 1 - run] if run >= PUNCT_RUN else tokens[:k]
            reason = "a loop of punctuation"
            break
    # People repeat themselves ("words words words words", "I'm sorry, I'm sorry, I'm sorry"), which
    # stays; nobody says the same phrase for a dozen words.
    unlooped = collapse_loops(" ".join(tokens), LOOP_REPEATS, LOOP_MAX_N, LOOP_WORDS).split()
    if len(unlooped) < len(tokens):
        tokens, reason = unlooped, reason or "a phrase repeated in a loop"
    out = " ".join(tokens)
    limit = int(LOOP_CHARS_PER_S * seconds) + 20
    if len(out) > limit:
        cut = out[:limit].rsplit(" ", 1)[0] if " " in out[:limit] else ""
        out, reason = cut, reason or "more text than the audio can hold"
    return out.strip(), reason


@dataclass
class Watchdog:
    """Counts speech handed to the transcriber since the last final caption with words."""

    bound_s: float = WATCHDOG_S
    silent: int = 0  # samples of speech since the last final with words
    fired: int = 0  # how often it has fired this session

    def heard(self, samples: int) -> None:
        self.silent += samples

    def captioned(self) -> None:
        self.silent = 0

    @property
    def due(self) -> bool:
        return self.silent >= self.bound_s * SR

    def fire(self) -> float:
        """Seconds of speech it waited for; counting starts again."""
        seconds, self.silent = self.silent / SR, 0
        self.fired += 1
        return seconds


def keep_unheard(pieces: list[Pass]) -> list[Pass]:
    """The newest stretches that ended without words, at most UNHEARD_S of audio."""
    total = sum(len(p.audio) for p in pieces if p.audio is not None)
    while len(pieces) > 1 and total > UNHEARD_S * SR:
        total -= len(pieces[0].audio) if pieces[0].audio is not None else 0
        pieces = pieces[1:]
    return pieces


def read_with_prompt(
    t: Transcriber, audio: np.ndarray, first: int, speech: np.ndarray | None, beam: int, word_times: bool = False
) -> tuple[Pass, Transcription]:
    """`audio` decoded alone after the prompt; when the prompt made the model loop, again without
    it, and a prompt that did so is dropped (a loop in it would make every later pass loop)."""
    prompt = t._prompt()
    o = t.options
    found, result = read_alone(t.decoder, audio, first, speech, language=t.language, prompt=prompt,
                               beam=beam, settings=t.settings, guard=o.guard, word_times=word_times)  # fmt: skip
    if prompt and (looped(found) or cut_degenerate(found.text, len(audio) / SR)[1]):
        again, result2 = read_alone(t.decoder, audio, first, speech, language=t.language, prompt=None,
                                    beam=beam, settings=t.settings, guard=o.guard, word_times=word_times)  # fmt: skip
        drop_prompt(t, found.start, found.end)
        if again.text:
            found, result = again, result2
    t.stats["rejected"] += sum(1 for r in found.rejected if r.reason != "the model heard no words")
    return found, result


def _chars(text: str) -> str:
    return re.sub(r"[\W_]", "", text.lower())


def said_before(recent: str, text: str) -> bool:
    """Is `text` (8 characters or more) mostly the same characters, in order, as the end of `recent`?"""
    new = _chars(text)
    if len(new) < REPEAT_MIN_CHARS:
        return False
    tail = _chars(recent)[-3 * len(new) :]
    blocks = SequenceMatcher(None, tail, new, autojunk=False).get_matching_blocks()
    same = sum(b.size for b in blocks if b.size >= REPEAT_RUN)  # runs, not letters that happen to recur
    return same >= REPEAT_SHARE * len(new)


def sound(t: Transcriber, result: Pass) -> Pass:
    """`result` with degenerate text (a loop) cut back to what its audio holds, or read again
    alone, without the prompt, when that reads more. Text that repeats the captions just before it
    is read again alone without the prompt too: a model led by its prompt writes it again (a loop
    across captions); only if the audio alone reads the same was it said again."""
    seconds = len(result.audio) / SR if result.audio is not None else result.end - result.start
    if result.audio is not None and said_before(t.committed, result.text):
        again, _ = read_alone(t.decoder, result.audio, result.first, result.speech, language=t.language,
                              prompt=None, beam=result.beam or 1, settings=t.settings, guard=t.options.guard)  # fmt: skip
        if not said_before(result.text, again.text) or not said_before(again.text, result.text):
            t.rejections.append(Rejection(result.start, result.end, "repeats the captions before", result.text))
            t.stats["repeats"] = t.stats.get("repeats", 0) + 1
            result = again
    if t.options.task == "translate":  # a translation repeats a phrase or a sentence only when it loops
        unlooped = once_per_sentence(collapse_loops(result.text, 3, LOOP_MAX_N))
        if unlooped != result.text:
            result = replace(result, text=unlooped, segments=(), words=())
    text, why = cut_degenerate(result.text, seconds)
    if why is None:
        return result
    t.stats["cut"] += 1
    t.rejections.append(Rejection(result.start, result.end, f"cut: {why}", result.text[len(text) :]))
    drop_prompt(t, result.start, result.end)
    if result.audio is not None:
        again, _ = read_alone(t.decoder, result.audio, result.first, result.speech, language=t.language,
                              prompt=None, beam=result.beam or 1, settings=t.settings, guard=t.options.guard)  # fmt: skip
        better, why2 = cut_degenerate(again.text, seconds)
        if why2 is None and len(better) > len(text):
            return again
    return replace(result, text=text, segments=(), words=())

def rescue(t: Transcriber) -> list[Caption]:
    """The watchdog fired: speech has gone without a caption for too long. Each stretch that
    ended without words is decoded again alone, without the prompt (which is dropped)."""
    waited = t.watchdog.fire()
    t.stats["watchdog"] += 1
    pieces, t._unheard = t._unheard, []
    drop_prompt(t, pieces[0].start, pieces[-1].end)
    out: list[Caption] = []
    for piece in pieces:
        found, _ = read_alone(t.decoder, piece.audio, piece.first, piece.speech, language=t.language,
                              prompt=None, beam=t.options.beam_size, settings=t.settings,
                              guard=t.options.guard)  # fmt: skip
        text = cut_degenerate(found.text, len(piece.audio) / SR)[0]
        if text:
            out.append(Caption(at_ms(found.start), at_ms(found.end), text, True, found.language, id=t._span))
            t._span += 1
            t.committed = (t.committed + " " + text)[-2000:]
    said = f"{len(out)} caption(s) recovered" if out else "still no words"
    note = Rejection(pieces[0].start, pieces[-1].end,
                     f"watchdog: {waited:.0f} s of speech without a caption, decoded again alone without context ({said})",
                     " ".join(c.text for c in out))  # fmt: skip
    t.rejections.append(note)
    t.notices.append(note)
    if out:
        t.watchdog.captioned()
    return out


def drop_prompt(t: Transcriber, start: float, end: float) -> None:
    """Forget the text and audio later passes would read as context: it made the model loop."""
    t.rejections.append(Rejection(start, end, "the previous text made the model loop: dropped as prompt"))
    t.stats["prompts_dropped"] += 1
    t.committed = ""
    t.context = ContextBuffer(t.options.context_s)
    t._kept = None
