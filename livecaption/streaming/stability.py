"""Which words of a partial caption are stable: read the same by two consecutive passes.

A partial's first words rarely change once two passes over more and more audio agree on them
(ufal/whisper_streaming's LocalAgreement, applied to what is shown). `Caption.stable` says how
many characters of the text are stable; the overlay and the page show the rest as tentative.
A word once stable stays stable while later passes keep it. When part of a span is committed
(a long utterance, committed in pieces), the words of the last partial after the committed
ones carry over to the next span's first partial.
"""

from __future__ import annotations

import re
from dataclasses import replace

from livecaption.captions import Caption

_WORD = re.compile(r"\S+")


def _norm(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


def _prefix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and _norm(a[n]) == _norm(b[n]):
        n += 1
    return n


class Stability:
    """Marks the partials of one input's caption stream, in the order they are made."""

    def __init__(self) -> None:
        self._span = 0  # the id of the partials being marked
        self._prev: list[str] = []  # the words of the previous partial of this span (or carried over)
        self._stable = 0  # words of this span already shown as stable

    def mark(self, caption: Caption) -> Caption:
        found = _WORD.findall(caption.text)
        if caption.final:
            if caption.id == self._span and found and _prefix(self._prev, found) >= len(found) - 1:
                self._prev = self._prev[len(found) :]  # what the next span's first partial is read against
            else:
                self._prev = []
            self._span, self._stable = 0, 0
            return replace(caption, stable=len(caption.text))
        if caption.id != self._span:
            self._span, self._stable = caption.id, 0
        agreed = _prefix(self._prev, found)
        self._stable = agreed  # stable words stay stable exactly while the next reading keeps them
        self._prev = found
        return replace(caption, stable=_chars(caption.text, self._stable))


def _chars(text: str, words: int) -> int:
    """Characters of `text` up to the end of its first `words` words."""
    if words <= 0:
        return 0
    spans = [m.end() for m in _WORD.finditer(text)]
    return spans[min(words, len(spans)) - 1]
