"""build_session: the one place that wires inputs → engine → transcribers → journal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from livecaption.audio.sources import AudioSource
from livecaption.captions import Label
from livecaption.config import SessionConfig
from livecaption.errors import LivecaptionError
from livecaption.memory import steady_heap
from livecaption.settle.choice import SettleModel, choose, cores
from livecaption.storage.journal import Journal
from livecaption.storage.spool import AudioSpool, audio_path, prune
from livecaption.streaming.engine import Engine, EngineListener
from livecaption.streaming.pump import Input
from livecaption.transcription.policy import Transcriber
from livecaption.translation.both import Translating
from livecaption.vocabulary import SessionVocabulary, heard
from livecaption.whisper.models import LoadedModel

Sources = list[tuple[AudioSource, Label]]


def open_sources(config: SessionConfig) -> Sources:
    """The recording, microphone and/or system audio the config names, each with its label
    (fails before any model is loaded)."""
    from livecaption.audio.portaudio import find_input_device
    from livecaption.audio.sources import FileSource, MicrophoneSource

    if config.input_file:
        return [(FileSource(config.input_file, realtime=config.realtime), Label("", config.label_for("file")))]
    out: Sources = []
    if config.capture in ("mic", "both"):
        out.append(
            (MicrophoneSource(find_input_device(config.mic), wanted=config.mic), Label("mic", config.label_for("mic")))
        )
    if config.capture in ("system", "both"):
        from livecaption.audio.system import SystemAudioSource

        out.append((SystemAudioSource(), Label("system", config.label_for("system"))))
    return out


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
    vocabulary: SessionVocabulary = field(default_factory=SessionVocabulary)  # words taught while it runs
    settled_by: str = ""  # how the settle model was chosen, where it was (settle/choice.py)
    pace: str = ""  # how often words come while someone speaks, as this machine allows (live input)

    def describe(self) -> str:
        audio = " · audio kept" if self.engine.spool is not None else ""
        names = " + ".join(_named(i.source.name, i.label) for i in self.engine.inputs)
        settled = f" · {self.settled_by}" if self.settled_by else ""
        pace = f" · {self.pace}" if self.pace else ""
        return (f"{self.loaded.spec.name} · {self.loaded.device.upper()} {self.loaded.compute_type} · {names}{audio}"
                f"{pace}{settled}")  # fmt: skip

    def start(self) -> None:
        self.engine.start()

    def stop(self) -> None:
        self.engine.stop()

    def wait(self, timeout: float | None = None) -> bool:
        return self.engine.wait(timeout)


def _named(name: str, label: Label) -> str:
    return f"{label.speaker}: {name}" if label.speaker else name


def build_session(
    config: SessionConfig,
    listener: EngineListener | None = None,
    loaded: LoadedModel | None = None,
    source: AudioSource | None = None,
    sources: Sources | None = None,
    settle_loaded: LoadedModel | None = None,
) -> Session:
    """Everything a session needs, not yet started. `loaded` reuses a model already in memory;
    `sources` (from open_sources) or one `source` replace the ones the config names (tests, benchmarks)."""
    steady_heap()
    if sources is None:
        sources = [(source, Label("", config.label_for("file")))] if source is not None else open_sources(config)
    loaded = loaded or load(config)
    options = config.transcribe_options()
    # One model; each input its own commit policy (context, pending speech), served by one thread.
    def transcriber() -> Transcriber:
        decoder = loaded.decoder(options.encoder_s)
        if config.task in ("both", "translate"):  # transcribed, then each final translated from its audio
            return Translating(decoder, options, only=config.task == "translate")
        return Transcriber(decoder, options)

    transcribers = [transcriber() for _ in sources]
    vocabulary = SessionVocabulary(config.prompt, config.hotwords)
    for t in transcribers:
        t.memory.vocabulary = vocabulary
    journal = None
    spools: list[AudioSpool | None] = [None] * len(sources)
    if config.journal:
        extra = {"model_arg": config.model or "", "language": config.language, "task": config.task,
                 "settle": config.settle, "speakers": config.speakers}  # fmt: skip
        if config.settle:  # what `export` settles a stopped session's rest with
            extra["settle_model"] = settle_model(config).name or config.model or ""
        if config.settle and _echo_checked(config, [lb for _, lb in sources]):
            extra["settle_skip"] = ["mic"]  # as attach_settle does
        if len(sources) > 1 or sources[0][1].speaker:
            extra["inputs"] = [{"source": lb.source, "speaker": lb.speaker, "name": src.name} for src, lb in sources]
        names = " + ".join(_named(src.name, lb) for src, lb in sources)
        journal = Journal(names, loaded.spec.name, extra=extra)
        if config.keep_audio:
            spools = _open_spools(journal, [lb for _, lb in sources])
    first, label = sources[0]
    engine = Engine(first, transcribers[0], listener, config.vad_config(), config.segmenter_config(),
                    journal=journal, spool=spools[0], label=label, echo=config.echo)  # fmt: skip
    for (src, lb), policy, spool in list(zip(sources, transcribers, spools, strict=True))[1:]:
        engine.add(Input(src, policy, lb, config.vad_config(), config.segmenter_config(), spool=spool))
    if config.settle:
        attach_settle(engine, config, settle_loaded, vocabulary)
    if config.speakers:
        attach_speakers(engine)
    settled_by = settle_model(config).why if config.settle else ""
    return Session(config, first, loaded, transcribers[0], journal, engine, vocabulary, settled_by, _pace(engine))


def _pace(engine: Engine) -> str:
    """Peeks spaced to fit this machine from the first one: one is timed now (transcription/probe.py)."""
    from livecaption.transcription.probe import peek_cost

    peeking = [i for i in engine.inputs if i.segmenter.peek_s > 0]
    if not peeking:
        return ""
    first = peeking[0].transcriber
    cost = peek_cost(first.decoder, first.options)
    for inp in peeking:
        inp.segmenter.peek_s = inp.cadence.observe(cost)
    return f"words every {peeking[0].segmenter.peek_s:.1f} s (a look takes {1000 * cost:.0f} ms here)"


def attach_settle(
    engine: Engine, config: SessionConfig, loaded: LoadedModel | None = None, vocabulary: SessionVocabulary | None = None
) -> None:
    """A settle pass on every input. Its own model instance with one CPU thread unless one is
    given (the settle model, or a model shared with the live path in tests)."""
    from livecaption.settle.settler import SettlePass
    from livecaption.whisper.longform import WindowReader

    loaded = loaded or load_settle_model(config)
    language = None if config.language == "auto" else config.language
    echo = _echo_checked(config, [i.label for i in engine.inputs])
    for inp in engine.inputs:
        if echo and inp.label.source == "mic":
            continue  # its live captions have the loudspeaker's echo taken out; a settle pass would put it back
        task = "transcribe" if config.task == "both" else config.task  # translations come with the live captions
        reader = WindowReader(loaded.model, language, task, config.beam_size)
        if vocabulary is not None:  # in a window whose live captions have them (or a misreading of them)
            reader.hotwords = lambda a, b, v=vocabulary, s=inp.label.source: heard(v.terms.hotwords, engine.record.said(s, a, b))
        inp.settle = SettlePass(reader)


def attach_speakers(engine: Engine) -> None:
    """Speaker labels on every input but a meeting's microphone (that stays You). One encoder for all, and
    the voices remembered by name (speakers/voices.py; none unless someone remembered one)."""
    from livecaption.speakers.encoder import SpeakerEncoder
    from livecaption.speakers.labeller import SpeakerLabeller
    from livecaption.speakers.voices import known_voices

    encoder = SpeakerEncoder()
    known = known_voices()
    for inp in engine.inputs:
        if not (inp.label.source == "mic" and engine.input("system") is not None):
            inp.speakers = SpeakerLabeller(encoder, known=known)
            if inp.settle is not None:  # its readings are cut where the speaker changes, word by word
                inp.settle.reader.word_times = True


def _echo_checked(config: SessionConfig, labels: list[Label]) -> bool:
    """A meeting whose microphone captions have the loudspeaker's echo taken out."""
    return bool(config.echo) and {"mic", "system"} <= {lb.source for lb in labels}


def settle_model(config: SessionConfig) -> SettleModel:
    """The settle pass's model for this session and this machine (settle/choice.py's rule)."""
    from livecaption.whisper import joined_model
    from livecaption.whisper.models import DEFAULT_MODEL, cuda_device_count

    live = (config.model or DEFAULT_MODEL).strip()
    live = DEFAULT_MODEL if live in ("bundled", "default") else live
    gpu = config.device == "cuda" or (config.device == "auto" and cuda_device_count() > 0)
    return choose(config.settle_model, live, joined_model.part_dirs() is not None, cores(), gpu)


def load_settle_model(config: SessionConfig) -> LoadedModel:
    """The settle pass's own model instance: one CPU thread, at the lowest priority, so the live
    captions keep theirs."""
    from livecaption.settle.priority import lowered_threads
    from livecaption.whisper.models import load_model, resolve_model

    spec = resolve_model(settle_model(config).name or config.model)
    with lowered_threads():  # its compute thread runs only when the live captions leave a core free
        return load_model(spec, config.device, config.compute_type, 1 if config.device != "cuda" else 0)


def _open_spools(journal: Journal, labels: list[Label]) -> list[AudioSpool | None]:
    """Each input's audio beside the session's journal, after removing audio past its retention."""
    from livecaption.storage.userconfig import UserConfig

    prefs = UserConfig.load()
    prune(journal.path.parent, prefs.audio_keep_days, int(prefs.audio_max_gb * 1e9))
    spools: list[AudioSpool | None] = []
    try:
        for k, label in enumerate(labels):
            spools.append(AudioSpool(audio_path(journal.path, k, label.source)))
    except LivecaptionError:
        for spool in spools:
            if spool is not None:
                spool.close()
        journal.close()
        raise
    return spools
