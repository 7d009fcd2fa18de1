"""Which live captions a settled piece takes the place of: each live caption goes to the piece it
overlaps most (or, overlapping none, the nearest one)."""

from __future__ import annotations

from collections.abc import Sequence

from livecaption.captions import Caption


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
