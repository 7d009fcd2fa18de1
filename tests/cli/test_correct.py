"""`livecaption correct`: a misreading fixed in a kept session (journaled as edits) and taught to a profile."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import run_cli

from livecaption.captions import Caption
from livecaption.storage.journal import Journal, list_sessions, read_events
from livecaption.storage.userconfig import UserConfig
from livecaption.transcript import Edit


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "sessions"


def a_session(*texts: str, close: bool = True) -> Journal:
    j = Journal("mic", "tiny.en")
    for k, text in enumerate(texts):
        j.append(Caption(2.0 * k, 2.0 * k + 1.5, text, id=k + 1))
    if close:
        j.close()
    return j


def test_a_misreading_is_corrected_in_every_line_and_the_word_is_learned(sessions):
    a_session("The Buluru gave a yell.", "a blue sky", "said the buluru's wife")
    r = run_cli("correct", "latest", "Buluru", "Boolooroo", "--learn", "--profile", "sky island")
    assert r.returncode == 0, r.stderr
    assert "corrected 2 lines" in r.stderr and "learned Boolooroo in vocabulary profile 'sky island'" in r.stderr
    r = run_cli("export", "latest", "-f", "txt")
    assert [line.split("] ", 1)[1] for line in r.stdout.splitlines()] == [
        "The Boolooroo gave a yell.", "a blue sky", "said the Boolooroo's wife"]
    _, events, _ = read_events(list_sessions()[-1].path)
    assert [e for e in events if isinstance(e, Edit)] == [
        Edit("", 1, "The Boolooroo gave a yell."), Edit("", 3, "said the Boolooroo's wife")]  # as the app journals them
    assert UserConfig.load().profiles["sky island"].words == ["Boolooroo"]
    # caption --profile uses what was learned: the words to boost carry it
    from livecaption.cli.commands import vocabulary
    from livecaption.cli.parser import build_parser

    args = build_parser().parse_args(["caption", "--profile", "sky island"])
    assert vocabulary(args) == ("", "Boolooroo")
    r = run_cli("correct", "latest", "Buluru", "Boolooroo", "--learn")  # nothing left to correct
    assert r.returncode == 1 and "no line of session" in r.stderr
    assert "learned Boolooroo in vocabulary profile 'default'" in r.stderr  # the default profile, as the app's
    assert vocabulary(build_parser().parse_args(["caption"])) == ("", "Boolooroo")


def test_a_running_session_or_no_words_is_a_clear_refusal(sessions):
    j = a_session("the Buluru", close=False)
    r = run_cli("correct", "latest", "Buluru", "Boolooroo")
    assert r.returncode == 2 and "still running" in r.stderr and "Traceback" not in r.stderr
    j.close()
    r = run_cli("correct", "latest", "  ", "Boolooroo")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = run_cli("correct", "nope", "a", "b")
    assert r.returncode == 2 and "no session 'nope'" in r.stderr


EDITING = """
import sys, time
from livecaption.config import SessionConfig
from livecaption.session import build_session
from livecaption.transcript import Edit
session = build_session(SessionConfig(input_file=sys.argv[1], realtime=True, settle=False))
session.start()
while not session.engine.captions:
    time.sleep(0.05)
first = session.engine.captions[0]
session.engine.record.edit(Edit(first.source, first.id, "My own words for this line."))
print("edited", flush=True)
time.sleep(60)
"""


@pytest.mark.model
def test_an_edit_survives_kill_9_a_second_later(speech, sessions):
    proc = subprocess.Popen([sys.executable, "-c", EDITING, str(speech / "jfk.flac")], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=dict(os.environ))  # fmt: skip
    try:
        assert proc.stdout.readline().strip() == "edited"
        time.sleep(1.0)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    r = run_cli("export", "latest", "-f", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["captions"][0]["text"] == "My own words for this line."
