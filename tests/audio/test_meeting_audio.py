"""Meetings through a real sound server: the microphone and system audio (the default output's
monitor) as two labelled inputs. Speech is played with paplay into two PulseAudio null sinks."""

import json
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
import soundfile as sf

from benchmarks.metrics import error_rate
from livecaption.transcription.text import words

JFK = "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
WIZARD = "HE BEGAN A CONFUSED COMPLAINT AGAINST THE WIZARD WHO HAD VANISHED BEHIND THE CURTAIN ON THE LEFT"
LAMPS = "AFTER EARLY NIGHTFALL THE YELLOW LAMPS WOULD LIGHT UP HERE AND THERE THE SQUALID QUARTER OF THE BROTHELS"


class Live:
    """`livecaption caption` running, its stderr read on a thread (a silent process never blocks a test)."""

    def __init__(self, cmd: list[str]) -> None:
        self.proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=lambda: self.lines.extend(iter(self.proc.stderr.readline, "")))
        self._reader.start()

    def wait_for(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"never saw {text!r}: {''.join(self.lines)}")
            time.sleep(0.1)

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=90)
        self._reader.join(10)
        err = "".join(self.lines)
        assert self.proc.returncode == 0, err
        return err


@contextmanager
def meeting(out, *args):
    cmd = [sys.executable, "-m", "livecaption", "caption", *args, "--format", "jsonl", "-o", str(out), "-v"]
    live = Live(cmd)
    try:
        live.wait_for("listening on")
        time.sleep(0.5)
        yield live
    finally:
        if live.proc.poll() is None:
            live.proc.kill()


def play(sink: str, path, delay: float = 0.0) -> threading.Thread:
    def run():
        time.sleep(delay)
        subprocess.run(["paplay", "--device", sink, str(path)], check=True, timeout=60)

    t = threading.Thread(target=run)
    t.start()
    return t


def null_sink(name: str) -> str:
    """A new output on the sound server; its module number, to unload it."""
    load = ["pactl", "load-module", "module-null-sink", f"sink_name={name}", "rate=16000"]
    return subprocess.run(load, capture_output=True, text=True, check=True).stdout.strip()


def finals(out) -> list[dict]:
    """The live finals (settled objects, which jsonl also carries, replace them in transcripts)."""
    return [r for r in map(json.loads, out.read_text().splitlines()) if r["final"] and not r.get("settled")]


def attributed(rows, refs: dict[str, str]) -> float:
    """Share of caption words found in the reference of the input that heard them (words in both
    references count either way)."""
    vocab = {k: set(words(v)) for k, v in refs.items()}
    said = [(r["speaker"], w) for r in rows for w in words(r["text"])]
    return sum(w in vocab[who] for who, w in said) / max(1, len(said))


def test_you_and_others_at_overlapping_times(speech, pulse, tmp_path):
    out = tmp_path / "meeting.jsonl"
    with meeting(out, "--mic", "pulse", "--system-audio") as live:
        threads = [play(pulse["sink"], speech / "61-70968-0000.flac"), play(pulse["speakers"], speech / "1089-134686-0001.flac", 1.5)]
        for t in threads:
            t.join()
        time.sleep(0.5)
        live.stop()
    rows = finals(out)
    assert {(r["source"], r["speaker"]) for r in rows} == {("mic", "You"), ("system", "Others")}, rows
    you = " ".join(r["text"] for r in rows if r["speaker"] == "You")
    others = " ".join(r["text"] for r in rows if r["speaker"] == "Others")
    assert error_rate(WIZARD, you) < 0.25, you
    assert error_rate(LAMPS, others) < 0.25, others
    assert attributed(rows, {"You": WIZARD, "Others": LAMPS}) >= 0.95, rows
    # nothing twice: the clips share no word but "the", which each says twice
    assert words(you + " " + others).count("wizard") == 1 and words(you + " " + others).count("lamps") == 1


def test_an_echo_of_the_loudspeaker_is_captioned_once_as_others(speech, pulse, tmp_path):
    """No headphones: the microphone also hears what the system plays, 10 dB down."""
    audio, rate = sf.read(str(speech / "jfk.flac"))
    echo = tmp_path / "jfk-echo.wav"
    sf.write(str(echo), audio * 10 ** (-10 / 20), rate)
    out = tmp_path / "echo.jsonl"
    with meeting(out, "--mic", "pulse", "--system-audio") as live:
        threads = [play(pulse["speakers"], speech / "jfk.flac"), play(pulse["sink"], echo, 0.02)]
        for t in threads:
            t.join()
        time.sleep(0.5)
        err = live.stop()
    rows = finals(out)
    assert rows and all(r["speaker"] == "Others" for r in rows), rows
    text = " ".join(r["text"] for r in rows)
    assert error_rate(JFK, text) < 0.25, text
    assert words(text).count("americans") == 1  # once, not once per input
    assert "echo of system audio" in err  # what the microphone heard is logged, not silently gone


def test_system_audio_follows_the_default_output(speech, pulse, tmp_path):
    """Headphones plugged in mid-call: the desktop makes them the default output, captions go on."""
    out = tmp_path / "follow.jsonl"
    module = null_sink("lc_headphones")
    try:
        with meeting(out, "--system-audio") as live:
            play(pulse["speakers"], speech / "61-70968-0000.flac").join()
            time.sleep(1.0)
            subprocess.run(["pactl", "set-default-sink", "lc_headphones"], check=True)
            live.wait_for("system audio now", timeout=30)
            play("lc_headphones", speech / "jfk.flac").join()
            time.sleep(0.5)
            live.stop()
    finally:
        subprocess.run(["pactl", "set-default-sink", pulse["speakers"]], check=True)
        subprocess.run(["pactl", "unload-module", module], check=True)
    rows = finals(out)
    text = " ".join(r["text"] for r in rows).lower()
    assert "wizard" in text and "country" in text, rows
    assert all("speaker" not in r and r["source"] == "system" for r in rows)  # one input: no label


def test_an_output_that_disappears_keeps_the_session_and_it_resumes(speech, pulse, tmp_path):
    """The default output goes away (a USB headset unplugged): system audio follows whatever output
    is left, and back to the headset when it returns; nothing captioned is lost."""
    out = tmp_path / "gone.jsonl"
    module = null_sink("lc_headset")
    subprocess.run(["pactl", "set-default-sink", "lc_headset"], check=True)
    try:
        with meeting(out, "--system-audio") as live:
            play("lc_headset", speech / "61-70968-0000.flac").join()
            time.sleep(1.0)
            subprocess.run(["pactl", "unload-module", module], check=True)
            live.wait_for("system audio now", timeout=30)  # the output left: PulseAudio's new default
            module = null_sink("lc_headset")
            subprocess.run(["pactl", "set-default-sink", "lc_headset"], check=True)
            deadline = time.monotonic() + 30
            while sum("system audio now" in line for line in live.lines) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            play("lc_headset", speech / "jfk.flac").join()
            time.sleep(0.5)
            live.stop()
    finally:
        subprocess.run(["pactl", "set-default-sink", pulse["speakers"]], check=True)
        subprocess.run(["pactl", "unload-module", module], check=False)
    text = " ".join(r["text"] for r in finals(out)).lower()
    assert "wizard" in text and "country" in text, text


def test_a_two_party_call_you_stay_you_and_the_other_side_gets_a_label_per_voice(speech, pulse, tmp_path):
    """--speakers: the far side of a call (system audio) has two people taking turns; the microphone is you."""
    import numpy as np

    from livecaption.audio import read_audio

    jfk, reader = read_audio(speech / "jfk.flac"), read_audio(speech / "1089-134686-0001.flac")
    gap = np.zeros(12800, np.float32)
    far = np.concatenate((jfk[:89600], gap, reader[:52800], gap, jfk[89600:], gap, reader[52800:]))
    call = tmp_path / "far-side.wav"
    sf.write(str(call), far, 16000)
    out = tmp_path / "call.jsonl"
    with meeting(out, "--mic", "pulse", "--system-audio", "--speakers") as live:
        threads = [play(pulse["speakers"], call), play(pulse["sink"], speech / "61-70968-0000.flac", 24.0)]
        for t in threads:
            t.join()
        time.sleep(0.5)
        live.stop()
    rows = finals(out)
    assert {r["speaker"] for r in rows if r["source"] == "mic"} == {"You"}, rows
    far_rows = [r for r in rows if r["source"] == "system"]
    said = {}
    for r in far_rows:
        w = set(words(r["text"]))
        who = "jfk" if w & {"americans", "country", "fellow"} else "reader" if w & {"nightfall", "lamps", "squalid",
                                                                                     "brothels", "yellow"} else None  # fmt: skip
        if who:
            said.setdefault(who, set()).add(r["speaker"])
    assert set(said) == {"jfk", "reader"}, far_rows
    assert all(len(labels) == 1 for labels in said.values()), said  # one label per voice...
    assert said["jfk"] != said["reader"] and "You" not in said["jfk"] | said["reader"], said  # ...two voices, two


@pytest.mark.parametrize("fmt", ["srt", "txt", "vtt", "json"])
def test_a_meeting_saved_as_a_transcript_holds_both_sides(speech, pulse, tmp_path, fmt, monkeypatch):
    """With a settle pass on system audio (and none on the microphone when its echo is taken out), the
    kept transcript written by txt/srt/vtt/json holds the user's own words as well as the others'."""
    out = tmp_path / f"meeting.{fmt}"
    cmd = [sys.executable, "-m", "livecaption", "caption", "--mic", "pulse", "--system-audio", "--format", fmt,
           "-o", str(out), "-v"]  # fmt: skip
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    live = Live(cmd)
    try:
        live.wait_for("listening on")
        time.sleep(0.5)
        threads = [play(pulse["sink"], speech / "61-70968-0000.flac"), play(pulse["speakers"], speech / "1089-134686-0001.flac", 1.5)]
        for t in threads:
            t.join()
        time.sleep(0.5)
        live.stop()
    finally:
        if live.proc.poll() is None:
            live.proc.kill()
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        rows = json.loads(text)["captions"]
        you = " ".join(r["text"] for r in rows if r.get("speaker") == "You")
        others = " ".join(r["text"] for r in rows if r.get("speaker") == "Others")
        assert any(r.get("settled") for r in rows), rows  # the settled transcript, with the live microphone
    else:
        said = {"srt": "You: ", "txt": "You: ", "vtt": "<v You>"}[fmt]
        heard = {"srt": "Others: ", "txt": "Others: ", "vtt": "<v Others>"}[fmt]
        cues = [" ".join(x for x in block.splitlines() if "-->" not in x and not x.isdigit() and x != "WEBVTT")
                for block in text.split("\n\n" if fmt != "txt" else "\n[")]  # fmt: skip
        you = " ".join(c.split(said, 1)[1] for c in cues if said in c)
        others = " ".join(c.split(heard, 1)[1] for c in cues if heard in c)
    assert error_rate(WIZARD, you) < 0.3, text
    assert error_rate(LAMPS, others) < 0.3, text
    exported = subprocess.run([sys.executable, "-m", "livecaption", "export", "latest", "-f", fmt], capture_output=True,
                              text=True, timeout=120)  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == text  # what the command line wrote is the session's kept transcript
