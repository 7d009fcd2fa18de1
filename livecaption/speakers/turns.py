"""Where a caption changes speaker: the best place to cut its pieces in two, and the text at that time. Pure."""

from __future__ import annotations

import re

import numpy as np

from livecaption.captions import Caption

MIN_SIDE = 2  # pieces on each side of a cut (about 2.3 s of speech)
SENTENCE_S = 1.0  # a sentence end this close to the cut's time is where the text is cut


def cut(pieces: np.ndarray) -> tuple[int, float] | None:
    """The index k that best splits the pieces into two voices (pieces[:k], pieces[k:]) and the
    mean similarity across the cut; None when there are too few pieces."""
    n = len(pieces)
    if n < 2 * MIN_SIDE:
        return None
    best: tuple[float, int, float] | None = None
    for k in range(MIN_SIDE, n - MIN_SIDE + 1):
        left, right = pieces[:k].mean(axis=0), pieces[k:].mean(axis=0)
        cross = float(left @ right)
        # the two sides' own coherence minus what they share: high where two voices meet
        gain = float(left @ left) + float(right @ right) - 2 * cross
        if best is None or gain > best[0]:
            best = (gain, k, cross)
    assert best is not None
    return best[1], best[2]


def split_text(caption: Caption, at: float) -> tuple[str, str] | None:
    """The caption's text cut at session time `at`: its characters shared out over its span, the cut
    moved to a sentence end within SENTENCE_S if there is one, else to the nearest word boundary.
    None when either side would be empty."""
    text, span = caption.text, max(caption.end - caption.start, 1e-6)
    if not text.strip():
        return None
    pos = round(len(text) * min(max((at - caption.start) / span, 0.0), 1.0))
    reach = round(len(text) * SENTENCE_S / span)
    ends = [m.end() for m in re.finditer(r"[.!?…。？！]\s", text) if abs(m.end() - pos) <= reach]
    if ends:
        pos = min(ends, key=lambda e: abs(e - pos))
    else:
        spaces = [m.start() for m in re.finditer(r"\s", text)]
        if not spaces:
            return None
        pos = min(spaces, key=lambda s: abs(s - pos))
    first, second = text[:pos].strip(), text[pos:].strip()
    return (first, second) if first and second else None
