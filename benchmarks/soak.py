"""Long-session soak: replay speech for HOURS as fast as possible and watch resident memory.

    python benchmarks/soak.py --hours 8 [--speech ../shared/speech/lecture_en.wav]

Builds a WAV of the lecture repeated (on disk, streamed; never all in memory), runs the
full engine with the session journal, samples RSS every simulated 10 minutes, exports
the whole transcript as SRT at the end, and prints a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from livecaption.audio.files import read_audio
from livecaption.config import SessionConfig
from livecaption.session import build_session
from livecaption.storage.export import save
from livecaption.streaming.engine import EngineListener


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler(EngineListener):
    def __init__(self, every_s: float) -> None:
        self.every, self.next, self.samples = every_s, 0.0, []

    def on_status(self, status) -> None:
        if status.position >= self.next:
            self.samples.append((round(status.position), round(rss_mb(), 1)))
            self.next += self.every


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--speech", default=str(Path(__file__).resolve().parents[2] / "shared/speech/lecture_en.wav"))
    ap.add_argument("--beam-size", type=int, default=5)
    ap.add_argument("--keep", help="copy the session journal (JSONL) here, e.g. to load it into the app")
    args = ap.parse_args()
    speech = read_audio(args.speech)
    total = int(args.hours * 3600 * 16000)
    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "long.wav"
        with sf.SoundFile(wav, "w", 16000, 1, "PCM_16") as f:
            written = 0
            while written < total:
                piece = speech[: total - written]
                f.write(piece)
                written += len(piece)
        os.environ["LIVECAPTION_SESSIONS"] = str(Path(d) / "sessions")  # keep the soak out of the user's sessions
        sampler = Sampler(600)
        config = SessionConfig(input_file=str(wav), device="cpu", language="en", beam_size=args.beam_size)
        session = build_session(config, sampler)
        eng, journal = session.engine, session.journal
        t = time.monotonic()
        session.start()
        session.wait()
        wall = time.monotonic() - t
        t = time.monotonic()
        out = save(eng.captions, Path(d) / "all.srt")
        export_s = time.monotonic() - t
        size = out.stat().st_size
        if args.keep:
            shutil.copyfile(journal.path, args.keep)
    hour = [rss for pos, rss in sampler.samples if pos <= 3600]
    last = [rss for pos, rss in sampler.samples if pos >= (args.hours - 1) * 3600]
    print(json.dumps({
        "hours": args.hours, "captions": len(eng.captions), "wall_s": round(wall), "rtf": round(wall / (args.hours * 3600), 3),
        "rss_first_hour_max_mb": max(hour) if hour else None, "rss_last_hour_max_mb": max(last) if last else None,
        "rss_growth_mb": (max(last) - max(hour)) if hour and last else None,
        "export_srt_s": round(export_s, 2), "srt_bytes": size, "samples": sampler.samples,
    }, indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
