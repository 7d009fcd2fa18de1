"""Renaming a speaker in a running session: the name reaches its past captions, the journal and what comes next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from livecaption.errors import LivecaptionError

if TYPE_CHECKING:
    from livecaption.streaming.engine import Engine


def rename(engine: Engine, old: str, new: str) -> bool:
    """`old` is called `new` from now on; a name another speaker of the same input has merges the two.
    Call with the engine's emit lock held. False when no input has a speaker called `old`."""
    from livecaption.streaming.pump import Label

    new = " ".join(new.split())
    if not new or new == old:
        return False
    found = False
    for inp in engine.inputs:
        if inp.speakers is not None and inp.speakers.rename(old, new):
            found = True
        elif inp.speakers is None and inp.label.speaker == old:
            inp.label = Label(inp.label.source, new)
            found = True
    if not found:
        return False
    for c in engine.captions + engine.settled:
        if c.speaker == old:
            c.speaker = new
    if engine.journal is not None and not engine.journal.failed:
        try:
            engine.journal.rename(old, new)
        except LivecaptionError as exc:
            engine.listener.on_error(exc)
    return True

