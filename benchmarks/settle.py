"""The settled transcript against a plain offline pass of the same model, measured in the same run (#22).

    python benchmarks/devset.py                        # builds benchmarks/streams/ once
    python benchmarks/settle.py                        # every English stream, as fast as possible
    python benchmarks/settle.py --realtime --streams lecture_en   # settled lag at the speed of speech
    python benchmarks/settle.py --settle-model base    # settled by the multilingual base, against tiny.en offline

For each stream: a session (live captions and the settle pass, tiny.en, the CLI's defaults) and an
offline faster-whisper pass over the whole file. Word error against the reference (against the
offline text for continuous_en, which has none), the ratios settled ÷ offline and live ÷ offline,
the longest run of words the offline pass reads that neither the live nor the settled text shows,
and with --realtime how far the settled text trailed the audio (each settled caption's emit time
minus its end). `--polish` also reads each session again as `export --polish` does (the same
pass over the kept audio) and reports it against the offline pass. `nonspeech` is 100 s of silence,
hum, noise and breathing (benchmarks/noise.py): it must give no words, live or settled.
JSON on stdout; --out writes it to a file too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.metrics import align, error_rate, tokens
from livecaption.audio.files import read_audio
from livecaption.config import SessionConfig
from livecaption.session import build_session, load

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "speech"
STREAMS = ("lecture_en", "long_en", "quiet_en", "spontaneous_en", "meeting_en", "continuous_en", "nonspeech")


def path_of(name: str) -> tuple[Path, str | None]:
    if name == "nonspeech":
        import soundfile as sf

        from benchmarks.noise import non_speech

        path = Path(tempfile.gettempdir()) / "livecaption-nonspeech-100s.wav"
        sf.write(path, non_speech(100), 16000)
        return path, ""
    for folder in (HERE / "streams", SHARED):
        if (folder / f"{name}.wav").is_file():
            meta = folder / f"{name}.json"
            ref = None
            if meta.is_file():
                ref = " ".join(c["text"] for c in json.loads(meta.read_text(encoding="utf-8"))["clips"])
            return folder / f"{name}.wav", ref
    raise SystemExit(f"no stream {name}: run benchmarks/devset.py")


def lost_run(offline: str, *others: str) -> int:
    """The longest run of offline words that none of `others` has (aligned word by word)."""
    ref = tokens(offline, "word")
    seen = np.zeros(len(ref), bool)
    for text in others:
        for r in align(ref, tokens(text, "word")).hyp_to_ref:
            if r is not None:
                seen[r] = True
    best = run = 0
    for s in seen:
        run = 0 if s else run + 1
        best = max(best, run)
    return best


def one(name: str, loaded, realtime: bool, settle_model: str | None, polish: bool) -> dict:
    path, ref = path_of(name)
    config = SessionConfig(input_file=str(path), realtime=realtime, language="en", device="cpu",
                           settle_model=settle_model)  # fmt: skip
    session = build_session(config, loaded=loaded)
    t = time.monotonic()
    session.start()
    assert session.wait()
    wall = time.monotonic() - t
    eng = session.engine
    live = " ".join(c.text for c in sorted(eng.captions, key=lambda c: c.start))
    settled = " ".join(c.text for c in sorted(eng.settled, key=lambda c: c.start) if c.text)
    # A model instance of its own, as `export --polish` loads: the temperature fallback samples, and
    # the live model's random state depends on what the session decoded before.
    fresh = load(SessionConfig(device="cpu", language="en"))
    t = time.monotonic()
    segments, _ = fresh.model.transcribe(read_audio(path), language="en", beam_size=5)
    offline = " ".join(s.text for s in segments)
    offline_s = time.monotonic() - t
    if ref == "":  # non-speech: every word is a wrong one
        return {"stream": name, "words": {k: len(v.split()) for k, v in (("live", live), ("settled", settled),
                                                                            ("offline", offline))}}  # fmt: skip
    reference = ref or offline
    texts = [("live", live), ("settled", settled), ("offline", offline)]
    if polish:
        from livecaption.recovery import polish as read_again
        from livecaption.storage.journal import load as load_session

        texts.append(("polish", " ".join(c.text for c in read_again(load_session(session.journal.id)[0]))))
    wer = {k: error_rate(reference, v) for k, v in texts}
    row = {
        "stream": name, "reference": "clips" if ref else "offline pass", "wer": {k: round(v, 4) for k, v in wer.items()},
        "settled_x_offline": round(wer["settled"] / wer["offline"], 3) if wer["offline"] else None,
        "live_x_offline": round(wer["live"] / wer["offline"], 3) if wer["offline"] else None,
        **({"polish_x_offline": round(wer["polish"] / wer["offline"], 3) if wer["offline"] else None} if polish else {}),
        "lost_run_words": lost_run(offline, live, settled), "wall_s": round(wall, 1), "offline_s": round(offline_s, 1),
        "compute_live_s": round(eng.compute_s, 1), "compute_settle_s": round(eng.settle_compute_s, 1),
        "windows": sum(i.settle.windows for i in eng.inputs if i.settle), "rereads": sum(i.settle.rereads for i in eng.inputs if i.settle),
    }  # fmt: skip
    if realtime:
        lag = [c.emit - c.end for c in eng.settled if c.text]
        row["settled_lag_s"] = {"p50": round(float(np.percentile(lag, 50)), 1), "p90": round(float(np.percentile(lag, 90)), 1),
                                "max": round(max(lag), 1)} if lag else None  # fmt: skip
    return row


def median_of(runs: list[dict]) -> dict:
    """Each text's median WER over the runs (temperature fallback samples: the offline pass varies
    too), and the ratios of the medians."""
    wer = {k: float(np.median([r["wer"][k] for r in runs])) for k in runs[0]["wer"]}
    out = {"stream": runs[0]["stream"], "runs": len(runs), "median_wer": {k: round(v, 4) for k, v in wer.items()},
           "wer_range": {k: [min(r["wer"][k] for r in runs), max(r["wer"][k] for r in runs)] for k in wer}}  # fmt: skip
    if wer["offline"]:
        out.update({f"{k}_x_offline": round(v / wer["offline"], 3) for k, v in wer.items() if k != "offline"})
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", nargs="*", default=list(STREAMS))
    ap.add_argument("--realtime", action="store_true")
    ap.add_argument("--settle-model", help="the settle pass's model (default: tiny.en, as the live one)")
    ap.add_argument("--polish", action="store_true", help="also read each session again as export --polish does")
    ap.add_argument("--repeat", type=int, default=1, help="runs per stream; the summary has the medians")
    ap.add_argument("--out")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        os.environ["LIVECAPTION_SESSIONS"] = str(Path(d) / "sessions")
        loaded = load(SessionConfig(device="cpu", language="en"))
        rows, medians = [], []
        for name in args.streams:
            runs = []
            for _ in range(args.repeat):
                runs.append(one(name, loaded, args.realtime, args.settle_model, args.polish))
                print(json.dumps(runs[-1]), file=sys.stderr)
            rows += runs
            if args.repeat > 1 and "wer" in runs[0]:
                medians.append(median_of(runs))
                print(json.dumps(medians[-1]), file=sys.stderr)
    text = json.dumps({"realtime": args.realtime, "settle_model": args.settle_model or "tiny.en", "streams": rows,
                       "medians": medians}, indent=1)  # fmt: skip
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
