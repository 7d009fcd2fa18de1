"""Command line: `livecaption caption`, `livecaption devices`, and the GUI by default."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from typing import IO

from livecaption import __version__
from livecaption.captions import Caption
from livecaption.engine import Engine, EngineListener, EngineStatus
from livecaption.errors import LivecaptionError
from livecaption.export import FORMATS, CaptionWriter
from livecaption.segmenter import SegmenterConfig
from livecaption.transcriber import TranscribeOptions
from livecaption.vad import VadConfig

EXAMPLES = """\
examples:
  livecaption                                   open the desktop app
  livecaption caption                           caption the default microphone (Ctrl+C stops)
  livecaption caption --format srt -o talk.srt  live captions, saved as subtitles
  livecaption caption --input talk.flac --format vtt
  livecaption caption --input talk.wav --realtime --format jsonl
  livecaption caption --mic "USB" --model ~/models/whisper-small-ct2 --device cpu
  livecaption devices                           list microphones
"""


def _say(msg: str) -> None:
    print(f"livecaption: {msg}", file=sys.stderr, flush=True)


def default_threads() -> int:
    """Whisper's threads: one core is left to audio, VAD and the window. On a 2-core box one
    thread also decoded 25 % faster than two (benchmarks/README.md, 'Threads')."""
    return max(1, min(4, (os.cpu_count() or 1) - 1))


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
    g.add_argument("--language", "-l", default="auto", help="language code such as en or ko, or auto (default)")
    g.add_argument("--beam-size", type=int, default=5, help="beam size (default 5; 1 is faster)")
    g.add_argument(
        "--task",
        default="transcribe",
        choices=["transcribe", "translate"],
        help="translate: English captions for any spoken language (multilingual models)",
    )
    g.add_argument("--prompt", metavar="TEXT", help="domain vocabulary as context: names, jargon, preferred spellings")
    g.add_argument("--hotwords", metavar="WORDS", help="words to boost (names, terms)")
    g.add_argument(
        "--profile",
        metavar="NAME",
        help="use the vocabulary saved under NAME; with --prompt/--hotwords, save them there",
    )
    g.add_argument("--threads", type=int, default=default_threads(), help="CPU threads for Whisper")
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
        "--vad-threshold", type=float, default=0.5, help="speech probability that starts speech (default 0.5)"
    )
    a.add_argument(
        "--chunk",
        type=float,
        default=SegmenterConfig.chunk_s,
        metavar="SECONDS",
        help=f"target chunk length (default {SegmenterConfig.chunk_s:g})",
    )
    a.add_argument(
        "--context",
        type=float,
        default=TranscribeOptions.context_s,
        metavar="SECONDS",
        help=f"recent speech each pass re-reads for accuracy (default {TranscribeOptions.context_s:g}; 0: off, less accurate)",
    )
    a.add_argument(
        "--early-partials",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show tentative words at the first short pause (default on; off: words every ~4 s and at sentence ends, about a fifth less compute)",
    )


def segmenter_config(args: argparse.Namespace) -> SegmenterConfig:
    return SegmenterConfig(
        chunk_s=args.chunk, early_partial_ms=SegmenterConfig.early_partial_ms if args.early_partials else 0
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
    o.add_argument("--verbose", "-v", action="store_true", help="print status lines on stderr")
    o.add_argument("--no-journal", action="store_true", help="do not keep this session in the session journal")
    sub.add_parser("devices", help="list audio input devices")
    mo = sub.add_parser("models", help="list bundled, installed, cached and local models")
    mo.add_argument("--add", metavar="FOLDER", help="remember a local CTranslate2 model folder")
    sub.add_parser("sessions", help="list recorded sessions (the crash-safe journal)")
    e = sub.add_parser("export", help="write a recorded session as subtitles or text")
    e.add_argument("session", help="latest, or a session id from `livecaption sessions`")
    e.add_argument("--format", "-f", default="srt", choices=["srt", "vtt", "txt", "json"])
    e.add_argument("--output", "-o", metavar="FILE", help="default: stdout")
    b = sub.add_parser("bench", help="benchmark live captions against offline and fixed-chunk baselines")
    b.add_argument("stream", help="recording to replay (16 kHz wav)")
    b.add_argument("--reference", help="clip list with times and text (default: STREAM with .json)")
    b.add_argument("--fast", action="store_true", help="replay as fast as possible (emit times simulated)")
    b.add_argument("--out", default="benchmarks/results", help="folder for JSON, Markdown and plot")
    add_engine_options(b)
    return p


class CliListener(EngineListener):
    def __init__(self, writer: CaptionWriter, verbose: bool) -> None:
        self.writer, self.verbose = writer, verbose
        self.error: str | None = None
        self.write_failed = threading.Event()
        self._last_state = ""

    def on_caption(self, caption: Caption) -> None:
        if self.write_failed.is_set():
            return
        try:
            self.writer.write(caption)
        except LivecaptionError as exc:
            self.write_failed.set()
            self.on_error(str(exc))

    def on_error(self, message: str) -> None:
        # Said once, when it happens; the exit code (2) tells scripts afterwards.
        if message != self.error:
            _say(f"error: {message}")
        self.error = message

    def on_device(self, lost: bool, message: str) -> None:
        _say(message)

    def on_status(self, status: EngineStatus) -> None:
        if self.verbose and status.state != self._last_state:
            self._last_state = status.state
            lat = f", latency {status.latency:.2f}s" if status.latency is not None else ""
            _say(f"[{status.position:7.1f}s] {status.state} (rtf {status.rtf:.2f}{lat})")


def _open_output(path: str | None) -> IO[str]:
    if not path:
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise LivecaptionError(f"cannot write {path}: {exc.strerror or exc}") from None


def make_source(args: argparse.Namespace):
    from livecaption.audio import FileSource, MicrophoneSource, find_input_device

    if args.input:
        return FileSource(args.input, realtime=args.realtime)
    return MicrophoneSource(find_input_device(args.mic), wanted=args.mic)


def make_transcriber(args: argparse.Namespace, log=_say):
    from livecaption.models import load_model, resolve_model
    from livecaption.transcriber import Transcriber

    prompt, hotwords = vocabulary(args)
    spec = resolve_model(args.model)
    loaded = load_model(spec, args.device, args.compute_type, args.threads)
    log(f"model {spec.name} on {loaded.device} ({loaded.compute_type}): {loaded.reason}")
    options = TranscribeOptions(
        language=args.language,
        beam_size=args.beam_size,
        task=args.task,
        initial_prompt=prompt,
        hotwords=hotwords,
        context_s=args.context,
    )
    return Transcriber(loaded, options)


def vocabulary(args: argparse.Namespace) -> tuple[str, str]:
    """--prompt/--hotwords, falling back to (and saved into) --profile."""
    from livecaption.userconfig import UserConfig, Vocabulary

    prompt, hotwords = args.prompt, args.hotwords
    if args.profile:
        config = UserConfig.load()
        saved = config.profiles.get(args.profile, Vocabulary())
        if prompt is None and hotwords is None and args.profile not in config.profiles:
            raise LivecaptionError(
                f"no vocabulary profile '{args.profile}'; create it with --profile {args.profile} --prompt ..."
            )
        if prompt is not None or hotwords is not None:
            saved = Vocabulary(
                prompt if prompt is not None else saved.prompt, hotwords if hotwords is not None else saved.hotwords
            )
            config.profiles[args.profile] = saved
            config.save()
        prompt, hotwords = saved.prompt, saved.hotwords
    return prompt or "", hotwords or ""


def cmd_caption(args: argparse.Namespace) -> int:
    source = make_source(args)  # bad device or file: fails before anything is loaded
    stream = _open_output(args.output)
    writer = CaptionWriter(stream, args.format, include_partials=args.format == "jsonl")
    transcriber = make_transcriber(args)
    listener = CliListener(writer, args.verbose)
    journal = None
    if not args.no_journal:
        from livecaption.journal import Journal

        journal = Journal(source.name, transcriber.loaded.spec.name)
        if args.verbose:
            _say(f"journal: {journal.path}")
    engine = Engine(
        source,
        transcriber,
        listener,
        VadConfig(threshold=args.vad_threshold),
        segmenter_config(args),
        journal=journal,
    )
    engine.start()
    _say(
        f"listening on {source.name} (Ctrl+C stops)"
        if source.realtime and not args.input
        else f"captioning {source.name}"
    )
    stopping = False
    while True:
        try:
            if engine.wait(0.1):
                break
            if listener.write_failed.is_set() and not stopping:
                stopping = True
                engine.stop()
        except KeyboardInterrupt:  # Ctrl+C: stop capturing, keep the buffered tail
            if not stopping:
                stopping = True
                _say("stopping: transcribing what is still buffered")
                engine.stop()
    if not listener.write_failed.is_set():
        writer.close()
    if stream is not sys.stdout:
        stream.close()
    return 2 if listener.error else 0


def cmd_devices(_args: argparse.Namespace) -> int:
    from livecaption.audio import list_input_devices

    devices = list_input_devices()
    if not devices:
        raise LivecaptionError("no audio input device found: connect a microphone")
    print(f"{'':2}{'index':>5}  {'rate':>7}  name")
    for d in devices:
        mark = "*" if d.is_default else " "
        print(f"{mark:2}{d.index:>5}  {int(d.default_rate):>7}  {d.name}")
    print("(* = default input)")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    from livecaption import bench

    stream = Path(args.stream)
    reference = Path(args.reference) if args.reference else stream.with_suffix(".json")
    if not reference.is_file():
        raise LivecaptionError(f"reference not found: {reference} (give --reference)")
    transcriber = make_transcriber(args)
    result = bench.benchmark(
        stream,
        reference,
        transcriber.loaded,
        transcriber.options,
        realtime=not args.fast,
        log=_say,
        segmenter=segmenter_config(args),
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = stream.stem + ("-fast" if args.fast else "") + ("" if args.early_partials else "-no-early")
    stem += "" if args.context == TranscribeOptions.context_s else f"-context{args.context:g}"
    command = (
        "livecaption " + " ".join(sys.argv[1:]) if sys.argv[1:2] == ["bench"] else f"livecaption bench {args.stream}"
    )
    (out / f"{stem}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    md = bench.markdown(result, command)
    (out / f"{stem}.md").write_text(md, encoding="utf-8")
    bench.plot(result, out / f"{stem}.png")
    print(md)
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from pathlib import Path

    from livecaption.models import check_model_folder, hub_models, list_models
    from livecaption.userconfig import UserConfig

    config = UserConfig.load()
    if args.add:
        folder = Path(args.add).expanduser().resolve()
        check_model_folder(folder)
        if str(folder) not in config.local_models:
            config.local_models.append(str(folder))
            config.save()
    print(f"{'model':<24} {'kind':<10} {'size':>8}  languages")
    for m in list_models(config.local_models):
        print(f"{m.name:<24} {m.kind:<10} {m.size_mb:>6.0f}MB  {m.languages}")
    print("hub models (downloaded when you ask for them): " + ", ".join(hub_models()))
    return 0


def cmd_sessions(_args: argparse.Namespace) -> int:
    from livecaption.captions import hms
    from livecaption.journal import list_sessions, sessions_dir

    sessions = list_sessions()
    if not sessions:
        print(f"no sessions yet ({sessions_dir()})")
        return 0
    print(f"{'id':<18} {'started':<20} {'duration':>9} {'captions':>8}  state")
    for s in sessions:
        state = "finished" if s.finished else ("running" if not s.crashed else "unfinished (restorable)")
        print(f"{s.id:<18} {s.started:<20} {hms(s.duration):>9} {s.captions:>8}  {state}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from livecaption.export import render, save
    from livecaption.journal import load

    info, caps = load(args.session)
    if args.output:
        save(caps, args.output, args.format)
        _say(f"wrote {len(caps)} captions of session {info.id} to {args.output}")
    else:
        sys.stdout.write(render(caps, args.format))
    return 0


def _run(args: argparse.Namespace) -> int:
    commands = {
        "caption": cmd_caption,
        "devices": cmd_devices,
        "models": cmd_models,
        "sessions": cmd_sessions,
        "export": cmd_export,
        "bench": cmd_bench,
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except LivecaptionError as exc:
        _say(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except Exception as exc:  # never a traceback for the user, unless asked
        if args.debug:
            raise
        _say(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return 1
