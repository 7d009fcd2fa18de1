"""How often to peek at speech in progress: as often as asked, as often as the machine allows.

A peek's pass reads all pending speech again, so it costs more as an utterance grows, and more on
a slow machine or with a bigger model. The interval between peeks is the configured one, or
`HEADROOM` times the recent peek passes' compute if that is longer, so peeks take at most about
two thirds of the transcriber's time and the chunks that make final captions are not starved.
Pure: the engine reports each peek pass's compute and sets the segmenter's interval.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADROOM = 1.5  # interval ÷ a peek pass's compute, at least
WEIGHT = 0.3  # of the newest pass in the running estimate
LONGEST_S = 4.0  # never wait longer than a chunk between peeks


@dataclass
class Cadence:
    target_s: float  # the configured interval (0: peeks are off)
    spent_s: float = 0.0  # running estimate of one peek pass's compute

    def observe(self, spent_s: float) -> float:
        """A peek pass took `spent_s`; returns the interval to use from now on."""
        self.spent_s = spent_s if self.spent_s == 0 else (1 - WEIGHT) * self.spent_s + WEIGHT * spent_s
        return self.interval()

    def interval(self) -> float:
        if self.target_s <= 0:
            return 0.0
        return min(LONGEST_S, max(self.target_s, HEADROOM * self.spent_s))
