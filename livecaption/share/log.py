"""The shared session's events: the session's transcript (livecaption/transcript.py) as numbered events,
for replay.

Each event the page gets is a caption as the command line's `jsonl` writes it: a live partial or
final, or a settled caption naming the live captions it replaces (a "revision" on the wire). A
rename or an edit re-sends the rows it changed, each with its id, so the page puts them in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from livecaption.captions import Caption
from livecaption.transcript import Event as TranscriptEvent
from livecaption.transcript import Key, Transcript, key


@dataclass(frozen=True)
class Event:
    seq: int  # the SSE event id a viewer reconnects with
    caption: Caption
    edited: bool = False  # the caption's text is the user's edit


class EventLog:
    """Pure and single-threaded (the server's loop owns it).

    A viewer that saw event `seq` gets, on reconnect, the rows sent since and what took rows away
    since; a new viewer gets the whole session so far.
    """

    def __init__(self) -> None:
        self.seq = 0
        self.transcript = Transcript()
        self._sent: dict[Key, Event] = {}  # each row on show: the event that last put it there
        self._gone: list[Event] = []  # events that only took rows away (an empty final or settled reading)

    def add(self, event: TranscriptEvent) -> list[Event]:
        revision = self.transcript.apply(event)
        if not revision.ops:
            return []
        put = revision.changed
        if isinstance(event, Caption) and not put:
            put = [event]  # it took rows away: the page needs it to take them away too
        out = []
        for caption in put:
            self.seq += 1
            out.append(Event(self.seq, caption, self.transcript.edited(caption)))
        for e in out:
            if self.transcript.row_of(key(e.caption)) is not None:
                self._sent[key(e.caption)] = e
            else:
                self._gone.append(e)
        if isinstance(event, Caption):  # the rows it took away (a retracted partial, live rows settled)
            for k in (key(event), *((event.source, i) for i in event.replaces)):
                if self.transcript.row_of(k) is None:
                    self._sent.pop(k, None)
        return out

    def after(self, seq: int) -> list[Event]:
        events = [e for e in self._sent.values() if e.seq > seq] + [e for e in self._gone if e.seq > seq]
        return sorted(events, key=lambda e: e.seq)

    def finals(self) -> list[Caption]:
        """The session so far, in time order, as exports want it."""
        return self.transcript.kept()
