"""Caption ids, from one place: each kind of caption has its own range, so no two ids of a session
meet. The values are those journals have always been written with (a journal read back keeps them):

  live           1 ≤ id < 2**29      stretch n of input i, of k inputs: n * k + i (each input counts its
                                     stretches from 1; a stretch's partials and final share the id)
  recovered      2**29 + j           a crashed session's tail, read from the kept audio (recovery.py)
  settled        2**30 + j, j ≥ 1    the settle pass's captions (settle/runner.py)
  settled late   2**30 + 2**28 + j   settled after a crash from the kept audio (recovery.settle_rest)
  split          id + 2**40          the second part of a live final cut where the voice changes
                                     (speakers/labeller.py)

0 is no id (captions restored into a new session's view, a recording read again).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

RECOVERED = 1 << 29
SETTLED = 1 << 30
SETTLED_LATE = (1 << 30) + (1 << 28)
SPLIT = 1 << 40
# each kind's ids lie in [low, high)
RANGES = {
    "live": (1, RECOVERED),
    "recovered": (RECOVERED, SETTLED),
    "settled": (SETTLED + 1, SETTLED_LATE),
    "settled late": (SETTLED_LATE, 1 << 31),
    "split": (SPLIT + 1, SPLIT + RECOVERED),
}


def live(span: int, index: int, inputs: int) -> int:
    """The id of stretch `span` of input `index` (of `inputs`); 0 stays 0."""
    return span * inputs + index if span else 0


def split(caption_id: int) -> int:
    """The id of the second part of live caption `caption_id`, cut where the voice changes."""
    return caption_id + SPLIT


class SessionIds:
    """The ids a session hands out one at a time (settled, recovered, settled late); live ids are
    counted by each input's transcriber and made session-wide by `live`. Thread-safe."""

    def __init__(self, used: Iterable[int] = ()) -> None:
        """`used`: ids a session already has (its journal read back): each range goes on after them."""
        self._lock = threading.Lock()
        self._next = {kind: low for kind, (low, _) in RANGES.items()}
        for i in used:
            for kind, (low, high) in RANGES.items():
                if low <= i < high:
                    self._next[kind] = max(self._next[kind], i + 1)

    def _take(self, kind: str) -> int:
        with self._lock:
            found = self._next[kind]  # a range holds 2**28 ids or more: more than a session makes
            self._next[kind] = found + 1
            return found

    def settled(self) -> int:
        return self._take("settled")

    def recovered(self) -> int:
        return self._take("recovered")

    def settled_late(self) -> int:
        return self._take("settled late")
