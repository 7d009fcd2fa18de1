"""Idle on silence: what a live session costs while nobody speaks, thread by thread (#37).

    python -m benchmarks.idle                      # microphone (a PulseAudio null sink's monitor), 30 s, settle on
    python -m benchmarks.idle --file               # a silent recording played in real time instead
    python -m benchmarks.idle --repeat 3 --no-settle

The session is the app's (`build_session`), started once the model is loaded; the first `--warm` seconds
(start-up: the settle model loading, the probe that times a peek) are left out, and the process's CPU is
measured over the next `--seconds`, as a share of one core, with each thread's share. The microphone is a
PulseAudio null sink's monitor read through PortAudio, as a microphone is read (benchmarks/meeting.py's
sound server); the sound server's own CPU is reported apart. With `--file`, a file source thread stands
in for PortAudio's callback and costs what the callback would not.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu() -> dict[tuple[str, str], float]:
    """CPU seconds of each of this process's threads, by (tid, kernel name)."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            stat = Path(f"/proc/self/task/{tid}/stat").read_text()
            name = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        out[(tid, name)] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def pid_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def once(settle: bool, use_file: bool, seconds: float, warm: float, server: int | None) -> dict:
    import numpy as np
    import soundfile as sf

    from livecaption.config import SessionConfig
    from livecaption.samples import SR
    from livecaption.session import build_session

    with tempfile.TemporaryDirectory() as d:
        config = SessionConfig(journal=False, settle=settle)
        if use_file:
            path = Path(d) / "silence.wav"
            sf.write(path, np.zeros(int((seconds + warm + 2) * SR), np.float32), SR)
            config = SessionConfig(input_file=str(path), realtime=True, journal=False, settle=settle)
        session = build_session(config)
        session.start()
        time.sleep(warm)
        names = {str(t.native_id): t.name for t in threading.enumerate()}
        a, c0, w0 = thread_cpu(), time.process_time(), time.monotonic()
        s0 = pid_cpu(server) if server else 0.0
        time.sleep(seconds)
        b, c1, w1 = thread_cpu(), time.process_time(), time.monotonic()
        s1 = pid_cpu(server) if server else 0.0
        session.stop()
        session.wait()
    wall = w1 - w0
    threads = {f"{names.get(k[0], k[1])}": round(100 * (b[k] - a.get(k, 0.0)) / wall, 2) for k in b}
    return {"percent": round(100 * (c1 - c0) / wall, 2), "threads": {k: v for k, v in threads.items() if v > 0},
            "sound_server_percent": round(100 * (s1 - s0) / wall, 2) if server else None}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--warm", type=float, default=6.0)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--file", action="store_true", help="a silent recording in real time instead of the microphone")
    ap.add_argument("--no-settle", action="store_true")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    runs = []
    if args.file:
        runs = [once(not args.no_settle, True, args.seconds, args.warm, None) for _ in range(args.repeat)]
    else:
        from benchmarks.meeting import sound_server

        with sound_server():
            server = int(subprocess.run(["pgrep", "-n", "pulseaudio"], capture_output=True, text=True).stdout.split()[0])
            runs = [once(not args.no_settle, False, args.seconds, args.warm, server) for _ in range(args.repeat)]
    for r in runs:
        print(json.dumps(r), file=sys.stderr)
    report = {"input": "file" if args.file else "microphone (PulseAudio null sink)", "settle": not args.no_settle,
              "seconds": args.seconds, "median_percent": statistics.median(r["percent"] for r in runs), "runs": runs}  # fmt: skip
    print(json.dumps(report, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
