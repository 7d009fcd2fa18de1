"""Renaming a speaker in a running session: the label the inputs give their captions from now on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from livecaption.streaming.pump import Input


def relabel(inputs: Sequence[Input], old: str, new: str) -> bool:
    """`old` is called `new` in the captions still to come; a name another speaker of the same input
    has merges the two. False when no input has a speaker called `old`. (The engine renames what was
    said; call it with the engine's record locked.)"""
    from livecaption.captions import Label

    found = False
    for inp in inputs:
        if inp.speakers is not None and inp.speakers.rename(old, new):
            found = True
        elif inp.speakers is None and inp.label.speaker == old:
            inp.label = Label(inp.label.source, new)
            found = True
    return found
