"""Cold start of the desktop app: process start -> window shown -> first caption, and bundle size.

    .venv/bin/python benchmarks/startup.py [--bundle dist/livecaption/livecaption] [--repeat 5]

Runs the app offscreen on tests/data/jfk.flac (not real time: the first caption comes as soon as the
model has loaded and decoded the first speech), from the virtual environment and, if built, from the
PyInstaller bundle, alternating, and prints medians. The first run of each is a warm-up for the disk cache.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "tests" / "data" / "jfk.flac"


def once(command: list[str], env_path: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "startup.log"
        env = {"PATH": env_path, "HOME": tmp, "QT_QPA_PLATFORM": "offscreen", "LIVECAPTION_STARTUP_LOG": str(log),
               "XDG_CONFIG_HOME": f"{tmp}/c", "XDG_DATA_HOME": f"{tmp}/d", "LANG": "C.UTF-8"}  # fmt: skip
        start = time.time()
        subprocess.run([*command, "--input", str(CLIP), "--exit-when-done", "--save", f"{tmp}/out.srt"],
                       env=env, check=True, capture_output=True, timeout=300)  # fmt: skip
        total = time.time() - start
        marks = {k: float(v) - start for k, v in (line.split() for line in log.read_text().splitlines())}
        return {"window_s": marks["window_shown"], "caption_s": marks["first_caption"], "exit_s": total}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundle", default=str(ROOT / "dist" / "livecaption" / "livecaption"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "startup.json"))
    args = ap.parse_args()
    variants = {"venv": ([str(ROOT / ".venv" / "bin" / "livecaption")], f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin")}
    if Path(args.bundle).exists():
        variants["bundle"] = ([args.bundle], "/usr/bin:/bin")  # no virtual environment on PATH
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in variants}
    for cmd, path in variants.values():
        once(cmd, path)  # warm-up
    for _ in range(args.repeat):
        for name, (cmd, path) in variants.items():
            runs[name].append(once(cmd, path))
    result = {"clip": CLIP.name, "repeat": args.repeat, "cpu_count": os.cpu_count(), "variants": {}}
    for name, rs in runs.items():
        med = {k: round(statistics.median(r[k] for r in rs), 2) for k in rs[0]}
        result["variants"][name] = {"median": med, "runs": rs}
        print(f"{name:7s} window shown {med['window_s']:.2f} s, first caption {med['caption_s']:.2f} s, "
              f"done {med['exit_s']:.2f} s (median of {args.repeat})")  # fmt: skip
    if "bundle" in variants:
        bundle_dir = Path(args.bundle).parent
        size = sum(f.stat().st_size for f in bundle_dir.rglob("*") if f.is_file() and not f.is_symlink())
        result["bundle_mb"] = round(size / 1e6)
        archives = sorted((ROOT / "dist").glob("livecaption-*.tar.gz"))
        if archives:
            result["archive_mb"] = round(archives[-1].stat().st_size / 1e6)
        print(f"bundle {result['bundle_mb']} MB on disk; archive {result.get('archive_mb', '?')} MB")
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
