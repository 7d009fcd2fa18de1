"""What to decode next, from the chunks waiting for the transcriber. Pure: no threads, no clock.

The engine and benchmarks/streaming_sim.py both use it, so the simulator makes the
engine's decisions. For live input that the transcriber cannot keep up with:

1. merge: contiguous waiting chunks are decoded together (fewer, longer decodes);
2. degrade: with more than `degrade_s` of speech waiting, finals are decoded greedily
   until the backlog is under `recover_s`;
3. skip: past `max_backlog_s`, the oldest waiting chunks are dropped (counted and
   reported), so latency and memory stay bounded whatever the machine. The transcriber
   sees the gap (the next chunk does not start where the last ended) and never decodes
   across it.

A look is only worth decoding when nothing newer waits: the chunks after it carry the
same audio. A peek (a look while speech goes on) offered while a pass runs is not decoded at all
(`passed`): it would follow that pass back to back, and a chunk that comes meanwhile would wait for
both. Peeks are spaced out (cadence.py) so that they leave the chunks time; queued behind other
passes they would not. A recording replayed as fast as possible decodes exactly the chunks live
capture would (no merging, degrading or skipping).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from livecaption.samples import SR, Chunk


@dataclass(frozen=True)
class SchedulerConfig:
    max_merge_s: float = 25.0  # contiguous waiting chunks are decoded together, up to this
    degrade_s: float = 8.0  # speech waiting before finals turn greedy
    recover_s: float = 2.0  # ...and back to the full beam under this
    max_backlog_s: float = 60.0  # speech waiting before the oldest is skipped


@dataclass(frozen=True)
class Step:
    chunk: Chunk
    greedy: bool  # decode finals at beam 1 to catch up
    skipped_s: float  # speech dropped just now to bound the backlog


class Scheduler:
    def __init__(self, config: SchedulerConfig | None = None, live: bool = True) -> None:
        self.config = config or SchedulerConfig()
        self.live = live  # False: a recording replayed as fast as possible
        self.waiting: deque[Chunk] = deque()
        self.greedy = False
        self.skipped_s = 0.0
        self.peeks_passed = 0  # peeks not decoded: offered while a pass ran

    def add(self, chunk: Chunk) -> None:
        self.waiting.append(chunk)

    def passed(self) -> None:
        """A pass (of any input) has ended: the peeks offered while it ran are dropped. Decoded now,
        one would start as that pass ends, and the chunk the segmenter cuts next waits for it; the next
        peek comes a peek interval after the dropped one, from a transcriber that is free."""
        if self.live and any(c.peek for c in self.waiting):
            kept = deque(c for c in self.waiting if not c.peek)
            self.peeks_passed += len(self.waiting) - len(kept)
            self.waiting = kept

    def backlog_s(self) -> float:
        return sum(len(c.audio) for c in self.waiting if not c.is_look) / SR

    def next(self) -> Step | None:
        """The next piece of work, or None when nothing waits."""
        skipped = self._bound_backlog() if self.live else 0.0
        if self.live:
            backlog = self.backlog_s()
            if not self.greedy and backlog > self.config.degrade_s:
                self.greedy = True
            elif self.greedy and backlog < self.config.recover_s:
                self.greedy = False
        if not self.waiting:
            return None
        chunk = self.waiting.popleft()
        while chunk.is_look and self.waiting:
            chunk = self.waiting.popleft()  # stale: newer work waits
        while self.live and not chunk.is_look and self.waiting:
            nxt = self.waiting[0]
            if nxt.is_look:
                self.waiting.popleft()  # stale: the chunks after it carry the same audio
                continue
            if nxt.start != chunk.end or len(chunk.audio) + len(nxt.audio) > self.config.max_merge_s * SR:
                break
            self.waiting.popleft()
            speech = None
            if chunk.speech is not None and nxt.speech is not None:
                speech = np.concatenate((chunk.speech, nxt.speech))
            chunk = Chunk(chunk.start, np.concatenate((chunk.audio, nxt.audio)), nxt.utterance_end, nxt.ready,
                          look=nxt.look, speech=speech)  # fmt: skip
        return Step(chunk, self.greedy, skipped)

    def _bound_backlog(self) -> float:
        backlog = self.backlog_s()
        if backlog <= self.config.max_backlog_s:
            return 0.0
        dropped = 0.0
        while self.waiting and backlog - dropped > self.config.max_backlog_s / 2:
            chunk = self.waiting.popleft()
            dropped += 0.0 if chunk.is_look else len(chunk.audio) / SR
        self.skipped_s += dropped
        return dropped
