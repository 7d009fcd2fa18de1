"""Every stream of the development set in one command, one table.

    python benchmarks/devset.py                      # once: builds benchmarks/streams/
    python benchmarks/devbench.py                    # all streams, simulated real time
    python benchmarks/devbench.py --engine           # the real engine in real time (slow: ~21 min)
    python benchmarks/devbench.py long_en quiet_en "context_s=8" --repeat 3

Per stream: the live error rate (WER; CER for Korean), an offline whole-file run of the same model,
their ratio, final and partial latency, the real-time factor, and *speech lost*: seconds of speech
the VAD passed that no caption with words covers (stretches of at least `LOST_MIN_S`; a caption
covers its start..end, widened by `SLACK_S`). The transcriber's rejections (speech it decided was not
speech, with the reason) are listed with --verbose.

Default (simulated): the VAD and segmenter run once, then one Transcriber takes the chunks on a
virtual clock with the engine's own Scheduler (streaming_sim.py); error rates are exact, latencies
use each pass's measured compute on this machine. --engine runs the whole session in real time
instead. English streams use the bundled tiny.en, Korean the multilingual base (or --model).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.scoring import pct, score
from benchmarks.streaming_sim import TimedDecoder, segment, simulate
from livecaption.audio.files import read_audio
from livecaption.captions import Caption
from livecaption.config import SessionConfig
from livecaption.samples import SR, Chunk
from livecaption.session import load
from livecaption.streaming.segmenter import SegmenterConfig
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber

STREAMS = Path(__file__).resolve().parent / "streams"
SET = ("lecture_en", "long_en", "spontaneous_en", "quiet_en", "meeting_en", "lecture_ko")
LOST_MIN_S = 1.0  # shorter uncovered bits are edges of captions, not lost sentences
SLACK_S = 0.5


def speech_lost(chunks: list[Chunk], finals: list[Caption]) -> list[tuple[float, float]]:
    """Stretches (start, end) of VAD-passed audio that no caption with words covers."""
    step = 0.02
    covered = np.zeros(int(max((c.end for c in chunks), default=0) / SR / step) + 2, bool)
    speech = np.zeros_like(covered)
    for c in chunks:
        if not c.is_look:
            speech[int(c.start / SR / step) : int(c.end / SR / step)] = True
    for cap in finals:
        if cap.text.strip():
            covered[max(0, int((cap.start - SLACK_S) / step)) : int((cap.end + SLACK_S) / step) + 1] = True
    lost = speech & ~covered
    out, k = [], 0
    while k < len(lost):
        if lost[k]:
            j = k
            while j < len(lost) and lost[j]:
                j += 1
            if (j - k) * step >= LOST_MIN_S:
                out.append((k * step, j * step))
            k = j
        else:
            k += 1
    return out


def offline(name: str, audio: np.ndarray, loaded, options: TranscribeOptions, cache: bool) -> tuple[list, float]:
    """Whole-file faster-whisper; cached per stream, model and beam (it does not change between runs)."""
    path = (
        Path(__file__).resolve().parent
        / "results"
        / "offline"
        / f"{name}-{loaded.spec.name.split()[0]}-b{options.beam_size}{'-translate' if options.task == 'translate' else ''}.json"
    )
    if cache and path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Caption(**c) for c in data["captions"]], data["compute_s"]
    t = time.monotonic()
    lang = None if options.language == "auto" else options.language
    segments, _ = loaded.model.transcribe(audio, language=lang, beam_size=options.beam_size, task=options.task)
    caps = [Caption(s.start, s.end, s.text.strip(), emit=len(audio) / SR) for s in segments]
    compute = time.monotonic() - t
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"captions": [{"start": c.start, "end": c.end, "text": c.text, "emit": c.emit} for c in caps],
            "compute_s": compute}  # fmt: skip
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return caps, compute


def live_engine(path: Path, loaded, options: TranscribeOptions, seg: SegmenterConfig):
    from benchmarks.bench import run_live

    config = SessionConfig(
        input_file=str(path), realtime=True, journal=False, model=loaded.spec.name, language=options.language,
        task=options.task, chunk_s=seg.chunk_s, early_partials=seg.look_after_ms > 0, context_s=options.context_s,
    )  # fmt: skip
    finals, events, compute = run_live(path, loaded, config)
    return finals, events, compute, {}, []


def live_sim(chunks: list[Chunk], loaded, options: TranscribeOptions):
    decoder = TimedDecoder(loaded.decoder(options.encoder_s))
    transcriber = Transcriber(decoder, options)
    events, compute = simulate(chunks, transcriber)
    finals = [e for e in events if e.final and e.text]
    return finals, events, compute, transcriber.stats, list(transcriber.rejections)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("args", nargs="*", help="stream names (default: the whole set) and/or one variant: "
                    "TranscribeOptions fields, plus chunk= and early=, as in streaming_sim.py")  # fmt: skip
    ap.add_argument("--engine", action="store_true", help="the real engine in real time instead of the simulation")
    ap.add_argument("--repeat", type=int, default=1, help="live runs per stream (medians reported)")
    ap.add_argument("--no-cache", action="store_true", help="run the offline baseline again")
    ap.add_argument("--model", help="model for English streams (default: the bundled one)")
    ap.add_argument("--out", type=Path, help="write the table and every figure here (JSON + .md)")
    ap.add_argument("--verbose", "-v", action="store_true")
    a = ap.parse_args()
    names = [x for x in a.args if x in SET or (STREAMS / f"{x}.wav").is_file()] or list(SET)
    variant = " ".join(x for x in a.args if x not in names)
    fields = eval(f"dict({variant})", {})  # a developer tool: the variant is typed on its command line
    seg = SegmenterConfig(chunk_s=fields.pop("chunk", SegmenterConfig.chunk_s),
                          look_after_ms=fields.pop("early", SegmenterConfig.look_after_ms))  # fmt: skip
    models: dict[str, object] = {}
    rows, results = [], []
    for name in names:
        wav = STREAMS / f"{name}.wav"
        if not wav.is_file():
            sys.exit(f"{wav} is missing: run python benchmarks/devset.py first")
        clips = json.loads(wav.with_suffix(".json").read_text(encoding="utf-8"))["clips"]
        lang = clips[0].get("language", "en")
        unit = "word" if lang == "en" else "char"
        model = a.model if lang == "en" else fields.pop("model", None) or "base"
        if model not in models:
            models[model] = load(SessionConfig(model=model, device="cpu"))
        loaded = models[model]
        options = replace(TranscribeOptions(**{k: v for k, v in fields.items() if k != "model"}),
                          language="en" if lang == "en" else "auto")  # fmt: skip
        audio = read_audio(wav)
        duration = len(audio) / SR
        print(f"{name} ({duration:.0f} s) ...", file=sys.stderr, flush=True)
        off_caps, _ = offline(name, audio, loaded, options, cache=not a.no_cache)
        off = score(clips, off_caps, unit)["error_rate"]
        chunks = segment(audio, seg)
        runs = []
        for _ in range(a.repeat):
            if a.engine:
                finals, events, compute, stats, rejections = live_engine(wav, loaded, options, seg)
            else:
                finals, events, compute, stats, rejections = live_sim(chunks, loaded, options)
            sc = score(clips, finals, unit, events)
            lost = speech_lost(chunks, finals)
            runs.append({
                "error_rate": sc["error_rate"], "rtf": compute / duration,
                "final_p50": pct(sc["latency"], 0.5), "final_p90": pct(sc["latency"], 0.9),
                "partial_p50": pct(sc["partial_latency"], 0.5), "lost_s": sum(e - s for s, e in lost),
                "lost": lost, "stats": stats, "rejections": [r.describe() for r in rejections],
                "text": " ".join(c.text for c in finals),
                "finals": [[round(c.start, 2), round(c.end, 2), c.text] for c in finals],
            })  # fmt: skip
            if a.verbose:
                for s, e in lost:
                    print(f"    lost {s:.1f}-{e:.1f} s", file=sys.stderr)
                for r in rejections:
                    print(f"    rejected: {r.describe()}", file=sys.stderr)
                print(f"    {stats}", file=sys.stderr)

        def med(key: str, runs=runs) -> float | None:
            vals = [r[key] for r in runs if r[key] is not None]
            return statistics.median(vals) if vals else None

        err = med("error_rate")
        rows.append(
            f"| {name} | {duration:.0f} s | {'WER' if unit == 'word' else 'CER'} {100 * err:.1f} % | {100 * off:.1f} % "
            f"| **{err / off:.2f}** | {med('final_p50'):.2f} / {med('final_p90'):.2f} | {med('partial_p50'):.2f} "
            f"| {med('rtf'):.3f} | {med('lost_s'):.1f} s |"
        )
        results.append({"stream": name, "model": loaded.spec.name, "offline": off, "runs": runs})
        print(rows[-1], file=sys.stderr, flush=True)
    head = ("| stream | length | livecaption | offline | × offline | final p50 / p90 (s) | partial p50 (s) "
            "| real-time factor | speech lost |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    mode = "real engine, real time" if a.engine else "simulated real time"
    table = f"`python benchmarks/devbench.py {' '.join(sys.argv[1:])}` ({mode}, medians of {a.repeat})\n\n"
    table += head + "\n" + "\n".join(rows) + "\n"
    print(table)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.with_suffix(".md").write_text(table, encoding="utf-8")
        a.out.with_suffix(".json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
