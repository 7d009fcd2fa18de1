"""Echo: the microphone hearing the loudspeaker. Pure: no threads, no clock.

Without headphones the microphone also picks up what the system plays, so the same words
would be captioned twice: once from system audio ("Others"), once from the microphone
("You"). A microphone caption whose words are mostly the words system audio said at the
same time is that echo; the system caption (the clean signal) is kept.

A microphone final is held until system audio is final up to its end (the engine says
how far with `release(settled)`): only then is it known what system audio said meanwhile.
When system audio was silent, that is at once. A microphone partial is hidden when it
matches what system audio is saying or has just said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from livecaption.captions import Caption
from livecaption.transcription.text import words

SLACK_S = 1.5  # the two inputs' caption times differ by up to this (cuts, padding, sound latency)
MIN_SHARE = 0.5  # this share of a microphone caption's words said by system audio makes it an echo
MIN_WORDS = 2  # ...and at least this many words (one common word is not an echo)
KEEP_S = 60.0  # system captions older than this, before the oldest held caption, are forgotten


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

    def release(self, settled: float) -> tuple[list[Caption], list[Caption]]:
        """Held microphone finals that system audio is final past: (kept, echoes)."""
        kept: list[Caption] = []
        echoes: list[Caption] = []
        while self.held and self.held[0].end <= settled:
            c = self.held.pop(0)
            if c.text and self.is_echo(c):
                echoes.append(c)
                self.echoes += 1
            else:
                kept.append(c)
        horizon = (self.held[0].start if self.held else settled) - KEEP_S
        self.system = [c for c in self.system if c.end >= horizon]
        return kept, echoes
