"""`livecaption voices`: the voices remembered by name on this machine; remember a session's speaker, forget one."""

from __future__ import annotations

import argparse

from livecaption.cli.commands import say


def cmd_voices(args: argparse.Namespace) -> int:
    from livecaption.speakers import voices

    if args.voices_command == "remember":
        return _remember(args)
    if args.voices_command == "forget":
        gone = voices.forget(args.name)
        say(f"forgot {gone.name}'s voice (deleted {gone.path})")
        return 0
    known = voices.remembered()
    where = voices.voices_dir()
    if not known:
        print(f"no voices remembered ({where}); remember one with `livecaption voices remember SESSION LABEL NAME`")
    else:
        print(f"{'name':<24} {'voice':>9}  saved")
        for v in known:
            print(f"{v.name:<24} {speech(v.seconds):>9}  {v.saved.replace('T', ' ')}")
        print(f"({len(known)} in {where}; voice prints only, no audio)")
    for path in voices.damaged():
        say(f"{path.name} cannot be read: not used (delete the file)")
    return 0


def _remember(args: argparse.Namespace) -> int:
    from livecaption.speakers.from_session import session_voice
    from livecaption.speakers.voices import clean_name, remember

    name = clean_name(args.name)  # a bad name is said before any audio is read
    info, pieces, seconds = session_voice(args.session, args.label, encoder=None)
    kept = remember(name, pieces, seconds)
    again = " (added to what was remembered before)" if kept.seconds > seconds + 0.5 else ""
    say(f"remembered {kept.name}'s voice from {speech(seconds)} of speech by {' '.join(args.label.split())} "
        f"in session {info.id}{again}: sessions with --speakers name them from their first line")  # fmt: skip
    return 0


def speech(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"
