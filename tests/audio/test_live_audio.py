"""Real capture: speech played into a PulseAudio null sink, recorded from its monitor."""

import json
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

from conftest import run_cli

from benchmarks.metrics import error_rate, tokens

JFK = "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."


def wait_for(proc, text: str, timeout: float = 60) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen += line
        if text in line:
            return seen
        if proc.poll() is not None:
            break
    raise AssertionError(f"never saw {text!r}: {seen}")


@contextmanager
def live(out):
    """`livecaption caption` on the PulseAudio input, once it says it is listening; killed if left running."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "livecaption", "caption", "--mic", "pulse", "--format", "jsonl", "-o", str(out)],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(proc, "listening on")
        time.sleep(0.5)
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()


def rows_of(out) -> list[dict]:
    return [json.loads(x) for x in out.read_text().splitlines()]


def play(pulse, clip) -> None:
    subprocess.run(["paplay", "--device", pulse["sink"], str(clip)], check=True, timeout=60)


def ctrl_c(proc) -> str:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    return err


def test_devices_lists_the_pulse_input(pulse):
    r = run_cli("devices")
    assert r.returncode == 0, r.stderr
    assert "pulse" in r.stdout and "*" in r.stdout


def test_unknown_device(pulse):
    r = run_cli("caption", "--mic", "no-such-microphone")
    assert r.returncode == 2 and "no input device matches" in r.stderr and "Traceback" not in r.stderr


def test_captions_speech_played_into_the_microphone(speech, pulse, tmp_path):
    out = tmp_path / "live.jsonl"
    with live(out) as proc:
        play(pulse, speech / "jfk.flac")
        # Ctrl+C right after playback: the tail still buffered must be transcribed, not dropped.
        time.sleep(0.3)
        err = ctrl_c(proc)
    assert proc.returncode == 0, err
    rows = [r for r in rows_of(out) if r["final"] and not r.get("settled")]  # live finals: partials are drafts
    text = " ".join(r["text"] for r in rows)
    assert "fellow Americans" in text and "country" in text.lower()
    assert error_rate(JFK, text) < 0.25, text
    # the clip's last words, spoken just before Ctrl+C, are the transcript's last words
    assert tokens(text, "word")[-4:] == ["do", "for", "your", "country"], text
    assert all(r["start"] < r["end"] for r in rows)


def _null_sink_module(name: str = "lc_sink") -> str:
    out = subprocess.run(["pactl", "list", "short", "modules"], capture_output=True, text=True, check=True).stdout
    return next(line.split()[0] for line in out.splitlines() if "module-null-sink" in line and f"sink_name={name}" in line)


def _load_sink(name: str) -> None:
    subprocess.run(
        ["pactl", "load-module", "module-null-sink", f"sink_name={name}", "rate=16000"], check=True, capture_output=True
    )


def test_device_loss_keeps_the_session_and_resumes(speech, pulse, tmp_path):
    """Remove the microphone (the PulseAudio source) mid-session, then bring it back. The other
    sink goes too: PulseAudio would otherwise move the stream to its monitor, and nothing is lost."""
    out = tmp_path / "lost.jsonl"
    with live(out) as proc:
        play(pulse, speech / "61-70968-0000.flac")
        time.sleep(1.5)
        outage_start = time.monotonic()
        subprocess.run(["pactl", "unload-module", _null_sink_module(pulse["speakers"])], check=True)
        subprocess.run(["pactl", "unload-module", _null_sink_module()], check=True)
        wait_for(proc, "was lost", timeout=30)
        time.sleep(2)
        _load_sink("lc_sink")
        _load_sink(pulse["speakers"])
        subprocess.run(["pactl", "set-default-source", "lc_sink.monitor"], check=True)
        subprocess.run(["pactl", "set-default-sink", pulse["speakers"]], check=True)
        wait_for(proc, "microphone back", timeout=30)
        outage = time.monotonic() - outage_start
        time.sleep(0.5)
        play(pulse, speech / "jfk.flac")
        time.sleep(0.5)
        err = ctrl_c(proc)
    assert proc.returncode == 0, err
    rows = [r for r in rows_of(out) if r["final"] and not r.get("settled")]
    before = [r for r in rows if "wizard" in r["text"].lower()]
    after = [r for r in rows if "country" in r["text"].lower()]
    assert before and after, rows  # one transcript, both sides of the outage
    # times stay on the session's clock: the second clip starts after the outage
    assert after[0]["start"] >= before[-1]["end"] + outage - 1.0
