"""Speaker labels for one input's captions: its voices (track.py) sorted into speakers (clusters.py).

A final caption gets its label once, when it is final, and keeps it (only the settled transcript
may say otherwise). A partial shows the label its voice so far is closest to (from pieces already
embedded, so it costs nothing), or the input's last label.

With remembered voices (known.py, voices.py) a line whose voice is clearly a remembered person's is
theirs, named from their first line (a new speaker, or the one already called so); other lines go to the
clusters as before, but never to a remembered person's speaker whose voice they clearly are not (they start
a speaker of their own instead), and a new speaker is recognised too. A partial shows a remembered name only
from its own voice: like no speaker so far, or without a voice heard yet, it borrows none. Unknown voices are
numbered among themselves: "Speaker 1", "Speaker 2"…
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace

import numpy as np

from livecaption import ids
from livecaption.captions import Caption, at_ms
from livecaption.samples import SR
from livecaption.speakers.clusters import ClusterConfig, Clusters, unsure
from livecaption.speakers.encoder import SpeakerEncoder
from livecaption.speakers.known import KnownVoices
from livecaption.speakers.recluster import ReclusterConfig, Unit, doubtful, recluster
from livecaption.speakers.track import PIECE_N, SpeakerTrack, Voice
from livecaption.speakers.turns import cut, split_text

DEFAULT_NAME = "Speaker {}"
KEEP_PIECES = 1000  # pieces kept per speaker for remembering their voice (about 13 minutes of speech)


@dataclass(frozen=True)
class Kept:
    """The kept transcript's speakers: each final line's (caption id -> name), and the lines whose voice
    is unsure between two of them."""

    names: dict[int, str] = field(default_factory=dict)
    unsure: frozenset[int] = frozenset()

    def applied(self, captions: list[Caption]) -> list[Caption]:
        """The live captions with the speaker (and mark) the kept transcript gives them."""
        return [replace(c, speaker=self.names.get(c.id, c.speaker), unsure=c.id in self.unsure) for c in captions]


class SpeakerLabeller:
    def __init__(
        self, encoder: SpeakerEncoder, config: ClusterConfig | None = None, known: KnownVoices | None = None
    ) -> None:
        self.track = SpeakerTrack(encoder)
        self.clusters = Clusters(config or ClusterConfig())
        self.known = known if known else None  # remembered voices (None: none)
        self.names: dict[int, str] = {}  # speaker index → a name the user gave, or a remembered voice's
        self._numbers: dict[int, int] = {}  # speaker index → N of "Speaker N" (unknown voices only)
        self._voices: dict[int, list[np.ndarray]] = {}  # speaker index → pieces given to them (remembering)
        self._checked: dict[int, int] = {}  # unknown speaker index → their pieces when last compared
        self._last = 0
        self._lock = threading.Lock()
        self.latencies: list[float] = []  # seconds spent labelling each final (benchmarks)
        self.units: list[Unit] = []  # every final line's voice, for sorting them again (recluster.py)

    def name(self, index: int) -> str:
        s = self.clusters.find(index)
        index = s.index if s is not None else index
        return self.names.get(index) or DEFAULT_NAME.format(self._numbers.get(index, index))

    def index_of(self, name: str) -> int:
        """The speaker a label names (0: none of this input's)."""
        for s in self.clusters.live():
            if self.name(s.index) == name:
                return s.index
        return 0

    def label(self, caption: Caption) -> list[Caption]:
        """A caption of this input with its speaker (transcriber thread); a final whose voice changes
        part way comes back as two captions, cut where it changes."""
        if not caption.text or not caption.final:
            return [replace(caption, speaker=self._partial(caption) if caption.text else self._name_last())]
        t0 = time.perf_counter()
        voice = self.track.voice(caption.start, caption.end)
        with self._lock:  # no audio to hear it by: as the last
            out = [replace(caption, speaker=self._name_last())] if voice is None else self._assign(caption, voice)
        self.latencies.append(time.perf_counter() - t0)
        return out

    def _assign(self, caption: Caption, voice: Voice) -> list[Caption]:
        found = cut(voice.pieces) if len(voice.starts) == len(voice.pieces) else None
        if found is not None and found[1] < self.clusters.config.same:
            k = found[0]
            # between the end of the last piece before the cut and the start of the first after it
            at = at_ms((voice.starts[k - 1] + PIECE_N / SR + voice.starts[k]) / 2)
            texts = split_text(caption, at)
            if texts is not None:
                share = k / len(voice.pieces)
                first, doubt_a = self._place(voice.pieces[:k], voice.seconds * share)
                second, doubt_b = self._place(voice.pieces[k:], voice.seconds * (1 - share))
                if first != second:
                    self._last = second
                    a = replace(caption, end=at, text=texts[0], speaker=self.name(first), unsure=doubt_a)
                    b = replace(caption, start=at, text=texts[1], speaker=self.name(second), id=ids.split(caption.id),
                                translation="", unsure=doubt_b)  # the translation stays with the first part, whole
                    self._heard(a, voice.pieces[:k], first)
                    self._heard(b, voice.pieces[k:], second)
                    return [a, b]
                self._last = first
                whole = replace(caption, speaker=self.name(first), unsure=doubt_a and doubt_b)
                return [self._heard(whole, voice.pieces, first)]
        self._last, doubt = self._place(voice.pieces, voice.seconds)
        return [self._heard(replace(caption, speaker=self.name(self._last), unsure=doubt), voice.pieces, self._last)]

    def _heard(self, caption: Caption, pieces: np.ndarray, index: int) -> Caption:
        self.units.append(Unit(caption.id, caption.start, caption.end, pieces.sum(axis=0), len(pieces), index))
        return caption

    def kept(self, config: ReclusterConfig | None = None) -> Kept:
        """Each final line's speaker in the kept transcript: the session's voices sorted again with
        everything heard so far (recluster.py), and the lines unsure between two. Any thread; the sorting
        runs unlocked."""
        with self._lock:
            resolved = {u.label: s.index for u in self.units if (s := self.clusters.find(u.label)) is not None}
            units = [replace(u, label=resolved[u.label]) for u in self.units if u.label in resolved]
            named = {i: n for i, n in self.names.items() if i in resolved.values()}
            remembered = self.known.names if self.known is not None else set()
            fixed = frozenset(i for i, n in named.items() if n in remembered)
        groups = recluster(units, named, config, fixed)
        doubts = doubtful(units, groups)
        with self._lock:
            return Kept({cid: self.name(g) for cid, g in groups.items()}, doubts)

    def _place(self, pieces: np.ndarray, seconds: float) -> tuple[int, bool]:
        """The speaker (index) of a stretch: a remembered person it clearly is, else as the clusters find it
        (a new speaker recognised or numbered); and whether its voice was about as close to another speaker
        as to theirs before it was learnt from (clusters.unsure). What a speaker learns from is kept as
        their voice."""
        before = {s.index: score for score, s in self.clusters.ranked(pieces)}
        learnt = sum(s.pieces for s in self.clusters.live())
        name = self._remembered(pieces)
        if name and (index := self.index_of(name)):
            index = self.clusters.give(index, pieces, seconds)
        elif name:  # heard for the first time this session
            index = self.clusters.add(pieces)
            self.names[index] = name
        elif self._unlike(pieces, seconds):  # the clusters would give it to a remembered person it is not
            index = self.clusters.add(pieces)
            self._numbers[index] = len(self._numbers) + 1
        else:
            count = len(self.clusters.speakers)
            index = self.clusters.assign(pieces, seconds)
            index = self._recognise(index) if len(self.clusters.speakers) > count else self._recognise_later(index)
        if sum(s.pieces for s in self.clusters.live()) > learnt and sum(map(len, self._voices.get(index, []))) < KEEP_PIECES:
            self._voices.setdefault(index, []).append(pieces)
        own = self.clusters.find(index)
        at = own.index if own is not None else index
        doubt = at in before and unsure(before[at], (v for i, v in before.items() if i != at))
        return index, doubt

    def _remembered(self, pieces: np.ndarray) -> str:
        """The remembered person whose voice a stretch clearly is ("": none)."""
        return self.known.match(pieces) if self.known is not None else ""

    def _unlike(self, pieces: np.ndarray, seconds: float) -> bool:
        """Whether the speaker the clusters would give a stretch to has a remembered voice that the stretch is
        clearly not (a new voice that is close enough, or too short to found a speaker, goes to the closest)."""
        if self.known is None:
            return False
        ranked = self.clusters.ranked(pieces)
        cfg = self.clusters.config
        if not ranked or (ranked[0][0] < cfg.same and seconds >= cfg.new_after_s):
            return False  # a new speaker all the same
        name = self.name(ranked[0][1].index)
        return name in self.known.names and self.known.score(name, pieces) < self.known.config.unlike

    def _recognise_later(self, index: int) -> int:
        """An unknown speaker whose voice, grown since, is now clearly a remembered person's: named from
        now on (their earlier lines keep the label they were shown with)."""
        s = self.clusters.find(index)
        if self.known is None or s is None or s.index in self.names or s.pieces < self._checked.get(s.index, 0) + 3:
            return index
        self._checked[s.index] = s.pieces
        name = self.known.match_mean(s.total / s.pieces, s.pieces)
        other = self.index_of(name) if name else 0
        if other:
            self.clusters.merge(s.index, other)
            return other
        if name:
            self.names[s.index] = name
        return s.index

    def _is_remembered(self, index: int) -> bool:
        return self.known is not None and index > 0 and self.name(index) in self.known.names

    def _recognise(self, index: int) -> int:
        new = self.clusters.speakers[-1]
        name = self.known.match_mean(new.total / new.pieces, new.pieces) if self.known is not None else ""
        if not name:
            self._numbers[index] = len(self._numbers) + 1
            return index
        other = self.index_of(name)
        if other:  # someone already named so: the same person, no new speaker
            return self.clusters.undo_new(other)
        self.names[index] = name
        return index

    def _name_last(self) -> str:
        return self.name(self._last) if self._last else ""

    def _partial(self, caption: Caption) -> str:
        voice = self.track.known(caption.start, caption.end)
        with self._lock:
            ranked = self.clusters.ranked(voice) if voice is not None else []
            if voice is not None and self.known is not None and (not ranked or ranked[0][0] < self.clusters.config.same):
                name = self.known.match(voice)  # a new voice: a remembered one?
                if name:
                    return name
            if ranked and (ranked[0][0] >= self.clusters.config.same or not self._is_remembered(ranked[0][1].index)):
                return self.name(ranked[0][1].index)
            if ranked or self._is_remembered(self._last):  # no voice to go by lends no remembered name either
                return ""
            return self._name_last()

    def nearest_name(self, start: float, end: float) -> str:
        """The known speaker closest to a stretch's voice, learning nothing ("" when unknown)."""
        voice = self.track.voice(start, end)
        with self._lock:
            if voice is None or not self.clusters.live():
                return ""
            return self.name(self.clusters.nearest(voice.pieces))

    def pieces_of(self, name: str) -> np.ndarray | None:
        """The embeddings of the pieces of speech given to the speaker with this label so far (a copy; None
        when no speaker of this input has it): their voice, to remember (any thread)."""
        with self._lock:
            index = self.index_of(name)
            mine = [p for i, kept in self._voices.items() if (s := self.clusters.find(i)) is not None
                    and s.index == index for p in kept] if index else []  # fmt: skip
        return np.concatenate(mine) if mine else None

    def forget(self, name: str) -> None:
        """A remembered voice forgotten while the session runs: no one is named so by voice from now on (a
        speaker who already has the name keeps it: it is their label in this session)."""
        with self._lock:
            if self.known is not None:
                self.known = self.known.without(name) or None

    def rename(self, old: str, new: str) -> bool:
        """Give a speaker a name; a name another speaker has merges the two. False: not this input's."""
        with self._lock:
            index = self.index_of(old)
            if not index:
                return False
            other = self.index_of(new)
            if other and other != index:
                self.clusters.merge(index, other)
            else:
                self.names[index] = new
            return True
