"""The settle thread: reads each input's settle pass behind the live captions and hands the engine
settled captions that replace the live ones they cover.

It runs on its own thread (and, in a real session, its own model instance with one CPU thread), so
a 30 s window never holds up a live caption. A window is read only once the live captions before
its end are final, so every live caption it covers is known; at the end of a session the rest is
read before the session finishes.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from livecaption.captions import Caption, at_ms
from livecaption.ids import SessionIds
from livecaption.samples import HOP, SR, WINDOW
from livecaption.settle.owners import owners, unread
from livecaption.settle.settler import SettledWindow, SettlePass
from livecaption.speakers.labeller import Kept
from livecaption.speakers.relabel import doubted, majority, overlapping, settled_turns
from livecaption.transcription.decoder import Word

if TYPE_CHECKING:
    from livecaption.streaming.events import EngineListener, EngineStatus
    from livecaption.streaming.pump import Input
    from livecaption.streaming.record import Record
    from livecaption.transcription.policy import Transcriber


class SettleHost(Protocol):
    """What the settle thread needs of the engine whose audio it reads again (nothing here imports it)."""

    cond: threading.Condition
    inputs: list[Input]
    listener: EngineListener
    record: Record
    ids: SessionIds
    settle_compute_s: float

    @property
    def transcriber(self) -> Transcriber: ...

    def status(self, state: str | None = None) -> EngineStatus: ...

    def emit_settled(self, captions: list[Caption]) -> None: ...

BEHIND_WARN_S = 90.0  # the settled transcript this far behind: the machine cannot keep up; said once


class SettleRunner:
    def __init__(self, engine: SettleHost) -> None:
        self.engine = engine
        self.live_done = threading.Event()  # the live transcriber has flushed everything
        self.finished = threading.Event()
        self.abandoned = threading.Event()  # stop after the window being read; `export` settles the rest
        self.warned = False
        self._replaced: set[tuple[str, int]] = set()
        # settled: (it, the lines it read again, its words' times where the reading has them)
        self._told: dict[tuple[str, int], tuple[Caption, list[Caption], tuple[Word, ...]]] = {}
        self._thread: threading.Thread | None = None

    @property
    def pairs(self) -> list[tuple[Input, SettlePass]]:
        return [(i, i.settle) for i in self.engine.inputs if i.settle is not None]

    def behind_s(self) -> float:
        return max((s.behind_s() for _, s in self.pairs), default=0.0)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="livecaption-settle", daemon=True)
        self._thread.start()

    def abandon(self) -> None:
        with self.engine.cond:
            self.abandoned.set()
            self.engine.cond.notify_all()

    def join(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)

    def _take(self) -> tuple[Input, SettlePass, bool] | None:
        """The next window to read: one whose live captions are all final, or at the end any."""
        engine = self.engine
        with engine.cond:
            while True:
                if self.abandoned.is_set():
                    return None
                final = self.live_done.is_set()
                for inp, sp in self.pairs:
                    window_end = (sp.seek + WINDOW) * HOP / SR
                    if sp.due(final) and (final or inp.settled() >= window_end):
                        return inp, sp, final
                if final:
                    return None
                engine.cond.wait(0.5)

    def _run(self) -> None:
        engine = self.engine
        try:
            while (work := self._take()) is not None:
                inp, sp, final = work
                t = time.monotonic()
                words, spans = functools.partial(self._live_words, inp), functools.partial(self._live_spans, inp)
                window = sp.step(final, words, spans)
                engine.settle_compute_s += time.monotonic() - t
                if window is not None:
                    engine.emit_settled(self._captions(inp, window))
                    engine.emit_settled(self._retold(inp))
                behind = self.behind_s()
                if final:
                    engine.listener.on_status(engine.status("settling"))
                elif behind > BEHIND_WARN_S and not self.warned:
                    self.warned = True
                    engine.listener.on_notice(
                        f"the settled transcript is {behind:.0f} s behind: this computer cannot keep up, "
                        "so the rest is settled when the session stops"
                    )
        except Exception as exc:  # a bug here must not take the live captions with it
            from livecaption.errors import CaptioningError

            engine.listener.on_error(CaptioningError(f"settling stopped: {exc}; live captions are kept"))
        finally:
            self.finished.set()

    def _live(self, inp: Input, start: float, end: float) -> list[Caption]:
        """The input's live captions not replaced yet whose middle falls between two session times."""
        source = inp.label.source
        return self.engine.record.live(
            source, lambda c: (source, c.id) not in self._replaced and start <= (c.start + c.end) / 2 < end
        )

    def _live_words(self, inp: Input, start: float, end: float) -> int:
        return sum(len(c.text.split()) for c in self._live(inp, start, end))

    def _live_spans(self, inp: Input, start: float, end: float) -> list[tuple[float, float, str]]:
        return [(c.start, c.end, c.language) for c in self._live(inp, start, end) if c.final and c.text]

    def _captions(self, inp: Input, window: SettledWindow) -> list[Caption]:
        """The window's pieces as settled captions, each replacing the live captions it overlaps
        most; with no pieces, one empty settled caption takes the window's live text away."""
        source, speaker = inp.label.source, inp.label.speaker
        live = self._live(inp, window.start, window.end)
        end_cap = inp.stream_end if inp.stream_end is not None else float("inf")
        pieces = [(min(p.start, end_cap), min(p.end, end_cap), p.text, p.words) for p in window.pieces]
        self._replaced.update((source, c.id) for c in live)
        lost = unread(live, " ".join(p.text for p in window.pieces))  # kept as heard: the reading skipped them
        live = [c for c in live if c not in lost]
        ids_of = owners(live, [(a, b) for a, b, _, _ in pieces])
        kept = inp.speakers.kept() if inp.speakers is not None else Kept()
        # who said what: every live line the pieces overlap, those an earlier window replaced too (a piece
        # may read again the end of a line whose middle was in the window before), the voices sorted again
        lo, hi = min((a for a, _, _, _ in pieces), default=0.0), max((b for _, b, _, _ in pieces), default=0.0)
        gone = {c.id for c in lost}  # lines the reading skipped: kept as heard, no words of the reading are theirs
        heard = kept.applied(self.engine.record.live(
            source, lambda c: bool(c.text) and c.id not in gone and c.end > lo and c.start < hi))  # fmt: skip
        language = window.language or self.engine.transcriber.language or ""
        translated = {c.id: c.translation for c in live if c.translation}
        out = []
        for (start, end, text, timed), ids in zip(pieces, ids_of, strict=True):
            mine = [c for c in heard if c.end > start and c.start < end]  # whose words it reads again
            for k, t in enumerate(settled_turns(start, end, text, mine, timed)):
                who = t.speaker
                if not who and inp.speakers is not None:  # no live caption there: the closest voice
                    who = inp.speakers.nearest_name(t.start, t.end)
                # --task both: a settled caption keeps the translations of the live captions it replaces
                english = " ".join(translated[i] for i in ids if i in translated) if k == 0 else ""
                out.append(self._caption(t.start, t.end, t.text, language, source, who or speaker, ids, english,
                                         t.unsure))  # one a turn  # fmt: skip
                read = [c for c in heard if c.end > t.start and c.start < t.end]
                self._told[(source, out[-1].id)] = (out[-1], read, t.words)
        if not pieces and live:
            who = majority(live) or speaker
            out.append(self._caption(window.start, window.end, "", language, source, who, [c.id for c in live]))
        for c in kept.applied(lost):
            out.append(self._caption(c.start, c.end, c.text, c.language, source, c.speaker, [c.id], c.translation,
                                     c.unsure))  # fmt: skip
        return sorted(out, key=lambda c: c.start)

    def _retold(self, inp: Input) -> list[Caption]:
        """Settled captions the voices sorted again (with more heard now) give other speakers: told
        again with the speaker they have now, or cut where the lines they read again now change
        speaker (the first part keeps its place and id; a line the user edited is left whole)."""
        if inp.speakers is None:
            return []
        kept, out = inp.speakers.kept(), []
        for k, (caption, read, timed) in list(self._told.items()):
            if k[0] != inp.label.source or not read or self.engine.record.shown(k) is None:
                continue  # a reading the transcript did not take (it named an edited line), or one replaced since
            heard = kept.applied(read)
            turns = settled_turns(caption.start, caption.end, caption.text, heard, timed)
            if len(turns) > 1 and not self.engine.record.edited(k):  # a line the user edited stays whole
                for n, t in enumerate(turns):
                    part = replace(caption, start=at_ms(t.start), end=at_ms(t.end), text=t.text,
                                   speaker=t.speaker or caption.speaker, unsure=t.unsure)  # fmt: skip
                    if n:  # a new line after the first, in time order
                        part = replace(part, id=self.engine.ids.settled(), replaces=(), translation="")
                    self._told[(k[0], part.id)] = (part, [c for c in read if c.end > t.start and c.start < t.end], t.words)
                    out.append(part)
                continue
            who = turns[0].speaker if len(turns) == 1 else overlapping(caption, heard)
            doubt = turns[0].unsure if len(turns) == 1 else bool(who) and doubted(caption.start, caption.end, who, heard)
            if who and (who != caption.speaker or doubt != caption.unsure):
                caption = replace(caption, speaker=who, unsure=doubt)
                self._told[k] = (caption, read, timed)
                out.append(caption)
        return out

    def _caption(self, start, end, text, language, source, speaker, ids, translation="", unsure=False) -> Caption:
        return Caption(at_ms(start), at_ms(max(start, end)), text, True, language, id=self.engine.ids.settled(),
                       source=source, speaker=speaker, settled=True, replaces=tuple(ids),
                       translation=translation, unsure=unsure)  # fmt: skip


