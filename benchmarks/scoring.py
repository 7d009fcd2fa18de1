"""Scoring a run against the reference clips: error rate, per-clip errors, latencies."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.metrics import align, tokens
from livecaption.captions import Caption


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


def pct(values: list[float], q: float) -> float | None:
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    k = min(len(vals) - 1, max(0, round(q * (len(vals) - 1))))
    return vals[k]


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


def summary(name, unit, sc, compute, duration, text) -> Run:
    lat = sc["latency"]
    part = sc.get("partial_latency") or []
    return Run(
        name, sc["error_rate"], unit, compute / duration,
        pct(lat, 0.5), pct(lat, 0.9), max((v for v in lat if v is not None), default=None),
        pct(part, 0.5), pct(part, 0.9), lat, sc["per_clip_errors"], text,
    )  # fmt: skip
