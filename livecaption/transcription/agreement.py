"""Committing a long utterance in pieces: which words two passes agree on, and where to cut.

ufal/whisper_streaming's LocalAgreement: a word is final once two consecutive passes, the later
over more audio, read it the same. Here the words must also end before the pass's last TAIL_S,
the piece ends at a clause where one is in reach, and the audio is cut at the quietest moment
between the last word kept and the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

import numpy as np

from livecaption.samples import SR
from livecaption.transcription.decoder import Word
from livecaption.transcription.text import words

TAIL_S = 1.0  # a long utterance's last second is never committed: the next words may change it
FORCE_S = 20.0  # a long utterance commits what it has once this much is pending, agreed or not
SNAP_S = 0.05  # how far a cut between two timed words may move into them, to a quiet moment
CLAUSE_END = ",.;:!?"
AGREE_SHARE = 0.6  # of the words up to a point that two passes must read the same to agree on them


def agreed_words(previous: str, text: str) -> int:
    """How many words at the start of `text` the previous pass read (nearly) the same: up to the
    end of the last run of words both read, as long as at least AGREE_SHARE of the words so far
    are in such runs. A strict prefix stalled for the whole of FORCE_S whenever two passes read one
    word at the seam differently ("Easy at a time by water" / "Easier to die by water"): waiting
    does not settle such a word, and the later pass, over more audio, is the better reading."""
    a, b = words(previous), words(text)
    best = matched = 0
    for _, j, n in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        matched += n
        if n and matched >= AGREE_SHARE * (j + n):
            best = j + n
    return best


def words_to_commit(units: Sequence, total: float, agreed: int, forced: bool) -> int:
    """How many of the timed `units` (words, or segments) to commit: those ending before the last
    TAIL_S of `total` seconds and within the `agreed` words (any, when `forced`), up to the last
    one that ends a clause if there is one."""
    take = clause = count = 0
    for k, unit in enumerate(units):
        count += len(words(unit.text))
        if unit.end > total - TAIL_S or unit.end <= 0 or (count > agreed and not forced):
            break
        take = k + 1
        if unit.text.rstrip()[-1:] in CLAUSE_END:
            clause = take
    return clause or take


def joined(units: Sequence) -> str:
    """The text of consecutive timed units: Whisper's words carry their own leading spaces (and a
    word's pieces none), segments are joined with one."""
    if units and isinstance(units[0], Word):
        return "".join(u.text for u in units).strip()
    return " ".join(u.text.strip() for u in units)


def quiet_point(audio: np.ndarray, lo_s: float, hi_s: float, snap: float) -> int:
    """Sample to cut at: the quietest 20 ms between `lo_s` and `hi_s` (the end of the last word
    kept and the start of the next), widened by `snap` each way."""
    step = SR // 50
    lo = max(step, int((lo_s - snap) * SR))
    hi = min(len(audio) - step, int((hi_s + snap) * SR))
    if hi <= lo:
        return min(len(audio), max(1, int(lo_s * SR)))
    energy = [float(np.mean(np.square(audio[k : k + step]))) for k in range(lo, hi, step)]
    return lo + step * int(np.argmin(energy)) + step // 2
