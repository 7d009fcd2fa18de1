"""`livecaption voices`: list, remember a kept session's speaker, forget; each mistake one line and exit code 2.
The sessions are made with the real journal and audio spool on real speech; `caption --speakers` then names
the remembered voice."""

import json

import numpy as np
import pytest
from conftest import run_cli, write_wav

from livecaption.captions import Caption
from livecaption.samples import SR
from livecaption.storage.journal import Journal, rename_in
from livecaption.storage.spool import AudioSpool, audio_path


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    monkeypatch.setenv("LIVECAPTION_VOICES", str(tmp_path / "voices"))
    return tmp_path


@pytest.fixture(scope="module")
def hifi(speech):
    """The Hi-Fi TTS reader's clips (one person, many utterances), in the order the shared set lists them."""
    from livecaption.audio import read_audio

    index = json.loads((speech.root / "clips.json").read_text(encoding="utf-8"))
    return [read_audio(speech / c["file"].removeprefix("clips/")) for c in index if "6097" in c.get("licence", "")]


@pytest.fixture(scope="module")
def three(speech, hifi):
    """JFK (11 s), then the Hi-Fi reader's first ten lines, then a LibriSpeech reader's two: [(audio, who)]."""
    from livecaption.audio import read_audio

    ben = [read_audio(speech / f"1221-135766-000{k}.flac") for k in (1, 2)]
    return [(read_audio(speech / "jfk.flac"), "jfk")] + [(a, "ruth") for a in hifi[:10]] + [(a, "ben") for a in ben]


def kept_session(parts, keep_audio: bool = True) -> Journal:
    """A stopped session as `caption --speakers` leaves it: its journal with labelled lines, its audio beside it."""
    journal = Journal("", "tiny.en")
    spool = AudioSpool(audio_path(journal.path, 0)) if keep_audio else None
    t, labels = 0.5, {}
    for k, (audio, who) in enumerate(parts):
        if spool is not None:
            spool.write(round(t * SR), audio)
        labels.setdefault(who, f"Speaker {len(labels) + 1}")
        journal.append(Caption(t, t + len(audio) / SR, f"words of line {k + 1}", id=k + 1, speaker=labels[who]))
        t += len(audio) / SR + 0.8
    if spool is not None:
        spool.write(round(t * SR), np.zeros(SR // 2, np.float32))
        spool.close()
    journal.close()
    return journal


def said(r) -> str:
    assert "Traceback" not in r.stderr, r.stderr
    return r.stderr.strip()


def test_remembering_listing_and_forgetting_from_the_command_line(home, three):
    r = run_cli("voices")
    assert r.returncode == 0 and "no voices remembered" in r.stdout, r.stderr
    r = run_cli("voices", "remember", "latest", "Speaker 2", "Ruth")
    assert r.returncode == 2 and said(r) == f"livecaption: error: no sessions recorded yet (looked in {home / 'sessions'})"

    silent = kept_session(three, keep_audio=False)
    r = run_cli("voices", "remember", "latest", "Speaker 2", "Ruth")
    assert r.returncode == 2 and f"error: session {silent.id} kept no audio, so Speaker 2's voice cannot be" in said(r)
    assert len(said(r).splitlines()) == 1

    session = kept_session(three)
    r = run_cli("voices", "remember", session.id, "Speaker 7", "Ruth")
    assert r.returncode == 2
    assert said(r) == (f"livecaption: error: no line of session {session.id} is labelled 'Speaker 7' "
                       "(its speakers: Speaker 1, Speaker 2, Speaker 3)")  # fmt: skip
    r = run_cli("voices", "remember", session.id, "Speaker 2", "Speaker 3")
    assert r.returncode == 2 and "is a label, not a name" in said(r)
    r = run_cli("voices", "remember", session.id, "Speaker 2", " ")
    assert r.returncode == 2 and "give the person a name" in said(r)
    r = run_cli("voices", "remember", session.id, "Speaker 1", "John")  # JFK's 11 s
    assert r.returncode == 2 and said(r) == ("livecaption: error: too little of John's voice to remember (11 s of "
                                             "speech; about 15 s are needed): remember them from a session where "
                                             "they say more")  # fmt: skip
    assert not (home / "voices").exists() or not list((home / "voices").iterdir())

    r = run_cli("voices", "remember", session.id, "Speaker 2", "Ruth")
    assert r.returncode == 0, r.stderr
    ruth_s = round(sum(len(a) for a, who in three if who == "ruth" and len(a) >= SR // 2) / SR)
    assert f"remembered Ruth's voice from {ruth_s} s of speech by Speaker 2 in session {session.id}" in said(r)
    # a name given in the session is a label too
    rename_in(session.path, "Speaker 3", "Ben")
    r = run_cli("voices", "remember", session.id, "Ben", "Ben")
    assert r.returncode == 0 and "remembered Ben's voice from 22 s of speech by Ben" in said(r), r.stderr
    r = run_cli("voices")
    assert r.returncode == 0, r.stderr
    rows = r.stdout.splitlines()
    assert rows[0].split() == ["name", "voice", "saved"]
    assert rows[1].startswith("Ben ") and " 22 s " in rows[1]
    assert rows[2].startswith("Ruth ") and f" {ruth_s} s " in rows[2]
    assert f"(2 in {home / 'voices'}; voice prints only, no audio)" == rows[3]
    assert len(list((home / "voices").glob("*.npz"))) == 2

    r = run_cli("voices", "forget", "ruth")
    assert r.returncode == 0 and "forgot Ruth's voice (deleted " in said(r)
    assert [p.name.split("-")[0] for p in (home / "voices").glob("*.npz")] == ["ben"]
    r = run_cli("voices", "forget", "Ruth")
    assert r.returncode == 2 and said(r) == "livecaption: error: no voice is remembered as 'Ruth' (remembered: Ben)"
    r = run_cli("voices", "forget")
    assert r.returncode == 2 and "the following arguments are required: name" in r.stderr


@pytest.mark.model  # a session with the real model
def test_caption_with_speakers_names_a_remembered_voice_from_its_first_line(home, hifi, jfk, tmp_path):
    kept_session([(a, "reader") for a in hifi[:10]])  # ten of the reader's lines, as a session kept them
    r = run_cli("voices", "remember", "latest", "Speaker 1", "Ruth")
    assert r.returncode == 0, r.stderr
    gap = np.zeros(int(0.8 * SR), np.float32)
    others = [a for a in hifi[30:] if len(a) > 2.5 * SR][:3]  # three other lines of hers, after JFK
    talk = write_wav(tmp_path / "talk.wav", np.concatenate([gap, jfk, *(x for a in others for x in (gap, a)), gap]))
    r = run_cli("caption", "--input", str(talk), "--speakers", "--format", "json", "--no-journal")
    assert r.returncode == 0, r.stderr
    assert "recognising remembered voices: Ruth" in r.stderr
    captions = [c for c in json.loads(r.stdout)["captions"] if c["text"]]
    jfk_end = 0.8 + len(jfk) / SR
    assert {c["speaker"] for c in captions if c["end"] <= jfk_end + 0.3} == {"Speaker 1"}, captions
    assert {c["speaker"] for c in captions if c["start"] >= jfk_end + 0.5} == {"Ruth"}, captions
