"""The benchmark's Markdown table and plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np


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
