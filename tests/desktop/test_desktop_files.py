"""The icon, menu entry and AppStream metadata: valid by the desktop's own validators, installed by
`livecaption install-desktop`, and matching the running window."""

import configparser
import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import need, run_cli
from PySide6.QtGui import QImage
from xdesktop import ROOT, Desktop

from livecaption import __version__, desktop

RES = ROOT / "resources"
ENTRY = RES / f"{desktop.APP_ID}.desktop"
METAINFO = RES / f"{desktop.APP_ID}.metainfo.xml"


def entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def validate_entry(path: Path) -> None:
    need(bool(shutil.which("desktop-file-validate")), "desktop-file-validate (desktop-file-utils) is not installed")
    out = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert out.returncode == 0 and "error" not in out.stdout, out.stdout + out.stderr


def test_the_desktop_entry_and_appstream_metadata_validate():
    validate_entry(ENTRY)
    need(bool(shutil.which("appstreamcli")), "appstreamcli (appstream) is not installed")
    out = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    e = entry(ENTRY)
    assert e["Icon"] == desktop.APP_ID and e["StartupWMClass"] == desktop.WM_CLASS
    assert {"Utility", "Accessibility"} <= set(e["Categories"].split(";"))


def test_appstream_lists_this_release_and_screenshots_that_exist():
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == desktop.APP_ID
    assert root.find("launchable").text == ENTRY.name
    assert __version__ in [r.get("version") for r in root.iter("release")]
    shots = [img.text for img in root.iter("image")]
    assert shots
    for url in shots:
        assert (ROOT / "docs" / url.rsplit("/", 1)[1]).is_file(), url
    assert root.find("content_rating").get("type") == "oars-1.1"


def test_icons_come_in_the_sizes_their_folders_say():
    assert {16, 32, 48, 64, 128, 256, 512} <= set(desktop.icon_sizes())
    for n in desktop.icon_sizes():
        image = QImage(str(desktop.icon_path(n)))
        assert (image.width(), image.height()) == (n, n)
        assert image.hasAlphaChannel()
    assert desktop.icon_path().read_text().lstrip().startswith("<svg")


def test_install_desktop_adds_a_menu_entry_that_starts_this_installation(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path))
    out = run_cli("install-desktop", env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    installed = tmp_path / "applications" / f"{desktop.APP_ID}.desktop"
    validate_entry(installed)
    e = entry(installed)
    assert e["StartupWMClass"] == desktop.WM_CLASS
    command = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', e["Exec"])
    argv = [a or b for a, b in command]
    assert Path(argv[0]).is_absolute()
    started = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=60)
    assert started.returncode == 0 and __version__ in started.stdout
    icons = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "icons").rglob("*.*"))
    assert f"icons/hicolor/48x48/apps/{desktop.APP_ID}.png" in icons
    assert f"icons/hicolor/scalable/apps/{desktop.APP_ID}.svg" in icons
    again = run_cli("install-desktop", "--uninstall", env=env, timeout=60)
    assert again.returncode == 0 and "removed" in again.stderr
    assert not installed.exists() and not list((tmp_path / "icons").rglob("*.png"))


def test_install_desktop_that_cannot_write_says_so_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    out = run_cli("install-desktop", env=dict(os.environ, XDG_DATA_HOME=str(blocker)), timeout=60)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "cannot write the menu entry" in out.stderr, out.stderr


@pytest.fixture
def x11(tmp_path):
    d = Desktop(tmp_path)
    yield d
    d.close()


@pytest.mark.model  # runs a session with the real model in a subprocess
def test_the_window_has_the_entrys_class_and_the_icon(speech, x11):
    need(bool(shutil.which("xprop")), "xprop (x11-utils) is not installed")
    x11.app("--input", str(speech / "jfk.flac"), "--realtime")
    props = ""
    for _ in range(100):
        out = subprocess.run(["xprop", "-name", "livecaption", "WM_CLASS", "_NET_WM_ICON"],
                             env=x11.env, capture_output=True, text=True)  # fmt: skip
        props = out.stdout
        if out.returncode == 0 and "WM_CLASS" in props:
            break
        time.sleep(0.2)
    classes = re.findall(r'"([^"]*)"', props.split("\n")[0])
    assert entry(ENTRY)["StartupWMClass"] in classes, props[:300]
    assert "_NET_WM_ICON(CARDINAL)" in props, props[:300]
