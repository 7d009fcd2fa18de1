"""Echo: the microphone hearing the loudspeaker. Pure: no threads, no clock.

Without headphones the microphone also picks up what the system plays, so the same words
would be captioned twice: once from system audio ("Others"), once from the microphone
("You"). A microphone caption whose words are mostly the words system audio said at the
same time is that echo; the system caption (the clean signal) is kept. When you and the
loudspeaker talk at once, one microphone caption can hold both: the runs of two or more words
that system audio also said are taken out, and your words stay.

A microphone final is held until it is known what system audio said meanwhile: until system
audio is final up to its end (the engine says how far with `release(settled)`), or until a
system partial reaches past its end without saying its words (an echo would be in that partial
too). When system audio was silent, that is at once. A microphone partial is hidden when it
matches what system audio is saying or has just said.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from livecaption.captions import Caption
from livecaption.transcription.text import words

SLACK_S = 1.5  # the two inputs' caption times differ by up to this (cuts, padding, sound latency)
MIN_SHARE = 0.5  # this share of a microphone caption's words said by system audio makes it an echo
MIN_WORDS = 2  # ...and at least this many words (one common word is not an echo)
RUN_WORDS = 3  # in a caption that also has your words, runs this long are taken out ("of the" is no echo)
KEEP_S = 60.0  # system captions older than this, before the oldest held caption, are forgotten


def echoed(said: list[str], heard: list[str]) -> set[int]:
    """Indexes of the words `said` in runs of RUN_WORDS or more that `heard` also has, in order."""
    blocks = SequenceMatcher(None, said, heard, autojunk=False).get_matching_blocks()
    return {i for b in blocks if b.size >= RUN_WORDS for i in range(b.a, b.a + b.size)}


def echo_share(said: list[str], heard: list[str]) -> float:
    """Share of the words `said` (in order) that `heard` also has, in the same order."""
    if not said or not heard:
        return 0.0
    blocks = SequenceMatcher(None, said, heard, autojunk=False).get_matching_blocks()
    matched = sum(b.size for b in blocks)
    return matched / len(said) if matched >= min(MIN_WORDS, len(said)) else 0.0


@dataclass
class EchoFilter:
    held: list[Caption] = field(default_factory=list)  # microphone finals waiting for system audio
    system: list[Caption] = field(default_factory=list)  # recent system finals
    system_partial: Caption | None = None
    echoes: int = 0  # microphone captions dropped as echo, for the session's statistics

    def _heard(self, start: float, end: float, with_partial: bool = False) -> list[str]:
        found = [c for c in self.system if c.end >= start - SLACK_S and c.start <= end + SLACK_S]
        if with_partial and self.system_partial is not None:
            found.append(self.system_partial)
        return [w for c in sorted(found, key=lambda c: c.start) for w in words(c.text)]

    def is_echo(self, caption: Caption, with_partial: bool = False) -> bool:
        return echo_share(words(caption.text), self._heard(caption.start, caption.end, with_partial)) >= MIN_SHARE

    def _shares_words(self, caption: Caption) -> bool:
        """Does system audio (finals and partial) say any two words of `caption` in a row? A partial
        is a draft: only a caption that shares nothing with it is surely not an echo."""
        said, heard = words(caption.text), self._heard(caption.start, caption.end, with_partial=True)
        return any(b.size >= MIN_WORDS for b in SequenceMatcher(None, said, heard, autojunk=False).get_matching_blocks())

    def from_system(self, caption: Caption) -> None:
        if caption.final:
            self.system_partial = None
            if caption.text:
                self.system.append(caption)
        else:
            self.system_partial = caption

    def from_mic(self, caption: Caption) -> list[Caption]:
        """What to show of a microphone caption now: a partial unless it echoes, a final never (held)."""
        if caption.final:
            self.held.append(caption)
            return []
        return [] if self.is_echo(caption, with_partial=True) else [caption]

    def strip(self, caption: Caption) -> tuple[str, str]:
        """(your words, the echoed words) of a microphone caption, against system audio said near it."""
        raw, heard = caption.text.split(), self._heard(caption.start, caption.end)
        gone = echoed(words(caption.text), heard)
        left = [w for i, w in enumerate(raw) if i not in gone]
        if echo_share(words(" ".join(left)), heard) >= MIN_SHARE or not any(words(" ".join(left))):
            return "", caption.text  # what is left is echo too (or nothing)
        return " ".join(left), " ".join(w for i, w in enumerate(raw) if i in gone)

    def release(self, settled: float) -> tuple[list[Caption], list[Caption]]:
        """Held microphone finals that system audio is final past: (kept, echoes). A kept caption
        may have lost echoed words; an echo carries the words it lost (all of them, or some)."""
        kept: list[Caption] = []
        echoes: list[Caption] = []
        partial = self.system_partial
        for c in list(self.held):
            if c.end <= settled:
                self.held.remove(c)
                mine, echo = self.strip(c) if c.text else (c.text, "")
                if echo:
                    echoes.append(replace(c, text=echo))
                    self.echoes += 1
                if mine:
                    kept.append(replace(c, text=mine))
                elif not echo:
                    kept.append(c)
            elif partial is not None and partial.end >= c.end and not self._shares_words(c):
                self.held.remove(c)  # system audio is talking over it, about something else: yours
                kept.append(c)
        # Forget old system captions; at the end (settled is infinite) a microphone final may still come.
        horizon = (self.held[0].start if self.held else settled) - KEEP_S
        if horizon != float("inf"):
            self.system = [c for c in self.system if c.end >= horizon]
        return kept, echoes
