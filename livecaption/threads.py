"""How many CPU threads Whisper gets, and numpy's BLAS kept to one.

numpy's OpenBLAS starts a thread per core, and after each product its threads spin waiting for the
next one. The app's products are all small (Whisper's log-mel features, the speaker model, the
settle pass's features), so on a 2-core machine a second BLAS thread only spins beside every live
pass: twice the CPU for the same time (benchmarks/README.md, "One BLAS thread"). The environment
covers numpy loaded after livecaption; `one_blas_thread` also limits a numpy loaded before it. A
value the user set is kept.
"""

from __future__ import annotations

import functools
import os

BLAS_ENV = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")  # what OpenBLAS reads, in its order
_USERS = any(name in os.environ for name in BLAS_ENV)  # set by the user: theirs to choose


def default_threads() -> int:
    """Whisper's CPU threads: one core is left to audio, VAD and the window
    (benchmarks/README.md, 'Threads')."""
    return max(1, min(4, (os.cpu_count() or 1) - 1))


def blas_env() -> None:
    """One BLAS thread for a numpy not loaded yet (at livecaption's import)."""
    if not _USERS:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


@functools.cache
def one_blas_thread() -> bool:
    """One BLAS thread in this process from now on, however numpy was loaded (True when limited)."""
    if _USERS:
        return False
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    return True
