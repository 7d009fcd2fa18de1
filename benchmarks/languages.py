"""Languages per stretch: tags, accuracy per language against each part read alone, broken characters.

    python benchmarks/switchset.py && python benchmarks/languages.py --model base
    python benchmarks/languages.py --model base --language ko,en
    python benchmarks/languages.py --model base --task both --streams lecture_ko

For each stream (benchmarks/streams/NAME.wav + .json): the live session (as fast as possible, or
--realtime), then an offline faster-whisper pass of **each part alone with its language given**
(same model, same run). Reported per stream:

* tags: the share of final captions whose `language` is the language of the part their middle falls in;
* error per language (WER for English, CER for Korean, spaces removed): live finals, the kept transcript
  (settled where the settle pass replaced them), and the per-part offline reading; the ratio live/offline;
* U+FFFD: broken characters in every caption event (partials, finals, settled, translations);
* with --task both: translation lines, lines repeating a phrase three or more times, and real-time factor.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench import _Collect
from benchmarks.metrics import align, tokens
from livecaption.audio.files import read_audio
from livecaption.cli.parser import add_engine_options, session_config
from livecaption.languages import codes
from livecaption.samples import SR
from livecaption.session import build_session, load
from livecaption.transcript import replay

STREAMS = Path(__file__).resolve().parent / "streams"
BROKEN = "\ufffd"


def _parts(meta: dict) -> list[dict]:
    if "parts" in meta:
        return meta["parts"]
    lang = meta["clips"][0].get("language", "en")
    return [{"start": 0.0, "end": meta["duration"], "language": lang}]


def _part_of(parts: list[dict], t: float) -> int:
    for k, p in enumerate(parts):
        if p["start"] <= t < p["end"]:
            return k
    return len(parts) - 1


def _place(parts: list[dict], start: float, end: float) -> int:
    """The part a caption overlaps most (its start's, when it has no length)."""
    overlaps = [min(end, p["end"]) - max(start, p["start"]) for p in parts]
    best = max(range(len(parts)), key=lambda k: overlaps[k])
    return best if overlaps[best] > 0 else _part_of(parts, start)


def _errors(parts, clips, captions) -> dict[str, list[int]]:
    """Per language: [errors, reference length] over the parts, captions placed where they overlap most."""
    out: dict[str, list[int]] = {}
    for k, p in enumerate(parts):
        unit = "word" if p["language"] == "en" else "char"
        ref = " ".join(c["text"] for c in clips if _part_of(parts, (c["start"] + c["end"]) / 2) == k)
        hyp = " ".join(c.text for c in captions if _place(parts, c.start, c.end) == k)
        a = align(tokens(ref, unit), tokens(hyp, unit))
        acc = out.setdefault(p["language"], [0, 0])
        acc[0] += a.errors
        acc[1] += a.ref_len
    return out


def _rate(e: dict[str, list[int]]) -> dict[str, float]:
    return {lang: round(100 * n / max(1, m), 2) for lang, (n, m) in e.items()}


def loops(text: str) -> bool:
    """A phrase (1-8 words) three or more times back to back."""
    words = [re.sub(r"[^\w']", "", w.lower()) for w in text.split()]
    for n in range(1, 9):
        for i in range(len(words) - 3 * n + 1):
            unit = words[i : i + n]
            if any(unit) and words[i + n : i + 2 * n] == unit and words[i + 2 * n : i + 3 * n] == unit:
                return True
    return False


STOP = {"the", "and", "that", "this", "with", "for", "are", "was", "were", "you", "have", "has", "not", "but",
        "they", "their", "there", "what", "from", "will", "would", "can", "his", "her", "she", "him", "its", "our"}  # fmt: skip


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if len(w) >= 3 and w not in STOP}


def without_counterpart(lines: list[tuple[float, float, str]], offline: list[tuple[float, float, str]]) -> list:
    """Translated lines that share no content word with the offline translation within 5 s of them."""
    out = []
    for start, end, text in lines:
        near = set().union(*(_content(t) for a, b, t in offline if a < end + 5 and b > start - 5))
        if _content(text) and not _content(text) & near:
            out.append([round(start, 1), text])
    return out


def repeated(texts: list[str]) -> int:
    """Captions that say again what the three before them said (no sentence is said twice in these streams)."""
    from livecaption.transcription.healing import said_before

    return sum(1 for k in range(1, len(texts)) if said_before(" ".join(texts[max(0, k - 3) : k]), texts[k]))


def offline_translation(audio, loaded, language: str | None, beam: int) -> list[tuple[float, float, str]]:
    segments, _ = loaded.model.transcribe(audio, language=language, task="translate", beam_size=beam)
    return [(s.start, s.end, s.text.strip()) for s in segments]


def offline_parts(audio, parts, loaded, beam: int) -> list:
    from livecaption.captions import Caption

    out = []
    for p in parts:
        a = audio[int(p["start"] * SR) : int(p["end"] * SR)]
        segments, _ = loaded.model.transcribe(a, language=p["language"], beam_size=beam)
        out += [Caption(p["start"] + s.start, p["start"] + s.end, s.text.strip()) for s in segments]
    return out


def run(name: str, loaded, config, offline: bool = True) -> dict:
    wav, meta = STREAMS / f"{name}.wav", json.loads((STREAMS / f"{name}.json").read_text(encoding="utf-8"))
    parts, clips = _parts(meta), meta["clips"]
    audio = read_audio(wav)
    duration = len(audio) / SR
    listener = _Collect()
    session = build_session(replace(config, input_file=str(wav)), listener, loaded=loaded)
    c0, w0 = time.process_time(), time.monotonic()
    session.start()
    session.wait()
    wall = time.monotonic() - w0
    cpu = round(100 * (time.process_time() - c0) / wall, 1)
    compute = session.engine.compute_s
    events = listener.events
    finals = [e for e in events if e.final and e.text and not e.settled]
    transcript = replay(events).kept()
    right = sum(1 for c in finals if c.language == parts[_place(parts, c.start, c.end)]["language"])
    t0 = time.monotonic()
    offline = offline_parts(audio, parts, loaded, config.beam_size) if offline else []
    offline_s = time.monotonic() - t0
    live_rate, off_rate = _rate(_errors(parts, clips, finals)), _rate(_errors(parts, clips, offline))
    kept_rate = _rate(_errors(parts, clips, transcript))
    kept_right = sum(1 for c in transcript if c.language == parts[_place(parts, c.start, c.end)]["language"])
    if config.task in ("translate", "both"):
        lines = [(c.start, c.end, c.translation if config.task == "both" else c.text) for c in finals]
        lines = [x for x in lines if x[2]]
        allowed = codes.parse(config.language)
        off_tr = offline_translation(audio, loaded, allowed[0] if allowed and len(allowed) == 1 else None,
                                     config.beam_size)  # fmt: skip
        orphans = without_counterpart(lines, off_tr)
        translations = [t for _, _, t in lines]
    else:
        translations, orphans, off_tr = [], [], []
    texts = [e.text for e in events] + translations
    out = {
        "stream": name, "duration_s": round(duration, 1), "model": loaded.spec.name, "language": config.language,
        "task": config.task, "realtime": config.realtime, "finals": len(finals),
        "tagged_right": round(100 * right / max(1, len(finals)), 1),
        "tags": sorted({c.language for c in finals}),
        "kept_tagged_right": round(100 * kept_right / max(1, len(transcript)), 1),
        "live": live_rate, "kept": kept_rate, "offline_per_part": off_rate,
        "ratio": {k: round(live_rate[k] / off_rate[k], 2) if off_rate.get(k) else None for k in live_rate},
        "kept_ratio": {k: round(kept_rate[k] / off_rate[k], 2) if off_rate.get(k) else None for k in kept_rate},
        "broken_chars": sum(t.count(BROKEN) for t in texts),
        "repeated_captions": repeated([c.text for c in finals]),
        "compute_s": round(compute, 1), "wall_s": round(wall, 1), "offline_s": round(offline_s, 1),
        "rtf": round(compute / duration, 3), "cpu_percent": cpu,
        "translation_lines": len(translations), "looping_lines": sum(1 for t in translations if loops(t)),
        "offline_translation_looping": sum(1 for _, _, t in off_tr if loops(t)),
        "without_offline_counterpart": orphans,
        "finals_text": [[round(c.start, 2), round(c.end, 2), c.language, c.text, c.translation] for c in finals],
    }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--streams", nargs="+", default=["switch_a", "switch_b"])
    ap.add_argument("--no-offline", action="store_true", help="no per-part offline pass (tags and U+FFFD only)")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/languages.json"))
    add_engine_options(ap)
    args = ap.parse_args(argv)
    config = session_config(args)
    config = replace(config, journal=False)
    loaded = load(config)
    results = []
    for name in args.streams:
        r = run(name, loaded, config, offline=not args.no_offline)
        results.append(r)
        print(f"{name}: tags right {r['tagged_right']} % of {r['finals']} finals {r['tags']} (kept "
              f"{r['kept_tagged_right']} %); live {r['live']} kept {r['kept']} offline/part {r['offline_per_part']} "
              f"ratio {r['ratio']} kept {r['kept_ratio']}; U+FFFD {r['broken_chars']}; "
              f"rtf {r['rtf']}; repeated captions {r['repeated_captions']}; translations {r['translation_lines']} (looping {r['looping_lines']}, without an "
              f"offline counterpart {len(r['without_offline_counterpart'])})", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
