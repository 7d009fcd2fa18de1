"""Code-switching streams: Korean and English read speech, the language changing every 20-60 s.

    python benchmarks/switchset.py          # writes benchmarks/streams/switch_{a,b}.wav + .json (not in git)

Built from ../shared/speech single clips (Zeroth-Korean, CC BY 4.0; Hi-Fi TTS, LibriSpeech, LibriVox
and JFK English clips, see ../shared/speech/README.md). Each stream alternates parts of one language,
20-60 s each, clips joined by 0.4-1.2 s pauses (a lecture's sentences). Some Korean sentences carry
an English term inside: a short English clip (1-2.5 s, "said the old man") joined to the Korean
clips before and after it by 0.12 s, so that it is one utterance with no pause. The two streams
use disjoint Korean clips and different English ones, and different seeds: tune on neither alone.

Sidecar: as the shared streams (`clips` with start, end, text, language) plus `parts`: each
part's start, end and language (a mixed utterance belongs to its Korean part).
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
TERM_S = (1.0, 2.5)  # an English clip this short is used as a term inside Korean speech


def _trim(audio: np.ndarray, keep_s: float = 0.05) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > 0.02 * np.max(np.abs(audio)))
    keep = int(keep_s * SR)
    return audio[max(0, loud[0] - keep) : loud[-1] + keep]


def _load(index: list[dict]) -> list[tuple[dict, np.ndarray]]:
    out = []
    for c in index:
        audio, sr = sf.read(SHARED / c["file"], dtype="float32")
        assert sr == SR, c["file"]
        out.append(({"file": Path(c["file"]).name, "text": c["text"], "language": c["language"]}, _trim(audio)))
    return out


def stream(korean: list, english: list, terms: list, seed: int, first: str) -> tuple[np.ndarray, dict]:
    rng = np.random.default_rng(seed)
    pools = {"ko": list(korean), "en": list(english)}
    parts_audio, clips, parts = [np.zeros(int(0.8 * SR), np.float32)], [], []
    t, lang = 0.8, first
    while pools[lang]:  # until one language runs out
        target, start, spoken = rng.uniform(20, 60), t, 0.0
        while pools[lang] and spoken < target:
            clip, audio = pools[lang].pop(0)
            pieces = [(clip, audio)]
            if lang == "ko" and terms and pools["ko"] and rng.random() < 0.3:
                pieces += [terms.pop(0), pools["ko"].pop(0)]  # Korean, an English term, Korean: one utterance
            for k, (c, a) in enumerate(pieces):
                if k:
                    gap = np.zeros(int(0.12 * SR), np.float32)
                    parts_audio.append(gap)
                    t += len(gap) / SR
                parts_audio.append(a)
                clips.append({**c, "start": round(t, 3), "end": round(t + len(a) / SR, 3), "part": len(parts),
                              **({"inside": True} if len(pieces) > 1 else {})})  # fmt: skip
                t += len(a) / SR
                spoken += len(a) / SR
            gap = np.zeros(int(rng.uniform(0.4, 1.2) * SR), np.float32)
            parts_audio.append(gap)
            t += len(gap) / SR
        parts.append({"start": round(start, 3), "end": round(t, 3), "language": lang})
        lang = "en" if lang == "ko" else "ko"
    parts_audio.append(np.zeros(SR, np.float32))
    t += 1.0
    return np.concatenate(parts_audio), {"clips": clips, "parts": parts, "duration": round(t, 3)}


def build() -> None:
    index = json.loads((SHARED / "clips.json").read_text(encoding="utf-8"))
    korean = _load([c for c in index if c["language"] == "ko"])
    english = _load([c for c in index if c["language"] == "en"])
    terms = [e for e in english if TERM_S[0] <= len(e[1]) / SR <= TERM_S[1]]
    longer = [e for e in english if e not in terms]
    OUT.mkdir(exist_ok=True)
    for name, ko, en, tm, seed, first in (
        ("switch_a", korean[0::2], longer[0::2], terms[0::2], 24, "ko"),
        ("switch_b", korean[1::2], longer[1::2], terms[1::2], 42, "en"),
    ):
        audio, meta = stream(ko, en, tm, seed, first)
        sf.write(OUT / f"{name}.wav", audio, SR, subtype="PCM_16")
        meta = {"audio": f"{name}.wav", "sample_rate": SR, **meta,
                "source": "Zeroth-Korean (CC BY 4.0) and Hi-Fi TTS / LibriSpeech (CC BY 4.0), LibriVox and JFK "
                          "(public domain) clips from ../shared/speech; built by benchmarks/switchset.py"}  # fmt: skip
        (OUT / f"{name}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
        langs = " ".join(f"{p['language']}:{p['end'] - p['start']:.0f}s" for p in meta["parts"])
        print(f"{name}: {len(audio) / SR:.0f} s, {len(meta['clips'])} clips; {langs}", file=sys.stderr)


if __name__ == "__main__":
    build()
