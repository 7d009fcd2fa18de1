"""Teaching a word (#36): `names_a` then `names_b` as one session, in real time, with the settle pass.

At the first live final of part A that misreads *Boolooroo*, the benchmark corrects it through the
calls the app makes (gui/review.py): the edit goes to the engine's record (transcript and journal),
and the new word to the running session's vocabulary and the profile. Then part B is scored, live
and kept, against the same session without the correction; and a new session on `names_b` alone
with the saved profile.

    .venv/bin/python -m benchmarks.teach [--fast] [--json out.json]

Scores: for each rare word, the share of its occurrences read right (the reference word aligned to
the same hypothesis word); WER of part B without the rare words (their reference words and the words
read in their place left out of both sides).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from benchmarks.metrics import align, normalize_words
from livecaption.captions import Caption
from livecaption.config import SessionConfig
from livecaption.corrections import Fix, fix_of, fixed, new_words
from livecaption.session import build_session, load
from livecaption.transcript import Edit

SHARED = Path(__file__).resolve().parents[2] / "shared" / "speech"
RARE = ("boolooroo", "ghip", "ghisizzle", "pinkies", "blueskins")
WORD = "Boolooroo"
GAP_S = 1.0  # silence between the two chapters


def stream(folder: Path) -> tuple[Path, list[dict], float]:
    """names_a + a second of silence + names_b, with the reference clips placed in it."""
    parts, clips, offset = [], [], 0.0
    b_start = 0.0
    for name in ("names_a", "names_b"):
        meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        audio, sr = sf.read(folder / f"{name}.wav", dtype="float32")
        assert sr == 16000
        if name == "names_b":
            b_start = offset
        clips += [{**c, "start": c["start"] + offset, "end": c["end"] + offset, "part": name} for c in meta["clips"]]
        parts += [audio, np.zeros(int(GAP_S * sr), np.float32)]
        offset += len(audio) / sr + GAP_S
    path = Path(tempfile.gettempdir()) / "livecaption-names-ab.wav"
    sf.write(path, np.concatenate(parts), 16000)
    return path, clips, b_start


def substitutions(ref: list[str], hyp: list[str]) -> dict[int, int]:
    """Reference index -> hypothesis index of each aligned pair (matches and substitutions)."""
    n, m = len(ref), len(hyp)
    cost = np.zeros((n + 1, m + 1), np.int32)
    cost[:, 0], cost[0, :] = np.arange(n + 1), np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i, j] = min(cost[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]), cost[i - 1, j] + 1, cost[i, j - 1] + 1)
    pairs, i, j = {}, n, m
    while i > 0 and j > 0:
        if cost[i, j] == cost[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]):
            pairs[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif cost[i, j] == cost[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    return pairs


def score(ref_text: str, hyp_text: str) -> dict:
    ref, hyp = normalize_words(ref_text), normalize_words(hyp_text)
    pairs = substitutions(ref, hyp)
    out: dict = {}
    for w in RARE:
        at = [i for i, r in enumerate(ref) if r == w]
        right = sum(1 for i in at if i in pairs and hyp[pairs[i]] == w)
        out[w] = f"{right}/{len(at)}"
    rare_hyp = {pairs[i] for i, r in enumerate(ref) if r in RARE and i in pairs}
    ref_rest = [r for r in ref if r not in RARE]
    hyp_rest = [h for j, h in enumerate(hyp) if j not in rare_hyp and h not in RARE]
    out["wer_without_rare"] = round(100 * align(ref_rest, hyp_rest).rate, 2)
    return out


def misreading(c: Caption, clips: list[dict]) -> Fix | None:
    """What the live final `c` wrote where the reference says Boolooroo, if it did not write it."""
    ref_text = " ".join(x["text"] for x in clips if x["start"] < c.end and x["end"] > c.start)
    ref, hyp = normalize_words(ref_text), normalize_words(c.text)
    if WORD.lower() not in ref or WORD.lower() in hyp:
        return None
    pairs = substitutions(ref, hyp)
    i = ref.index(WORD.lower())
    if i not in pairs:
        return None
    said = hyp[pairs[i]]
    found = re.search(rf"(?<![\w'’-]){re.escape(said)}(?![\w-])", c.text, re.IGNORECASE)
    return Fix(found.group(), WORD) if found else None


def run(path: Path, clips: list[dict], b_start: float, loaded, teach: bool, hotwords: str, realtime: bool) -> dict:
    config = SessionConfig(input_file=str(path), realtime=realtime, settle=True, hotwords=hotwords)
    session = build_session(config, loaded=loaded)
    taught: dict = {}

    def watch() -> None:  # the person, reading the captions as they come
        while not session.engine.stopping and not taught:
            for c in session.engine.captions:
                fix = misreading(c, clips) if c.start < b_start else None
                if fix is None:
                    continue
                text = fixed(c.text, fix)
                edit = Edit(c.source, c.id, text)
                session.engine.record.edit(edit)  # as Review.apply: the session's transcript and journal
                words = new_words(fix_of(c.text, text) or fix)
                session.vocabulary.learn(words)  # as Review.learn: the next passes
                from livecaption.vocabulary import learn

                learn(words)  # ...and the profile in use (the default)
                taught.update(at=round(c.end, 2), said=fix.wrong, edit=edit, words=words)
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    session.start()
    if teach:
        watcher.start()
    session.wait()
    live = [c for c in session.engine.captions if c.start >= b_start - 0.5]
    kept = session.engine.record.transcript()
    ref_b = " ".join(x["text"] for x in clips if x["part"] == "names_b")
    kept_b = " ".join(c.text for c in kept if c.start >= b_start - 0.5)
    out = {"live_b": score(ref_b, " ".join(c.text for c in live)), "kept_b": score(ref_b, kept_b), "kept_text": kept_b}
    if taught:
        edit = taught.pop("edit")
        out["taught"] = taught
        out["edit_kept"] = any(c.source == edit.source and c.id == edit.id and c.text == edit.text for c in kept)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fast", action="store_true", help="as fast as the machine can, not in real time")
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args()
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="livecaption-teach-config-")  # a fresh profile
    os.environ["LIVECAPTION_SESSIONS"] = tempfile.mkdtemp(prefix="livecaption-teach-sessions-")
    path, clips, b_start = stream(SHARED)
    loaded = load(SessionConfig())
    results = {"baseline": run(path, clips, b_start, loaded, False, "", not args.fast)}
    print(json.dumps(results, indent=1), flush=True)
    results["corrected"] = run(path, clips, b_start, loaded, True, "", not args.fast)
    print(json.dumps(results["corrected"], indent=1), flush=True)
    from livecaption.storage.userconfig import UserConfig

    saved = UserConfig.load().profiles["default"]
    b_path = SHARED / "names_b.wav"
    b_clips = [{**c, "part": "names_b"} for c in json.loads((SHARED / "names_b.json").read_text())["clips"]]
    results["new_session_b"] = run(b_path, b_clips, 0.0, loaded, False, saved.all_hotwords, not args.fast)
    results["profile_words"] = saved.words
    print(json.dumps(results, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
