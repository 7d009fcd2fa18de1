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


def rereads(context: list[str], text: str, n: int = 4) -> bool:
    """Does `text` hold a run of `n` words that is already in the context?

    A context pass can read the context's audio again instead of going on after it, and
    a speaker repeating a sentence word for word confuses it too. Either way such text is
    decoded alone instead.
    """
    found = words(text)
    runs = {tuple(context[i : i + n]) for i in range(len(context) - n + 1)}
    return any(tuple(found[i : i + n]) in runs for i in range(len(found) - n + 1))
