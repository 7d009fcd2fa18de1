"""What a session has said: its live finals, its settled readings, its transcript and its journal, behind
one lock. The transcriber thread and the settle thread both emit; the settle thread and the front ends
read. Captions are immutable, so a list handed out is a snapshot that no thread changes after."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from livecaption.captions import Caption
from livecaption.errors import LivecaptionError
from livecaption.storage.journal import Journal
from livecaption.transcript import Edit, Rename, Revision, Transcript


class Record:
    def __init__(self, journal: Journal | None, on_error: Callable[[LivecaptionError], None]) -> None:
        self.journal = journal
        self._on_error = on_error
        self.lock = threading.Lock()
        self._captions: list[Caption] = []  # every live final with words
        self._settled: list[Caption] = []  # every settled caption, in the order made
        self._transcript = Transcript()

    def begin(self, settled_inputs: set[str]) -> None:
        with self.lock:
            self._transcript = Transcript(settled_inputs)

    @property
    def captions(self) -> list[Caption]:
        with self.lock:
            return list(self._captions)

    @property
    def settled(self) -> list[Caption]:
        with self.lock:
            return list(self._settled)

    def transcript(self) -> list[Caption]:
        with self.lock:
            return self._transcript.kept()

    def live(self, source: str, keep: Callable[[Caption], bool]) -> list[Caption]:
        """The input's live finals that `keep` accepts (the settle thread's look at what it reads again)."""
        with self.lock:
            return [c for c in self._captions if c.source == source and keep(c)]

    def shown(self, k: tuple[str, int]) -> Caption | None:
        """The line (source, id) as the transcript shows it now (None: not shown, or replaced)."""
        with self.lock:
            row = self._transcript.row_of(k)
            return self._transcript.rows[row] if row is not None else None

    def edited(self, k: tuple[str, int]) -> bool:
        """Whether the user edited the line (source, id)."""
        with self.lock:
            row = self._transcript.row_of(k)
            return row is not None and self._transcript.edited(self._transcript.rows[row])

    def close(self) -> None:
        """The session's journal closed, under the lock an edit or a rename from another thread takes."""
        with self.lock:
            if self.journal is not None:
                self.journal.close()

    def said(self, source: str, start: float, end: float) -> str:
        """The input's live finals between two session times, as one text."""
        return " ".join(c.text for c in self.live(source, lambda c: c.end > start and c.start < end))

    def add(self, caption: Caption) -> None:
        """One caption as it is told (call with the lock held)."""
        self._transcript.apply(caption)
        if caption.settled:
            self._settled.append(caption)
        elif caption.final and caption.text:  # an empty final only retracts a partial
            self._captions.append(caption)
        else:
            return
        self._journal(lambda j: j.append(caption))

    def rename(self, old: str, new: str) -> None:
        """Speaker `old` is `new` in what was said (call with the lock held)."""
        self._captions = [replace(c, speaker=new) if c.speaker == old else c for c in self._captions]
        self._settled = [replace(c, speaker=new) if c.speaker == old else c for c in self._settled]
        self._transcript.apply(Rename(old, new))
        self._journal(lambda j: j.rename(old, new))

    def edit(self, edit: Edit) -> Revision:
        """The user's text for a line: in the session's transcript and on disk, at once."""
        with self.lock:
            rev = self._transcript.apply(edit)
            if rev.ops:
                self._journal(lambda j: j.edit(edit))
            return rev

    def _journal(self, write: Callable[[Journal], None]) -> None:
        if self.journal is None or self.journal.failed:
            return
        try:
            write(self.journal)
        except LivecaptionError as exc:  # full disk: say so once, keep captioning in memory
            self._on_error(exc)
