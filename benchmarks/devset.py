"""The development set: streams that look like lectures and meetings, built from ../shared/speech.

    python benchmarks/devset.py            # writes benchmarks/streams/*.wav + .json (not in git)

Two streams are taken as they are (`lecture_en`, `spontaneous_en`, `meeting_en`, `lecture_ko`: see
../shared/speech/README.md). Two are joined here from the shared single clips, because no licensed
recording of long unbroken speech was at hand:

* `long_en`: the 58 Hi-Fi TTS read clips (one speaker) with their edge silences trimmed, joined by
  0.08–0.25 s gaps into utterances of 30–60 s that never pause for 400 ms (the VAD's end of an
  utterance), 1.2 s between utterances. What a lecturer sounds like when reading on without a stop.
* `quiet_en`: the other speakers' clips (LibriSpeech, *Sense and Sensibility*, JFK) and some Hi-Fi TTS
  clips joined the same way into long utterances; inside each, one or two clips drop to −35 dBFS RMS
  (the rest stays at the recording's level, about −20 to −27 dBFS), as a speaker who turns away or
  drops their voice mid-sentence.

The order and gaps are fixed (a seeded generator), so every run of the benchmark reads the same audio.
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
QUIET_DBFS = -35.0
COPIED = ("lecture_en", "spontaneous_en", "meeting_en", "lecture_ko")


def _trim(audio: np.ndarray, keep_s: float = 0.03) -> np.ndarray:
    """Cut edge silence (below 2 % of the clip's peak), keeping `keep_s` of it."""
    loud = np.flatnonzero(np.abs(audio) > 0.02 * np.max(np.abs(audio)))
    keep = int(keep_s * SR)
    return audio[max(0, loud[0] - keep) : loud[-1] + keep]


def _rms_db(audio: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(np.square(audio))) + 1e-12)


def _join(utterances: list[list[tuple[dict, np.ndarray]]], rng: np.random.Generator) -> tuple[np.ndarray, list]:
    parts, clips, t = [np.zeros(int(0.8 * SR), np.float32)], [], 0.8
    for utterance in utterances:
        for k, (clip, audio) in enumerate(utterance):
            if k:
                gap = np.zeros(int(rng.uniform(0.08, 0.25) * SR), np.float32)
                parts.append(gap)
                t += len(gap) / SR
            parts.append(audio.astype(np.float32))
            clips.append({**clip, "start": round(t, 3), "end": round(t + len(audio) / SR, 3)})
            t += len(audio) / SR
        parts.append(np.zeros(int(1.2 * SR), np.float32))
        t += 1.2
    return np.concatenate(parts), clips


def _group(items: list, about_s: float) -> list[list]:
    """Consecutive items into groups of about `about_s` seconds of audio each."""
    total = sum(len(a) for _, a in items) / SR
    n = max(1, round(total / about_s))
    groups: list[list] = [[] for _ in range(n)]
    t = 0.0
    for item in items:
        groups[min(n - 1, int(t / total * n))].append(item)
        t += len(item[1]) / SR
    return [g for g in groups if g]


def _write(name: str, audio: np.ndarray, clips: list[dict], about: str) -> None:
    OUT.mkdir(exist_ok=True)
    sf.write(OUT / f"{name}.wav", audio, SR, subtype="PCM_16")
    sidecar = {"audio": f"{name}.wav", "sample_rate": SR, "duration": round(len(audio) / SR, 3), "clips": clips,
               "source": about}  # fmt: skip
    (OUT / f"{name}.json").write_text(json.dumps(sidecar, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{name}: {len(audio) / SR:.0f} s, {len(clips)} clips", file=sys.stderr)


def build() -> None:
    index = json.loads((SHARED / "clips.json").read_text(encoding="utf-8"))
    english = []
    for c in index:
        if c["language"] != "en":
            continue
        audio, sr = sf.read(SHARED / c["file"], dtype="float32")
        assert sr == SR, c["file"]
        english.append(({"file": Path(c["file"]).name, "text": c["text"], "language": "en"}, _trim(audio)))
    hifi = [e for e in english if "Hi-Fi TTS" in next(c["licence"] for c in index if c["file"].endswith(e[0]["file"]))]
    others = [e for e in english if e not in hifi]
    rng = np.random.default_rng(12)

    order = list(rng.permutation(len(hifi)))
    audio, clips = _join(_group([hifi[i] for i in order], 40), rng)
    _write("long_en", audio, clips, "58 Hi-Fi TTS clips (speaker 6097, CC BY 4.0) joined by 0.08-0.25 s gaps into "
           "30-60 s utterances; built by benchmarks/devset.py")  # fmt: skip

    # Quiet: other speakers first, padded out with Hi-Fi clips not used at the start of long_en.
    pool = others + [hifi[i] for i in order[::-1][:14]]
    groups = _group(pool, 38)
    quiet = []
    for group in groups:
        # Drop the voice for the middle clip(s): about 5-12 s of each utterance.
        mid = len(group) // 2
        span = [mid] if len(group[mid][1]) / SR >= 5 or mid + 1 >= len(group) else [mid, mid + 1]
        out = []
        for k, (clip, a) in enumerate(group):
            if k in span:
                a = a * 10 ** ((QUIET_DBFS - _rms_db(a)) / 20)
                clip = {**clip, "quiet": True}
            out.append((clip, a))
        quiet.append(out)
    audio, clips = _join(quiet, rng)
    _write("quiet_en", audio, clips, "LibriSpeech test-clean (CC BY 4.0), LibriVox Sense and Sensibility (public "
           "domain), JFK inaugural (public domain) and Hi-Fi TTS (CC BY 4.0) clips joined into 25-50 s utterances, "
           "the middle clip(s) of each at -35 dBFS RMS; built by benchmarks/devset.py")  # fmt: skip

    for name in COPIED:
        audio, sr = sf.read(SHARED / f"{name}.wav", dtype="float32")
        meta = json.loads((SHARED / f"{name}.json").read_text(encoding="utf-8"))
        meta["audio"] = f"{name}.wav"
        OUT.mkdir(exist_ok=True)
        sf.write(OUT / f"{name}.wav", audio, sr, subtype="PCM_16")
        (OUT / f"{name}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"{name}: copied", file=sys.stderr)


if __name__ == "__main__":
    build()
