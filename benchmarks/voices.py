"""Voices remembered by name (#38): people remembered from one stream, named in a second of their other utterances.

    python benchmarks/speakerset.py                  # builds talk_a / talk_b once
    python benchmarks/voices.py                      # the labeller on the reference lines: a minute, no Whisper
    python benchmarks/voices.py --sessions           # whole sessions (tiny.en, --speakers, the CLI's remember)
    python benchmarks/voices.py --set close=0.9 --set apart=0.05   # another MatchConfig

Remembered: the four voices of talk_a and the reader of names_a (LibriSpeech 8555), each from the label the
session gave them (the label mapped to them in the best one-to-one mapping of labels to people); one with too
little voice to remember (the Sense and Sensibility reader's 10-12 s) is reported and counts as never remembered.
Then labelled with those voices remembered: talk_b (the same people's other utterances, and four people never
remembered: three LibriSpeech readers and JFK), names_b (8555's other chapter), meeting_en (four people, never
remembered) and, in the labeller mode, lecture_ko (Korean readers, never remembered).

Per remembered person: the share of their words labelled with their name (all their words, from their first
line on) and whether their first line had it. False names: words of people never remembered that got a
remembered name; wrong names: words of a remembered person that got another's.

Labeller mode: SpeakerLabeller with the real encoder, fed the stream's audio (speech where the level is over
-50 dBFS) and each reference utterance as a final caption (a partial of its first 2 s before it), in time order;
a person is remembered from the labeller's own pieces (what the app remembers during a session). Session mode:
`build_session` with a journal and kept audio, as `caption --speakers`; a person is remembered with
`voices remember`'s code from the session's kept audio; live finals and the kept transcript are scored.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.speakers import SHARED, load, speaker_error, truth, word_times
from livecaption.audio import read_audio
from livecaption.captions import Caption
from livecaption.samples import SR, VAD_FRAME
from livecaption.speakers.known import MatchConfig

FIRST = ("talk_a", "names_a")
SECOND = ("talk_b", "names_b", "meeting_en")
NAMES_SPEAKER = "libri_8555"


def stream(name: str) -> tuple[Path, list[dict]]:
    if name.startswith("names_"):  # one reader: the sidecar has no speaker
        meta = json.loads((SHARED / f"{name}.json").read_text(encoding="utf-8"))
        return SHARED / f"{name}.wav", [{**c, "speaker": NAMES_SPEAKER} for c in meta["clips"]]
    if name == "lecture_ko":  # Korean readers the sidecar does not tell apart: each clip someone never remembered
        meta = json.loads((SHARED / f"{name}.json").read_text(encoding="utf-8"))
        return SHARED / f"{name}.wav", [{**c, "speaker": f"ko:{Path(c['file']).stem}"} for c in meta["clips"]]
    path, clips = load(name)  # the address's clips have no reference text: a word for each 0.4 s
    return path, [{**c, "text": c["text"] or " ".join(["…"] * round((c["end"] - c["start"]) / 0.4))} for c in clips]


# -- labeller mode -------------------------------------------------------------------------------------------
def labelled(name: str, encoder, known) -> tuple[list[Caption], list[Caption], object]:
    """(finals, partials) of a stream's reference lines, labelled as they come, and the labeller."""
    from livecaption.speakers.labeller import SpeakerLabeller

    path, clips = stream(name)
    audio = read_audio(path)
    labeller = SpeakerLabeller(encoder, known=known)
    fed = 0
    finals, partials = [], []
    for k, c in enumerate(sorted(clips, key=lambda c: c["end"])):
        fed = feed(labeller, audio, fed, min(len(audio), int((c["end"] + 0.3) * SR)))
        start, end = float(c["start"]), float(c["end"])
        (p,) = labeller.label(Caption(start, min(end, start + 2.0), c["text"], False, id=2 * k + 1))
        partials.append(p)
        finals += labeller.label(Caption(start, end, c["text"], True, id=2 * k + 2))
    return finals, partials, labeller


def feed(labeller, audio: np.ndarray, start: int, end: int) -> int:
    """Audio [start, end) as the pump feeds it (VAD-frame blocks); returns where it stopped."""
    block = VAD_FRAME * 16
    k = start
    while k + VAD_FRAME <= end:
        part = audio[k : min(k + block, end)]
        n = len(part) // VAD_FRAME
        part = part[: n * VAD_FRAME]
        probs = np.sqrt(np.mean(part.reshape(n, VAD_FRAME) ** 2, axis=1)) > 0.003
        labeller.track.feed(k, part, probs.astype(float))
        k += len(part)
    return k


def people(captions: list[Caption], clips: list[dict]) -> dict[str, str]:
    """label → person, the best one-to-one mapping of a stream's labels to its people."""
    return speaker_error([c for c in captions if c.text], clips)["mapping"]


def score(captions: list[Caption], clips: list[dict], remembered: set[str]) -> dict:
    """Per remembered person: words named right, first line named; false and wrong names."""
    words = [(label, truth(t, clips)) for t, label in word_times([c for c in captions if c.text])]
    out: dict = {"people": {}, "false_names": 0, "others_words": 0, "wrong_names": 0}
    for person in sorted({c["speaker"] for c in clips}):
        mine = [lb for lb, who in words if who == {person}]
        if person in remembered:
            first = next((c.speaker for c in sorted(captions, key=lambda c: c.start)
                          if c.text and truth((c.start + c.end) / 2, clips) == {person}), "")  # fmt: skip
            right = sum(1 for lb in mine if lb == person)
            out["people"][person] = {"words": len(mine), "named_right": round(right / max(len(mine), 1), 4),
                                     "first_line": first}  # fmt: skip
            out["wrong_names"] += sum(1 for lb in mine if lb in remembered and lb != person)
        else:
            out["others_words"] += len(mine)
            out["false_names"] += sum(1 for lb in mine if lb in remembered)
    return out


def labeller_mode(match: MatchConfig) -> dict:
    from livecaption.speakers.encoder import SpeakerEncoder
    from livecaption.speakers.known import KnownVoices

    encoder = SpeakerEncoder()
    prints: list[tuple[str, np.ndarray]] = []
    for name in FIRST:
        finals, _, labeller = labelled(name, encoder, None)
        for label, person in people(finals, stream(name)[1]).items():
            pieces = labeller.pieces_of(label)
            if pieces is not None:
                prints.append((person, pieces))
    known = KnownVoices(prints, match)
    remembered = set(known.names)
    results = {}
    for name in (*SECOND, "lecture_ko"):
        t0 = time.perf_counter()
        finals, partials, _ = labelled(name, encoder, known)
        clips = stream(name)[1]
        results[name] = {"finals": score(finals, clips, remembered), "partials": score(partials, clips, remembered),
                         "seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip
        print(name, json.dumps(results[name]), file=sys.stderr)
    return {"remembered": {n: len(p) for n, p in prints if n in remembered},
            "too_little": {n: len(p) for n, p in prints if n not in remembered}, "results": results}  # fmt: skip


# -- session mode ----------------------------------------------------------------------------------------------
def session(name: str) -> tuple[list[Caption], list[Caption], str]:
    """(live finals, kept transcript, session id) of a `caption --speakers` session on the stream."""
    from livecaption.config import SessionConfig
    from livecaption.session import build_session

    path, _ = stream(name)
    s = build_session(SessionConfig(input_file=str(path), speakers=True))
    s.start()
    s.wait()
    assert s.journal is not None
    return [c for c in s.engine.captions if c.text], [c for c in s.engine.transcript() if c.text], s.journal.id


def session_mode() -> dict:
    from livecaption.errors import LivecaptionError
    from livecaption.speakers.from_session import session_voice
    from livecaption.speakers.voices import remember, remembered

    folder = Path(tempfile.mkdtemp(prefix="voices-bench-"))
    os.environ["LIVECAPTION_SESSIONS"] = str(folder / "sessions")
    os.environ["LIVECAPTION_VOICES"] = str(folder / "voices")
    too_little = {}
    for name in FIRST:
        finals, _, sid = session(name)
        for label, person in people(finals, stream(name)[1]).items():
            _, pieces, seconds = session_voice(sid, label)
            try:
                remember(person, pieces, seconds)
            except LivecaptionError:  # too little of their voice: someone never remembered
                too_little[person] = round(seconds, 1)
    names = {v.name for v in remembered()}
    results = {}
    for name in SECOND:
        t0 = time.perf_counter()
        finals, kept, _ = session(name)
        clips = stream(name)[1]
        results[name] = {"live": score(finals, clips, names), "kept": score(kept, clips, names),
                         "seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip
        print(name, json.dumps(results[name]), file=sys.stderr)
    return {"remembered": {v.name: len(v.pieces) for v in remembered()}, "too_little_s": too_little, "results": results}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", action="store_true", help="whole sessions with Whisper instead of the labeller")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a MatchConfig field")
    ap.add_argument("--out")
    args = ap.parse_args()
    match = MatchConfig()
    for item in args.set:
        key, value = item.split("=")
        match = replace(match, **{key: type(getattr(match, key))(value)})
    if args.sessions and args.set:
        raise SystemExit("--set works in the labeller mode (sessions use the default MatchConfig)")
    report = {"mode": "sessions" if args.sessions else "labeller", "match": match.__dict__,
              **(session_mode() if args.sessions else labeller_mode(match))}  # fmt: skip
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
