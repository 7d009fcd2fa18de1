"""The settle pass uses what the live captions leave: the threads its model computes on run at the
lowest priority the system has (Linux SCHED_IDLE: only when no other thread wants the CPU).

CTranslate2 computes on a worker thread of its own that a model starts when it loads, so the
threads a settle model's load starts are the ones lowered. The Python thread that asks for a window
keeps its priority (it holds the GIL now and then; lowered, it could hold up the live thread).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

TASKS = "/proc/self/task"


def _threads() -> set[int]:
    try:
        return {int(t) for t in os.listdir(TASKS)}
    except OSError:  # not Linux: nothing to lower
        return set()


def lower(tid: int) -> str:
    """SCHED_IDLE for one thread, else nice 19; says which it got ("" when neither could be set)."""
    try:
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
        return "idle"
    except (AttributeError, OSError):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, tid, 19)
            return "nice"
    return ""


@contextlib.contextmanager
def lowered_threads() -> Iterator[list[int]]:
    """Threads started inside the block are lowered when it ends; the list holds their ids."""
    before = _threads()
    started: list[int] = []
    try:
        yield started
    finally:
        for tid in sorted(_threads() - before):
            if lower(tid):
                started.append(tid)
