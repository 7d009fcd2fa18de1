"""Conversation streams for speaker labels: four to six voices taking turns of 2-20 s, with back-channels.

    python benchmarks/speakerset.py         # writes benchmarks/streams/talk_{a,b,c}.wav + .json (not in git)

Built from ../shared/speech (see its README for sources and licences): the Hi-Fi TTS reader (speaker
6097), the spontaneous speaker of the MFA recordings, the continuous address (cut at its pauses), the
LibriVox *Sense and Sensibility* reader, and for talk_b also the LibriSpeech readers and JFK. Each
voice's material is split in two halves, one for each stream, so the streams share no audio; they
have different seeds and talk_b has voices talk_a lacks: tune on neither alone. A turn is one voice's
clips joined by 0.3 s pauses until it lasts 2-20 s; between turns 0.3-1.0 s of silence; now and then
a back-channel (a clip under 1.6 s) from another voice sits between two turns of the same voice.

Sidecar: as the shared streams (`clips` with start, end, text, language) plus each clip's `speaker`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from livecaption.samples import SR

SHARED = Path(__file__).resolve().parents[2] / "shared" / "speech"
OUT = Path(__file__).resolve().parent / "streams"


def _clip(path: Path, a: float | None = None, b: float | None = None) -> np.ndarray:
    audio, sr = sf.read(path, dtype="float32")
    assert sr == SR
    if a is not None:
        audio = audio[int(a * SR) : int(b * SR)]
    return audio


def _address_pieces() -> list[tuple[str, np.ndarray]]:
    """The continuous address cut at pauses of 0.25 s or more into pieces of 1-12 s (no reference text)."""
    audio = _clip(SHARED / "continuous_en.wav")
    frame = SR // 50
    n = len(audio) // frame
    level = np.sqrt(np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1))
    quiet = level < 0.1 * np.median(level)
    pieces, start, run = [], 0, 0
    for k in range(n):
        run = run + 1 if quiet[k] else 0
        if run == 13 and (k - start) * frame / SR >= 1.0:
            pieces.append((start * frame, (k - 6) * frame))
            start = k - 6
    out = []
    for a, b in pieces:
        while (b - a) / SR > 12:
            out.append(("", audio[a : a + 8 * SR]))
            a += 8 * SR
        out.append(("", audio[a:b]))
    return out


def voices() -> dict[str, list[tuple[str, np.ndarray]]]:
    index = json.loads((SHARED / "clips.json").read_text(encoding="utf-8"))
    by: dict[str, list[tuple[str, np.ndarray]]] = {"reader": [], "austen": [], "libri_1221": [],
                                                  "libri_61": [], "libri_1089": [], "jfk": []}  # fmt: skip
    for c in index:
        name = Path(c["file"]).name
        audio = _clip(SHARED / c["file"])
        if "6097" in c.get("licence", ""):
            by["reader"].append((c["text"], audio))
        elif name.startswith("sense_and_sensibility"):
            by["austen"].append((c["text"], audio))
        elif name == "jfk.flac":
            by["jfk"].append((c["text"], audio))
        elif name[0].isdigit():
            by["libri_" + name.split("-")[0]].append((c["text"], audio))
    meta = json.loads((SHARED / "spontaneous_en.json").read_text(encoding="utf-8"))
    spont = _clip(SHARED / "spontaneous_en.wav")
    by["spontaneous"] = [(c["text"], spont[int(c["start"] * SR) : int(c["end"] * SR)]) for c in meta["clips"]]
    by["address"] = _address_pieces()
    return by


def build(name: str, material: dict[str, list[tuple[str, np.ndarray]]], seed: int, minutes: float) -> None:
    rng = np.random.default_rng(seed)
    pools = {v: list(clips) for v, clips in material.items() if clips}
    for v in pools:
        rng.shuffle(pools[v])
    parts: list[np.ndarray] = [np.zeros(int(0.5 * SR), np.float32)]
    clips: list[dict] = []
    t = 0.5
    names = sorted(pools)
    last = ""

    def add(voice: str, text: str, audio: np.ndarray, pause: float) -> None:
        nonlocal t
        clips.append({"start": round(t, 3), "end": round(t + len(audio) / SR, 3), "text": text,
                      "language": "en", "speaker": voice})  # fmt: skip
        parts.append(audio)
        parts.append(np.zeros(int(pause * SR), np.float32))
        t += len(audio) / SR + pause

    while t < minutes * 60 and any(len(p) > 1 for p in pools.values()):
        choices = [v for v in names if v != last and pools[v]]
        if not choices:
            break
        voice = str(rng.choice(choices))
        target = rng.uniform(2, 20)
        spoken = 0.0
        while pools[voice] and spoken < target and (not spoken or spoken + len(pools[voice][-1][1]) / SR <= 20):
            text, audio = pools[voice].pop()
            spoken += len(audio) / SR
            add(voice, text, audio, 0.3 if spoken < target and pools[voice] else float(rng.uniform(0.3, 1.0)))
        last = voice
        if rng.random() < 0.3:  # a back-channel from someone else, then the same voice goes on
            short = [v for v in names if v != voice and any(len(a) < 1.6 * SR for _, a in pools[v])]
            if short and pools[voice]:
                other = str(rng.choice(short))
                k = next(i for i, (_, a) in enumerate(pools[other]) if len(a) < 1.6 * SR)
                text, audio = pools[other].pop(k)
                add(other, text, audio, float(rng.uniform(0.3, 0.8)))
                last = other
    audio = np.concatenate(parts)
    OUT.mkdir(exist_ok=True)
    sf.write(OUT / f"{name}.wav", audio, SR)
    meta = {"audio": f"{name}.wav", "sample_rate": SR, "duration": round(len(audio) / SR, 3), "clips": clips,
            "speakers": sorted({c["speaker"] for c in clips})}  # fmt: skip
    (OUT / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    print(name, f"{len(audio) / SR:.0f} s", len(clips), "clips", meta["speakers"])


def main() -> int:
    if not SHARED.is_dir():
        print(f"no {SHARED}", file=sys.stderr)
        return 2
    every = voices()
    first = {v: c[: len(c) // 2] for v, c in every.items()}
    second = {v: c[len(c) // 2 :] for v, c in every.items()}
    # talk_a: four voices; talk_b: the other halves of those, and voices talk_a never has.
    build("talk_a", {v: first[v] for v in ("reader", "spontaneous", "address", "austen")}, seed=7, minutes=4)
    b = {v: second[v] for v in ("reader", "spontaneous", "address", "austen")}
    b |= {v: every[v] for v in ("libri_1221", "libri_61", "libri_1089", "jfk")}
    build("talk_b", b, seed=11, minutes=4)
    # talk_c: one person whose voice changes (whispered, falsetto, laughing, creaky, breathy, exaggerated),
    # every such clip of the spontaneous speaker with as many of their plain ones, and two other people.
    meta = json.loads((SHARED / "spontaneous_en.json").read_text(encoding="utf-8"))
    spont = _clip(SHARED / "spontaneous_en.wav")
    odd = ("whisper", "falsetto", "laughter", "creaky", "breathy", "exaggerated", "registershift", "breaths")
    changed = [c for c in meta["clips"] if any(w in c["file"] for w in odd)]
    plain = [c for c in meta["clips"] if c not in changed][: len(changed)]
    mine = [(c["text"], spont[int(c["start"] * SR) : int(c["end"] * SR)]) for c in changed + plain]
    build("talk_c", {"spontaneous": mine, "reader": second["reader"], "address": second["address"]}, seed=13, minutes=4)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
