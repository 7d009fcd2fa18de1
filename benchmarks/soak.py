"""Long-session soak: does an hour-long session keep captioning? (#27)

    python benchmarks/soak.py --minutes 72                 # as fast as possible
    python benchmarks/soak.py --minutes 30 --realtime      # at the speed of speech
    python benchmarks/soak.py --minutes 480 --no-offline   # memory only, 8 hours

The stream is built from ../shared/speech: rounds of lecture_en, spontaneous_en, continuous_en and
meeting_en, each round in another order, until it is long enough (on disk, streamed; never all in
memory). The full engine runs with its journal. Reported per 5-minute block: words captioned
against an offline faster-whisper pass of that block with the same model (same run), the
real-time factor (compute seconds per second of audio) and resident memory; and the watchdog's
work. JSON on stdout; --out writes it to a file too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.metrics import tokens
from livecaption.audio.files import read_audio
from livecaption.config import SessionConfig
from livecaption.samples import SR
from livecaption.session import build_session
from livecaption.streaming.engine import EngineListener

BLOCK_S = 300
SPEECH = Path(__file__).resolve().parents[2] / "shared" / "speech"
PARTS = ("lecture_en", "spontaneous_en", "continuous_en", "meeting_en")


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build_stream(path: Path, seconds: float, seed: int = 0) -> list[str]:
    """Rounds of the four recordings, each round shuffled, 1 s apart, written to `path`."""
    rng = random.Random(seed)
    audio = {name: read_audio(SPEECH / f"{name}.wav") for name in PARTS}
    order: list[str] = []
    total = int(seconds * SR)
    with sf.SoundFile(path, "w", SR, 1, "PCM_16") as f:
        written = 0
        while written < total:
            names = list(PARTS)
            rng.shuffle(names)
            for name in names:
                piece = np.concatenate((audio[name], np.zeros(SR, np.float32)))[: total - written]
                f.write(piece)
                written += len(piece)
                order.append(name)
                if written >= total:
                    break
    return order


class Sampler(EngineListener):
    """Memory and compute at each block boundary, and every watchdog notice."""

    def __init__(self) -> None:
        self.engine = None
        self.samples: list[dict] = []  # at each block's end: position, rss, compute_s
        self.notices: list[str] = []
        self._next = BLOCK_S

    def on_status(self, status) -> None:
        if status.position >= self._next and self.engine is not None:
            self.samples.append({"at_s": round(status.position), "rss_mb": round(rss_mb(), 1),
                                 "compute_s": round(self.engine.compute_s, 1)})  # fmt: skip
            self._next += BLOCK_S

    def on_notice(self, text: str) -> None:
        self.notices.append(text)


def offline_words(wav: Path, loaded, blocks: int) -> list[int]:
    """Words an offline pass (faster-whisper's own long-form decoding, same model) reads in each block."""
    out = []
    with sf.SoundFile(wav) as f:
        for _ in range(blocks):
            block = f.read(BLOCK_S * SR, dtype="float32")
            segments, _ = loaded.model.transcribe(block, language="en", beam_size=5)
            out.append(sum(len(tokens(s.text, "word")) for s in segments))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=72.0)
    ap.add_argument("--realtime", action="store_true", help="feed the stream at the speed of speech")
    ap.add_argument("--no-offline", action="store_true", help="skip the offline reference passes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-settle", action="store_true", help="live captions only")
    ap.add_argument("--out", help="also write the JSON here")
    ap.add_argument("--keep", help="copy the session journal (JSONL) here, e.g. to load it into the app")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "long.wav"
        order = build_stream(wav, args.minutes * 60, args.seed)
        os.environ["LIVECAPTION_SESSIONS"] = str(Path(d) / "sessions")  # keep the soak out of the user's sessions
        sampler = Sampler()
        config = SessionConfig(input_file=str(wav), realtime=args.realtime, device="cpu", language="en",
                               settle=not args.no_settle)  # fmt: skip
        session = build_session(config, sampler)
        sampler.engine = session.engine
        t = time.monotonic()
        session.start()
        assert session.wait()
        wall = time.monotonic() - t
        eng = session.engine
        blocks = int(args.minutes * 60 // BLOCK_S)
        live, settled = [0] * blocks, [0] * blocks
        lags: list[list[float]] = [[] for _ in range(blocks)]
        for c in eng.captions:
            k = int(c.start // BLOCK_S)
            if k < blocks:
                live[k] += len(tokens(c.text, "word"))
        for c in eng.settled:
            k = int(c.start // BLOCK_S)
            if k < blocks and c.text:
                settled[k] += len(tokens(c.text, "word"))
                lags[k].append(c.emit - c.end)
        offline = None if args.no_offline else offline_words(wav, session.loaded, blocks)
        if args.keep and session.journal is not None:
            shutil.copyfile(session.journal.path, args.keep)
    rows = []
    prev = {"at_s": 0, "compute_s": 0.0}
    for k in range(blocks):
        s = sampler.samples[k] if k < len(sampler.samples) else None
        row = {"block": k, "from_min": k * BLOCK_S // 60, "live_words": live[k], "settled_words": settled[k]}
        if offline is not None:
            row["offline_words"] = offline[k]
            row["ratio"] = round(live[k] / offline[k], 3) if offline[k] else None
            row["settled_ratio"] = round(settled[k] / offline[k], 3) if offline[k] else None
        if args.realtime and lags[k]:
            row["settled_lag_p90_s"] = round(float(np.percentile(lags[k], 90)), 1)
        if s is not None:
            row["rtf"] = round((s["compute_s"] - prev["compute_s"]) / max(1, s["at_s"] - prev["at_s"]), 3)
            row["rss_mb"] = s["rss_mb"]
            prev = s
        rows.append(row)
    ratios = [r["ratio"] for r in rows if r.get("ratio") is not None]
    rtfs = [r["rtf"] for r in rows if "rtf" in r]
    rss = [r["rss_mb"] for r in rows if "rss_mb" in r]
    summary = {
        "minutes": args.minutes, "realtime": args.realtime, "order": order, "captions": len(eng.captions),
        "wall_s": round(wall), "rtf_total": round(eng.compute_s / (args.minutes * 60), 3),
        "min_ratio": min(ratios) if ratios else None, "silent_blocks": sum(1 for r in rows if r["live_words"] == 0),
        "min_settled_ratio": min((r["settled_ratio"] for r in rows if r.get("settled_ratio") is not None), default=None),
        "settle_compute_s": round(eng.settle_compute_s, 1),
        "rtf_first_10min": round(float(np.mean(rtfs[:2])), 3) if rtfs else None,
        "rtf_last_10min": round(float(np.mean(rtfs[-2:])), 3) if rtfs else None,
        "rss_after_5min_mb": rss[0] if rss else None, "rss_max_after_5min_mb": max(rss) if rss else None,
        "watchdog": eng.transcriber.stats["watchdog"], "prompts_dropped": eng.transcriber.stats["prompts_dropped"],
        "cut": eng.transcriber.stats["cut"], "notices": sampler.notices, "blocks": rows,
    }  # fmt: skip
    text = json.dumps(summary, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
