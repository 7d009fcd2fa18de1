"""SessionConfig: every option of a session, with its default, in one place.

The command line, the app, the benchmarks and the soak test all fill one of these and
hand it to session.build_session.
"""

from __future__ import annotations

from dataclasses import dataclass

from livecaption.streaming.segmenter import SegmenterConfig
from livecaption.streaming.vad import VadConfig
from livecaption.threads import default_threads
from livecaption.transcription.options import TranscribeOptions

DEFAULT_LABELS = ("You", "Others")


@dataclass
class SessionConfig:
    # audio
    input_file: str | None = None  # a recording instead of the microphone
    realtime: bool = False  # with input_file: play it at 1x, as if live
    mic: str | None = None  # device index or part of its name; None: the system default
    capture: str = "mic"  # mic | system (what the computer plays) | both, as two labelled inputs
    labels: tuple[str, str] | None = None  # (microphone, system audio); None: You/Others when both
    echo: bool = True  # with both: drop microphone captions that repeat system audio
    speakers: bool = False  # tell voices apart: "Speaker 1", "Speaker 2"… (the microphone stays You in a meeting)
    vad_threshold: float = VadConfig.threshold
    chunk_s: float = SegmenterConfig.chunk_s
    early_partials: bool = True  # show words before the utterance ends: at short pauses, and as speech goes on
    peek_s: float = SegmenterConfig.peek_s  # ...this often while speech goes on (0: only at pauses)
    # model and compute
    model: str | None = None  # None: the bundled tiny.en
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"
    threads: int = 0  # 0: default_threads()
    # transcription
    language: str = "auto"
    task: str = "transcribe"
    beam_size: int = TranscribeOptions.beam_size
    context_s: float = TranscribeOptions.context_s
    commit_after_s: float = TranscribeOptions.commit_after_s  # unbroken speech is committed in pieces past this
    prompt: str = ""
    hotwords: str = ""
    # the settle pass (livecaption/settle): the audio read again as offline, behind the live edge
    settle: bool = True
    settle_model: str | None = "auto"  # None: the session's model; auto: settle/choice.py decides
    # storage
    journal: bool = True  # keep the session in the crash-safe journal
    keep_audio: bool = True  # keep the session's audio beside its journal (retention in UserConfig)

    def label_for(self, source: str) -> str:
        """The speaker label of an input: given labels always; the defaults only with two inputs."""
        if self.labels is None:
            if self.capture != "both" or self.input_file:
                return ""
            return DEFAULT_LABELS[0] if source == "mic" else DEFAULT_LABELS[1]
        if source == "system" or (source == "file" and self.capture == "system"):
            return self.labels[1]
        return self.labels[0]

    @property
    def cpu_threads(self) -> int:
        return self.threads or default_threads()

    def transcribe_options(self) -> TranscribeOptions:
        return TranscribeOptions(
            language=self.language,
            task=self.task,
            beam_size=self.beam_size,
            initial_prompt=self.prompt,
            hotwords=self.hotwords,
            context_s=self.context_s,
            commit_after_s=self.commit_after_s,
        )

    def segmenter_config(self) -> SegmenterConfig:
        early = self.early_partials
        return SegmenterConfig(
            chunk_s=self.chunk_s, look_after_ms=SegmenterConfig.look_after_ms if early else 0,
            peek_s=self.peek_s if early else 0.0,
        )  # fmt: skip

    def vad_config(self) -> VadConfig:
        return VadConfig(threshold=self.vad_threshold)
