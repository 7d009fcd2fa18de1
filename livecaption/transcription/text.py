"""Small text helpers of the commit policy."""

from __future__ import annotations

import re


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation, for comparing texts."""
    return [re.sub(r"[^\w]", "", w.lower()) for w in text.split()]


SEAM_FUZZY_WORDS = 4  # a repeat this long may have one word read otherwise


def drop_seam_repeat(previous: str, text: str, max_words: int = 8) -> str:
    """Remove words at the start of `text` that repeat the end of `previous`: two or three words the
    same, or four or more ending on the same word with at most one read otherwise (a model that reads
    the words before a cut again may read one of them a little differently: "몬토 기운은 자녀들이 사랑을
    제대로", then "본토 기운은 자녀들이 사랑을 제대로 못 받고 …")."""
    prev, new = words(previous)[-max_words:], words(text)
    raw = text.split()
    for k in range(min(len(prev), len(new), max_words), 1, -1):
        if not all(prev[-k:]):
            continue
        same = sum(a == b for a, b in zip(prev[-k:], new[:k], strict=True))
        if same == k or (k >= SEAM_FUZZY_WORDS and same >= k - 1 and prev[-1] == new[k - 1]):
            return " ".join(raw[k:])
    return text
