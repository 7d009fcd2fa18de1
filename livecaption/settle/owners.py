"""Which live captions a settled piece takes the place of: each live caption goes to the piece it
overlaps most (or, overlapping none, the nearest one); and which it must not, because the settled
reading lost what they heard."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from livecaption.captions import Caption

LOST_MIN_WORDS = 8  # a live caption this long (a misheard phrase or a backchannel is shorter)...
LOST_SHARE = 0.2  # ...whose word pairs the window's settled text has fewer than this share of, is kept


def owners(live: Sequence[Caption], spans: Sequence[tuple[float, float]]) -> list[list[int]]:
    """For each span (start, end), the ids of the live captions it replaces; empty lists when there
    are no spans (the caller then takes the live text away, or keeps it)."""
    out: list[list[int]] = [[] for _ in spans]
    if not spans:
        return out
    for c in live:
        # overlap, or the negative distance when they do not meet
        best = max(range(len(spans)), key=lambda k: min(c.end, spans[k][1]) - max(c.start, spans[k][0]))
        out[best].append(c.id)
    return out


def _pairs(text: str) -> set[tuple[str, str]]:
    w = re.findall(r"[\w']+", text.lower())
    return set(itertools.pairwise(w))


def unread(live: Sequence[Caption], settled_text: str) -> list[Caption]:
    """The live captions whose words a window's settled reading (all its text) does not have: Whisper's
    long-form reading skips a quiet sentence now and then, inside a segment whose times span it, where
    the live pass heard it. Those keep their live text; a short one (a word or two heard in noise) does
    not, and a reading of the same words in other words (a misheard word, punctuation) shares most pairs."""
    have = _pairs(settled_text)
    out = []
    for c in live:
        mine = _pairs(c.text)
        if len(mine) >= LOST_MIN_WORDS - 1 and len(mine & have) < LOST_SHARE * len(mine):
            out.append(c)
    return out
