"""Where a final's time at a pause goes: the VAD's silence, the wait for the transcriber, its own pass.

    python -m benchmarks.pause_trace lecture_en 120                      # first 120 s, real time, as the app runs
    python -m benchmarks.pause_trace lecture_en 120 settle=0 speakers=0  # without the settle pass and speaker labels
    python -m benchmarks.pause_trace lecture_en 120 settle_model=tiny.en peek=0

The stream (from ../shared/speech, with its reference clips) is cut to its first SECONDS and captioned in real
time through the app's session. Every live pass is timed on the transcriber thread. For each reference clip, its
first live final is found and the pass that made it: *ready* is when the segmenter offered the utterance's end
after the clip's end (the VAD's silence), *wait* from then until the transcriber took it, *pass* the pass itself.
Prints medians and p90s, the passes by kind (peek, look in a pause, final, chunk) with their median wall time,
and the process CPU (% of one core); --json writes every pass.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

import soundfile as sf

from livecaption.captions import Caption
from livecaption.config import SessionConfig
from livecaption.samples import SR
from livecaption.session import build_session, load
from livecaption.streaming.engine import EngineListener
from livecaption.transcription.policy import Transcriber

SHARED = Path(__file__).resolve().parents[2] / "shared" / "speech"


class _Collect(EngineListener):
    def __init__(self) -> None:
        self.events: list[Caption] = []

    def on_caption(self, caption: Caption) -> None:
        self.events.append(caption)


def _traced(passes: list[dict], clock):
    real = Transcriber.transcribe

    def transcribe(self, chunk, greedy=False):
        took = clock()
        out = real(self, chunk, greedy=greedy)
        passes.append({"start": chunk.start / SR, "end": chunk.end / SR, "look": chunk.is_look, "peek": chunk.peek,
                       "utterance_end": chunk.utterance_end, "ready": chunk.ready / SR, "took": took, "done": clock()})  # fmt: skip
        return out

    return transcribe


def _p(values: list[float]) -> str:
    if not values:
        return "-"
    v = sorted(values)
    return f"{statistics.median(v):.3f} / {v[int(0.9 * (len(v) - 1))]:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stream")
    ap.add_argument("seconds", type=float)
    ap.add_argument("options", nargs="*", help="settle=0, speakers=0, settle_model=NAME, peek=SECONDS")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    opts = dict(o.split("=", 1) for o in args.options)
    src = SHARED / f"{args.stream}.wav"
    clips = [c for c in json.loads(src.with_suffix(".json").read_text())["clips"] if c["end"] < args.seconds - 1]
    audio, _ = sf.read(src, dtype="float32")
    passes: list[dict] = []
    listener = _Collect()
    with tempfile.TemporaryDirectory() as d:
        cut = Path(d) / "cut.wav"
        sf.write(cut, audio[: int(args.seconds * SR)], SR)
        config = SessionConfig(input_file=str(cut), realtime=True, journal=False, settle=opts.get("settle", "1") == "1",
                               speakers=opts.get("speakers", "1") == "1", peek_s=float(opts.get("peek", 0.4)),
                               settle_model=opts.get("settle_model", "auto"))  # fmt: skip
        session = build_session(config, listener, loaded=load(config))
        Transcriber.transcribe = _traced(passes, session.engine.now)  # type: ignore[method-assign]
        c0, w0 = time.process_time(), time.monotonic()
        session.start()
        session.wait()
        cpu = 100 * (time.process_time() - c0) / (time.monotonic() - w0)
    finals = [c for c in listener.events if c.final and c.text and not c.settled]
    rows = []
    for clip in clips:
        mine = [c for c in finals if c.end >= clip["end"] - 0.5 and c.start < clip["end"]]
        if not mine:
            continue
        first = min(mine, key=lambda c: c.emit)
        made = [p for p in passes if p["utterance_end"] and not p["look"] and abs(p["end"] - clip["end"]) < 1.0
                and p["done"] >= first.emit - 0.05]  # fmt: skip
        p = min(made, key=lambda p: p["done"]) if made else None
        rows.append({"final": first.emit - clip["end"], "ready": p and p["ready"] - clip["end"],
                     "wait": p and p["took"] - p["ready"], "pass": p and p["done"] - p["took"]})  # fmt: skip
    print(f"{args.stream} 0-{args.seconds:.0f} s {opts or ''}: {session.describe()}")
    print(f"  clips {len(rows)} of {len(clips)}; process CPU {cpu:.0f} % of one core")
    for key in ("final", "ready", "wait", "pass"):
        print(f"  {key:6} p50 / p90 {_p([r[key] for r in rows if r[key] is not None])} s")
    kinds = {"peek": lambda p: p["look"] and p["peek"], "look in a pause": lambda p: p["look"] and not p["peek"],
             "final": lambda p: not p["look"] and p["utterance_end"], "chunk": lambda p: not p["look"] and not p["utterance_end"]}  # fmt: skip
    for name, of in kinds.items():
        spent = [p["done"] - p["took"] for p in passes if of(p)]
        print(f"  {name:16} {len(spent):4} passes, {sum(spent):6.1f} s, median {_p(spent).split(' /')[0]} s")
    print(f"  time in live passes ÷ audio {sum(p['done'] - p['took'] for p in passes) / args.seconds:.3f}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "passes": passes}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
