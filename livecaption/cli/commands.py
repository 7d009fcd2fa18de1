"""The command line's commands: caption, devices, models, sessions, export."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import IO

from livecaption.captions import Caption
from livecaption.cli.parser import session_config
from livecaption.errors import DeviceError, LivecaptionError, StorageError
from livecaption.session import build_session, load, open_sources
from livecaption.storage.export import CaptionWriter
from livecaption.streaming.engine import EngineListener, EngineStatus
from livecaption.transcript import Transcript
from livecaption.transcription.passes import Rejection


def say(msg: str) -> None:
    print(f"livecaption: {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """Ctrl+C, SIGTERM (kill, systemd, logout) and SIGHUP all ask for a clean stop, as
    KeyboardInterrupt in the main thread; once the session is stopping (the event is set), one
    more exits at once."""
    asked = threading.Event()

    def handler(signum, _frame) -> None:
        if asked.is_set():
            os._exit(128 + signum)  # final captions are already on disk (journal, output)
        raise KeyboardInterrupt

    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = {s: signal.signal(s, handler) for s in signals}
    try:
        yield asked
    finally:
        for s, h in before.items():
            signal.signal(s, h)


class CliListener(EngineListener):
    def __init__(self, writer: CaptionWriter, verbose: bool) -> None:
        self.writer, self.verbose = writer, verbose
        self.share = None  # a ShareServer with --share: every caption goes to the page too
        self.error: str | None = None
        self.write_failed = threading.Event()
        self._last_state = ""
        self._last_behind: float | None = None
        self.transcript = Transcript()  # the session's, once it is built (which inputs a settle pass reads)
        # jsonl streams every event; the other formats stream finals as they come when nothing will
        # revise them, else they are the kept transcript, written when the session ends.
        self.streaming = True

    def on_caption(self, caption: Caption) -> None:
        if self.share is not None:  # settled captions reach the page as revisions
            self.share.publish(caption)
        self.transcript.apply(caption)
        if self.streaming:
            self._write([caption])

    def _write(self, captions: list[Caption]) -> None:
        if self.write_failed.is_set():
            return
        try:
            for caption in captions:
                self.writer.write(caption)
        except LivecaptionError as exc:
            self.write_failed.set()
            self.on_error(exc)

    def close(self) -> None:
        """The end of the session: the kept transcript, where it was not streamed, then the format's end."""
        if not self.streaming:
            self._write(self.transcript.kept())
        if not self.write_failed.is_set():
            self.writer.close()

    def on_error(self, error: LivecaptionError) -> None:
        # Said once, when it happens; the exit code (2) tells scripts afterwards.
        message = str(error)
        if message != self.error:
            say(f"error: {message}")
        self.error = message

    def on_device(self, lost: bool, message: str) -> None:
        say(message)

    def on_rejection(self, rejection: Rejection) -> None:
        if self.verbose and not rejection.reason.startswith("watchdog:"):  # on_notice says those
            say(f"no caption for {rejection.describe()}")

    def on_notice(self, text: str) -> None:
        if self.verbose:
            say(f"watchdog at {text}")

    def on_status(self, status: EngineStatus) -> None:
        if status.state == "settling" and status.settle_behind is not None:
            if status.settle_behind and status.settle_behind != self._last_behind:  # progress, one line a window
                self._last_behind = status.settle_behind
                say(f"settling the transcript: {status.settle_behind:.0f} s of audio to go")
            return
        if self.verbose and status.state != self._last_state:
            self._last_state = status.state
            lat = f", latency {status.latency:.2f}s" if status.latency is not None else ""
            behind = f", settled {status.settle_behind:.0f}s behind" if status.settle_behind is not None else ""
            behind += f", words every {status.words_every:.1f}s" if status.words_every is not None else ""
            say(f"[{status.position:7.1f}s] {status.state} (rtf {status.rtf:.2f}{lat}{behind})")


def _open_output(path: str | None) -> IO[str]:
    if not path:
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from None


def vocabulary(args: argparse.Namespace) -> tuple[str, str]:
    """--prompt/--hotwords, falling back to (and saved into) --profile; without --profile, the default
    profile (the app's, where `correct --learn` and the app's corrections put learned words)."""
    from livecaption.storage.userconfig import UserConfig, Vocabulary
    from livecaption.vocabulary import DEFAULT_PROFILE

    prompt, hotwords = args.prompt, args.hotwords
    config = UserConfig.load()
    if args.profile:
        saved = config.profiles.get(args.profile, Vocabulary())
        if prompt is None and hotwords is None and args.profile not in config.profiles:
            raise LivecaptionError(
                f"no vocabulary profile '{args.profile}'; create it with --profile {args.profile} --prompt ..."
            )
        if prompt is not None or hotwords is not None:
            saved = Vocabulary(
                prompt if prompt is not None else saved.prompt,
                hotwords if hotwords is not None else saved.hotwords,
                saved.words,
            )
            config.profiles[args.profile] = saved
            config.save()
    else:
        saved = config.profiles.get(DEFAULT_PROFILE, Vocabulary())
        saved = Vocabulary(prompt if prompt is not None else saved.prompt,
                           hotwords if hotwords is not None else saved.hotwords, saved.words)  # fmt: skip
    return saved.prompt or "", saved.all_hotwords


def cmd_caption(args: argparse.Namespace) -> int:
    prompt, hotwords = vocabulary(args)
    config = session_config(args, prompt, hotwords)
    sources = open_sources(config)  # bad device, file or sound server: fails before anything is loaded
    stream = _open_output(args.output)
    writer = CaptionWriter(stream, args.format, include_partials=args.format == "jsonl")
    listener = CliListener(writer, args.verbose)
    if args.share:
        listener.share = start_sharing(args.share)
    try:
        return _caption(args, config, sources, stream, writer, listener)
    finally:
        if listener.share is not None:
            listener.share.stop()


def start_sharing(address: str):
    from livecaption.share.server import ShareServer, parse_address

    server = ShareServer(*parse_address(address))
    say(f"sharing captions at {server.start()}")
    return server


def _caption(args, config, sources, stream, writer, listener: CliListener) -> int:
    loaded = load(config)
    say(f"model {loaded.spec.name} on {loaded.device} ({loaded.compute_type}): {loaded.reason}")
    session = build_session(config, listener, loaded=loaded, sources=sources)
    settled = {i.label.source for i in session.engine.inputs if i.settle is not None}
    listener.transcript, listener.streaming = Transcript(settled), not settled or args.format == "jsonl"
    if args.verbose and session.journal is not None:
        say(f"journal: {session.journal.path}")
    if session.settled_by:
        say(f"the transcript is {session.settled_by} (--settle-model chooses)")
    if args.verbose and session.pace:
        say(session.pace)
    known = next((i.speakers.known for i in session.engine.inputs if i.speakers and i.speakers.known), None)
    if known is not None:  # nobody is named by voice without the user knowing
        say(f"recognising remembered voices: {', '.join(known.names)} (`livecaption voices` lists them)")
    session.start()
    names = " and ".join(src.name for src, _ in sources)
    say(f"listening on {names} (Ctrl+C stops)" if not args.input else f"captioning {names}")
    with stop_signals() as stopping:  # set once the session is stopping, for whatever reason
        while True:
            try:
                if session.wait(0.1):
                    break
                if listener.write_failed.is_set() and not stopping.is_set():
                    stopping.set()
                    session.stop()
            except KeyboardInterrupt:  # Ctrl+C, SIGTERM, SIGHUP: stop capturing, keep the buffered tail
                if not stopping.is_set():
                    stopping.set()
                    say("stopping: transcribing what is still buffered and settling the rest "
                        "(Ctrl+C again quits now; `livecaption export latest` settles it later)")
                    session.stop()
    listener.close()
    if stream is not sys.stdout:
        stream.close()
    return 2 if listener.error else 0


def cmd_devices(_args: argparse.Namespace) -> int:
    from livecaption.audio.portaudio import list_input_devices

    devices = list_input_devices()
    if not devices:
        raise DeviceError("no audio input device found: connect a microphone")
    print(f"{'':2}{'index':>5}  {'rate':>7}  name")
    for d in devices:
        mark = "*" if d.is_default else " "
        print(f"{mark:2}{d.index:>5}  {int(d.default_rate):>7}  {d.name}")
    print("(* = default input)")
    try:
        from livecaption.audio.system import default_monitor

        monitor = default_monitor()
        print(f"system audio (--system-audio): what {monitor.description} plays ({monitor.source})")
    except DeviceError as exc:
        print(f"system audio (--system-audio): not available: {exc}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from pathlib import Path

    from livecaption.storage.userconfig import UserConfig
    from livecaption.whisper.models import check_model_folder, hub_models, list_models

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


def cmd_sessions(args: argparse.Namespace) -> int:
    from livecaption.captions import hms
    from livecaption.storage.journal import delete, list_sessions, load, sessions_dir

    if args.delete:
        info, _ = load(args.delete)
        delete(info)
        say(f"deleted session {info.id} (captions and audio)")
        return 0
    sessions = list_sessions()
    if not sessions:
        print(f"no sessions yet ({sessions_dir()})")
        return 0
    print(f"{'id':<18} {'started':<20} {'duration':>9} {'captions':>8}  {'audio':<5}  state")
    for s in sessions:
        state = "finished" if s.finished else ("running" if not s.crashed else "unfinished (restorable)")
        audio = "kept" if s.has_audio else "-"
        print(f"{s.id:<18} {s.started:<20} {hms(s.duration):>9} {s.captions:>8}  {audio:<5}  {state}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from livecaption.recovery import polish, restore
    from livecaption.storage.export import render, save

    info, caps = restore(args.session, log=say)  # a session that died gets its last words back first
    if args.polish:
        say(f"reading session {info.id} again with whole-recording context ...")
        polished = polish(info, args.model, on_progress=_progress)  # None only when cancelled, which no one here does
        caps = polished if polished is not None else caps
        print(file=sys.stderr)
    if args.output:
        save(caps, args.output, args.format)
        say(f"wrote {len(caps)} captions of session {info.id} to {args.output}")
    else:
        sys.stdout.write(render(caps, args.format))
    return 0


def _progress(fraction: float) -> None:
    if sys.stderr.isatty():
        print(f"\rlivecaption: {100 * fraction:3.0f} %", end="", file=sys.stderr, flush=True)
