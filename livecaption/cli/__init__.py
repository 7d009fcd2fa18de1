"""Command line: `livecaption caption`, `devices`, `models`, `sessions`, `export`, `correct`, `voices`; the app by default."""

from __future__ import annotations

import argparse
import os
import sys

from livecaption.cli.commands import (
    cmd_caption,
    cmd_devices,
    cmd_export,
    cmd_models,
    cmd_sessions,
    say,
)
from livecaption.cli.parser import build_parser
from livecaption.cli.review import cmd_correct
from livecaption.cli.voices import cmd_voices
from livecaption.errors import LivecaptionError


def _run(args: argparse.Namespace) -> int:
    commands = {
        "caption": cmd_caption,
        "devices": cmd_devices,
        "models": cmd_models,
        "sessions": cmd_sessions,
        "export": cmd_export,
        "install-desktop": cmd_install_desktop,
        "correct": cmd_correct,
        "voices": cmd_voices,
    }
    return commands.get(args.command, cmd_gui)(args)


def cmd_gui(args: argparse.Namespace) -> int:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        raise LivecaptionError("no display found: start the app from a desktop session, or use `livecaption caption`")
    from livecaption.gui.app import run_gui

    args.input, args.realtime, args.model = args.gui_input, args.gui_realtime, args.gui_model
    return run_gui(args)


def cmd_install_desktop(args: argparse.Namespace) -> int:
    from livecaption import desktop

    if args.uninstall:
        removed = desktop.uninstall_desktop()
        say(f"removed {len(removed)} files: the menu entry and icons" if removed else "no menu entry was installed")
        return 0
    where = desktop.install_desktop()
    say(f"menu entry: {where.entry}")
    say(f"icons: {where.icons[0].parents[2]} ({len(where.icons)} sizes)")
    say("livecaption is in your application menu (it may take a moment to appear)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except LivecaptionError as exc:
        say(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except Exception as exc:  # never a traceback for the user, unless asked
        if args.debug:
            raise
        say(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return 1
