"""`livecaption bench`: the live engine against two baselines, on one recording, in one run.

* live: the full engine (ring buffer, VAD, segmenter, transcriber), fed in real time
  (or as fast as possible with --fast, where emit times are simulated);
* offline: faster-whisper on the whole file at once (the accuracy ceiling);
* fixed: naive fixed 3 s chunks without VAD (what simple live tools do).

Accuracy is WER for English, CER for Korean/CJK. Latency is per reference clip: when
its last word was first shown (final, or partial) minus the clip's end in the stream.
"""

from __future__ import annotations

import json
import resource
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from livecaption.audio import SAMPLE_RATE, FileSource, read_audio
from livecaption.captions import Caption
from livecaption.engine import Engine, EngineListener
from livecaption.metrics import align, tokens
from livecaption.models import LoadedModel
from livecaption.segmenter import SegmenterConfig
from livecaption.transcriber import TranscribeOptions, Transcriber


@dataclass
class Run:
    name: str
    error_rate: float
    unit: str
    rtf: float
    latency_p50: float | None = None
    latency_p90: float | None = None
    latency_max: float | None = None
    partial_p50: float | None = None
    partial_p90: float | None = None
    per_clip_latency: list[float | None] = field(default_factory=list)
    per_clip_errors: list[int] = field(default_factory=list)
    text: str = ""


def _pct(values: list[float], q: float) -> float | None:
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    k = min(len(vals) - 1, max(0, round(q * (len(vals) - 1))))
    return vals[k]


class _Collect(EngineListener):
    def __init__(self) -> None:
        self.events: list[Caption] = []
        self.lock = threading.Lock()

    def on_caption(self, caption: Caption) -> None:
        with self.lock:
            self.events.append(Caption(**asdict(caption)))


def score(clips: list[dict], finals: list[Caption], unit: str, events: list[Caption] | None = None) -> dict:
    """Error rate, per-clip errors and latencies of `finals` against the reference clips."""
    ref_tokens, ref_clip = [], []
    for i, c in enumerate(clips):
        t = tokens(c["text"], unit)
        ref_tokens += t
        ref_clip += [i] * len(t)
    hyp_tokens, hyp_emit = [], []
    for cap in finals:
        t = tokens(cap.text, unit)
        hyp_tokens += t
        hyp_emit += [cap.emit] * len(t)
    a = align(ref_tokens, hyp_tokens)
    # last matched reference token of each clip -> when it was shown
    shown: dict[int, tuple[int, float]] = {}
    for j, r in enumerate(a.hyp_to_ref):
        if r is not None:
            clip = ref_clip[r]
            if clip not in shown or r > shown[clip][0]:
                shown[clip] = (r, hyp_emit[j])
    latency = [shown[i][1] - c["end"] if i in shown else None for i, c in enumerate(clips)]
    matched_ref = {r for r in a.hyp_to_ref if r is not None}
    per_clip_missing = [0] * len(clips)
    for r, clip in enumerate(ref_clip):
        if r not in matched_ref:
            per_clip_missing[clip] += 1
    out = {"error_rate": a.rate, "latency": latency, "per_clip_errors": per_clip_missing}
    if events is not None:
        out["partial_latency"] = _partial_latency(clips, events, shown, ref_tokens, unit)
    return out


def _partial_latency(clips, events, shown, ref_tokens, unit) -> list[float | None]:
    """First time any caption (partial or final) overlapping a clip showed its ending.

    The ending is the clip's last matched token with the tokens before it (2 words or
    4 characters), found as a contiguous run, so a common word or syllable earlier in
    the sentence does not count as the end having been shown.
    """
    k = 2 if unit == "word" else 4
    res: list[float | None] = []
    for i, c in enumerate(clips):
        if i not in shown:
            res.append(None)
            continue
        r, best = shown[i]
        tail = ref_tokens[max(0, r - k + 1) : r + 1]
        for ev in events:
            if ev.emit >= best:
                break
            if ev.end >= c["start"] and ev.start <= c["end"] + 1.0 and _contains(tokens(ev.text, unit), tail):
                best = ev.emit
                break
        res.append(best - c["end"])
    return res


def _contains(seq: list[str], run: list[str]) -> bool:
    n = len(run)
    return any(seq[j : j + n] == run for j in range(len(seq) - n + 1))


def run_live(
    path: Path,
    loaded: LoadedModel,
    options: TranscribeOptions,
    realtime: bool,
    segmenter: SegmenterConfig | None = None,
) -> tuple[list[Caption], list[Caption], float]:
    listener = _Collect()
    engine = Engine(
        FileSource(path, realtime=realtime), Transcriber(loaded, options), listener, segmenter_config=segmenter
    )
    engine.start()
    engine.wait()
    finals = [e for e in listener.events if e.final and e.text]
    return finals, sorted(listener.events, key=lambda e: e.emit), engine.compute_s


def run_offline(audio: np.ndarray, loaded: LoadedModel, options: TranscribeOptions) -> tuple[list[Caption], float]:
    t = time.monotonic()
    segments, _ = loaded.model.transcribe(
        audio, language=None if options.language == "auto" else options.language, beam_size=options.beam_size
    )
    caps = [Caption(s.start, s.end, s.text.strip(), emit=len(audio) / SAMPLE_RATE) for s in segments]
    return caps, time.monotonic() - t


def run_fixed(
    audio: np.ndarray, loaded: LoadedModel, options: TranscribeOptions, chunk_s: float = 3.0
) -> tuple[list[Caption], float]:
    """Naive baseline: cut every `chunk_s` seconds regardless of speech; emit = chunk end + compute."""
    n = int(chunk_s * SAMPLE_RATE)
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
        clock = max(clock, (i + n) / SAMPLE_RATE) + dt
        if text:
            caps.append(Caption(i / SAMPLE_RATE, min(i + n, len(audio)) / SAMPLE_RATE, text, emit=clock))
    return caps, spent


def idle_cpu(seconds: float = 20.0) -> float:
    """CPU % of one core while only silence arrives (real-time paced, through the whole engine)."""
    import tempfile

    import soundfile as sf

    from livecaption.models import load_model, resolve_model

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "silence.wav"
        sf.write(p, np.zeros(int(seconds * SAMPLE_RATE), np.float32), SAMPLE_RATE)
        loaded = load_model(resolve_model(None), "cpu", "int8", 1)
        engine = Engine(FileSource(p, realtime=True), Transcriber(loaded))
        c0, w0 = time.process_time(), time.monotonic()
        engine.start()
        engine.wait()
        return 100 * (time.process_time() - c0) / (time.monotonic() - w0)


def _summary(name, unit, sc, compute, duration, text) -> Run:
    lat = sc["latency"]
    part = sc.get("partial_latency") or []
    return Run(
        name, sc["error_rate"], unit, compute / duration,
        _pct(lat, 0.5), _pct(lat, 0.9), max((v for v in lat if v is not None), default=None),
        _pct(part, 0.5), _pct(part, 0.9), lat, sc["per_clip_errors"], text,
    )  # fmt: skip


def benchmark(
    path: Path,
    reference: Path,
    loaded: LoadedModel,
    options: TranscribeOptions,
    realtime: bool = True,
    log=print,
    segmenter: SegmenterConfig | None = None,
) -> dict:
    ref = json.loads(reference.read_text(encoding="utf-8"))
    clips = ref["clips"]
    lang = clips[0].get("language", "en")
    unit = "word" if lang == "en" else "char"
    audio = read_audio(path)
    duration = len(audio) / SAMPLE_RATE
    runs = []
    log(f"live engine ({'real time' if realtime else 'as fast as possible'}) on {duration:.0f} s ...")
    finals, events, compute = run_live(path, loaded, options, realtime, segmenter)
    runs.append(
        _summary(
            "livecaption", unit, score(clips, finals, unit, events), compute, duration, " ".join(c.text for c in finals)
        )
    )
    log("offline baseline ...")
    caps, compute = run_offline(audio, loaded, options)
    runs.append(
        _summary(
            "offline (whole file)", unit, score(clips, caps, unit), compute, duration, " ".join(c.text for c in caps)
        )
    )
    log("fixed 3 s chunks baseline ...")
    caps, compute = run_fixed(audio, loaded, options)
    runs.append(
        _summary(
            "fixed 3 s chunks, no VAD",
            unit,
            score(clips, caps, unit),
            compute,
            duration,
            " ".join(c.text for c in caps),
        )
    )
    log("idle CPU on silence ...")
    cpu = idle_cpu()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seg = segmenter or SegmenterConfig()  # what the live run used
    return {
        "audio": str(path.name),
        "duration_s": duration,
        "model": loaded.spec.name,
        "device": f"{loaded.device} {loaded.compute_type}",
        "beam_size": options.beam_size,
        "context_s": options.context_s,
        "early_partials": bool(seg.early_partial_ms),
        "chunk_s": seg.chunk_s,
        "realtime": realtime,
        "idle_cpu_percent": cpu,
        "peak_rss_mb": rss,
        "clips": [{"start": c["start"], "end": c["end"]} for c in clips],
        "runs": [asdict(r) for r in runs],
    }


def markdown(result: dict, command: str) -> str:
    unit = "WER" if result["runs"][0]["unit"] == "word" else "CER"
    off = result["runs"][1]["error_rate"] or 1e-9

    def f(v, pct=False):
        return "–" if v is None else (f"{100 * v:.1f} %" if pct else f"{v:.2f}")

    lines = [
        f"`{command}`",
        "",
        f"{result['audio']} ({result['duration_s']:.0f} s), {result['model']} on {result['device']}, beam {result['beam_size']}, "
        f"context {result.get('context_s', 0):g} s, early looks {'on' if result.get('early_partials') else 'off'}, "
        f"{result.get('chunk_s', 3.0):g} s chunks, "
        f"{'real time' if result['realtime'] else 'as fast as possible'}; idle CPU on silence {result['idle_cpu_percent']:.1f} % of one core; "
        f"peak RSS {result['peak_rss_mb']:.0f} MB.",
        "",
        f"| run | {unit} | × offline | final latency p50 / p90 / max (s) | partial p50 / p90 (s) | real-time factor |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["runs"]:
        latency = f"{f(r['latency_p50'])} / {f(r['latency_p90'])} / {f(r['latency_max'])}"
        if r["name"].startswith("offline"):
            latency = "all at the file's end"
        lines.append(
            f"| {r['name']} | {f(r['error_rate'], True)} | {r['error_rate'] / off:.2f} | {latency} | "
            f"{f(r['partial_p50'])} / {f(r['partial_p90'])} | {r['rtf']:.3f} |"
        )
    lines.append("")
    lines.append("The offline run shows nothing until all audio is in.")
    return "\n".join(lines) + "\n"


def plot(result: dict, out: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    ends = [c["end"] for c in result["clips"]]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    for r in result["runs"]:
        if r["name"].startswith("offline"):
            continue
        lat = [np.nan if v is None else v for v in r["per_clip_latency"]]
        ax1.plot(ends, lat, marker=".", label=r["name"])
    ax1.set_ylabel("final-caption latency (s)")
    ax1.legend()
    ax1.grid(alpha=0.3)
    width = 2.0
    for k, r in enumerate(result["runs"]):
        ax2.bar(np.array(ends) + (k - 1) * width, r["per_clip_errors"], width=width, label=r["name"])
    ax2.set_ylabel("missed reference tokens per clip")
    ax2.set_xlabel("clip end in the stream (s)")
    ax2.legend()
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=90, bbox_inches="tight")
    plt.close(fig)
    return out
