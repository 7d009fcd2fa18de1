"""What word times cost the settle pass (#38): a stream read as the settle pass reads it, with and without
its words' times (WindowReader.word_times, on when a session labels speakers), alternated.

    python benchmarks/word_times.py talk_b --model base --repeat 2

Reports, per run, the process CPU seconds and wall seconds of the reading and whether its text and
segment times are the same as without word times. The session's own settle pass reads the same windows,
so the difference is what labelling speakers adds to it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from livecaption.audio.files import read_audio
from livecaption.settle.recording import settle_recording
from livecaption.whisper.longform import WindowReader
from livecaption.whisper.models import load_model, resolve_model

HERE = Path(__file__).resolve().parent
FOLDERS = (HERE / "streams", HERE.parents[1] / "shared" / "speech")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("stream")
    ap.add_argument("--model", default="base")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    path = next((f / f"{args.stream}.wav" for f in FOLDERS if (f / f"{args.stream}.wav").is_file()), None)
    if path is None:
        raise SystemExit(f"no stream {args.stream}")
    audio = read_audio(path)
    model = load_model(resolve_model(args.model), "cpu", "int8", 1).model  # one thread, as the settle model runs
    runs: dict[str, list[dict]] = {"off": [], "on": []}
    texts = {}
    for _ in range(args.repeat):
        for mode in ("off", "on"):
            reader = WindowReader(model, "en")
            reader.word_times = mode == "on"
            c0, t0 = time.process_time(), time.perf_counter()
            pieces = settle_recording(reader, audio) or []
            runs[mode].append({"cpu_s": round(time.process_time() - c0, 2), "wall_s": round(time.perf_counter() - t0, 2)})
            texts[mode] = [(p.start, p.end, p.text) for p in pieces]
            print(mode, runs[mode][-1], file=sys.stderr)
    off, on = (statistics.median(r["cpu_s"] for r in runs[m]) for m in ("off", "on"))
    report = {"stream": args.stream, "model": args.model, "audio_s": round(len(audio) / 16000, 1), "runs": runs,
              "same_text_and_times": texts["off"] == texts["on"], "cpu_added_pct_of_a_core_at_real_time":
              round(100 * (on - off) / (len(audio) / 16000), 2), "cpu_on_over_off": round(on / off, 3)}  # fmt: skip
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
