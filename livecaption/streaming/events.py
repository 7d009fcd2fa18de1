"""What the engine tells the outside: its status, and the listener it calls on its threads."""

from __future__ import annotations

from dataclasses import dataclass

from livecaption.captions import Caption
from livecaption.errors import LivecaptionError
from livecaption.transcription.passes import Rejection


@dataclass
class EngineStatus:
    state: str  # listening | speech | transcribing | stopped
    position: float  # seconds of audio taken in so far
    latency: float | None  # last final caption: emitted minus its end, seconds
    rtf: float  # compute seconds per second of audio so far
    backlog: float  # seconds of speech waiting for the transcriber
    overflows: int  # PortAudio overflows plus ring-buffer overruns
    language: str | None = None  # detected (or fixed) language, once known
    settle_behind: float | None = None  # seconds the settled transcript trails the audio (None: no settle pass)
    words_every: float | None = None  # seconds between readings of speech in progress, when a slow machine
    # has spaced them out (streaming/cadence.py); None at the configured pace


class EngineListener:
    """Receives engine events. Methods run on engine threads; keep them quick."""

    def on_caption(self, caption: Caption) -> None: ...

    def on_status(self, status: EngineStatus) -> None: ...

    def on_level(self, dbfs: float) -> None: ...

    def on_error(self, error: LivecaptionError) -> None:
        """Something went wrong; `error.remedy` says what the user can do. Captions so far are kept."""

    def on_device(self, lost: bool, message: str) -> None:
        """An input device went away (lost=True) or came back; the session goes on."""

    def on_rejection(self, rejection: Rejection) -> None:
        """Speech that ended in no caption words, and why (the CLI's --verbose prints these)."""

    def on_notice(self, text: str) -> None:
        """Something the user should know that is no error (the watchdog read speech again)."""

    def on_finished(self) -> None: ...
