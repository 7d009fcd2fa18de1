"""The live engine against two baselines, on one recording, in one run.

    python benchmarks/bench.py ../shared/speech/lecture_en.wav --language en
    python benchmarks/bench.py ../shared/speech/lecture_ko.wav --model base

* live: the full session (ring buffer, VAD, segmenter, scheduler, transcriber) built by
  livecaption.session, fed in real time (or as fast as possible with --fast, where emit
  times are simulated);
* offline: faster-whisper on the whole file at once (the accuracy ceiling);
* fixed: naive fixed 3 s chunks without VAD (what simple live tools do).

Accuracy is WER for English, CER for Korean/CJK. Latency is per reference clip: when
its last word was first shown (final, or partial) minus the clip's end in the stream.
Takes the same model, language and streaming options as `livecaption caption`.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.report import markdown, plot
from benchmarks.scoring import score, summary
from livecaption.audio.files import read_audio
from livecaption.captions import Caption
from livecaption.cli.parser import add_engine_options, session_config
from livecaption.config import SessionConfig
from livecaption.samples import SR
from livecaption.session import build_session, load
from livecaption.streaming.engine import EngineListener
from livecaption.transcription.options import TranscribeOptions
from livecaption.whisper.models import LoadedModel

run_cpu: dict[str, float] = {}  # CPU of the last live run, % of one core


class _Collect(EngineListener):
    def __init__(self) -> None:
        self.events: list[Caption] = []
        self.lock = threading.Lock()

    def on_caption(self, caption: Caption) -> None:
        with self.lock:
            self.events.append(Caption(**asdict(caption)))


def run_live(path: Path, loaded: LoadedModel, config: SessionConfig) -> tuple[list[Caption], list[Caption], float]:
    listener = _Collect()
    session = build_session(replace(config, input_file=str(path), journal=False), listener, loaded=loaded)
    c0, w0 = time.process_time(), time.monotonic()
    session.start()
    session.wait()
    run_cpu["percent"] = 100 * (time.process_time() - c0) / (time.monotonic() - w0)  # every thread: live and settle
    live = [e for e in listener.events if not e.settled]  # live captions: what the reader sees as it is said
    finals = [e for e in live if e.final and e.text]
    return finals, sorted(live, key=lambda e: e.emit), session.engine.compute_s


def run_offline(audio: np.ndarray, loaded: LoadedModel, options: TranscribeOptions) -> tuple[list[Caption], float]:
    t = time.monotonic()
    segments, _ = loaded.model.transcribe(
        audio, language=None if options.language == "auto" else options.language, beam_size=options.beam_size
    )
    caps = [Caption(s.start, s.end, s.text.strip(), emit=len(audio) / SR) for s in segments]
    return caps, time.monotonic() - t


def run_fixed(
    audio: np.ndarray, loaded: LoadedModel, options: TranscribeOptions, chunk_s: float = 3.0
) -> tuple[list[Caption], float]:
    """Naive baseline: cut every `chunk_s` seconds regardless of speech; emit = chunk end + compute."""
    n = int(chunk_s * SR)
    caps, clock, spent = [], 0.0, 0.0
    lang = None if options.language == "auto" else options.language
    for i in range(0, len(audio), n):
        t = time.monotonic()
        segments, _ = loaded.model.transcribe(
            audio[i : i + n], language=lang, beam_size=options.beam_size, vad_filter=False
        )
        text = " ".join(s.text.strip() for s in segments)
        dt = time.monotonic() - t
        spent += dt
        clock = max(clock, (i + n) / SR) + dt
        if text:
            caps.append(Caption(i / SR, min(i + n, len(audio)) / SR, text, emit=clock))
    return caps, spent


def idle_cpu(loaded: LoadedModel, seconds: float = 20.0, settle: bool = True) -> float:
    """CPU % of one core while only silence arrives (real-time paced, through the whole engine)."""
    import soundfile as sf

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "silence.wav"
        sf.write(p, np.zeros(int(seconds * SR), np.float32), SR)
        config = SessionConfig(input_file=str(p), realtime=True, journal=False, settle=settle)
        session = build_session(config, loaded=loaded)
        c0, w0 = time.process_time(), time.monotonic()
        session.start()
        session.wait()
        return 100 * (time.process_time() - c0) / (time.monotonic() - w0)


def benchmark(path: Path, reference: Path, loaded: LoadedModel, config: SessionConfig, log=print) -> dict:
    clips = json.loads(reference.read_text(encoding="utf-8"))["clips"]
    unit = "word" if clips[0].get("language", "en") == "en" else "char"
    audio = read_audio(path)
    duration = len(audio) / SR
    options = config.transcribe_options()
    runs = []
    log(f"live engine ({'real time' if config.realtime else 'as fast as possible'}) on {duration:.0f} s ...")
    finals, events, compute = run_live(path, loaded, config)
    text = " ".join(c.text for c in finals)
    runs.append(summary("livecaption", unit, score(clips, finals, unit, events), compute, duration, text))
    log("offline baseline ...")
    caps, compute = run_offline(audio, loaded, options)
    text = " ".join(c.text for c in caps)
    runs.append(summary("offline (whole file)", unit, score(clips, caps, unit), compute, duration, text))
    log("fixed 3 s chunks baseline ...")
    caps, compute = run_fixed(audio, loaded, options)
    text = " ".join(c.text for c in caps)
    runs.append(summary("fixed 3 s chunks, no VAD", unit, score(clips, caps, unit), compute, duration, text))
    log("idle CPU on silence ...")
    cpu = idle_cpu(loaded, settle=config.settle)
    return {
        "audio": str(path.name),
        "duration_s": duration,
        "model": loaded.spec.name,
        "device": f"{loaded.device} {loaded.compute_type}",
        "beam_size": config.beam_size,
        "context_s": config.context_s,
        "early_partials": config.early_partials,
        "chunk_s": config.chunk_s,
        "realtime": config.realtime,
        "settle": config.settle,
        "idle_cpu_percent": cpu,
        "session_cpu_percent": run_cpu.get("percent"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "clips": [{"start": c["start"], "end": c["end"]} for c in clips],
        "runs": [asdict(r) for r in runs],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stream", type=Path, help="recording to replay (16 kHz wav)")
    ap.add_argument("--reference", type=Path, help="clip list with times and text (default: STREAM with .json)")
    ap.add_argument("--fast", action="store_true", help="replay as fast as possible (emit times simulated)")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results"), help="folder for JSON, Markdown and plot")
    ap.add_argument("--no-settle", action="store_true", help="no settle pass beside the live captions")
    ap.add_argument("--settle-model", help="the settle pass's model (default: the session's)")
    add_engine_options(ap)
    args = ap.parse_args(argv)
    reference = args.reference or args.stream.with_suffix(".json")
    if not reference.is_file():
        ap.error(f"reference not found: {reference} (give --reference)")
    args.input, args.realtime = str(args.stream), not args.fast
    config = session_config(args)
    loaded = load(config)
    print(f"model {loaded.spec.name} on {loaded.device} ({loaded.compute_type})", file=sys.stderr)
    result = benchmark(args.stream, reference, loaded, config, log=lambda m: print(m, file=sys.stderr, flush=True))
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.stream.stem + ("-fast" if args.fast else "") + ("" if args.early_partials else "-no-early")
    stem += "" if args.context == SessionConfig.context_s else f"-context{args.context:g}"
    stem += "" if config.settle else "-no-settle"
    md = markdown(result, "python benchmarks/bench.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    (args.out / f"{stem}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    (args.out / f"{stem}.md").write_text(md, encoding="utf-8")
    plot(result, args.out / f"{stem}.png")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
