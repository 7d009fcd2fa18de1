"""Whisper's big buffers stay in the heap (livecaption/heap.py): after the first pass, a pass faults in
no pages again. Before, every 30 s window mapped each encoder layer's attention scores afresh from
the kernel (tiny.en: 54 MB a layer). Each case in a fresh interpreter, as an app starts."""

import os
import subprocess
import sys

from conftest import ROOT

CHECK = """
import resource
import numpy as np
import livecaption
from livecaption.config import SessionConfig
from livecaption.heap import keep_buffers
from livecaption.session import load

decoder = load(SessionConfig(threads=1)).decoder(20.0)
noise = np.random.default_rng(1).normal(0, 0.05, 16000 * 28).astype(np.float32)
decoder.encode(noise[:16000 * 4], noise[16000 * 4:], 30.0)  # the first pass takes its pages
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(2):
    decoder.encode(noise[:16000 * 4], noise[16000 * 4:], 30.0)
print(keep_buffers(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults(**env: str) -> tuple[bool, int]:
    """Whether the buffers are kept, and the pages faulted in by two later 30 s passes."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=ROOT,
                         env={**clean, **env}, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr
    kept, count = out.stdout.split()[-2:]
    return kept == "True", int(count)


def test_a_pass_faults_in_no_pages_after_the_first():
    kept, count = faults()
    assert kept
    assert count < 2000, f"{count} pages faulted in by two passes"  # 4 KiB each: under 8 MB, not 2 x 4 x 54 MB


def test_a_malloc_setting_the_user_made_is_kept():
    kept, count = faults(MALLOC_ARENA_MAX="2")
    assert not kept
    assert count > 20000  # glibc's own behaviour: each pass maps its attention scores afresh
