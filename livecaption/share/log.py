"""The shared session's events: every final kept, the newest partial of each input, numbered for replay.

A settled caption (livecaption/settle) is a revision: it takes the place of the live finals it
names, so a new viewer gets the settled text and one who saw the live rows gets it as a revision.
"""

from __future__ import annotations

from dataclasses import dataclass

from livecaption.captions import Caption


@dataclass(frozen=True)
class Event:
    seq: int  # the SSE event id a viewer reconnects with
    caption: Caption


class EventLog:
    """Pure and single-threaded (the server's loop owns it).

    A viewer that saw event `seq` gets, on reconnect, every final after it and the partials still
    open; a new viewer gets the whole session so far. Partials superseded are not kept.
    """

    def __init__(self) -> None:
        self.seq = 0
        self._finals: dict[int, Event] = {}  # caption id -> its final (an empty text retracts a partial)
        self._partials: dict[int, Event] = {}  # caption id -> the newest partial still open

    def add(self, caption: Caption) -> Event:
        self.seq += 1
        event = Event(self.seq, caption)
        if caption.settled:
            for cid in caption.replaces:
                self._finals.pop(cid, None)
            self._finals[caption.id] = event  # an empty one still takes the live rows away on reconnect
        elif caption.final:
            self._partials.pop(caption.id, None)
            self._finals.pop(caption.id, None)  # a re-final moves to the end, as it was sent
            self._finals[caption.id] = event
        else:
            # A new partial replaces its input's previous one (as in the app's overlay).
            for cid in [c for c, e in self._partials.items() if e.caption.source == caption.source]:
                del self._partials[cid]
            self._partials[caption.id] = event
        return event

    def after(self, seq: int) -> list[Event]:
        events = [e for e in self._finals.values() if e.seq > seq]
        events += [e for e in self._partials.values() if e.seq > seq]
        return sorted(events, key=lambda e: e.seq)

    def finals(self) -> list[Caption]:
        """The session so far, in time order, as exports want it."""
        return sorted((e.caption for e in self._finals.values() if e.caption.text), key=lambda c: (c.start, c.id))
