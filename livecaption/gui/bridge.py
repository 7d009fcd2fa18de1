"""Engine events → Qt signals, and a worker that starts sessions off the GUI thread.

The engine calls its listener on its own threads; each call here only emits a
signal, which Qt queues to the GUI thread (the bridge lives there). Loading a
model takes seconds, so SessionWorker does it on a QThread of its own (gui/ never loads a model itself:
session.py does).
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from livecaption.captions import Caption
from livecaption.config import SessionConfig
from livecaption.errors import LivecaptionError
from livecaption.session import build_session, load, load_settle_model, open_sources, settle_model
from livecaption.streaming.engine import EngineListener, EngineStatus
from livecaption.whisper.models import LoadedModel


class EngineBridge(QObject, EngineListener):
    caption = Signal(object)  # Caption
    status = Signal(object)  # EngineStatus
    level = Signal(float)  # dBFS
    error = Signal(object)  # LivecaptionError
    device = Signal(bool, str)  # lost?, message
    notice = Signal(str)  # no error, but worth a line in the status bar
    finished = Signal()

    def __init__(self) -> None:
        QObject.__init__(self)
        self._last_level = 0.0

    # EngineListener, called on engine threads: emit only.
    def on_caption(self, caption: Caption) -> None:
        self.caption.emit(caption)

    def on_status(self, status: EngineStatus) -> None:
        self.status.emit(status)

    def on_level(self, dbfs: float) -> None:
        now = time.monotonic()
        if now - self._last_level >= 0.05:  # 20 updates a second are plenty for a meter
            self._last_level = now
            self.level.emit(dbfs)

    def on_error(self, error: LivecaptionError) -> None:
        self.error.emit(error)

    def on_device(self, lost: bool, message: str) -> None:
        self.device.emit(lost, message)

    def on_notice(self, text: str) -> None:
        self.notice.emit(text)

    def on_finished(self) -> None:
        self.finished.emit()


class SessionWorker(QObject):
    """Opens the source, loads the model and starts the session, on a worker thread."""

    loading = Signal(str)
    started = Signal(object, str)  # Session, description of model and device
    failed = Signal(object)  # LivecaptionError
    recovered = Signal(object)  # captions of a crashed session's last words
    progress = Signal(float)  # of a polish, 0..1
    polished = Signal(object)  # captions, or None when cancelled

    def __init__(self, bridge: EngineBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.cancel = threading.Event()  # set by the GUI to cancel a download
        self._cache: dict[tuple, LoadedModel] = {}  # a loaded model is reused across sessions

    @Slot(object)
    def start(self, config: SessionConfig) -> None:
        try:
            sources = open_sources(config)
            key = (config.model, config.device, config.compute_type, config.cpu_threads)
            if key not in self._cache:
                self.cancel.clear()
                self.loading.emit(f"Loading model {config.model or 'tiny.en'}")

                def progress(nbytes: int) -> None:
                    self.loading.emit(f"Downloading {config.model}: {nbytes / 1e6:.0f} MB")

                self._cache = {key: load(config, progress, self.cancel)}
            settle = None
            if config.settle:  # its own instance, kept across sessions like the live one
                name = settle_model(config).name or config.model or "tiny.en"
                skey = ("settle", name, config.device, config.compute_type)
                if skey not in self._cache:
                    self.loading.emit(f"Loading settle model {name}")
                    self._cache = {key: self._cache[key], skey: load_settle_model(config)}
                settle = self._cache[skey]
            session = build_session(config, self.bridge, loaded=self._cache[key], sources=sources, settle_loaded=settle)
            session.start()
            self.started.emit(session, session.describe())
        except LivecaptionError as exc:
            self.failed.emit(exc)
        except Exception as exc:  # never let a worker exception kill the app
            self.failed.emit(LivecaptionError(f"Could not start: {type(exc).__name__}: {exc}"))

    @Slot(object)
    def recover(self, info) -> None:
        """A crashed session's audio after its last caption, transcribed and added to its journal."""
        from livecaption.recovery import recover_tail
        from livecaption.storage.journal import load, mark_recovered

        tail: list = []
        try:
            tail = recover_tail(info, load(info.id, info.path.parent)[1])
        except LivecaptionError as exc:  # the restored captions stay; say why the rest could not be had
            self.failed.emit(exc)
        try:
            mark_recovered(info, tail)
        except LivecaptionError as exc:
            self.failed.emit(exc)
        self.recovered.emit(tail)

    @Slot(object)
    def polish(self, request: tuple) -> None:
        """(SessionInfo, model): the session's audio read again with whole-recording context."""
        from livecaption.recovery import polish

        info, model = request  # the GUI cleared `cancel` before asking
        try:
            self.polished.emit(polish(info, model, self.progress.emit, self.cancel))
        except LivecaptionError as exc:
            self.polished.emit(None)
            self.failed.emit(exc)
