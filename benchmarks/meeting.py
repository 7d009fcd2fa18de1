"""Meetings: a two-speaker conversation through a real sound server, microphone and system audio.

    python benchmarks/meeting.py                 # headphones, echo, echo with the check off; 2 runs each
    python benchmarks/meeting.py echo --repeat 3

"You" (one reader, NVIDIA Hi-Fi TTS speaker 6097) and "Others" (LibriSpeech, LibriVox and JFK
clips) take turns; every third turn starts a second before the other stops (cross-talk). Each
side is its own track, played with paplay into its own PulseAudio null sink: one is the default
source (the microphone), the other the default output (its monitor is system audio). The
session is the app's own (build_session, `capture="both"`), in real time.

Variants: `headphones` (each input hears one speaker); `echo` (no headphones: the microphone also
hears the loudspeaker, 10 dB down, so the system track is mixed into the microphone track);
`echo-off` (the same, with the echo check off, to see what it removes); `alone` (a baseline: the
microphone track alone, in a microphone-only session, to see what sharing the transcriber costs).

Per input: WER of its captions against its speaker's clips, and of an offline whole-file run of
its track alone with the same model (same run); final latency p50/p90 (the clip's last word
shown minus the clip's end); attribution (share of caption words labelled with the speaker whose
clip the caption overlaps most); words twice (microphone words that repeat system audio's captions
at the same time).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.scoring import pct, score
from livecaption.audio.files import read_audio
from livecaption.captions import Caption
from livecaption.config import SessionConfig
from livecaption.samples import SR
from livecaption.streaming.echo import echo_share
from livecaption.transcription.text import words

SHARED = Path(__file__).resolve().parents[2] / "shared" / "speech"
VARIANTS = ("headphones", "echo", "echo-off", "alone")
TURNS = 8  # per speaker
ECHO_DB = -10.0


def conversation(seed: int = 7) -> tuple[np.ndarray, np.ndarray, list[dict], list[dict]]:
    """Two tracks of equal length and each speaker's clips (start, end, text) on them."""
    rng = np.random.default_rng(seed)
    clips = json.loads((SHARED / "clips.json").read_text(encoding="utf-8"))
    english = [c for c in clips if c["language"] == "en" and c["duration"] <= 11]
    you = [c for c in english if "Hi-Fi" in c["licence"]][:TURNS]
    others = [c for c in english if "Hi-Fi" not in c["licence"]][:TURNS]
    pos, turns = 1.0, []
    for k in range(TURNS):
        for who, c in (("you", you[k]), ("others", others[k])):
            audio = read_audio(SHARED / c["file"])
            overlap = len(turns) % 3 == 2  # cross-talk: starts a second before the other stops
            start = pos - 1.0 if overlap else pos
            turns.append((who, start, audio, c["text"]))
            pos = start + len(audio) / SR + rng.uniform(0.6, 1.2)
    n = int((pos + 1.0) * SR)
    tracks = {"you": np.zeros(n, np.float32), "others": np.zeros(n, np.float32)}
    refs: dict[str, list[dict]] = {"you": [], "others": []}
    for who, start, audio, text in turns:
        i = int(start * SR)
        tracks[who][i : i + len(audio)] += audio
        refs[who].append({"start": start, "end": start + len(audio) / SR, "text": text})
    return tracks["you"], tracks["others"], refs["you"], refs["others"]


@contextmanager
def sound_server():
    """PulseAudio with two null sinks: lc_mic's monitor is the default source, lc_speakers the default output."""
    if not shutil.which("pulseaudio"):
        sys.exit("needs pulseaudio and pulseaudio-utils (packaging/setup.sh --test installs them)")
    runtime = Path(tempfile.mkdtemp(prefix="lc-pulse-"))
    sock = runtime / "native"
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), HOME=str(runtime))
    cmd = ["pulseaudio", "--system=false", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disable-shm=yes",
           "--use-pid-file=no", "-L", f"module-native-protocol-unix socket={sock} auth-anonymous=1",
           "-L", "module-null-sink sink_name=lc_mic rate=16000",
           "-L", "module-null-sink sink_name=lc_speakers rate=16000"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ["PULSE_SERVER"] = f"unix:{sock}"
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    try:
        deadline = time.monotonic() + 20
        while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                sys.exit("PulseAudio did not start")
            time.sleep(0.2)
        subprocess.run(["pactl", "set-default-source", "lc_mic.monitor"], check=True)
        subprocess.run(["pactl", "set-default-sink", "lc_speakers"], check=True)
        yield runtime
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(runtime, ignore_errors=True)


def run_once(variant: str, you: np.ndarray, others: np.ndarray, loaded, folder: Path):
    """One real-time session: its final captions, and where the tracks start on its wall clock and
    on each input's sample clock."""
    import soundfile as sf

    from livecaption.session import build_session

    mic_track = you + (others * 10 ** (ECHO_DB / 20) if variant.startswith("echo") else 0)
    paths = {}
    for name, audio in (("mic", mic_track), ("speakers", others)):
        paths[name] = folder / f"{name}.wav"
        sf.write(str(paths[name]), np.clip(audio, -1, 1), SR)
    capture = "mic" if variant == "alone" else "both"
    config = SessionConfig(mic="pulse", capture=capture, journal=False, language="en", echo=variant != "echo-off")
    session = build_session(config, loaded=loaded)
    session.start()
    time.sleep(1.0)
    offset = time.monotonic() - session.engine._wall0  # the tracks' zero on the session's wall clock
    # ...and on each input's sample clock, which PulseAudio's first delivery can put ahead of the wall clock
    clocks = {i.label.source: i.position for i in session.engine.inputs}
    players = [
        threading.Thread(target=subprocess.run, args=(["paplay", "--device", sink, str(paths[name])],))
        for name, sink in (("mic", "lc_mic"), ("speakers", "lc_speakers"))
        if variant != "alone" or name == "mic"
    ]
    for p in players:
        p.start()
    for p in players:
        p.join()
    time.sleep(1.0)
    session.stop()
    session.wait()
    return list(session.engine.captions), offset, clocks


def attribution(finals: list[Caption], refs: dict[str, list[dict]], clocks: dict[str, float]) -> float:
    """Share of caption words labelled with the speaker who said them: the one whose clips near the
    caption (±3 s) hold more of its words, or, on a tie, whose clip it overlaps most."""
    right = total = 0
    for c in finals:
        s, e = c.start - clocks[c.source], c.end - clocks[c.source]
        near = {who: [w for r in rs if r["end"] >= s - 3 and r["start"] <= e + 3 for w in words(r["text"])]
                for who, rs in refs.items()}  # fmt: skip
        overlap = {who: sum(max(0.0, min(e, r["end"]) - max(s, r["start"])) for r in rs) for who, rs in refs.items()}
        truth = max(refs, key=lambda who: (echo_share(words(c.text), near[who]), overlap[who]))
        n = len(words(c.text))
        total += n
        right += n if (c.source == "mic") == (truth == "you") else 0
    return right / max(1, total)


def duplicates(finals: list[Caption]) -> int:
    """Microphone words that repeat system audio at the same time (in runs of two or more words,
    stricter than the echo check's three): words captioned twice."""
    n = 0
    for c in finals:
        if c.source != "mic":
            continue
        other = [o for o in finals if o.source == "system" and o.end >= c.start - 1.5 and o.start <= c.end + 1.5]
        heard = [w for o in sorted(other, key=lambda o: o.start) for w in words(o.text)]
        blocks = SequenceMatcher(None, words(c.text), heard, autojunk=False).get_matching_blocks()
        n += sum(b.size for b in blocks if b.size >= 2)
    return n


def offline_wer(track: np.ndarray, clips: list[dict], loaded) -> float:
    segments, _ = loaded.model.transcribe(track, language="en", beam_size=5)
    caps = [Caption(s.start, s.end, s.text.strip()) for s in segments]
    return score(clips, caps, "word")["error_rate"]


def shift(c: Caption, offset: float) -> Caption:
    """A caption on the tracks' timeline."""
    return Caption(c.start - offset, c.end - offset, c.text, emit=c.emit - offset)


def median(runs: list[dict], get) -> float | None:
    vals = [get(r) for r in runs if get(r) is not None]
    return statistics.median(vals) if vals else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="*", help=f"any of {', '.join(VARIANTS)} (default: all)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", type=Path, help="write the rows as JSON here")
    ap.add_argument("--dump", type=Path, help="write each run's captions (on the tracks' timeline) to this folder")
    a = ap.parse_args()
    bad = [v for v in a.variants if v not in VARIANTS]
    if bad:
        ap.error(f"unknown variant {bad[0]}: use {', '.join(VARIANTS)}")
    a.variants = a.variants or list(VARIANTS)
    from livecaption.session import load

    you, others, you_refs, others_refs = conversation()
    refs = {"you": you_refs, "others": others_refs}
    loaded = load(SessionConfig(language="en"))
    print(f"conversation: {len(you) / SR:.0f} s, {len(you_refs)} + {len(others_refs)} turns; model "
          f"{loaded.spec.name} on {loaded.device}", flush=True)  # fmt: skip
    off = {"mic": offline_wer(you, you_refs, loaded), "system": offline_wer(others, others_refs, loaded)}
    rows = []
    with sound_server(), tempfile.TemporaryDirectory() as d:
        for variant in a.variants:
            runs = []
            for _ in range(a.repeat):
                finals, offset, clocks = run_once(variant, you, others, loaded, Path(d))
                shifted = {src: [shift(c, offset) for c in finals if c.source == src] for src in ("mic", "system")}
                run = {"attribution": attribution(finals, refs, clocks), "duplicates": duplicates(finals),
                       "clock_lead": {k: round(v - offset, 2) for k, v in clocks.items()}}  # fmt: skip
                for src, who in (("mic", "you"), ("system", "others")):
                    sc = score(refs[who], shifted[src], "word")
                    run[src] = {"wer": sc["error_rate"], "p50": pct(sc["latency"], 0.5), "p90": pct(sc["latency"], 0.9)}
                runs.append(run)
                if a.dump:
                    a.dump.mkdir(parents=True, exist_ok=True)
                    rows_out = [{**shift(c, clocks[c.source]).to_dict(), "source": c.source} for c in finals]
                    (a.dump / f"{variant}-{len(runs)}.json").write_text(json.dumps(rows_out, indent=0))
                print(f"  {variant}: {json.dumps(run)}", flush=True)

            row = {"variant": variant, "runs": len(runs), "attribution": median(runs, lambda r: r["attribution"]),
                   "duplicates": median(runs, lambda r: r["duplicates"])}  # fmt: skip
            for src in ("mic", "system"):
                row[src] = {k: median(runs, lambda r, s=src, k=k: r[s][k]) for k in ("wer", "p50", "p90")}
                row[src]["offline"] = off[src]
            rows.append(row)
    print("\n| variant | input | WER live | WER offline (alone) | ratio | final p50 / p90 | attribution | words twice |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        for src, name in (("mic", "You (mic)"), ("system", "Others (system)")):
            r = row[src]
            if r["wer"] is None or (row["variant"] == "alone" and src == "system"):
                continue
            print(f"| {row['variant']} | {name} | {100 * r['wer']:.1f} % | {100 * r['offline']:.1f} % | "
                  f"{r['wer'] / r['offline']:.2f} | {r['p50']:.2f} / {r['p90']:.2f} s | "
                  f"{100 * row['attribution']:.1f} % | {row['duplicates']:g} |")  # fmt: skip
    if a.out:
        a.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
