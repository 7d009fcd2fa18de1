"""numpy's BLAS kept to one thread, however numpy was loaded (livecaption/threads.py): a second one
only spins beside every live pass. Each case in a fresh interpreter, as an app starts."""

import os
import subprocess
import sys

from conftest import ROOT, need

CHECK = """
import sys
{before}
{load}
from threadpoolctl import threadpool_info
print(max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"))
"""
LOAD = "from livecaption.config import SessionConfig; from livecaption.session import load; load(SessionConfig(threads=1))"


def blas_threads(before: str, load: bool = True, **env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", CHECK.format(before=before, load=LOAD if load else "")], capture_output=True, text=True,
                         cwd=ROOT, env={**clean, **env}, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[-1])


def test_one_blas_thread_whether_numpy_loads_before_or_after_livecaption():
    assert blas_threads("import livecaption; import numpy", load=False) == 1  # the environment, before numpy loads
    assert blas_threads("import livecaption") == 1
    assert blas_threads("import numpy") == 1  # loaded first, with a thread per core: limited when the model loads


def test_a_thread_count_the_user_set_is_kept():
    need((os.cpu_count() or 1) >= 2, "one core: OpenBLAS has one thread whatever is asked")
    assert blas_threads("import numpy", OPENBLAS_NUM_THREADS="2") == 2
