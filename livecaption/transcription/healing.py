"""Keeping a long session captioning, the checks: degenerate text (cut before it is committed), text
said before (the captions just shown, again), and a watchdog that notices speech gone without a
caption for too long. Pure: values in, values out; what is read again is rereading.py's.

Whisper sometimes loops ("prayer. . . . . . ." to the token limit). Committed, such text becomes the
prompt of every pass after it; each of those passes then loops too, is rejected, commits
nothing, and the prompt never changes: the captions stop for good. So a loop is cut back to the
text before it, the prompt that produced it is dropped, and speech that goes on without any
caption is decoded again alone, without context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from livecaption.samples import SR
from livecaption.transcription.guard import collapse_loops, once_per_sentence
from livecaption.transcription.passes import Pass

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


def read_again_differs(first: str, again: str) -> bool:
    """Did a reading alone (`again`) read other words than the first reading? (Then the first was the
    prompt written again, not speech said again.)"""
    return not said_before(first, again) or not said_before(again, first)


def unloop_translation(text: str) -> str:
    """A translation repeats a phrase or a sentence only when it loops: one copy of each."""
    return once_per_sentence(collapse_loops(text, 3, LOOP_MAX_N))
