"""build_session: the one place that wires source → engine → transcriber → journal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from livecaption.audio.sources import AudioSource
from livecaption.config import SessionConfig
from livecaption.errors import LivecaptionError
from livecaption.storage.journal import Journal
from livecaption.storage.spool import SUFFIX, AudioSpool, prune
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
        audio = " · audio kept" if self.engine.spool is not None else ""
        return f"{self.loaded.spec.name} · {self.loaded.device.upper()} {self.loaded.compute_type} · {self.source.name}{audio}"

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
    journal = spool = None
    if config.journal:
        extra = {"model_arg": config.model or "", "language": config.language, "task": config.task}
        journal = Journal(source.name, loaded.spec.name, extra=extra)
        if config.keep_audio:
            spool = _open_spool(journal)
    engine = Engine(
        source,
        transcriber,
        listener,
        config.vad_config(),
        config.segmenter_config(),
        journal=journal,
        spool=spool,
    )
    return Session(config, source, loaded, transcriber, journal, engine)


def _open_spool(journal: Journal) -> AudioSpool:
    """The session's audio beside its journal, after removing audio past its retention."""
    from livecaption.storage.userconfig import UserConfig

    prefs = UserConfig.load()
    prune(journal.path.parent, prefs.audio_keep_days, int(prefs.audio_max_gb * 1e9))
    try:
        return AudioSpool(journal.path.with_suffix(SUFFIX))
    except LivecaptionError:
        journal.close()
        raise
