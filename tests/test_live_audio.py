"""Real capture: speech played into a PulseAudio null sink, recorded from its monitor."""

import json
import signal
import subprocess
import sys
import time

from conftest import DATA, run_cli

from livecaption.metrics import error_rate

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


def test_devices_lists_the_pulse_input(pulse):
    r = run_cli("devices")
    assert r.returncode == 0, r.stderr
    assert "pulse" in r.stdout and "*" in r.stdout


def test_unknown_device(pulse):
    r = run_cli("caption", "--mic", "no-such-microphone")
    assert r.returncode == 2 and "no input device matches" in r.stderr and "Traceback" not in r.stderr


def test_captions_speech_played_into_the_microphone(pulse, tmp_path):
    out = tmp_path / "live.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "livecaption", "caption", "--mic", "pulse", "--format", "jsonl", "-o", str(out)],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(proc, "listening on")
        time.sleep(0.5)
        subprocess.run(["paplay", "--device", pulse["sink"], str(DATA / "jfk.flac")], check=True, timeout=60)
        # Ctrl+C right after playback: the tail still buffered must be transcribed, not dropped.
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    text = " ".join(r["text"] for r in rows)
    assert "fellow Americans" in text and "country" in text.lower()
    assert error_rate(JFK, text) < 0.25, text
    assert all(r["start"] < r["end"] for r in rows)
