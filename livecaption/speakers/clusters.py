"""Online clustering of voices: which known speaker a stretch of speech is, or a new one. Pure: no audio.

A speaker is the 1.6 s pieces of speech given to them so far. A stretch's closeness to a speaker is
the mean cosine similarity between its pieces and theirs; that scale does not drift with how long
the stretch or the speaker's history is (the similarity of two averaged embeddings does: long turns
average towards one another). A stretch goes to the closest speaker when that is at least `same`;
otherwise a stretch of at least `new_after_s` of speech is a new speaker, and a shorter one (a
back-channel, a cough) goes to the closest speaker all the same: too little voice to found anyone on.
Short stretches that follow one another and are nobody's are pooled, though: once the pool holds
`new_after_s` of speech and its pieces are closer to one another than to anyone known, it is a new
speaker (someone who began with short sentences).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class ClusterConfig:
    same: float = 0.60  # mean piece-to-piece similarity above which a stretch is a known speaker's
    new_after_s: float = 2.0  # seconds of speech a stretch needs to start a new speaker
    learn_s: float = 1.0  # shorter stretches are labelled but not learnt from
    max_speakers: int = 12


UNSURE_MARGIN = 0.08  # a voice no more than this closer to its speaker than to another is unsure of the two


def unsure(own: float, others: Iterable[float]) -> bool:
    """Whether a line whose voice is `own` close to the speaker it was given (mean piece-to-piece
    similarity) is about as close to another speaker: the line a person reviewing should check."""
    return any(other > own - UNSURE_MARGIN for other in others)


@dataclass
class Speaker:
    index: int  # 1, 2, …: "Speaker 1"
    total: np.ndarray  # the sum of their pieces' embeddings
    pieces: int = 0
    merged_into: int = 0  # 0: a speaker of their own

    def closeness(self, pieces: np.ndarray) -> float:
        """Mean cosine similarity of the given pieces to this speaker's."""
        return float(pieces.mean(axis=0) @ self.total) / max(self.pieces, 1)


@dataclass
class Clusters:
    config: ClusterConfig = field(default_factory=ClusterConfig)
    speakers: list[Speaker] = field(default_factory=list)
    _pool: list[np.ndarray] = field(default_factory=list)  # pieces of the short stretches just before, nobody's
    _pool_s: float = 0.0

    def live(self) -> list[Speaker]:
        return [s for s in self.speakers if not s.merged_into]

    def ranked(self, pieces: np.ndarray) -> list[tuple[float, Speaker]]:
        return sorted(((s.closeness(pieces), s) for s in self.live()), key=lambda p: -p[0])

    def assign(self, pieces: np.ndarray, seconds: float) -> int:
        """The speaker (index) of a stretch given as its pieces' embeddings (k, 256); learns from it."""
        ranked = self.ranked(pieces)
        cfg = self.config
        known = bool(ranked) and ranked[0][0] >= cfg.same
        full = len(ranked) >= cfg.max_speakers
        if known or full:
            self._pool, self._pool_s = [], 0.0
        elif seconds < cfg.new_after_s and ranked:
            self._pool.append(pieces)
            self._pool_s += seconds
            pool = np.concatenate(self._pool)
            if self._pool_s >= cfg.new_after_s and len(pool) > 1 and _coherence(pool) > self.ranked(pool)[0][0]:
                pieces, seconds = pool, self._pool_s
            else:
                return ranked[0][1].index
        if known or full:
            best = ranked[0][1]
            if seconds >= cfg.learn_s:
                best.total = best.total + pieces.sum(axis=0)
                best.pieces += len(pieces)
            return best.index
        self._pool, self._pool_s = [], 0.0
        new = Speaker(len(self.speakers) + 1, pieces.sum(axis=0), len(pieces))
        self.speakers.append(new)
        return new.index

    def give(self, index: int, pieces: np.ndarray, seconds: float) -> int:
        """A stretch known to be this speaker's (a remembered voice, labeller.py): learnt from as assign
        learns; returns the speaker's index."""
        s = self.find(index)
        assert s is not None
        self._pool, self._pool_s = [], 0.0
        if seconds >= self.config.learn_s:
            s.total = s.total + pieces.sum(axis=0)
            s.pieces += len(pieces)
        return s.index

    def add(self, pieces: np.ndarray) -> int:
        """A new speaker of these pieces, whoever is close (a remembered voice heard for the first time)."""
        self._pool, self._pool_s = [], 0.0
        self.speakers.append(Speaker(len(self.speakers) + 1, pieces.sum(axis=0), len(pieces)))
        return len(self.speakers)

    def undo_new(self, into: int) -> int:
        """The speaker just made is `into` after all (a remembered voice already named): their pieces join
        `into`'s and the next new speaker takes the number back."""
        new = self.speakers.pop()
        s = self.find(into)
        assert s is not None
        s.total, s.pieces = s.total + new.total, s.pieces + new.pieces
        return s.index

    def nearest(self, pieces: np.ndarray) -> int:
        """The closest known speaker, learning nothing (0 when there is none)."""
        ranked = self.ranked(pieces)
        return ranked[0][1].index if ranked else 0

    def merge(self, source: int, target: int) -> None:
        """Speaker `source` is `target` from now on: their pieces are one speaker's."""
        a, b = self.find(source), self.find(target)
        if a is None or b is None or a is b:
            return
        b.total, b.pieces = b.total + a.total, b.pieces + a.pieces
        a.merged_into = b.index

    def find(self, index: int) -> Speaker | None:
        while 0 < index <= len(self.speakers):
            s = self.speakers[index - 1]
            if not s.merged_into:
                return s
            index = s.merged_into
        return None


def _coherence(pieces: np.ndarray) -> float:
    """Mean cosine similarity between different pieces."""
    n = len(pieces)
    total = pieces.sum(axis=0)
    return float((total @ total - np.einsum("ij,ij->", pieces, pieces)) / (n * (n - 1)))
