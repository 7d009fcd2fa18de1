import json
import os

import pytest
import srt
from conftest import run_cli, write_wav

import livecaption
from livecaption import cli
from livecaption.samples import SR

pytestmark = pytest.mark.model  # loads the real Whisper model


@pytest.fixture
def clip(speech) -> str:
    return str(speech / "61-70968-0000.flac")


def test_version_and_help():
    r = run_cli("--version")
    assert r.returncode == 0 and livecaption.__version__ in r.stdout
    r = run_cli("caption", "--help")
    assert r.returncode == 0 and "--input" in r.stdout and "examples:" in r.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "srt", "vtt", "txt", "json"])
def test_caption_file_in_every_format(clip, fmt, tmp_path):
    out = tmp_path / f"out.{fmt}"
    r = run_cli("caption", "--input", clip, "--format", fmt, "--output", str(out))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    text = out.read_text(encoding="utf-8")
    assert "wizard" in text.lower()
    if fmt == "jsonl":
        rows = [json.loads(line) for line in text.splitlines()]
        base = {"start", "end", "text", "final", "language", "emit", "id"}
        assert all(set(r) == base | ({"stable"} if not r["final"] else set()) for r in rows if not r.get("settled"))
        assert all(0 <= r["stable"] <= len(r["text"]) for r in rows if not r["final"])  # partials say what is stable
        final = [r for r in rows if r["final"] and not r.get("settled")]
        assert final[0]["language"] == "en"
        assert 0 <= final[0]["start"] < final[0]["end"] <= 4.91
    elif fmt == "srt":
        subs = list(srt.parse(text))
        assert subs and subs[0].index == 1
    elif fmt == "vtt":
        assert text.startswith("WEBVTT")
    elif fmt == "json":
        assert json.loads(text)["captions"]
    else:
        assert text.startswith("[00:00:00] ")


def test_jsonl_prints_partials_that_the_final_replaces(speech, tmp_path):
    r = run_cli("caption", "--input", str(speech / "jfk.flac"), "--format", "jsonl", "--chunk", "2")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    partials = [x for x in rows if not x["final"]]
    assert partials, "partials are printed"
    finals = {x["id"]: x for x in rows if x["final"]}
    for p in partials:
        assert p["id"] in finals and finals[p["id"]]["emit"] >= p["emit"]  # each replaced later, same id


def test_stdout_is_default_and_realtime_paces_the_replay(clip, tmp_path):
    r = run_cli("caption", "--input", clip, "--realtime", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    row = json.loads(r.stdout.splitlines()[-1])
    # emit is wall-clock: at least the clip's end (4.9 s) has passed when it is shown
    assert row["emit"] >= 4.5


def _bad(*args, expect: str, **kw):
    r = run_cli(*args, **kw)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "error:" in lines[0], r.stderr
    assert expect in lines[0].lower(), lines[0]
    return lines[0]


def test_missing_file():
    _bad("caption", "--input", "/nonexistent/talk.flac", expect="not found")


def test_corrupt_file(tmp_path):
    bad = tmp_path / "talk.flac"
    bad.write_bytes(b"fLaC" + os.urandom(3000))
    _bad("caption", "--input", str(bad), expect="cannot read")


def test_empty_file(tmp_path):
    import numpy as np

    empty = write_wav(tmp_path / "empty.wav", np.zeros(0, np.float32))
    _bad("caption", "--input", str(empty), expect="contains no audio")
    zero = tmp_path / "zero.mp3"
    zero.write_bytes(b"")
    line = _bad("caption", "--input", str(zero), expect="cannot read")
    assert "zero.mp3 as audio" in line


def test_not_a_model_folder(clip, tmp_path):
    (tmp_path / "config.json").write_text("{}")
    _bad("caption", "--input", clip, "--model", str(tmp_path), expect="not a ctranslate2 whisper model")


def test_unknown_model_name(clip):
    _bad("caption", "--input", clip, "--model", "no-such-model", expect="unknown model")


def test_cuda_without_gpu(clip):
    # Hidden from CUDA, a machine that has a GPU behaves as one without.
    _bad("caption", "--input", clip, "--device", "cuda", expect="no cuda gpu",
         env=dict(os.environ, CUDA_VISIBLE_DEVICES=""))  # fmt: skip


def test_unwritable_output(clip, tmp_path):
    _bad("caption", "--input", clip, "--output", "/proc/no/such/dir/out.srt", expect="cannot write")


def test_no_input_device(monkeypatch, capsys):
    # Fault injection: PortAudio reports no capture device at all.
    monkeypatch.setattr("livecaption.audio.portaudio.list_input_devices", lambda: [])
    assert cli.main(["caption"]) == 2
    err = capsys.readouterr().err
    assert "no audio input device" in err and "Traceback" not in err
    assert cli.main(["devices"]) == 2


def test_captions_made_before_a_failure_are_kept(clip, monkeypatch, tmp_path, capsys):
    """The output breaks mid-session (disk full): what was written stays, exit 2."""
    from livecaption.storage import export

    out = tmp_path / "out.jsonl"
    real_write = export.CaptionWriter._write
    calls = {"n": 0}

    def flaky(self, text):
        calls["n"] += 1
        if calls["n"] > 1:
            raise export.LivecaptionError("cannot write captions: No space left on device")
        real_write(self, text)

    monkeypatch.setattr(export.CaptionWriter, "_write", flaky)
    two = tmp_path / "two.wav"
    import numpy as np

    from livecaption.audio import read_audio

    a = read_audio(clip)
    write_wav(two, np.concatenate((a, np.zeros(SR * 2, np.float32), a, np.zeros(SR * 2, np.float32), a)))
    assert cli.main(["caption", "--input", str(two), "--format", "jsonl", "-o", str(out)]) == 2
    assert "No space left" in capsys.readouterr().err
    rows = out.read_text().splitlines()
    assert len(rows) == 1 and "wizard" in rows[0].lower()


def test_full_disk_on_the_journal_mid_session(clip, monkeypatch, tmp_path, capsys):
    """The journal's disk fills up after its first caption: one line, exit 2, every caption still in the output."""
    import numpy as np

    from livecaption.audio import read_audio
    from livecaption.storage.journal import load

    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    real_fsync, synced = os.fsync, []

    def fsync(fd):  # fault injection: writes to the journal fail once it holds one caption
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".jsonl") and "sessions" in os.readlink(f"/proc/self/fd/{fd}"):
            synced.append(fd)
            if len(synced) > 2:  # the session header, then one caption
                raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    a = read_audio(clip)
    three = write_wav(tmp_path / "three.wav", np.concatenate([a, np.zeros(SR * 2, np.float32)] * 3))
    out = tmp_path / "out.jsonl"
    assert cli.main(["caption", "--input", str(three), "--format", "jsonl", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("No space left on device") == 1 and "Traceback" not in err
    finals = [x for x in map(json.loads, out.read_text().splitlines()) if x["final"] and not x.get("settled")]
    assert len(finals) == 3 and all("wizard" in r["text"].lower() for r in finals)
    _, journaled = load("latest")
    texts = [c.text for c in journaled]  # the failed write may or may not have reached the disk
    assert 1 <= len(texts) < 3 and texts == [r["text"] for r in finals][: len(texts)]


def test_system_audio_without_a_sound_server_says_what_to_install(tmp_path):
    env = dict(os.environ, PULSE_SERVER=f"unix:{tmp_path}/no-such-server")
    r = run_cli("caption", "--system-audio", env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "PulseAudio or PipeWire" in r.stderr, r.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--labels", "Ana"), "--labels takes two names"),
        (("--labels", "Ana,"), "--labels takes two names"),
        (("--system-audio", "--input", "CLIP"), "cannot be used with --input"),
    ],
)
def test_bad_meeting_options_are_one_line(args, said, clip):
    r = run_cli("caption", *(clip if a == "CLIP" else a for a in args))
    assert r.returncode == 2 and said in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_labels_on_a_recording_label_its_captions(clip, tmp_path):
    out = tmp_path / "out.txt"
    r = run_cli("caption", "--input", clip, "--labels", "Ana,Room", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_text().startswith("[00:00:00] Ana: He began")


@pytest.mark.parametrize(("value", "said"), [("english", "unknown language 'english'"), ("ko,xx", "unknown language 'xx'"),
                                             (",", "no language")])  # fmt: skip
def test_a_bad_language_is_one_line_before_any_model_loads(clip, value, said):
    r = run_cli("caption", "--input", clip, "--language", value, "--no-journal")
    assert r.returncode == 2 and said in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr  # not even the model's line: it never loaded
