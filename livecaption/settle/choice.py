"""Which model settles the transcript: the multilingual base where the machine keeps up, else the
session's own.

A settle pass reads each stretch once, tens of seconds behind, at the lowest priority, so a model
bigger than the live one fits beside it: base keeps a transcript with fewer errors than tiny.en
on most of our streams, at about a quarter of one core (benchmarks/README.md, "Settled by base by
default"). One core cannot give it that without taking it from the live captions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

AUTO = "auto"  # the default: chosen here
BETTER = "base"
SMALLER = ("tiny", "tiny.en")  # live models that base reads better than


@dataclass(frozen=True)
class SettleModel:
    name: str | None  # the model to load; None: the session's own
    why: str = ""  # said in the status bar and with -v where the choice was made here


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def choose(asked: str | None, live: str, installed: bool, n_cores: int, gpu: bool) -> SettleModel:
    """`asked`: the settle model the person chose (AUTO: none); `live`: the session's model; `installed`:
    whether base is on this machine."""
    if asked != AUTO:
        return SettleModel(asked or None)
    if live not in SMALLER:
        return SettleModel(None)  # a live model as good as base or better settles its own words
    if not installed:
        return SettleModel(None, f"settled by {live}: the multilingual base model is not installed")
    if n_cores < 2 and not gpu:
        return SettleModel(None, f"settled by {live}: one CPU core cannot also run base")
    return SettleModel(BETTER, f"settled by {BETTER}")
