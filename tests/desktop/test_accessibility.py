"""What a screen reader gets from the app, read through the real accessibility bus (AT-SPI) with pyatspi."""

import re
import time

import pytest
from xdesktop import Desktop


@pytest.fixture
def desktop(tmp_path):
    d = Desktop(tmp_path)
    yield d
    d.close()

# (role, what a screen reader says it is): the name, or for pickers the label it is labelled by
CONTROLS = {
    ("push button", "Start or stop captioning"),
    ("combo box", "Input"),
    ("push button", "Refresh inputs"),
    ("combo box", "Model"),
    ("combo box", "Language"),
    ("combo box", "Run on"),
    ("check box", "Caption overlay"),
    ("table", "Transcript"),
    ("progress bar", "Input level"),
    ("menu item", "File"),
    ("menu item", "Edit"),
    ("menu item", "View"),
    ("menu item", "Session"),
}
INTERACTIVE = {"push button", "toggle button", "check box", "combo box", "text", "spin button", "slider",
               "radio button", "table", "menu item"}  # fmt: skip


def spoken(node: dict) -> str:
    return node["labelled_by"][0] if node["role"] == "combo box" and node["labelled_by"] else node["name"]


@pytest.mark.model  # runs a session with the real model in a subprocess
def test_every_control_says_what_it_is_and_captions_reach_the_screen_reader(speech, desktop):
    app = desktop.app("--input", str(speech / "61-70968-0000.flac"), "--realtime", "--overlay")
    tree = desktop.probe("tree")
    frame = [n for n in tree if n["path"].startswith("/application/frame")]
    controls = [n for n in frame if n["role"] in INTERACTIVE and n["showing"] and "/menu bar/menu item/" not in n["path"]]
    seen = {(n["role"], spoken(n)) for n in frame}  # the transcript is hidden until a caption comes
    assert seen >= CONTROLS, CONTROLS - seen
    for n in controls:
        said = spoken(n)
        assert re.search(r"[A-Za-z]{3}", said), f"{n['role']} named {said!r}: a symbol, not a name"
        if n["role"] == "combo box":
            assert n["labelled_by"], f"picker {n['name']!r} has no label (a buddy)"
        if n["role"] != "menu item":
            assert n["description"] and n["description"] != said, f"{n['role']} {said!r} has no description"
    # The pickers' descriptions say what they are for, not what is picked.
    pickers = {spoken(n): n for n in controls if n["role"] == "combo box"}
    assert "microphone" in pickers["Input"]["description"]
    assert "Whisper model" in pickers["Model"]["description"]
    windows = {n["name"] for n in tree if n["path"].count("/") == 2}
    assert "Caption overlay" in windows, windows

    # A caption of this session appears in the tree as "time, text", and is announced politely.
    heard = desktop.probe("wait", "curtain on the left", "60")
    assert heard["cell"], f"no transcript cell with the caption; heard: {heard['announced']}"
    assert re.match(r"00:00:0\d, He began .* curtain on the left", heard["cell"]["name"]), heard["cell"]["name"]
    assert any("curtain on the left" in a for a in heard["announced"]), heard["announced"]
    assert app.poll() is None, app.stderr.read()


@pytest.mark.model  # runs a session with the real model in a subprocess
def test_a_line_is_corrected_and_a_word_learned_from_the_keyboard_alone(speech, desktop, tmp_path):
    """Review and correct (#36) through the accessibility bus: keys in, what a screen reader is told out."""
    import json

    app = desktop.app("--input", str(speech / "jfk.flac"))
    desktop.probe("wait", "country", "90")
    time.sleep(4)  # the session ends and settles: the line edited is the one kept
    desktop.focus()
    desktop.probe("focus", "table", "Transcript")
    listening = desktop.listen("focus-events", "3")
    desktop.keys("Home", "Return")  # the first line, opened in place
    editing = json.loads(listening.communicate(timeout=30)[0])
    desktop.keys("ctrl+a", "text:And so my fellow Boolooroos, ask not", "Return")
    offered = desktop.probe("tree")
    desktop.keys("alt+n")  # learn the word
    learned = desktop.probe("tree")
    editors = [n for n in editing if n["role"] == "text" and n["name"] == "Edit line"]
    assert editors and editors[-1]["description"], editing  # the reader is told where the keys now go
    shown = {(n["role"], n["name"]): n for n in offered if n["showing"]}
    learn = shown.get(("push button", "Learn “Boolooroos”"))
    assert learn is not None, sorted(k for k in shown if k[0] == "push button")
    assert learn["description"] and shown[("push button", "Dismiss")]["description"]
    cells = [n["name"] for n in offered if n["role"] == "table cell"]
    assert any("Boolooroos" in c and "(edited)" in c for c in cells), cells
    assert not any(n["name"] == "Learn “Boolooroos”" and n["showing"] for n in learned)  # learned: the offer goes
    config = json.loads((tmp_path / "config" / "livecaption" / "livecaption.json").read_text())
    assert config["profiles"]["default"]["words"] == ["Boolooroos"]
    from livecaption.storage.journal import read_events

    journal = sorted((tmp_path / "data" / "livecaption" / "sessions").glob("*.jsonl"))[-1]
    assert any(getattr(e, "text", "").startswith("And so my fellow Boolooroos") and type(e).__name__ == "Edit"
               for e in read_events(journal)[1])  # fmt: skip
    assert app.poll() is None, app.stderr.read()
