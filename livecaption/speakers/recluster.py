"""The session's voices sorted again with everything heard so far: the kept transcript's speakers.

Pure (no audio, no threads). The live labels are decided once, when a line is final, from what was
heard until then; one person whose voice changes (a laugh, a whisper, a creaky end) can get a second
label, and a new voice's first short lines go to whoever is closest. Here every final line so far is
a unit (its 1.6 s pieces' embeddings), and the units are grouped offline:

1. the live labels are the first groups (a merge the user made is one group already);
2. agglomerative joining: the two groups whose pieces are most alike on average (mean piece-to-piece
   cosine similarity, the scale clusters.py uses) are joined while that is at least `join` (or, where
   one holds only a few seconds of speech, `join_small`: a label that small is more often a voice
   that changed for a moment than a person), never two groups the user gave different names;
3. each line then goes to the group its pieces are most alike, when that is clearly (`move`) more
   alike than its own group without it.

The groups keep the live labels' numbers (and the user's names), so the kept transcript changes only
where the live labels were wrong (benchmarks/README.md, "Speakers settled").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from livecaption.speakers.clusters import unsure


@dataclass(frozen=True)
class Unit:
    """One final line's voice."""

    id: int  # the live caption's id
    start: float
    end: float
    total: np.ndarray  # the sum of its pieces' embeddings
    n: int  # how many pieces
    label: int  # its live speaker (index), merges resolved


@dataclass(frozen=True)
class ReclusterConfig:
    join: float = 0.62  # two labels whose pieces are this alike on average are one person
    small_n: int = 6  # a label with this few pieces (about 5 s of speech) is more likely a split than a person...
    join_small: float = 0.55  # ...and joins the closest label this alike
    move: float = 0.08  # a line moves to a group this much more alike than its own
    move_min_n: int = 1  # ...if it has at least this many pieces


def recluster(
    units: list[Unit], named: dict[int, str], config: ReclusterConfig | None = None, fixed: frozenset[int] = frozenset()
) -> dict[int, int]:
    """Each unit's group: unit id -> the live index that stands for its group now. `named`: the
    labels the user named (never joined to a label named otherwise). `fixed`: labels that take in no
    other label and no line (a remembered voice's: only its voice print may give a line that name)."""
    cfg = config or ReclusterConfig()
    if not units:
        return {}
    group = {u.id: u.label for u in units}
    sums, counts = _tally(units, group)

    def linkage(a: int, b: int) -> float:
        return float(sums[a] @ sums[b]) / (counts[a] * counts[b])

    def enough(a: int, b: int, link: float) -> bool:
        small = min(counts[a], counts[b]) <= cfg.small_n
        return link >= (cfg.join_small if small else cfg.join)

    while len(sums) > 1:
        pairs = [(linkage(a, b), a, b) for a in sums for b in sums
                 if a < b and not _apart(named, a, b) and a not in fixed and b not in fixed]  # fmt: skip
        pairs = [p for p in pairs if enough(p[1], p[2], p[0])]
        if not pairs:
            break
        best, a, b = max(pairs)
        keep, gone = (a, b) if counts[a] >= counts[b] or a in named else (b, a)
        if gone in named and keep not in named:
            keep, gone = gone, keep
        sums[keep] = sums[keep] + sums.pop(gone)
        counts[keep] += counts.pop(gone)
        for k, g in group.items():
            if g == gone:
                group[k] = keep
    for _ in range(2):  # each line to the group it is most like (twice: the groups move a little)
        for u in units:
            own = group[u.id]
            if u.n < cfg.move_min_n or counts[own] <= u.n:
                continue  # a group of this line alone stays as it is
            here, elsewhere = _likeness(u, own, sums, counts)
            there = [(v, g) for v, g in elsewhere if g not in fixed]
            if not there:
                break
            best, g = max(there)
            if best > here + cfg.move:
                sums[own], counts[own] = sums[own] - u.total, counts[own] - u.n
                sums[g], counts[g] = sums[g] + u.total, counts[g] + u.n
                group[u.id] = g
    return group


def doubtful(units: list[Unit], group: dict[int, int]) -> frozenset[int]:
    """The units (ids) whose voice, in the groups `recluster` made, is about as close to another group
    as to the rest of its own (clusters.unsure): lines a person reviewing should check."""
    sums, counts = _tally(units, group)
    out = []
    for u in units:
        own = group.get(u.id, u.label)
        if counts[own] <= u.n:
            continue  # a group of this line alone: nothing to be close to but others
        here, elsewhere = _likeness(u, own, sums, counts)
        if unsure(here, (v for v, _ in elsewhere)):
            out.append(u.id)
    return frozenset(out)


def _tally(units: list[Unit], group: dict[int, int]) -> tuple[dict[int, np.ndarray], dict[int, int]]:
    """Each group's sum of piece embeddings and number of pieces."""
    sums: dict[int, np.ndarray] = {}
    counts: dict[int, int] = {}
    for u in units:
        g = group.get(u.id, u.label)
        sums[g] = sums.get(g, 0) + u.total
        counts[g] = counts.get(g, 0) + u.n
    return sums, counts


def _likeness(u: Unit, own: int, sums: dict[int, np.ndarray], counts: dict[int, int]) -> tuple[float, list[tuple[float, int]]]:
    """How alike a unit's pieces are to the rest of its own group's, and to each other group's (with the group)."""
    here = float((sums[own] - u.total) @ u.total) / ((counts[own] - u.n) * u.n)
    return here, [(float(sums[g] @ u.total) / (counts[g] * u.n), g) for g in sums if g != own]


def _apart(named: dict[int, str], a: int, b: int) -> bool:
    return a in named and b in named and named[a] != named[b]
