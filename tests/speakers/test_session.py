"""Speaker labels through whole sessions with the real model: the CLI, renaming, a crash."""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import run_cli, write_wav

from livecaption.audio import read_audio
from livecaption.samples import SR

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def talk(speech, tmp_path_factory):
    """Two voices taking turns, 0.8 s apart: (path, [(start, end, who)])."""
    jfk, reader = read_audio(speech / "jfk.flac"), read_audio(speech / "1089-134686-0001.flac")
    parts = [(jfk[: int(5.6 * SR)], "jfk"), (reader[: int(3.3 * SR)], "reader"),
             (jfk[int(5.6 * SR) :], "jfk"), (reader[int(3.3 * SR) :], "reader")]  # fmt: skip
    audio, spans, t = [np.zeros(SR // 2, np.float32)], [], 0.5
    for part, who in parts:
        spans.append((t, t + len(part) / SR, who))
        audio += [part, np.zeros(int(0.8 * SR), np.float32)]
        t += len(part) / SR + 0.8
    return write_wav(tmp_path_factory.mktemp("talk") / "talk.wav", np.concatenate(audio)), spans


def who_said(caption: dict, spans) -> str:
    mid = (caption["start"] + caption["end"]) / 2
    return min(spans, key=lambda s: 0 if s[0] <= mid <= s[1] else min(abs(mid - s[0]), abs(mid - s[1])))[2]


def assert_turns(captions: list[dict], spans) -> None:
    labels = {}
    for c in captions:
        labels.setdefault(who_said(c, spans), set()).add(c["speaker"])
    assert set(labels) == {"jfk", "reader"}, captions
    assert all(len(v) == 1 for v in labels.values()), labels  # each voice one label...
    assert labels["jfk"] != labels["reader"], labels  # ...and two voices two


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    return tmp_path / "sessions"


def test_two_voices_taking_turns_get_two_labels_in_every_format(talk, tmp_path, sessions):
    path, spans = talk
    out = tmp_path / "talk.json"
    r = run_cli("caption", "--input", str(path), "--speakers", "--format", "json", "-o", str(out))
    assert r.returncode == 0, r.stderr
    captions = [c for c in json.loads(out.read_text())["captions"] if c["text"]]
    assert_turns(captions, spans)
    assert {c["speaker"] for c in captions} == {"Speaker 1", "Speaker 2"}
    srt = run_cli("export", "latest", "--format", "srt").stdout
    assert "Speaker 1: " in srt and "Speaker 2: " in srt
    assert "<v Speaker 2>" in run_cli("export", "latest", "--format", "vtt").stdout
    # without --speakers nothing is labelled
    plain = run_cli("caption", "--input", str(path), "--format", "json", "--no-settle")
    assert plain.returncode == 0, plain.stderr
    unlabelled = [c for c in json.loads(plain.stdout)["captions"] if c["text"]]
    assert len(unlabelled) >= 2 and all("speaker" not in c for c in unlabelled), unlabelled


def test_a_new_name_reaches_the_transcript_and_every_export(talk, sessions):
    from livecaption.config import SessionConfig
    from livecaption.session import build_session

    path, spans = talk
    session = build_session(SessionConfig(input_file=str(path), speakers=True))
    session.engine.start()
    assert session.engine.wait(300), "the engine did not finish"
    assert session.engine.rename_speaker("Speaker 2", "Ana")
    assert not session.engine.rename_speaker("Speaker 9", "Bo")  # nobody is called that
    kept = [c for c in session.engine.transcript() if c.text]
    assert {c.speaker for c in kept} == {"Speaker 1", "Ana"}
    srt = run_cli("export", "latest", "--format", "srt").stdout
    assert "Ana: " in srt and "Speaker 2" not in srt
    data = json.loads(run_cli("export", "latest", "--format", "json").stdout)["captions"]
    assert_turns(data, spans)
    assert {c["speaker"] for c in data} == {"Speaker 1", "Ana"}
    # giving one speaker the other's name merges them: one label from then on, in the export too
    assert session.engine.rename_speaker("Ana", "Speaker 1")
    txt = run_cli("export", "latest", "--format", "txt").stdout
    assert "Ana" not in txt and txt.count("Speaker 1: ") == len(txt.splitlines())


def test_after_kill_9_export_keeps_the_labels(talk, sessions):
    path, spans = talk
    env = dict(os.environ)
    command = [sys.executable, "-m", "livecaption", "caption", "--input", str(path), "--realtime", "--speakers",
               "--format", "jsonl"]  # fmt: skip
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    for line in proc.stderr:
        if "captioning" in line:
            break
    t0 = time.monotonic()
    kill_at = spans[3][0] + 2.5  # the second voice's second turn is being spoken
    time.sleep(max(0.0, t0 + kill_at - time.monotonic()))
    proc.kill()
    proc.wait(10)
    r = run_cli("export", "latest", "--format", "json")
    assert r.returncode == 0, r.stderr
    captions = [c for c in json.loads(r.stdout)["captions"] if c["text"]]
    # what the journal had keeps its labels; the words after it, recovered from the kept audio, get theirs by voice
    assert_turns(captions, spans)
    assert any(who_said(c, spans) == "reader" and c["end"] > spans[3][0] + 1.0 for c in captions), captions
