"""Accuracy and latency measures for benchmarks: WER/CER with an alignment we can reuse.

English WER: lower-case, punctuation removed, digits spelled out. Korean/CJK CER:
characters with spaces removed (Whisper's spacing of Korean varies).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


_ORDINAL = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
_ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "vs": "versus"}


def ordinal_words(n: int) -> str:
    words = number_words(n).split()
    last = words[-1]
    if last in _ORDINAL:
        words[-1] = _ORDINAL[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def number_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            rest = n % size
            return number_words(n // size) + " " + name + ("" if rest == 0 else " " + number_words(rest))
    return str(n)


def _digits(match: re.Match) -> str:
    text = match.group(0).replace(",", "")
    if len(text) == 4 and 1100 <= int(text) <= 2099 and text[2:] != "00":  # years read as "nineteen twelve"
        return (
            number_words(int(text[:2]))
            + " "
            + (number_words(int(text[2:])) if text[2] != "0" else "oh " + number_words(int(text[3])))
        )
    return number_words(int(text))


def normalize_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(\d+)(st|nd|rd|th)\b", lambda m: ordinal_words(int(m.group(1))), text)
    text = re.sub(r"\d[\d,]*", _digits, text)
    text = text.replace("-", " ").replace("'", "").replace("’", "")
    text = re.sub(r"[^\w\s]", " ", text)
    return [_ABBREVIATIONS.get(w, w) for w in text.split()]


def normalize_chars(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w]", "", text)
    return list(text)


def tokens(text: str, unit: str) -> list[str]:
    return normalize_words(text) if unit == "word" else normalize_chars(text)


@dataclass
class Alignment:
    errors: int
    ref_len: int
    # for each hypothesis token, the index of the reference token it matched (None: insertion/substitution)
    hyp_to_ref: list[int | None]

    @property
    def rate(self) -> float:
        return self.errors / self.ref_len if self.ref_len else 0.0


def align(ref: list[str], hyp: list[str]) -> Alignment:
    """Levenshtein alignment; O(len(ref) * len(hyp)) with small rows."""
    n, m = len(ref), len(hyp)
    prev = list(range(m + 1))
    back: list[bytearray] = [bytearray(m + 1)]  # 0 diag, 1 up (deletion), 2 left (insertion)
    back[0][1:] = bytes([2]) * m
    for i in range(1, n + 1):
        cur = [i] + [0] * m
        row = bytearray(m + 1)
        row[0] = 1
        r = ref[i - 1]
        for j in range(1, m + 1):
            d = prev[j - 1] + (r != hyp[j - 1])
            u = prev[j] + 1
            left = cur[j - 1] + 1
            if d <= u and d <= left:
                cur[j], row[j] = d, 0
            elif u <= left:
                cur[j], row[j] = u, 1
            else:
                cur[j], row[j] = left, 2
        back.append(row)
        prev = cur
    mapping: list[int | None] = [None] * m
    i, j = n, m
    while i > 0 or j > 0:
        step = back[i][j] if i > 0 and j > 0 else (1 if j == 0 else 2)
        if step == 0:
            if ref[i - 1] == hyp[j - 1]:
                mapping[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
    return Alignment(prev[m], n, mapping)


def error_rate(reference: str, hypothesis: str, unit: str = "word") -> float:
    return align(tokens(reference, unit), tokens(hypothesis, unit)).rate
