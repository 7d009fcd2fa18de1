"""`livecaption correct`: fix a misreading in a kept session, and teach the word to a vocabulary profile."""

from __future__ import annotations

import argparse

from livecaption.cli.commands import say
from livecaption.corrections import Fix, lines_to_fix, new_words
from livecaption.errors import LivecaptionError


def cmd_correct(args: argparse.Namespace) -> int:
    from livecaption.recovery import restore
    from livecaption.storage.journal import append_to, read_events, transcript_of
    from livecaption.transcript import Edit
    from livecaption.vocabulary import DEFAULT_PROFILE, learn

    wrong, right = " ".join(args.wrong.split()), " ".join(args.right.split())
    if not wrong or not right:
        raise LivecaptionError("say what the transcript has and what it should say, e.g. correct latest Buluru Boolooroo")
    info, _ = restore(args.session, log=say)  # a session that died is closed first (its last words recovered)
    if not (info.finished or info.crashed):
        raise LivecaptionError(f"session {info.id} is still running: correct it in the app, or once it has stopped")
    header, events, _ = read_events(info.path)
    fix = Fix(wrong, right)
    found = lines_to_fix(transcript_of(header, events).kept(), fix, alike=False)
    append_to(info.path, *(Edit(f.caption.source, f.caption.id, f.text).to_dict() for f in found))  # as the app's edits
    n = len(found)
    say(f"corrected {n} line{'s' * (n != 1)} of session {info.id}" if n else f"no line of session {info.id} says '{wrong}'")
    if args.learn:
        profile = args.profile or DEFAULT_PROFILE
        words = new_words(fix)
        saved = learn(words, profile) if words else None
        say(f"learned {', '.join(words)} in vocabulary profile '{profile}' ({len(saved.words)} words)" if saved else
            f"nothing new to learn: '{right}' has no word that '{wrong}' lacks")  # fmt: skip
    return 0 if found else 1
