"""The language of each stretch of speech: detected with the model's probabilities, restricted to the
session's set, switched only on clear evidence.

Whisper's language probabilities over a short stretch are noisy (a name, a cough, an English term in
Korean speech), and a wrong switch costs a whole caption. So the current language is kept unless the
stretch is long enough to judge and another allowed language takes most of the allowed probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_S = 1.0  # a stretch shorter than this keeps the current language (once there is one)
SWITCH_SHARE = 0.7  # another language needs this share of the allowed languages' probability


@dataclass
class LanguagePicker:
    allowed: tuple[str, ...] | None = None  # None: any language Whisper knows
    current: str | None = None  # the language of the last stretch (None: none decided yet)
    switches: int = 0

    @property
    def fixed(self) -> bool:
        """One language only: nothing to detect."""
        return self.allowed is not None and len(self.allowed) == 1

    def __post_init__(self) -> None:
        if self.fixed and self.current is None and self.allowed:
            self.current = self.allowed[0]

    def needs_detection(self, seconds: float) -> bool:
        return not self.fixed and (self.current is None or seconds >= MIN_S)

    def choose(self, probabilities: Sequence[tuple[str, float]]) -> str:
        """The language of a stretch with these detected probabilities (code, p); it becomes current."""
        shares = [(c, p) for c, p in probabilities if self.allowed is None or c in self.allowed]
        total = sum(p for _, p in shares)
        if not shares or total <= 0:
            return self.current or (self.allowed[0] if self.allowed else "en")
        best, p = max(shares, key=lambda s: s[1])
        if self.current is None:
            self.current = best
        elif best != self.current and p / total >= SWITCH_SHARE:
            self.current = best
            self.switches += 1
        return self.current
