"""Remembered voices recognised: is a new voice someone remembered by name (voices.py)? Pure: no audio, no files.

A voice print is the embeddings of a person's 1.6 s pieces of speech. A voice is compared with a print the
way clusters.py compares a stretch with a speaker: the mean cosine similarity between its pieces and the
print's. That similarity tops out at how alike the person's own pieces are (the print's coherence: 0.66-0.74
for the shared speech set's voices), so it is taken as a share of that. A voice is the person's when it
reaches `close` of their coherence (`close_one` for a single piece) and beats every other remembered voice by
`apart`; anything less stays unknown ("Speaker N"). A line the clusters would give to a remembered person's
speaker but that reaches less than `unlike` of their print is not theirs (labeller.py). Set from measurements
(benchmarks/voices.py; benchmarks/README.md, "Remembered voices"): the remembered people's lines mostly
reach 0.93 and more; people never remembered reached 0.87 (a LibriVox reader against another's print), and
0.86 against a print of 9 pieces, hence `close` 0.90 and at least MIN_PIECES pieces in a print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DIM = 256  # numbers in one piece's embedding
MIN_PIECES = 16  # a print of fewer pieces (about 15 s of speech) says too little about a voice: others match it


@dataclass(frozen=True)
class MatchConfig:
    close: float = 0.90  # share of the print's own coherence a voice must reach
    close_one: float = 0.92  # ...when it is a single piece (a line under about 2 s: more alike by chance)
    apart: float = 0.05  # ...and by how much more than any other remembered voice (same scale)
    unlike: float = 0.70  # a line under this for the person whose speaker the clusters would give it is not theirs


def coherence(pieces: np.ndarray) -> float:
    """Mean cosine similarity between different pieces of one print (unit vectors)."""
    n = len(pieces)
    total = pieces.sum(axis=0)
    return float((total @ total - np.einsum("ij,ij->", pieces, pieces)) / max(n * (n - 1), 1))


class KnownVoices:
    """The remembered prints, ready to compare with (immutable: shared by every input's labeller)."""

    def __init__(self, prints: Sequence[tuple[str, np.ndarray]], config: MatchConfig | None = None) -> None:
        usable = [(name, p) for name, p in prints if len(p) >= MIN_PIECES]
        self.config = config or MatchConfig()
        self.names: tuple[str, ...] = tuple(name for name, _ in usable)
        self.means = np.array([p.mean(axis=0) for _, p in usable], np.float32).reshape(len(usable), DIM)
        self.coherence = np.array([max(coherence(p), 0.05) for _, p in usable], np.float32)
        self.means.setflags(write=False)
        self.coherence.setflags(write=False)

    def without(self, name: str) -> KnownVoices:
        """The same voices but one (forgotten while a session runs)."""
        keep = [k for k, n in enumerate(self.names) if n != name]
        out = KnownVoices([], self.config)
        out.names = tuple(self.names[k] for k in keep)
        out.means, out.coherence = self.means[keep], self.coherence[keep]
        out.means.setflags(write=False)
        out.coherence.setflags(write=False)
        return out

    def __bool__(self) -> bool:
        return bool(self.names)

    def scores(self, mean: np.ndarray) -> np.ndarray:
        """Each print's closeness to a voice given as the mean of its pieces, as a share of the print's coherence."""
        return (self.means @ mean) / self.coherence

    def score(self, name: str, pieces: np.ndarray) -> float:
        """How close a voice is to one remembered person's print (as `scores`; 0 for a name not remembered)."""
        if name not in self.names:
            return 0.0
        k = self.names.index(name)
        return float(self.means[k] @ pieces.mean(axis=0)) / float(self.coherence[k])

    def match(self, pieces: np.ndarray) -> str:
        """The remembered person a voice (its pieces' embeddings, (k, 256)) is, or "" when none clearly is."""
        return self.match_mean(pieces.mean(axis=0), len(pieces))

    def match_mean(self, mean: np.ndarray, pieces: int) -> str:
        """The same for a voice given as the mean of its `pieces` pieces' embeddings."""
        if not self.names or pieces < 1:
            return ""
        scores = self.scores(mean)
        best = int(np.argmax(scores))
        second = float(np.delete(scores, best).max()) if len(scores) > 1 else -1.0
        cfg = self.config
        close = cfg.close_one if pieces == 1 else cfg.close
        return self.names[best] if scores[best] >= close and scores[best] - second >= cfg.apart else ""
