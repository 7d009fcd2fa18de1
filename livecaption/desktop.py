"""The app's place on a Linux desktop: its icon and menu entry, and `livecaption install-desktop`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from livecaption.errors import InputError

APP_ID = "io.github.livecaption.livecaption"
WM_CLASS = "livecaption"  # Qt's X11 class is the application name; the .desktop's StartupWMClass says the same
RESOURCES = Path(__file__).resolve().parent / "resources"


def icon_path(size: int | None = None) -> Path:
    """The SVG, or the PNG of `size` pixels."""
    if size is None:
        return RESOURCES / f"{APP_ID}.svg"
    return RESOURCES / "icons" / f"{size}x{size}" / f"{APP_ID}.png"


def icon_sizes() -> list[int]:
    return sorted(int(p.name.split("x")[0]) for p in (RESOURCES / "icons").iterdir() if p.is_dir())


def launch_command() -> list[str]:
    """How a menu entry starts this installation of the app (a virtual environment's python is
    kept as it is: resolving its link would lose the environment)."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle
        return [str(Path(sys.executable).resolve())]
    script = Path(sys.argv[0])
    if script.name == "livecaption" and script.is_file():
        return [str(script.absolute())]
    beside = Path(sys.executable).parent / "livecaption"  # the entry point of this python's environment
    if beside.is_file():
        return [str(beside.absolute())]
    found = shutil.which("livecaption")
    if found:
        return [str(Path(found).absolute())]
    return [os.path.abspath(sys.executable), "-m", "livecaption"]


def _exec_value(argv: list[str]) -> str:
    # The Desktop Entry spec quotes arguments with double quotes and escapes ", `, $ and \ inside them.
    def quote(arg: str) -> str:
        if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
            return arg
        return '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'

    return " ".join(quote(a) for a in argv)


@dataclass(frozen=True)
class Installed:
    entry: Path
    icons: list[Path]


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def targets(home: Path) -> Installed:
    icons = [home / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in icon_sizes()]
    icons.append(home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg")
    return Installed(home / "applications" / f"{APP_ID}.desktop", icons)


def install_desktop(home: Path | None = None, command: list[str] | None = None) -> Installed:
    """Writes the menu entry (pointing at this installation) and the icons into the user's data dir."""
    if not sys.platform.startswith("linux"):
        raise InputError("install-desktop writes a freedesktop menu entry: it is for Linux desktops")
    where = targets(home or data_home())
    argv = command or launch_command()
    lines = []
    for line in (RESOURCES / f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + _exec_value(argv)
        elif line.startswith("TryExec="):
            line = "TryExec=" + argv[0]
        lines.append(line)
    try:
        where.entry.parent.mkdir(parents=True, exist_ok=True)
        where.entry.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for target in where.icons:
            target.parent.mkdir(parents=True, exist_ok=True)
            size = None if target.suffix == ".svg" else int(target.parent.parent.name.split("x")[0])
            shutil.copyfile(icon_path(size), target)
    except OSError as exc:
        raise InputError(f"cannot write the menu entry: {exc}") from exc
    _refresh(where)
    return where


def uninstall_desktop(home: Path | None = None) -> list[Path]:
    """Removes what install_desktop wrote; returns the files that were there."""
    where = targets(home or data_home())
    removed = [p for p in [where.entry, *where.icons] if p.exists()]
    for p in removed:
        p.unlink()
    _refresh(where)
    return removed


def _refresh(where: Installed) -> None:
    """Menus notice a new entry by themselves; these caches make it immediate where the tools exist."""
    hicolor = where.icons[0].parents[2]
    for cmd in (["update-desktop-database", "-q", str(where.entry.parent)], ["gtk-update-icon-cache", "-q", "-t", str(hicolor)]):
        if shutil.which(cmd[0]) and Path(cmd[-1]).is_dir():
            subprocess.run(cmd, check=False, capture_output=True)

