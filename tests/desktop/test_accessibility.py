"""What a screen reader gets from the app, read through the real accessibility bus (AT-SPI) with pyatspi."""

import re

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
