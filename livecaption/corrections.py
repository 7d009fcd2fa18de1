"""What one correction teaches: the misreading it fixed, the other lines that have it, and the new words.

Pure text rules (no Qt, no I/O), used by the app's edit, `livecaption correct` and the benchmarks. A
small model misreads a rare name the same way, or nearly, each time it comes back ("Buluru",
"Bullaroo" for "Boolooroo"): the other lines offered are those with the same words, and, for a one-word
fix, words that sound alike (the same consonants in order); the person sees them before anything changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from livecaption.captions import Caption

_WORD = re.compile(r"[\w'’-]+")
BARE_WORD = re.compile(r"[\w-]+")  # a word without its "'s"


@dataclass(frozen=True)
class Fix:
    wrong: str  # the words the line had ("Buluru")
    right: str  # the words the person put in their place ("Boolooroo")


@dataclass(frozen=True)
class LineFix:
    caption: Caption  # the line as it is shown
    text: str  # its text with the fix made


def _norm(word: str) -> str:
    return word.lower().strip("'’-")


def fix_of(before: str, after: str) -> Fix | None:
    """The words an edit replaced, where it brought in a word the line did not have; None for an edit
    that only removed, reordered or re-punctuated words (nothing to teach)."""
    a, b = _WORD.findall(before), _WORD.findall(after)
    ops = SequenceMatcher(None, [_norm(w) for w in a], [_norm(w) for w in b], autojunk=False).get_opcodes()
    fixes = [(a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in ops if tag in ("replace", "insert")]
    had = {_norm(w) for w in a}
    for wrong, right in fixes:
        if wrong and any(_norm(w) not in had for w in right):
            return Fix(" ".join(wrong), " ".join(right))
    return None


def new_words(fix: Fix, known: str = "") -> list[str]:
    """The words of the fix worth learning: those the misreading did not have (and the vocabulary
    `known` does not list already), as the person spelled them, that look like a name or a term."""
    seen = {_norm(w) for w in _WORD.findall(fix.wrong + " " + known)}
    return [w for w in dict.fromkeys(_WORD.findall(fix.right)) if _norm(w) not in seen and _term(w)]


def _term(word: str) -> bool:
    """A name (a capital), a code (a digit), or a long word ("eigenvalue"): what a small model misspells.
    A common word put right ("today" for "to day") is a fix for that line, not one to boost everywhere."""
    return any(ch.isupper() or ch.isdigit() for ch in word) or len(word) >= 10


def sounds_like(word: str, other: str) -> bool:
    """The same word, or one that sounds like it (the same consonants in order, three at least)."""
    a, b = _skeleton(word), _skeleton(other)
    return _norm(word) == _norm(other) or (a == b and len(a) >= 3)


def _skeleton(word: str) -> str:
    """The consonants in order, doubled ones once: how a misspelt name still sounds."""
    w = _norm(word)
    out = w[:1]
    for ch in w[1:]:
        if ch not in "aeiouyhw'’-" and ch != out[-1:]:
            out += ch
    return out


def _exact(fix: Fix) -> re.Pattern[str]:
    """The misreading's words as whole words, in any case, a comma or spaces between them."""
    words = [re.escape(w) for w in fix.wrong.split()]
    return re.compile(r"(?<![\w'’-])" + r"[\s,]+".join(words) + r"(?![\w-])", re.IGNORECASE)  # "Buluru's" too


def fixed(text: str, fix: Fix, alike: bool = False) -> str:
    """`text` with every occurrence of the misreading replaced (with `alike`, one-word fixes also
    replace words that sound like it)."""
    text = _exact(fix).sub(lambda _m: fix.right, text)  # the words as typed, backslashes too
    if alike and len(fix.wrong.split()) == 1 and len(fix.right.split()) == 1:
        keys = {_skeleton(fix.wrong), _skeleton(fix.right)}
        if min(len(k) for k in keys) >= 3:  # two letters sound alike too often ("bl": blue, blow)
            right = _norm(fix.right)
            text = BARE_WORD.sub(
                lambda m: fix.right if _norm(m.group()) != right and _skeleton(m.group()) in keys else m.group(), text
            )
    return text


def lines_to_fix(rows: list[Caption], fix: Fix, alike: bool = True) -> list[LineFix]:
    """The final lines the fix would change, in order, with their new text."""
    out = []
    for c in rows:
        if c.final and c.text and (new := fixed(c.text, fix, alike)) != c.text:
            out.append(LineFix(c, new))
    return out
