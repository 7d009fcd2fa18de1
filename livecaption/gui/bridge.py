"""Engine events → Qt signals, and a worker that starts sessions off the GUI thread.

The engine calls its listener on its own threads; each call here only emits a
signal, which Qt queues to the GUI thread (the bridge lives there). Loading a
model takes seconds, so SessionWorker does it on a QThread of its own.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from livecaption.captions import Caption
from livecaption.engine import Engine, EngineListener, EngineStatus
from livecaption.errors import LivecaptionError


class EngineBridge(QObject, EngineListener):
    caption = Signal(object)  # Caption
    status = Signal(object)  # EngineStatus
    level = Signal(float)  # dBFS
    error = Signal(str)
    device = Signal(bool, str)  # lost?, message
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

    def on_error(self, message: str) -> None:
        self.error.emit(message)

    def on_device(self, lost: bool, message: str) -> None:
        self.device.emit(lost, message)

    def on_finished(self) -> None:
        self.finished.emit()


@dataclass
class SessionRequest:
    input_file: str | None
    realtime: bool
    mic: str | None
    model: str
    device: str
    language: str
    beam_size: int = 5
    task: str = "transcribe"
    prompt: str = ""
    hotwords: str = ""


class SessionWorker(QObject):
    """Builds the source, loads the model and starts the engine, on a worker thread."""

    loading = Signal(str)
    started = Signal(object, str)  # Engine, description of model and device
    failed = Signal(str)

    def __init__(self, bridge: EngineBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.cancel = threading.Event()  # set by the GUI to cancel a download
        self._cache: dict[tuple, object] = {}  # a loaded model is reused across sessions

    @Slot(object)
    def start(self, req: SessionRequest) -> None:
        try:
            from livecaption.audio import FileSource, MicrophoneSource, find_input_device
            from livecaption.cli import default_threads
            from livecaption.journal import Journal
            from livecaption.models import load_model, resolve_model
            from livecaption.transcriber import TranscribeOptions, Transcriber

            source = (
                FileSource(req.input_file, realtime=req.realtime)
                if req.input_file
                else MicrophoneSource(find_input_device(req.mic), wanted=req.mic)
            )
            key = (req.model, req.device)
            if key not in self._cache:
                spec = resolve_model(req.model)
                self.cancel.clear()
                self.loading.emit(f"Loading model {spec.name}")

                def progress(nbytes: int) -> None:
                    self.loading.emit(f"Downloading {spec.name}: {nbytes / 1e6:.0f} MB")

                self._cache = {key: load_model(spec, req.device, "auto", default_threads(), progress, self.cancel)}
            loaded = self._cache[key]
            options = TranscribeOptions(
                language=req.language,
                beam_size=req.beam_size,
                task=req.task,
                initial_prompt=req.prompt,
                hotwords=req.hotwords,
            )
            transcriber = Transcriber(loaded, options)
            journal = Journal(source.name, loaded.spec.name)
            engine = Engine(source, transcriber, self.bridge, journal=journal)
            engine.start()
            self.started.emit(
                engine, f"{loaded.spec.name} · {loaded.device.upper()} {loaded.compute_type} · {source.name}"
            )
        except LivecaptionError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # never let a worker exception kill the app
            self.failed.emit(f"Could not start: {type(exc).__name__}: {exc}")
