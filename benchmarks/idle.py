"""Idle on silence: what a live session costs while nobody speaks, thread by thread (#37).

    python -m benchmarks.idle                      # microphone (a PulseAudio null sink's monitor), 30 s, settle on
    python -m benchmarks.idle --file               # a silent recording played in real time instead
    python -m benchmarks.idle --noise -60          # a room's noise floor: pink-ish noise at -60 dBFS RMS played into it
    python -m benchmarks.idle --repeat 3 --no-settle

The session is the app's (`build_session`), started once the model is loaded; the first `--warm` seconds
(start-up: the settle model loading, the probe that times a peek) are left out, and the process's CPU is
measured over the next `--seconds`, as a share of one core, with each thread's share. The microphone is a
PulseAudio null sink's monitor read through PortAudio, as a microphone is read (benchmarks/meeting.py's
sound server); the sound server's own CPU is reported apart. With `--file`, a file source thread stands
in for PortAudio's callback and costs what the callback would not. Without `--noise` the null sink's
monitor gives digital silence (exact zeros), as a system-audio monitor with nothing playing does; a
microphone in a room hears its noise floor, which the VAD has to look at.
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


def noise(seconds: float, dbfs: float):
    """Generated noise (white, smoothed towards pink) at `dbfs` RMS: a quiet room, not speech."""
    import numpy as np

    from livecaption.samples import SR

    rng = np.random.default_rng(3)
    x = np.convolve(rng.standard_normal(int(seconds * SR)), np.ones(8) / 8, mode="same")
    return (x / np.sqrt(np.mean(x**2)) * 10 ** (dbfs / 20)).astype(np.float32)


def once(settle: bool, use_file: bool, seconds: float, warm: float, server: int | None,
         floor: float | None = None) -> dict:  # fmt: skip
    import numpy as np
    import soundfile as sf

    from livecaption.config import SessionConfig
    from livecaption.samples import SR
    from livecaption.session import build_session

    with tempfile.TemporaryDirectory() as d:
        config = SessionConfig(journal=False, settle=settle)
        total = seconds + warm + 2
        quiet = noise(total, floor) if floor is not None else np.zeros(int(total * SR), np.float32)
        player = None
        if use_file:
            path = Path(d) / "silence.wav"
            sf.write(path, quiet, SR)
            config = SessionConfig(input_file=str(path), realtime=True, journal=False, settle=settle)
        elif floor is not None:  # played into the sink whose monitor is the microphone
            sf.write(Path(d) / "room.wav", quiet, SR)
            player = subprocess.Popen(["paplay", "--device=lc_mic", str(Path(d) / "room.wav")])
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
        if player is not None:
            player.terminate()
            player.wait(5)
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
    ap.add_argument("--noise", type=float, metavar="DBFS", help="a noise floor at this RMS instead of digital silence")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    runs = []
    if args.file:
        runs = [once(not args.no_settle, True, args.seconds, args.warm, None, args.noise) for _ in range(args.repeat)]
    else:
        from benchmarks.meeting import sound_server

        with sound_server():
            server = int(subprocess.run(["pgrep", "-n", "pulseaudio"], capture_output=True, text=True).stdout.split()[0])
            runs = [once(not args.no_settle, False, args.seconds, args.warm, server, args.noise)
                    for _ in range(args.repeat)]  # fmt: skip
    for r in runs:
        print(json.dumps(r), file=sys.stderr)
    report = {"input": "file" if args.file else "microphone (PulseAudio null sink)", "settle": not args.no_settle,
              "noise_dbfs": args.noise,
              "seconds": args.seconds, "median_percent": statistics.median(r["percent"] for r in runs), "runs": runs}  # fmt: skip
    print(json.dumps(report, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
