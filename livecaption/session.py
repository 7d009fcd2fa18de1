"""build_session: the one place that wires source → engine → transcriber → journal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from livecaption.audio.sources import AudioSource
from livecaption.config import SessionConfig
from livecaption.storage.journal import Journal
from livecaption.streaming.engine import Engine, EngineListener
from livecaption.transcription.policy import Transcriber
from livecaption.whisper.models import LoadedModel


def open_source(config: SessionConfig) -> AudioSource:
    """The recording or microphone the config names (fails before any model is loaded)."""
    from livecaption.audio.portaudio import find_input_device
    from livecaption.audio.sources import FileSource, MicrophoneSource

    if config.input_file:
        return FileSource(config.input_file, realtime=config.realtime)
    return MicrophoneSource(find_input_device(config.mic), wanted=config.mic)


def load(
    config: SessionConfig, on_progress: Callable[[int], None] | None = None, cancel: threading.Event | None = None
) -> LoadedModel:
    from livecaption.whisper.models import load_model, resolve_model

    spec = resolve_model(config.model)
    return load_model(spec, config.device, config.compute_type, config.cpu_threads, on_progress, cancel)


@dataclass
class Session:
    config: SessionConfig
    source: AudioSource
    loaded: LoadedModel
    transcriber: Transcriber
    journal: Journal | None
    engine: Engine

    def describe(self) -> str:
        return f"{self.loaded.spec.name} · {self.loaded.device.upper()} {self.loaded.compute_type} · {self.source.name}"

    def start(self) -> None:
        self.engine.start()

    def stop(self) -> None:
        self.engine.stop()

    def wait(self, timeout: float | None = None) -> bool:
        return self.engine.wait(timeout)


def build_session(
    config: SessionConfig,
    listener: EngineListener | None = None,
    loaded: LoadedModel | None = None,
    source: AudioSource | None = None,
) -> Session:
    """Everything a session needs, not yet started. `loaded` reuses a model already in memory;
    `source` replaces the one the config names (tests, benchmarks)."""
    source = source or open_source(config)
    loaded = loaded or load(config)
    options = config.transcribe_options()
    transcriber = Transcriber(loaded.decoder(options.encoder_s), options)
    journal = Journal(source.name, loaded.spec.name) if config.journal else None
    engine = Engine(
        source,
        transcriber,
        listener,
        config.vad_config(),
        config.segmenter_config(),
        journal=journal,
    )
    return Session(config, source, loaded, transcriber, journal, engine)
