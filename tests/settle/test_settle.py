"""The settle pass with the real model on real speech: fed in pieces it reads as one offline pass
reads the whole recording, and its text replaces the live captions wherever a transcript is kept."""

import itertools
import json
import random

import numpy as np
import pytest
from conftest import non_speech, run_cli, write_wav

from benchmarks.metrics import tokens
from livecaption.audio.files import read_audio
from livecaption.samples import SR
from livecaption.settle.settler import SettlePass
from livecaption.whisper.longform import WindowReader

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def recording(speech, tmp_path_factory):
    """45 s: three clips twice with pauses, the first clip the loudest (see longform.features)."""
    clips = [read_audio(speech / n) for n in ("jfk.flac", "61-70968-0000.flac", "1089-134686-0001.flac")]
    peak = max(float(np.abs(c).max()) for c in clips)
    parts = [np.zeros(SR // 2, np.float32)]
    for k, clip in enumerate(clips * 2):
        gain = 0.9 / peak if k == 0 else 0.5 / float(np.abs(clip).max())
        parts += [clip * gain, np.zeros(int(SR * (0.4 + 0.3 * k)), np.float32)]
    audio = np.concatenate(parts).astype(np.float32)
    return audio, write_wav(tmp_path_factory.mktemp("settle") / "stream.wav", audio)


def settle_in_pieces(model, audio: np.ndarray, seed: int) -> list[str]:
    sp = SettlePass(WindowReader(model, "en"))
    rng = random.Random(seed)
    out, pos = [], 0
    while pos < len(audio):
        n = rng.randint(SR // 20, 3 * SR)
        sp.feed(pos, audio[pos : pos + n])
        pos += n
        while (w := sp.step()) is not None:
            out += [p.text for p in w.pieces]
    while (w := sp.step(final=True)) is not None:  # stopped inside a window: the rest is read as the offline pass ends
        out += [p.text for p in w.pieces]
    assert sp.windows >= 2
    return out


def test_fed_in_pieces_it_reads_as_one_offline_pass(loaded_model, recording):
    audio, _ = recording
    segments, _ = loaded_model.model.transcribe(audio, language="en", beam_size=5)
    offline = tokens(" ".join(s.text for s in segments), "word")
    for seed in (1, 2):
        assert tokens(" ".join(settle_in_pieces(loaded_model.model, audio, seed)), "word") == offline


def test_settled_text_replaces_the_live_captions_in_every_output(recording, tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    _, path = recording
    r = run_cli("caption", "--input", str(path), "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    live = [x for x in rows if x["final"] and not x.get("settled")]
    settled = [x for x in rows if x.get("settled")]
    assert live and settled
    assert sorted(i for x in settled for i in x["replaces"]) == sorted(x["id"] for x in live)  # every live final, once
    assert not {x["id"] for x in settled} & {x["id"] for x in live}
    said = " ".join(x["text"] for x in settled).lower()
    assert said.count("fellow americans") == 2 and said.count("wizard") == 2
    # txt (and srt, vtt, json) carry the settled transcript; the journal and export latest too
    txt = run_cli("caption", "--input", str(path), "--format", "txt")
    assert txt.returncode == 0
    lines = [x.split("] ", 1)[1] for x in txt.stdout.splitlines()]
    assert lines == [x["text"] for x in sorted(settled, key=lambda x: x["start"]) if x["text"]]
    exported = run_cli("export", "latest", "--format", "txt")
    assert exported.returncode == 0 and exported.stdout == txt.stdout


def test_no_settle_keeps_the_live_captions(recording):
    _, path = recording
    r = run_cli("caption", "--input", str(path), "--format", "jsonl", "--no-settle")
    assert r.returncode == 0 and not any(json.loads(x).get("settled") for x in r.stdout.splitlines())


def test_non_speech_gives_no_settled_words(tmp_path):
    path = write_wav(tmp_path / "noise.wav", non_speech(100))
    r = run_cli("caption", "--input", str(path), "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    assert not [x for x in map(json.loads, r.stdout.splitlines()) if x["text"]]


def test_a_session_stopped_before_it_settled_is_settled_by_export(loaded_model, recording, tmp_path, monkeypatch):
    """The window closed twice (or a second Ctrl+C with the journal closed): the settle pass stops
    where it is, the session ends with live text, and `export` settles the rest from the kept audio."""
    from livecaption.audio.sources import ArraySource
    from livecaption.config import SessionConfig
    from livecaption.recovery import restore
    from livecaption.session import build_session
    from livecaption.storage.journal import load

    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    audio, _ = recording
    config = SessionConfig(model="tiny.en", language="en")
    session = build_session(config, loaded=loaded_model, source=ArraySource(audio), settle_loaded=loaded_model)
    session.start()
    session.engine.settler.abandon()  # before it read a window
    assert session.wait(300)
    info, kept = load(session.journal.id)
    assert info.finished and kept and not any(c.settled for c in kept)
    info, settled = restore(info.id)
    assert settled and all(c.settled for c in settled)
    said = " ".join(c.text for c in settled).lower()
    assert said.count("fellow americans") == 2 and said.count("wizard") == 2
    # it is kept: the journal now holds the settled transcript, and a second export reads it from there
    assert [c.text for c in load(info.id)[1]] == [c.text for c in settled]
    assert restore(info.id)[1] == settled


def test_with_word_times_each_word_lies_in_the_clip_it_was_said_in(loaded_model, speech):
    """Word times (for cutting a reading where the speaker changes) leave the reading as it was."""
    from livecaption.settle.recording import settle_recording

    clips = [read_audio(speech / n) for n in ("jfk.flac", "61-70968-0000.flac", "1089-134686-0001.flac")]
    parts, spans, at = [], [], 0.3
    for clip in clips:
        parts += [np.zeros(int(SR * 0.3), np.float32), clip * 0.5 / float(np.abs(clip).max())]
        spans.append((at, at + len(clip) / SR))
        at += len(clip) / SR + 0.3
    audio = np.concatenate(parts).astype(np.float32)
    plain = settle_recording(WindowReader(loaded_model.model, "en"), audio, offset=5 * SR)
    reader = WindowReader(loaded_model.model, "en")
    reader.word_times = True
    timed = settle_recording(reader, audio, offset=5 * SR)  # the session timeline starts 5 s before
    assert plain and timed and [(p.start, p.end, p.text) for p in timed] == [(p.start, p.end, p.text) for p in plain]
    words = [w for p in timed for w in p.words]
    assert all(not p.words for p in plain)
    assert [t for p in timed for w in p.words for t in w.text.split()] == " ".join(p.text for p in timed).split()
    assert all(a.start <= b.start and a.start <= a.end for a, b in itertools.pairwise(words))
    # each clip's words (counted in the clip's own text) lie within that clip's span, give or take 0.3 s
    mids = [(w.start + w.end) / 2 - 5.0 for w in words]
    inside = [next((k for k, (a, b) in enumerate(spans) if a - 0.3 <= m <= b + 0.3), -1) for m in mids]
    assert -1 not in inside and inside == sorted(inside)
    said = {c["file"]: len(c["text"].split()) for c in json.loads((speech.root / "clips.json").read_text())}
    names = ("jfk.flac", "61-70968-0000.flac", "1089-134686-0001.flac")
    assert [inside.count(k) for k in range(3)] == [said[f"clips/{n}"] for n in names]  # as many words as each says
