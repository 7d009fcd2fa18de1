"""Per-word pace of live captions: how soon each spoken word is on screen, and how often it changes.

    python benchmarks/devset.py                        # once: builds benchmarks/streams/
    python benchmarks/pace.py                          # continuous streams, real time, settle on, 3 runs
    python benchmarks/pace.py long_en --repeat 1 --sim # quick: simulated clock, no settle pass
    python benchmarks/pace.py continuous_en --peek 0 --commit-after 8 --chunk 4   # the live path of before #23

Each word's time is taken from an offline pass of the same model over the whole file with word
timestamps (its end). A word is *shown* at the first live caption, partial or final, whose text has
it, aligned within the caption's time span (± `MARGIN_S`); *final* at the first final that has it.
Reported per stream, medians over the runs: word shown after its end p50/p90/max, first final
p50/p90, the share of the offline words ever shown, *flicker* (words that left the screen, partial
or final, against all words that came onto it) and flicker of words shown as stable, live WER
(against the reference clips where the stream has them, else the offline text), the session's CPU
(% of one core: live and settle threads), and partial updates' median gap while speech goes on.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks import bench
from benchmarks.metrics import error_rate, normalize_words
from benchmarks.scoring import pct, score
from livecaption.audio.files import read_audio
from livecaption.captions import Caption
from livecaption.config import SessionConfig
from livecaption.samples import SR
from livecaption.session import load
from livecaption.streaming.stability import Stability

STREAMS = Path(__file__).resolve().parent / "streams"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "speech"
CONTINUOUS = ("continuous_en", "long_en", "quiet_en", "spontaneous_en")
MARGIN_S = 1.5
TAIL_WORDS = 80  # the end of the screen compared between two updates


def path_of(name: str) -> Path:
    for folder in (STREAMS, SHARED):
        if (folder / f"{name}.wav").is_file():
            return folder / f"{name}.wav"
    raise SystemExit(f"no stream {name} (run benchmarks/devset.py)")


def reference_words(audio, loaded, language: str) -> list[tuple[str, float]]:
    """(normalised word, end time) of the offline pass with word timestamps, in order."""
    segments, _ = loaded.model.transcribe(audio, language=language, beam_size=5, word_timestamps=True)
    return [(tok, w.end) for s in segments for w in s.words or () for tok in normalize_words(w.word)]


def _tokens(caption: Caption) -> list[str]:
    return normalize_words(caption.text)


def first_times(ref: list[tuple[str, float]], events: list[Caption]) -> list[float | None]:
    """For each reference word, the emit time of the first event that has it (aligned in its span)."""
    ends = [e for _, e in ref]
    shown: list[float | None] = [None] * len(ref)
    for ev in sorted(events, key=lambda c: c.emit):
        toks = _tokens(ev)
        if not toks:
            continue
        lo = next((i for i, e in enumerate(ends) if e >= ev.start - MARGIN_S), len(ends))
        hi = next((i for i in range(lo, len(ends)) if ends[i] > ev.end + MARGIN_S), len(ends))
        window = [w for w, _ in ref[lo:hi]]
        for a, _, n in SequenceMatcher(None, window, toks, autojunk=False).get_matching_blocks():
            for k in range(lo + a, lo + a + n):
                if shown[k] is None or ev.emit < shown[k]:
                    shown[k] = ev.emit
    return shown


def flicker(events: list[Caption]) -> tuple[int, int, int]:
    """(words that came onto the screen, words that left it, stable words that left it): the screen
    is the finals so far and the newest partial, as the overlay shows them."""
    finals: list[str] = []
    partial: list[tuple[str, bool]] = []
    prev: list[tuple[str, bool]] = []
    came = left = left_stable = 0
    # Captions delivered together (one emit time: a commit's final and the partial of the rest) are
    # one update of the screen.
    for _, group in itertools.groupby(sorted(events, key=lambda c: c.emit), key=lambda c: c.emit):
        for ev in group:
            if ev.final:
                finals += _tokens(ev)
                partial = []
            else:
                stable = len(normalize_words(ev.text[: ev.stable]))
                partial = [(w, k < stable) for k, w in enumerate(_tokens(ev))]
        screen = [(w, True) for w in finals[-TAIL_WORDS:]] + partial
        a, b = prev[-TAIL_WORDS:], screen[-TAIL_WORDS:]
        matched_a, matched_b = set(), set()
        for i, j, n in SequenceMatcher(None, [w for w, _ in a], [w for w, _ in b], autojunk=False).get_matching_blocks():
            matched_a.update(range(i, i + n))
            matched_b.update(range(j, j + n))
        # Words of the old screen's end that the new one does not have (its start scrolls away).
        gone = [k for k in range(max(0, len(a) - TAIL_WORDS // 2), len(a)) if k not in matched_a]
        left += len(gone)
        left_stable += sum(1 for k in gone if a[k][1])
        came += sum(1 for k in range(len(b)) if k not in matched_b and k >= len(b) - TAIL_WORDS // 2)
        prev = screen
    return came, left, left_stable


def measure(name: str, ref, events: list[Caption], finals: list[Caption], duration: float, clips) -> dict:
    live = [e for e in events if not e.settled]
    shown = first_times(ref, live)
    final = first_times(ref, [e for e in live if e.final])
    delay = [s - e for s, (_, e) in zip(shown, ref, strict=True) if s is not None]
    final_delay = [s - e for s, (_, e) in zip(final, ref, strict=True) if s is not None]
    came, left, left_stable = flicker(live)
    ordered = sorted(live, key=lambda c: c.emit)
    gaps = [b.emit - a.emit for a, b in itertools.pairwise(ordered) if not a.final]  # after a partial: speech goes on
    text = " ".join(c.text for c in finals)
    out = {
        "stream": name,
        "duration_s": duration,
        "words": len(ref),
        "shown_share": len(delay) / max(1, len(ref)),
        "shown_p50": pct(delay, 0.5), "shown_p90": pct(delay, 0.9), "shown_max": max(delay, default=None),
        "final_p50": pct(final_delay, 0.5), "final_p90": pct(final_delay, 0.9),
        "flicker": left / max(1, came), "flicker_stable": left_stable / max(1, came),
        "update_gap_p50": pct(gaps, 0.5),
        "partials": sum(1 for e in live if not e.final),
    }  # fmt: skip
    if clips:
        unit = "word"
        sc = score(clips, finals, unit, live)
        out["wer"] = sc["error_rate"]
        out["utterance_final_p50"] = pct(sc["latency"], 0.5)
    else:
        out["wer_vs_offline"] = error_rate(" ".join(w for w, _ in ref), text)
    return out


def run_sim(audio, loaded, config: SessionConfig, fields: dict) -> tuple[list[Caption], list[Caption], float]:
    from benchmarks.streaming_sim import segment, simulate
    from livecaption.transcription.policy import Transcriber

    options = replace(config.transcribe_options(), **fields)
    transcriber = Transcriber(loaded.decoder(options.encoder_s), options)
    events, compute = simulate(segment(audio, config.segmenter_config()), transcriber, config.peek_s)
    stability = Stability()
    for e in events:
        stability.mark(e)
    return [e for e in events if e.final and e.text], events, compute


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("streams", nargs="*", default=list(CONTINUOUS))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sim", action="store_true", help="simulated real time (no settle pass, no engine threads)")
    ap.add_argument("--no-settle", action="store_true")
    ap.add_argument("--model", default=None)
    ap.add_argument("--peek", type=float, default=None, help="seconds between peeks (0: off)")
    ap.add_argument("--chunk", type=float, default=None)
    ap.add_argument("--commit-after", type=float, default=None)
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="with --sim: a TranscribeOptions field, e.g. peek_context_s=8")  # fmt: skip
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/pace.json"))
    ap.add_argument("--events", type=Path, help="also write each run's caption events (JSONL) into this folder")
    args = ap.parse_args()
    config = SessionConfig(model=args.model, language="en", journal=False, settle=not args.no_settle, realtime=True)
    if args.peek is not None:
        config = replace(config, peek_s=args.peek)
    if args.chunk is not None:
        config = replace(config, chunk_s=args.chunk)
    if args.commit_after is not None:
        config = replace(config, commit_after_s=args.commit_after)
    loaded = load(config)
    results = []
    for name in args.streams:
        path = path_of(name)
        audio = read_audio(path)
        duration = len(audio) / SR
        meta = path.with_suffix(".json")
        clips = json.loads(meta.read_text(encoding="utf-8"))["clips"] if meta.is_file() else None
        ref = reference_words(audio, loaded, "en")
        runs = []
        for k in range(args.repeat):
            t = time.monotonic()
            if args.sim:
                fields = {k: float(v) for k, v in (item.split("=", 1) for item in args.set)}
                finals, events, compute = run_sim(audio, loaded, config, fields)
                cpu = None
            else:
                finals, events, compute = bench.run_live(path, loaded, replace(config, input_file=str(path)))
                cpu = bench.run_cpu.get("percent")
            m = measure(name, ref, events, finals, duration, clips)
            if args.events:
                args.events.mkdir(parents=True, exist_ok=True)
                lines = (json.dumps(e.to_dict(), ensure_ascii=False) for e in sorted(events, key=lambda c: c.emit))
                (args.events / f"{name}-{k + 1}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
            m["cpu_percent"], m["rtf"] = cpu, compute / duration
            runs.append(m)
            print(f"{name} run {k + 1} ({time.monotonic() - t:.0f} s): " + ", ".join(
                f"{key} {v:.3f}" for key, v in m.items() if isinstance(v, float)), file=sys.stderr, flush=True)  # fmt: skip
        med = {key: statistics.median(r[key] for r in runs) for key, v in runs[0].items()
               if isinstance(v, (int, float)) and all(r.get(key) is not None for r in runs)}  # fmt: skip
        results.append({"stream": name, "median": med, "runs": runs})
        print(f"{name} median: " + ", ".join(f"{k} {v:.3f}" for k, v in med.items()), flush=True)
    setup = {"model": loaded.spec.name, "sim": args.sim, "settle": config.settle, "peek_s": config.peek_s,
             "chunk_s": config.chunk_s, "commit_after_s": config.commit_after_s, "repeat": args.repeat}  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"setup": setup, "streams": results}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
