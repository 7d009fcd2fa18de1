"""Speaker labels for one input's captions: its voices (track.py) sorted into speakers (clusters.py).

A final caption gets its label once, when it is final, and keeps it (only the settled transcript
may say otherwise). A partial shows the label its voice so far is closest to (from pieces already
embedded, so it costs nothing), or the input's last label.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from livecaption import ids
from livecaption.captions import Caption, at_ms
from livecaption.samples import SR
from livecaption.speakers.clusters import ClusterConfig, Clusters
from livecaption.speakers.encoder import SpeakerEncoder
from livecaption.speakers.track import PIECE_N, SpeakerTrack, Voice
from livecaption.speakers.turns import cut, split_text

DEFAULT_NAME = "Speaker {}"


class SpeakerLabeller:
    def __init__(self, encoder: SpeakerEncoder, config: ClusterConfig | None = None) -> None:
        self.track = SpeakerTrack(encoder)
        self.clusters = Clusters(config or ClusterConfig())
        self.names: dict[int, str] = {}  # speaker index → a name the user gave
        self._last = 0
        self._lock = threading.Lock()
        self.latencies: list[float] = []  # seconds spent labelling each final (benchmarks)

    def name(self, index: int) -> str:
        s = self.clusters.find(index)
        index = s.index if s is not None else index
        return self.names.get(index) or DEFAULT_NAME.format(index)

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
                first = self.clusters.assign(voice.pieces[:k], voice.seconds * share)
                second = self.clusters.assign(voice.pieces[k:], voice.seconds * (1 - share))
                if first != second:
                    self._last = second
                    a = replace(caption, end=at, text=texts[0], speaker=self.name(first))
                    b = replace(caption, start=at, text=texts[1], speaker=self.name(second), id=ids.split(caption.id),
                                translation="")  # the translation stays with the first part, whole
                    return [a, b]
                self._last = first
                return [replace(caption, speaker=self.name(first))]
        self._last = self.clusters.assign(voice.pieces, voice.seconds)
        return [replace(caption, speaker=self.name(self._last))]

    def _name_last(self) -> str:
        return self.name(self._last) if self._last else ""

    def _partial(self, caption: Caption) -> str:
        voice = self.track.known(caption.start, caption.end)
        with self._lock:
            if voice is not None and self.clusters.live():
                return self.name(self.clusters.nearest(voice))
            return self._name_last()

    def nearest_name(self, start: float, end: float) -> str:
        """The known speaker closest to a stretch's voice, learning nothing ("" when unknown)."""
        voice = self.track.voice(start, end)
        with self._lock:
            if voice is None or not self.clusters.live():
                return ""
            return self.name(self.clusters.nearest(voice.pieces))

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
