"""Keeping a long session's memory flat.

glibc serves large allocations from its heap once a large block has been freed (its mmap threshold
then rises, up to 32 MB), and CTranslate2 frees and allocates buffers of many sizes as utterances
and prompts vary: the heap fragments and resident memory climbs for hours. A fixed threshold keeps
large buffers in their own mappings, returned to the system when freed (benchmarks/README.md, #27).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, held fixed


def steady_heap() -> bool:
    """Fix glibc's mmap threshold (Linux); False where there is no glibc to ask."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):
        return False
