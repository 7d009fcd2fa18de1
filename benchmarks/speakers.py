"""Speaker labels against who really spoke (#25).

    python benchmarks/speakerset.py                   # builds talk_a / talk_b once
    python benchmarks/speakers.py                     # talk_a, talk_b and meeting_en, as fast as possible
    python benchmarks/speakers.py --streams meeting_en --no-settle --set same=0.75
    python benchmarks/speakers.py --realtime --compare --streams talk_a   # latency and CPU at real time

For each stream a session with `--speakers` (tiny.en, the CLI's defaults). Each captioned word gets a
time (its caption's span shared out by characters) and the speakers whose reference utterances cover
that time (the nearest utterance within 1 s when none does; meeting_en's utterances overlap, and a word
under two of them is right with either). Speaker error: the share of words whose label is wrong under
the best one-to-one mapping of labels to speakers (a label left unmapped is wrong on all its words).
`live_by_text` / `kept_by_text`: the same, each word's speaker found by aligning the captions' text to the
reference clips' text (speaker_error_by_text says why). Reported for the live finals and for the kept transcript (settled where settled), with the number of
labels found, how many partials showed a label their final did not keep, the time spent labelling each
final (p50/p95/max) and the speaker model's compute as a share of one core at real time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.metrics import align, tokens
from livecaption.captions import Caption
from livecaption.config import SessionConfig
from livecaption.session import build_session
from livecaption.speakers.clusters import ClusterConfig
from livecaption.streaming.events import EngineListener

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "speech"
STREAMS = ("talk_a", "talk_b", "talk_c", "meeting_en")


def load(name: str) -> tuple[Path, list[dict]]:
    for folder in (HERE / "streams", SHARED):
        if (folder / f"{name}.json").is_file() and (folder / f"{name}.wav").is_file():
            meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
            return folder / f"{name}.wav", meta["clips"]
    raise SystemExit(f"no stream {name}: run benchmarks/speakerset.py")


def word_times(captions: list[Caption]) -> list[tuple[float, str]]:
    """(time, label) of each word, the caption's span shared out by characters."""
    return [(t, c.speaker) for t, c in timed_words(captions)]


def timed_words(captions: list[Caption]) -> list[tuple[float, Caption]]:
    """(time, its caption) of each word, the caption's span shared out by characters."""
    out = []
    for c in captions:
        words = c.text.split()
        total = sum(len(w) + 1 for w in words) or 1
        pos = 0
        for w in words:
            mid = pos + (len(w) + 1) / 2
            out.append((c.start + (c.end - c.start) * mid / total, c))
            pos += len(w) + 1
    return out


def truth(t: float, clips: list[dict]) -> set[str]:
    covering = {c["speaker"] for c in clips if c["start"] <= t <= c["end"]}
    if covering:
        return covering
    near = min(clips, key=lambda c: min(abs(t - c["start"]), abs(t - c["end"])))
    return {near["speaker"]} if min(abs(t - near["start"]), abs(t - near["end"])) <= 1.0 else set()


def speaker_error(captions: list[Caption], clips: list[dict]) -> dict:
    words = [(label, truth(t, clips)) for t, label in word_times(captions)]
    return _mapped([(lb, who) for lb, who in words if who], clips)


def speaker_error_by_text(captions: list[Caption], clips: list[dict]) -> dict:
    """The same, each word's speaker found by its text where the reference has it, rather than by its time:
    the captions' words (in time order) aligned to the reference clips' words (in time order), and a word
    matched to a reference word is that word's speaker's. Words not matched are found by time as above,
    but only where that gives a speaker whose clips have no reference text (the address); the rest (words
    read wrongly) are left out. A caption's words are timed only by its span shared out by characters, and
    a settled caption's span may reach a second past its speech: near a change of speaker the time-based
    figure counts words given the right speaker as wrong, and the other way round; this one does not."""
    ref = [(w, c["speaker"]) for c in sorted(clips, key=lambda c: c["start"]) for w in tokens(c["text"], "word")]
    untexted = {c["speaker"] for c in clips if not c["text"].strip()} - {c["speaker"] for c in clips if c["text"].strip()}
    hyp = [(w, c.speaker, t) for t, c, raw in _timed_raw(captions) for w in tokens(raw, "word")]
    found = align([w for w, _ in ref], [w for w, _, _ in hyp])
    words = []
    for (_, label, t), i in zip(hyp, found.hyp_to_ref, strict=True):
        if i is not None:
            words.append((label, {ref[i][1]}))
        elif (who := truth(t, clips)) and who <= untexted:
            words.append((label, who))
    return _mapped(words, clips)


def _timed_raw(captions: list[Caption]) -> list[tuple[float, Caption, str]]:
    """(time, caption, word as written) of each word, in time order (timed_words' times)."""
    out = []
    for c in sorted(captions, key=lambda c: c.start):
        for (t, _), raw in zip(timed_words([c]), c.text.split(), strict=True):
            out.append((t, c, raw))
    return out


def _mapped(words: list[tuple[str, set[str]]], clips: list[dict]) -> dict:
    """The share of words whose label is wrong under the best one-to-one mapping of labels to speakers."""
    labels = sorted({lb for lb, _ in words})
    speakers = sorted({c["speaker"] for c in clips})
    count = {(lb, s): sum(1 for w, who in words if w == lb and s in who) for lb in labels for s in speakers}
    best: dict[tuple[int, int], tuple[int, dict]] = {}

    def solve(i: int, used: int) -> tuple[int, dict]:  # the best mapping of labels[i:] onto unused speakers
        if i == len(labels):
            return 0, {}
        if (i, used) not in best:
            score, mapping = solve(i + 1, used)  # labels[i] left unmapped
            for k, s in enumerate(speakers):
                if not used & (1 << k):
                    sub, m = solve(i + 1, used | (1 << k))
                    if sub + count[(labels[i], s)] > score:
                        score, mapping = sub + count[(labels[i], s)], {**m, labels[i]: s}
            best[(i, used)] = (score, mapping)
        return best[(i, used)]

    right, mapping = solve(0, 0)
    return {"words": len(words), "error": round(1 - right / len(words), 4) if words else None,
            "labels": len(labels), "speakers": len(speakers), "mapping": mapping}  # fmt: skip


def marks(captions: list[Caption], clips: list[dict], mapping: dict) -> dict:
    """How the lines marked unsure (Caption.unsure) find the words with the wrong speaker: the share of
    words marked, and the share of wrongly labelled words that are in marked lines."""
    words = [(c, who) for t, c in timed_words(captions) if (who := truth(t, clips))]
    wrong = [c.unsure for c, who in words if mapping.get(c.speaker) not in who]
    marked = sum(c.unsure for c, _ in words)
    return {"marked_words": round(marked / max(len(words), 1), 3), "wrong_words_marked": round(sum(wrong) / max(len(wrong), 1), 3),
            "marked_but_right": round((marked - sum(wrong)) / max(marked, 1), 3)}  # fmt: skip


class Recorder(EngineListener):
    def __init__(self) -> None:
        self.partial_labels: dict[int, set[str]] = {}

    def on_caption(self, caption: Caption) -> None:
        if not caption.final and caption.text and not caption.settled:
            self.partial_labels.setdefault(caption.id, set()).add(caption.speaker)


def cpu_s() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def plain_cpu(name: str, settle: bool, realtime: bool) -> float:
    """The process CPU seconds of the same session without speaker labels."""
    path, _ = load(name)
    session = build_session(SessionConfig(input_file=str(path), realtime=realtime, settle=settle, journal=False))
    c0 = cpu_s()
    session.engine.start()
    session.engine.wait()
    return cpu_s() - c0


def relabelled(labeller, finals: list[Caption], clips: list[dict]) -> dict:
    """The live finals with the labels the voices sorted again at the end give them, for a grid of
    recluster settings: what the kept transcript's labels are made of, without the settle pass's text."""
    from livecaption.speakers.recluster import ReclusterConfig

    out = {}
    for join in (0.56, 0.58, 0.60, 0.62, 0.65, 0.70, 1.01):
        for move in (0.04, 0.08, 0.12, 9.0):
            kept = labeller.kept(ReclusterConfig(join=join, move=move)).names
            e = speaker_error([replace(c, speaker=kept.get(c.id, c.speaker)) for c in finals], clips)
            out[f"join={join} move={move}"] = (e["error"], e["labels"])
    return out


def run(name: str, settle: bool, cluster: ClusterConfig, realtime: bool = False, compare: bool = False,
        grid: bool = False, dump: str | None = None) -> dict:  # fmt: skip
    path, clips = load(name)
    rec = Recorder()
    config = SessionConfig(input_file=str(path), speakers=True, settle=settle, journal=False, realtime=realtime)
    session = build_session(config, rec)
    for inp in session.engine.inputs:
        if inp.speakers is not None:
            inp.speakers.clusters.config = cluster
    t0, c0 = time.perf_counter(), cpu_s()
    session.engine.start()
    session.engine.wait()
    wall, cpu = time.perf_counter() - t0, cpu_s() - c0
    engine = session.engine
    finals = [c for c in engine.captions if c.text]
    labeller = engine.inputs[0].speakers
    lat = sorted(labeller.latencies)
    duration = max(c["end"] for c in clips)
    flipped = sum(1 for c in finals if rec.partial_labels.get(c.id, set()) - {c.speaker})
    kept = [c for c in engine.transcript() if c.text]
    out = {
        "stream": name,
        "live": speaker_error(finals, clips),
        "kept": speaker_error(kept, clips),
        "live_by_text": speaker_error_by_text(finals, clips),
        "kept_by_text": speaker_error_by_text(kept, clips),
        "partials_other_label": flipped,
        "unsure_live": marks(finals, clips, speaker_error(finals, clips)["mapping"]),
        "unsure_kept": marks(kept, clips, speaker_error(kept, clips)["mapping"]),
        "finals": len(finals),
        "label_ms": _spread(lat),
        "speaker_cpu_pct": round(100 * labeller.track.compute_s / duration, 2),
        "wall_s": round(wall, 1),
        "process_cpu_s": round(cpu, 1),
    }
    if grid:
        out["relabelled"] = relabelled(labeller, finals, clips)
    if dump:  # every final line's voice and who said it, to study the sorting without a session
        import numpy as np

        truth_of = {c.id: sorted(truth((c.start + c.end) / 2, clips)) for c in finals}
        units = [u for u in labeller.units if truth_of.get(u.id)]
        np.savez(Path(dump) / f"{name}.npz", total=np.array([u.total for u in units]), n=[u.n for u in units],
                 label=[labeller.clusters.find(u.label).index for u in units], who=[truth_of[u.id][0] for u in units],
                 start=[u.start for u in units], end=[u.end for u in units])  # fmt: skip
    if dump:  # and the captions, live and kept
        (Path(dump) / f"{name}.captions.json").write_text(json.dumps(
            {"live": [c.to_dict() for c in finals], "kept": [c.to_dict() for c in kept]}, ensure_ascii=False))
    if compare:  # the same session without labels, right after: the difference is what labels cost
        plain = plain_cpu(name, settle, realtime)
        out["process_cpu_s_without"] = round(plain, 1)
        out["added_cpu_pct_of_a_core"] = round(100 * (cpu - plain) / duration, 2)
    print(json.dumps(out), file=sys.stderr)
    return out


def _spread(values: list[float]) -> dict:
    if not values:
        return {}
    ms = sorted(1000 * v for v in values)
    return {"p50": round(ms[len(ms) // 2], 1), "p95": round(ms[int(len(ms) * 0.95)], 1), "max": round(ms[-1], 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", nargs="*", default=list(STREAMS))
    ap.add_argument("--no-settle", action="store_true")
    ap.add_argument("--realtime", action="store_true", help="play each stream at the speed of speech")
    ap.add_argument("--compare", action="store_true", help="also run each session without labels: the added CPU")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a ClusterConfig field")
    ap.add_argument("--grid", action="store_true", help="the live finals relabelled at the end, for recluster settings")
    ap.add_argument("--dump", metavar="DIR", help="save each stream's line voices and who said them (npz)")
    ap.add_argument("--out")
    args = ap.parse_args()
    cluster = ClusterConfig()
    for item in args.set:
        key, value = item.split("=")
        cluster = replace(cluster, **{key: type(getattr(cluster, key))(value)})
    results = [run(s, not args.no_settle, cluster, args.realtime, args.compare, args.grid, args.dump)
               for s in args.streams]  # fmt: skip
    report = {"cluster": cluster.__dict__, "settle": not args.no_settle, "realtime": args.realtime,
              "results": results}  # fmt: skip
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
