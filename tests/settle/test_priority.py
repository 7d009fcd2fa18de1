import os
import threading
from pathlib import Path

import numpy as np
import pytest

from livecaption.settle.priority import lowered_threads


def policy_of(tid: int) -> int:
    return os.sched_getscheduler(tid)


def test_threads_started_in_the_block_run_only_when_the_cpu_is_free():
    stop = threading.Event()
    outside = threading.Thread(target=stop.wait)
    outside.start()
    with lowered_threads() as started:
        inside = threading.Thread(target=stop.wait)
        inside.start()
    try:
        assert started == [inside.native_id]
        assert policy_of(inside.native_id) == os.SCHED_IDLE
        assert policy_of(outside.native_id) == os.SCHED_OTHER
        assert policy_of(threading.get_native_id()) == os.SCHED_OTHER  # the caller keeps its priority
    finally:
        stop.set()
        inside.join()
        outside.join()


def cpu_ticks(tid: int) -> int:
    fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.mark.model  # loads the real model
def test_the_settle_model_computes_on_a_lowered_thread():
    from livecaption.config import SessionConfig
    from livecaption.session import load_settle_model

    before = {int(t) for t in os.listdir("/proc/self/task")}
    loaded = load_settle_model(SessionConfig(model="tiny.en", device="cpu"))
    new = {int(t) for t in os.listdir("/proc/self/task")} - before
    assert new and all(policy_of(t) == os.SCHED_IDLE for t in new)
    alive = {int(t) for t in os.listdir("/proc/self/task")}
    start = {t: cpu_ticks(t) for t in alive}
    audio = np.random.default_rng(0).normal(0, 0.01, 16000 * 30).astype(np.float32)
    list(loaded.model.transcribe(audio, language="en", temperature=0)[0])
    spent = {t: cpu_ticks(t) - start[t] for t in alive if os.path.exists(f"/proc/self/task/{t}")}
    busiest = max(spent, key=spent.get)
    assert busiest in new, spent  # the decoding ran on the lowered thread, not on the caller's
