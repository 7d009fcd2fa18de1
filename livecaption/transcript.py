"""The one transcript of a session: live captions, settled readings, renames and the user's edits are
events; each makes a revision of one record.

Pure (no threads, no Qt, no I/O). Every view renders from an instance of it fed the same events:
the app's transcript model, the shared page's event log, the command line's writers, a journal read
back, recovery and every export. The rules live here once:

* a partial is shown until its final (same id) replaces it; an empty final takes the partial back;
* a settled reading takes the place of the live captions it names (`replaces`, ids of its input): it
  sits where the first of them was and the others go; a settled reading without words only takes
  live text away; with none of them on show it goes in time order; told again (the same id, when the
  session's voices are settled anew) it changes in place;
* an input without a settle pass keeps its live finals: a settled reading for it is not applied;
* a rename changes every row of that speaker, and every caption of that name still to come;
* an edit is the user's text for one line: it stays that line's text, and a settled reading that
  would replace an edited line leaves it as it is (the edit stands; the reading settles around it);
  an edit without text takes the user's text back (undo): the line shows its own words again; only
  a final line can be edited (a partial is still being heard, and a journal keeps only finals).

The wire format (the command line's `jsonl`, the shared page's events, the journal's lines) is the
caption's `to_dict()` plus `{"type": "rename", "from", "to"}` and `{"type": "edit", "source", "id",
"text"}`; `event_of` reads one back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from livecaption.captions import Caption

Key = tuple[str, int]  # (input, caption id)
CAPTION_FIELDS = ("start", "end", "text", "final", "language", "emit", "id", "source", "speaker", "settled",
                  "stable", "translation", "unsure")  # fmt: skip


@dataclass(frozen=True)
class Rename:
    old: str
    new: str


@dataclass(frozen=True)
class Edit:
    """The user's text for the line (source, id); empty: the user's text taken back (an undo)."""

    source: str
    id: int
    text: str

    def to_dict(self) -> dict:
        return {"type": "edit", "source": self.source, "id": self.id, "text": self.text}


Event = Caption | Rename | Edit


@dataclass(frozen=True)
class Op:
    """One change to the rows, in the order a view applies them: insert at `row`, remove `row`, or
    change `row` to `caption` (the same line, new content)."""

    kind: str  # "insert" | "remove" | "change"
    row: int
    caption: Caption | None = None


@dataclass(frozen=True)
class Revision:
    ops: tuple[Op, ...] = ()
    forwarded: tuple[tuple[int, int], ...] = ()  # a settled reading: (replaced id, the id now in its place)

    @property
    def changed(self) -> list[Caption]:
        """The captions this revision put (added or changed), for views that re-send rows."""
        return [op.caption for op in self.ops if op.caption is not None]


def key(caption: Caption) -> Key:
    return caption.source, caption.id


class Transcript:
    """Apply events in the order they were made; read `rows` (what a view shows), `kept()` (what
    exports keep) and `pending(key)` (a live final a settle pass will read again)."""

    def __init__(self, settled_inputs: frozenset[str] | set[str] | None = None) -> None:
        # Inputs whose live finals a settle pass reads again; None: any input's settled readings apply
        # (a journal written before this was recorded, a recording).
        self.settled_inputs = frozenset(settled_inputs) if settled_inputs is not None else None
        self.rows: list[Caption] = []
        self._row: dict[Key, int] = {}
        self._replaced: set[Key] = set()  # live captions a settled reading took the place of
        self._names: dict[str, str] = {}  # renames, applied to captions that still carry the old name
        self._edits: dict[Key, str] = {}
        self._own: dict[Key, Caption] = {}  # an edited line as its input last told it

    # -- reading -------------------------------------------------------------------------------
    def kept(self) -> list[Caption]:
        """Final captions with words, in time order: the transcript every export writes."""
        return sorted((c for c in self.rows if c.final and c.text), key=lambda c: c.start)

    def row_of(self, k: Key) -> int | None:
        return self._row.get(k)

    def pending(self, caption: Caption) -> bool:
        """A live final whose input has a settle pass that has not read it yet."""
        return (
            caption.final and not caption.settled and bool(caption.text) and self.settle_reads(caption.source)
            and key(caption) not in self._replaced
        )  # fmt: skip

    def settle_reads(self, source: str) -> bool:
        return self.settled_inputs is None or source in self.settled_inputs

    def speakers(self) -> list[str]:
        """The rows' labels, in the order they first spoke."""
        return list(dict.fromkeys(c.speaker for c in self.rows if c.speaker and c.text))

    def edited(self, caption: Caption) -> bool:
        return key(caption) in self._edits

    def own(self, caption: Caption) -> Caption:
        """The line as its input told it, without the user's edit."""
        return self._own.get(key(caption), caption)

    # -- events --------------------------------------------------------------------------------
    def apply(self, event: Event) -> Revision:
        if isinstance(event, Rename):
            return self._rename(event)
        if isinstance(event, Edit):
            return self._edit(event)
        caption = self._named(event)
        if caption.settled:
            return self._settle(caption)
        return self._live(caption)

    def _named(self, caption: Caption) -> Caption:
        name = caption.speaker
        seen: set[str] = set()
        while name in self._names and name not in seen:  # A → B, then B → C
            seen.add(name)
            name = self._names[name]
        return caption if name == caption.speaker else replace(caption, speaker=name)

    def _live(self, caption: Caption) -> Revision:
        k = key(caption)
        if k in self._replaced:
            return Revision()  # a settled reading has taken its place already
        row = self._row.get(k) if caption.id else None
        if row is not None:
            if caption.final and not caption.text:  # the final takes its partial back
                return Revision(tuple(self._remove([row])))
            if k in self._edits:  # the user's text stands
                self._own[k] = caption
                caption = replace(caption, text=self._edits[k])
            return Revision((self._change(row, caption),))
        if not caption.text:
            return Revision()
        return Revision((self._insert(len(self.rows), caption),))

    def _settle(self, caption: Caption) -> Revision:
        if not self.settle_reads(caption.source):
            return Revision()  # its input keeps its live finals (a meeting's microphone)
        k = key(caption)
        if (row := self._row.get(k)) is not None and self.rows[row].settled:  # told again: its speaker settled anew
            if k in self._edits:
                self._own[k] = caption
                caption = replace(caption, text=self._edits[k])
            return Revision((self._change(row, caption),))
        named = [(caption.source, i) for i in caption.replaces]
        if any(k in self._edits for k in named):
            # The user's line stands, and the reading's words for it would say it twice: the lines it
            # shares this reading with keep their live text too (they are settled, as they are).
            self._replaced.update(named)
            return Revision()
        self._replaced.update(named)
        rows = sorted(r for k in named if (r := self._row.get(k)) is not None)
        forwarded = tuple((k[1], caption.id) for k in named) if caption.text else ()
        ops: list[Op] = []
        if rows and caption.text:  # in place of the first live row; the others go
            ops.append(self._change(rows[0], caption))
            ops += self._remove(rows[1:])
        else:
            ops += self._remove(rows)
            if caption.text:
                row = len(self.rows)
                while row > 0 and self.rows[row - 1].start > caption.start:
                    row -= 1
                ops.append(self._insert(row, caption))
        return Revision(tuple(ops), forwarded)

    def _rename(self, event: Rename) -> Revision:
        new = " ".join(event.new.split())
        if not new or new == event.old:
            return Revision()
        self._names[event.old] = new
        self._names.pop(new, None)  # a name given back to a label is that label again
        ops = [self._change(row, replace(c, speaker=new)) for row, c in enumerate(self.rows) if c.speaker == event.old]
        self._own = {k: replace(c, speaker=new) if c.speaker == event.old else c for k, c in self._own.items()}
        return Revision(tuple(ops))

    def _edit(self, event: Edit) -> Revision:
        k = (event.source, event.id)
        row = self._row.get(k)
        text = " ".join(event.text.split())
        if row is None or not event.id or not self.rows[row].final or (not text and k not in self._edits):
            return Revision()  # a partial is still being heard: only a final line is the user's to edit
        own = self._own.setdefault(k, self.rows[row])
        if text and text != own.text:
            self._edits[k] = text
            return Revision((self._change(row, replace(own, text=text)),))
        self._edits.pop(k, None)  # taken back, or the line's own words again: not an edit
        del self._own[k]
        return Revision((self._change(row, own),))

    # -- rows ----------------------------------------------------------------------------------
    def _insert(self, row: int, caption: Caption) -> Op:
        self.rows.insert(row, caption)
        if row == len(self.rows) - 1:
            self._row[key(caption)] = row
        else:
            self._reindex()
        return Op("insert", row, caption)

    def _change(self, row: int, caption: Caption) -> Op:
        old = self.rows[row]
        self.rows[row] = caption
        if key(old) != key(caption):
            self._row.pop(key(old), None)
            self._row[key(caption)] = row
        return Op("change", row, caption)

    def _remove(self, rows: list[int]) -> list[Op]:
        ops = []
        for row in sorted(rows, reverse=True):
            del self.rows[row]
            ops.append(Op("remove", row))
        if rows:
            self._reindex()
        return ops

    def _reindex(self) -> None:
        self._row = {key(c): i for i, c in enumerate(self.rows)}


def event_of(obj: dict) -> Event | None:
    """One wire/journal object back as an event (None for lines that are not one)."""
    kind = obj.get("type", "caption")
    if kind == "rename":
        return Rename(str(obj.get("from", "")), str(obj.get("to", "")))
    if kind == "edit":
        return Edit(str(obj.get("source", "")), int(obj.get("id", 0)), str(obj.get("text", "")))
    if kind != "caption":
        return None
    try:
        return Caption(**{k: obj[k] for k in CAPTION_FIELDS if k in obj}, replaces=tuple(obj.get("replaces", ())))
    except (TypeError, ValueError):
        return None  # a line from another version, or torn: skipped, the rest is kept


def replay(events: list[Event], settled_inputs: frozenset[str] | set[str] | None = None) -> Transcript:
    t = Transcript(settled_inputs)
    for e in events:
        t.apply(e)
    return t
