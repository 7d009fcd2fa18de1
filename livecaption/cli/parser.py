"""The command line's arguments, and the SessionConfig they describe."""

from __future__ import annotations

import argparse

from livecaption import __version__
from livecaption.config import SessionConfig
from livecaption.errors import InputError
from livecaption.languages import codes
from livecaption.storage.export import FORMATS

EXAMPLES = """\
examples:
  livecaption                                   open the desktop app
  livecaption caption                           caption the default microphone (Ctrl+C stops)
  livecaption caption --format srt -o talk.srt  live captions, saved as subtitles
  livecaption caption --input talk.flac --format vtt
  livecaption caption --input talk.wav --realtime --format jsonl
  livecaption caption --mic "USB" --model ~/models/whisper-small-ct2 --device cpu
  livecaption caption --system-audio            caption what the computer plays (a call, a video)
  livecaption caption --mic default --system-audio --labels "Ana,Room" -f srt -o meeting.srt
  livecaption devices                           list microphones and the system audio monitor
  livecaption correct latest Buluru Boolooroo --learn   fix a name in the last session, and learn it
  livecaption voices remember latest "Speaker 2" Ana   name Ana's voice in later sessions with --speakers
"""


def _number(group, flag: str, field: str, kind: type, text: str, metavar: str | None = None) -> None:
    """An option whose default is SessionConfig's, said in its help."""
    default = getattr(SessionConfig, field)
    group.add_argument(flag, type=kind, default=default, metavar=metavar, help=text.format(f"{default:g}"))


def add_engine_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model and compute")
    g.add_argument(
        "--model",
        "-m",
        default=None,
        help="bundled name (tiny.en), a CTranslate2 model folder, or a hub name such as large-v3-turbo (downloaded when asked); default: tiny.en, bundled",
    )
    g.add_argument(
        "--device",
        default="auto",
        choices=["auto", "cpu", "cuda"],
        help="compute device (default: auto = CUDA when usable, else CPU)",
    )
    g.add_argument(
        "--compute-type", default="auto", help="CTranslate2 compute type (default: float16 on GPU, int8 on CPU)"
    )
    g.add_argument("--language", "-l", default="auto",
                   help="auto (default: detected for each stretch of speech), a code such as en or ko, "
                        "or the set spoken, such as ko,en (detected among these only)")  # fmt: skip
    _number(g, "--beam-size", "beam_size", int, "beam size (default {}; 1 is faster)")
    g.add_argument(
        "--task",
        default="transcribe",
        choices=["transcribe", "translate", "both"],
        help="translate: English captions for any spoken language; both: the original with its English "
        "translation under it (multilingual models)",
    )
    g.add_argument("--prompt", metavar="TEXT", help="domain vocabulary as context: names, jargon, preferred spellings")
    g.add_argument("--hotwords", metavar="WORDS", help="words to boost (names, terms)")
    g.add_argument(
        "--profile",
        metavar="NAME",
        help="use the vocabulary saved under NAME; with --prompt/--hotwords, save them there",
    )
    g.add_argument("--threads", type=int, default=0, help="CPU threads for Whisper (default: one fewer than the cores)")
    a = p.add_argument_group("audio")
    a.add_argument("--input", "-i", metavar="FILE", help="caption a recording instead of the microphone")
    a.add_argument("--realtime", action="store_true", help="with --input: play it at 1x, as if live")
    a.add_argument(
        "--mic",
        "--input-device",
        dest="mic",
        metavar="DEVICE",
        help="input device: index or part of its name (see `livecaption devices`)",
    )
    a.add_argument(
        "--system-audio",
        action="store_true",
        help="caption what the computer plays (the default output's monitor); with --mic, both, each line labelled",
    )
    a.add_argument(
        "--labels",
        metavar="MIC,SYSTEM",
        help='speaker labels for the microphone and system audio (default with both: "You,Others")',
    )
    a.add_argument(
        "--speakers",
        action="store_true",
        help='tell voices apart: "Speaker 1: …", "Speaker 2: …" (with --mic and --system-audio the microphone stays '
        "You and system audio is split)",
    )
    _number(a, "--vad-threshold", "vad_threshold", float, "speech probability that starts speech (default {})")
    _number(a, "--chunk", "chunk_s", float, "target chunk length (default {})", "SECONDS")
    _number(a, "--context", "context_s", float,
            "recent speech each pass re-reads for accuracy (default {}; 0: off, less accurate)", "SECONDS")  # fmt: skip
    a.add_argument(
        "--early-partials",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show tentative words at the first short pause (default on; off: words every ~4 s and at sentence ends, about a fifth less compute)",
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="livecaption",
        description="Live captions from a microphone, on your own machine, with Whisper.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"livecaption {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    g = p.add_argument_group("desktop app automation (no COMMAND: the app opens)")
    g.add_argument("--input", dest="gui_input", metavar="FILE", help="caption a recording in the app")
    g.add_argument("--realtime", dest="gui_realtime", action="store_true", help="play --input at 1x")
    g.add_argument("--model", dest="gui_model", metavar="MODEL", help="model for this run")
    g.add_argument("--save", metavar="OUT.srt", help="export when the input is done (format from the extension)")
    g.add_argument(
        "--screenshot", metavar="OUT.png", help="save a screenshot of the window (and OUT-overlay.png) when done"
    )
    g.add_argument("--overlay", action="store_true", help="show the caption overlay")
    g.add_argument("--exit-when-done", action="store_true", help="quit once the input is captioned and saved")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser(
        "caption",
        help="caption live audio or a recording on the command line",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_engine_options(c)
    o = c.add_argument_group("output")
    o.add_argument("--format", "-f", default="txt", choices=FORMATS, help="output format (default txt)")
    o.add_argument("--output", "-o", metavar="FILE", help="write captions here (default: stdout)")
    o.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="print status lines, and speech that got no caption (with the reason), on stderr",
    )
    o.add_argument(
        "--share",
        metavar="[HOST:]PORT",
        help="show the captions on a web page other devices can open (read-only, behind a secret link); "
        "binds to 127.0.0.1 unless HOST is given, e.g. 0.0.0.0:8765 for the local network",
    )
    o.add_argument(
        "--no-settle",
        action="store_true",
        help="no settle pass: the transcript keeps the live captions (by default the audio is read again, as an "
        "offline pass reads it, a few tens of seconds behind, and that text replaces the live text in txt, srt, "
        "vtt, json, the journal and exports; jsonl shows both)",
    )
    o.add_argument("--settle-model", metavar="MODEL", default="auto",
                   help="the model of the settle pass (default: auto, base where it is installed and the machine has "
                   "two cores or a GPU, else the session's)")  # fmt: skip
    o.add_argument("--no-journal", action="store_true", help="do not keep this session in the session journal")
    o.add_argument(
        "--no-audio-spool",
        action="store_true",
        help="do not keep this session's audio (kept by default beside the journal, for 7 days: crash recovery and --polish)",
    )
    sub.add_parser("devices", help="list audio input devices and the system audio monitor")
    mo = sub.add_parser("models", help="list bundled, installed, cached and local models")
    mo.add_argument("--add", metavar="FOLDER", help="remember a local CTranslate2 model folder")
    ss = sub.add_parser("sessions", help="list recorded sessions (the crash-safe journal)")
    ss.add_argument("--delete", metavar="SESSION", help="delete a session: its captions and its audio")
    e = sub.add_parser("export", help="write a recorded session as subtitles or text")
    e.add_argument("session", help="latest, or a session id from `livecaption sessions`")
    e.add_argument("--format", "-f", default="srt", choices=["srt", "vtt", "txt", "json"])
    e.add_argument("--output", "-o", metavar="FILE", help="default: stdout")
    e.add_argument(
        "--polish",
        action="store_true",
        help="transcribe the session's kept audio again, offline with whole-recording context, and export that",
    )
    e.add_argument("--model", "-m", help="with --polish: the model to use (default: the session's)")
    fix = sub.add_parser(
        "correct",
        help="replace a misreading in a recorded session's transcript, and with --learn teach the right words",
    )
    fix.add_argument("session", help="latest, or a session id from `livecaption sessions`")
    fix.add_argument("wrong", help='the words as the transcript has them, e.g. "Buluru"')
    fix.add_argument("right", help='the words it should have, e.g. "Boolooroo"')
    fix.add_argument(
        "--learn", action="store_true",
        help="also add the right words to the vocabulary profile, so later sessions spell them right",
    )  # fmt: skip
    fix.add_argument("--profile", metavar="NAME", help="with --learn: the profile (default: default)")
    v = sub.add_parser(
        "voices",
        help="voices remembered by name on this computer (voice prints, no audio): list, remember, forget",
        description="Without an action: list the remembered voices. Sessions with --speakers (and the app's "
        "Speakers setting) give a voice close enough to a remembered one its name from its first line.",
    )
    vs = v.add_subparsers(dest="voices_command", metavar="ACTION")
    r = vs.add_parser("remember", help="remember a session's speaker by name (needs the session's kept audio)")
    r.add_argument("session", help="latest, or a session id from `livecaption sessions`")
    r.add_argument("label", help='the speaker as the session labels them, e.g. "Speaker 2" or a name given there')
    r.add_argument("name", help="the person's name, e.g. Ana")
    f = vs.add_parser("forget", help="forget a remembered voice (its file is deleted at once)")
    f.add_argument("name", help="the name the voice is remembered by")
    d = sub.add_parser(
        "install-desktop", help="add livecaption to the desktop's application menu (icon and menu entry, for you only)"
    )
    d.add_argument("--uninstall", action="store_true", help="remove the menu entry and icon again")
    return p


def parse_labels(text: str | None) -> tuple[str, str] | None:
    """ "Ana,Room" -> ("Ana", "Room"); a bad value is an InputError (exit 2)."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts) or any(len(p) > 40 for p in parts):
        raise InputError(f'--labels takes two names separated by a comma, such as "You,Others" (got "{text}")')
    return parts[0], parts[1]


def session_config(args: argparse.Namespace, prompt: str = "", hotwords: str = "") -> SessionConfig:
    """The session the `caption` arguments ask for (vocabulary already resolved)."""
    system = getattr(args, "system_audio", False)
    if system and args.input:
        raise InputError("--system-audio captures live audio; it cannot be used with --input")
    codes.parse(args.language)  # a bad value is one line, before any model loads
    return SessionConfig(
        input_file=args.input,
        realtime=args.realtime,
        mic=args.mic,
        capture=("both" if args.mic else "system") if system else "mic",
        labels=parse_labels(getattr(args, "labels", None)),
        speakers=getattr(args, "speakers", False),
        vad_threshold=args.vad_threshold,
        chunk_s=args.chunk,
        early_partials=args.early_partials,
        model=args.model,
        device=args.device,
        compute_type=args.compute_type,
        threads=args.threads,
        language=args.language,
        task=args.task,
        beam_size=args.beam_size,
        context_s=args.context,
        prompt=prompt,
        hotwords=hotwords,
        journal=not getattr(args, "no_journal", False),
        settle=not getattr(args, "no_settle", False),
        settle_model=getattr(args, "settle_model", "auto"),
        keep_audio=not getattr(args, "no_audio_spool", False),
    )
