"""Small text helpers of the commit policy."""

from __future__ import annotations

import re


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation, for comparing texts."""
    return [re.sub(r"[^\w]", "", w.lower()) for w in text.split()]


def drop_seam_repeat(previous: str, text: str, max_words: int = 8) -> str:
    """Remove words at the start of `text` that repeat the end of `previous` (2+ words)."""
    prev, new = words(previous)[-max_words:], words(text)
    raw = text.split()
    for k in range(min(len(prev), len(new), max_words), 1, -1):
        if prev[-k:] == new[:k] and all(prev[-k:]):
            return " ".join(raw[k:])
    return text
