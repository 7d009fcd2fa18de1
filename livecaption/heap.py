"""Whisper's big buffers kept in the heap, not mapped afresh from the kernel for every pass (glibc).

The encoder holds each layer's attention scores in one buffer (base over a 30 s window: 72 MB a
layer). glibc maps a buffer that large straight from the kernel and unmaps it when it is freed
(above 32 MB always, and at any size in a thread arena too small to hold it), so every pass faults
all its pages in again: a third of a base translation's CPU went to the kernel. One arena, no
mappings and no trimming of the heap's top keep the pages: they are faulted in once, and the heap
stays at the session's peak (benchmarks/README.md, "Buffers kept in the heap"). A malloc setting
the user made is theirs to keep; other C libraries are left as they are.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os

USER_ENV = ("MALLOC_ARENA_MAX", "MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")
M_TRIM_THRESHOLD, M_MMAP_MAX, M_ARENA_MAX = -1, -4, -8  # malloc.h
TRIM_ABOVE = 1 << 30  # free memory at the heap's top is given back only above this much


@functools.cache
def keep_buffers() -> bool:
    """Big buffers from one heap that keeps its pages (True when set). Call before the first
    transcription thread starts: a thread takes its arena at its first allocation."""
    if any(name in os.environ for name in USER_ENV) or not _glibc():
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    return all(libc.mallopt(option, value) == 1 for option, value in
               ((M_ARENA_MAX, 1), (M_MMAP_MAX, 0), (M_TRIM_THRESHOLD, TRIM_ABOVE)))  # fmt: skip


def _glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError, AttributeError):  # not a name here; no confstr (Windows)
        return False
