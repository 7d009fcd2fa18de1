"""Labels for captions made after the fact (the settle pass, a crashed session's recovery, polish):
from the live captions they replace, or from the voices of the labelled captions before them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from livecaption.captions import Caption
from livecaption.samples import SR
from livecaption.speakers.clusters import Clusters, Speaker
from livecaption.speakers.track import PIECE_N, STEP_N
from livecaption.transcription.decoder import Word

KNOWN_S = 600.0  # a recovered tail is compared with the voices of the last ten minutes before it
NEAR_S = 0.5  # a word said this close to a live caption (and in none) is its speaker's
UNHEARD_S, UNHEARD_WORDS = 1.0, 3  # words near no live caption, this long and this many: a turn told by voice


def _longest(spans: Iterable[tuple[str, float]]) -> str:
    """The label with the most seconds ("" when none has any)."""
    spoke: dict[str, float] = {}
    for speaker, seconds in spans:
        if speaker and seconds > 0:
            spoke[speaker] = spoke.get(speaker, 0.0) + seconds
    return max(spoke, key=lambda s: spoke[s]) if spoke else ""


def majority(live: Sequence[Caption]) -> str:
    """The label of the live captions a later caption replaces: whoever of them spoke longest."""
    return _longest((c.speaker, max(c.end - c.start, 0.01)) for c in live)


def overlapping(caption: Caption, live: Sequence[Caption]) -> str:
    """The label of the live captions that overlap a caption longest ("" when none does)."""
    return _longest((c.speaker, min(c.end, caption.end) - max(c.start, caption.start)) for c in live)


def doubted(start: float, end: float, speaker: str, live: Sequence[Caption]) -> bool:
    """Whether a later reading of [start, end) given to `speaker` reads again mostly (for half the time
    or more that they overlap it) live lines of that speaker whose voice is unsure (Caption.unsure)."""
    spans = [(c.unsure, min(c.end, end) - max(c.start, start)) for c in live if c.speaker == speaker]
    spoke = sum(t for _, t in spans if t > 0)
    return spoke > 0 and 2 * sum(t for u, t in spans if u and t > 0) >= spoke


def _pieces(encoder, audio: np.ndarray, offset: float, start: float, end: float) -> np.ndarray | None:
    a, b = max(0, round((start - offset) * SR)), max(0, round((end - offset) * SR))
    wav = audio[a:b]
    if len(wav) < SR // 2:
        return None
    starts = range(0, max(1, len(wav) - PIECE_N + 1), STEP_N)
    return np.array([encoder.embed(wav[s : s + PIECE_N]) for s in starts])


def by_voice(new: list[Caption], known: Sequence[Caption], audio: np.ndarray, offset: float,
             encoder) -> list[Caption]:  # fmt: skip
    """`new` captions labelled by their voices against the voices of the `known` labelled
    captions in `audio` (which starts at session time `offset`); a voice like none of them is a new
    "Speaker N" after the highest number in use."""
    clusters = Clusters()
    names: dict[int, str] = {}
    for label in dict.fromkeys(c.speaker for c in known if c.speaker):
        mine = [p for c in known if c.speaker == label and c.end > offset
                if (p := _pieces(encoder, audio, offset, c.start, c.end)) is not None]  # fmt: skip
        if mine:
            pieces = np.concatenate(mine)
            # a label the session gave is a speaker of its own, however close to another
            clusters.speakers.append(Speaker(len(clusters.speakers) + 1, pieces.sum(axis=0), len(pieces)))
            names[len(clusters.speakers)] = label
    numbers = [int(n.split()[-1]) for n in names.values() if n.startswith("Speaker ") and n.split()[-1].isdigit()]
    after = max(numbers, default=0)
    out = []
    for c in new:
        heard = _pieces(encoder, audio, offset, c.start, c.end)
        if heard is not None:
            index = clusters.assign(heard, c.end - c.start)
            if index not in names:
                after += 1
                names[index] = f"Speaker {after}"
            c = replace(c, speaker=names[index])
        out.append(c)
    return out


@dataclass(frozen=True)
class Turn:
    """One speaker's part of a later reading."""

    start: float
    end: float
    text: str
    speaker: str  # "" where no live caption says who
    unsure: bool = False  # its speaker's voice is unsure (`doubted`)
    words: tuple[Word, ...] = ()  # its words with their times, where the reading has them


def settled_turns(start: float, end: float, text: str, live: Sequence[Caption], words: Sequence[Word] = (),
                  by_voice: bool = True) -> list[Turn]:  # fmt: skip
    """`by_turns`, each turn with whether its speaker is unsure (`doubted`). What the settle pass and a
    stopped session's settling both make of a later reading."""
    return [replace(t, unsure=bool(t.speaker) and doubted(t.start, t.end, t.speaker, live))
            for t in by_turns(start, end, text, live, words, by_voice)]  # fmt: skip


def by_turns(start: float, end: float, text: str, live: Sequence[Caption], words: Sequence[Word] = (),
             by_voice: bool = True) -> list[Turn]:  # fmt: skip
    """A later reading of [start, end) cut where the live captions it reads again change speaker. With
    its words' times (`words`, whose text is `text`'s), each word goes to the live caption it was said in
    (or the nearest within NEAR_S); without them, by shares of words (`_by_shares`). `by_voice`: the caller
    tells by voice the speaker of words no live caption is near (a turn with speaker ""); else they go with
    the words beside them."""
    if words and [w for x in words for w in x.text.split()] == text.split():
        timed = _by_words(start, end, text, list(words), live, by_voice)
        if timed is not None:
            return timed
        if by_voice:  # no word near a live caption: all of it is the voice's to tell
            return [Turn(start, end, text, "", words=tuple(words))]
    return [Turn(a, b, t, who) for a, b, t, who in _by_shares(start, end, text, live)]


def _by_words(start: float, end: float, text: str, words: list[Word], live: Sequence[Caption],
              by_voice: bool) -> list[Turn] | None:  # fmt: skip
    """Runs of words said in one speaker's live captions; None when no word is near a labelled caption. A
    run of words near none (UNHEARD_WORDS of them, for UNHEARD_S or longer) is a turn with no speaker ("")
    when `by_voice`. Each word is placed by its middle, within [start, end]."""
    labelled = [c for c in live if c.text and c.speaker]

    def who(w: Word) -> str:
        mid = min(max((w.start + w.end) / 2, start), end)
        gap, speaker = min(((max(c.start - mid, mid - c.end, 0.0), c.speaker) for c in labelled), default=(NEAR_S, ""))
        return speaker if gap < NEAR_S else ""

    said = [who(w) for w in words]
    if not any(said):
        return None
    k = 0
    while k < len(said):  # words near no live caption: the live captions missed them
        if said[k]:
            k += 1
            continue
        j = next((j for j in range(k, len(said)) if said[j]), len(said))
        if not by_voice or j - k < UNHEARD_WORDS or words[j - 1].end - words[k].start < UNHEARD_S:
            said[k:j] = [said[k - 1] if k else said[j]] * (j - k)  # too little to tell by voice: with the words before
        k = j  # a longer stretch is a turn of its own, whose speaker ("") the caller finds by voice
    turns: list[Turn] = []
    for w, speaker in zip(words, said, strict=True):
        if turns and turns[-1].speaker == speaker:
            t = turns[-1]
            turns[-1] = replace(t, text=f"{t.text} {w.text.strip()}", words=(*t.words, w))
        else:
            at = start if not turns else min(max((turns[-1].words[-1].end + w.start) / 2, turns[-1].start), end)
            if turns:
                turns[-1] = replace(turns[-1], end=at)
            turns.append(Turn(at, end, w.text.strip(), speaker, words=(w,)))
    turns = _spanned(turns)
    return turns if len(turns) > 1 else [replace(turns[0], text=text)]


def _spanned(turns: list[Turn]) -> list[Turn]:
    """The turns with none of zero length (words aligned outside the reading's span): such a turn's words go
    to the turn before it (after it, for the first), and turns of one speaker side by side are one."""
    out: list[Turn] = []
    for t in turns:
        if out and (t.end <= t.start or out[-1].speaker == t.speaker):
            out[-1] = replace(out[-1], end=t.end, text=f"{out[-1].text} {t.text}", words=(*out[-1].words, *t.words))
        elif out and out[-1].end <= out[-1].start:  # the first turn had no length: its words go to this one
            out[-1] = replace(t, start=out[-1].start, text=f"{out[-1].text} {t.text}", words=(*out[-1].words, *t.words))
        else:
            out.append(t)
    return out


def _by_shares(start: float, end: float, text: str, live: Sequence[Caption]) -> list[tuple[float, float, str, str]]:
    """A later reading of [start, end) cut where the live captions it reads again change speaker:
    (start, end, text, speaker) for each turn. The text is cut by words: each turn gets the share of
    the words that its live captions have inside [start, end) (a live caption's words counted in
    proportion to how much of it lies inside), moved to a sentence end two words away or less."""
    runs: list[tuple[str, float, float]] = []  # (speaker, words inside, end of its last caption)
    for c in sorted((c for c in live if c.text), key=lambda c: c.start):
        inside = max(0.0, min(c.end, end) - max(c.start, start)) / max(c.end - c.start, 1e-3)
        n = len(c.text.split()) * min(inside, 1.0)
        if runs and runs[-1][0] == c.speaker:
            runs[-1] = (c.speaker, runs[-1][1] + n, c.end)
        else:
            runs.append((c.speaker, n, c.end))
    words = text.split()
    total = sum(n for _, n, _ in runs)
    if len(runs) < 2 or not total or len(words) < 2:
        return [(start, end, text, majority(live))]
    out: list[tuple[float, float, str, str]] = []
    done, at, seen = 0, start, 0.0
    pending: list[tuple[str, float, float]] = []  # the runs since the last cut
    for run in runs[:-1]:
        pending.append(run)
        seen += run[1]
        k = round(len(words) * seen / total)
        ends = [j for j in range(max(1, k - 2), min(len(words), k + 3)) if words[j - 1][-1] in ".!?…"]
        k = min(ends, key=lambda j: abs(j - k)) if ends else k
        if k <= done or k >= len(words):
            continue
        cut = min(max(run[2], at), end)
        out.append((at, cut, " ".join(words[done:k]), max(pending, key=lambda r: r[1])[0]))
        done, at, pending = k, cut, []
    pending.append(runs[-1])
    out.append((at, end, " ".join(words[done:]), max(pending, key=lambda r: r[1])[0]))
    # consecutive parts of one speaker are one
    merged: list[tuple[float, float, str, str]] = []
    for part in out:
        if merged and merged[-1][3] == part[3]:
            merged[-1] = (merged[-1][0], part[1], f"{merged[-1][2]} {part[2]}", part[3])
        else:
            merged.append(part)
    return merged
