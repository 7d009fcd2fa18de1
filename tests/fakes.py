"""Fakes for fast policy, scheduler and engine tests: no Whisper, no Silero, no sound card.

Fake speech is made of words: each word is a run of one constant sample value (its
number in VOCAB), so FakeDecoder can "recognise" exactly the words in the audio it is
given, and a test can tell which audio went into which caption.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

import numpy as np

from livecaption.audio.ring import RingBuffer
from livecaption.audio.sources import AudioSource
from livecaption.samples import HOP, SR
from livecaption.transcription.decoder import (
    WINDOW_S,
    Continuation,
    DecodeSettings,
    Encoded,
    Segment,
    Transcription,
    Word,
)

WORD_S = 0.25
VOCAB: list[str] = []


def _code(word: str) -> float:
    if word not in VOCAB:
        VOCAB.append(word)
    return 0.05 + 0.001 * VOCAB.index(word)


def say(text: str, pause_s: float = 0.0) -> np.ndarray:
    """Fake speech: each word a quarter second of its own value, then `pause_s` of silence."""
    parts = [np.full(int(WORD_S * SR), _code(w), np.float32) for w in text.split()]
    parts.append(np.zeros(int(pause_s * SR), np.float32))
    return np.concatenate(parts)


def hear_timed(audio: np.ndarray) -> list[tuple[str, float, float]]:
    """The words in fake speech with their start and end (s): each run of one word's value at
    least 0.1 s long (a shorter piece of a word, cut off at a seam, is not heard as the word)."""
    codes = np.round((audio - 0.05) / 0.001).astype(int)  # silence gives -50: no word
    bounds = np.flatnonzero(np.diff(codes)) + 1 if len(codes) else np.zeros(0, int)
    starts = [0, *bounds.tolist()]
    ends = [*bounds.tolist(), len(codes)]
    return [
        (VOCAB[codes[a]], a / SR, b / SR)
        for a, b in zip(starts, ends, strict=True)
        if b - a >= SR // 10 and 0 <= codes[a] < len(VOCAB)
    ]


def language_of(word: str) -> str:
    """Fake speech's language: a word in Hangul is Korean, any other English."""
    return "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in word) else "en"


def hear(audio: np.ndarray) -> list[str]:
    return [w for w, _, _ in hear_timed(audio)]


def segments_of(heard: list[tuple[str, float, float]], logprob: float, no_speech: float) -> tuple[Segment, ...]:
    """Whisper-like segments: one per run of words with no pause between them."""
    out: list[Segment] = []
    group: list[tuple[str, float, float]] = []
    for item in [*heard, None]:
        if group and (item is None or item[1] > group[-1][2] + 0.05):
            text = " " + " ".join(w for w, _, _ in group)
            timed = tuple(Word(" " + w, a, b) for w, a, b in group)
            out.append(Segment(text, group[0][1], group[-1][2], logprob, no_speech, 1.2, timed))
            group = []
        if item is not None:
            group.append(item)
    return tuple(out)


@dataclass
class FakeDecoder:
    """A Decoder that reads fake speech. `delay_per_s` makes it slower than real time."""

    name: str = "fake"
    multilingual: bool = False
    delay_per_s: float = 0.0
    no_speech: bool = False  # report every segment as no speech with low confidence
    continuation_logprob: float = -0.1
    reread_words: int = 0  # a context pass starts by writing the context's last words again
    echo_prompt_words: int = 0  # a pass alone after a prompt writes the prompt's last words instead (led astray)
    unsure_tail_s: float = 0.0  # a word ending this close to the audio's end is misheard (no right context),
    # differently from one pass to the next
    calls: list[tuple[str, int, float]] = field(default_factory=list)  # (kind, beam, seconds of new audio)
    contexts: list[float] = field(default_factory=list)  # seconds of context of each encode
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _work(self, kind: str, beam: int, audio: np.ndarray) -> None:
        with self.lock:
            self.calls.append((kind, beam, len(audio) / SR))
        if self.delay_per_s:
            time.sleep(self.delay_per_s * len(audio) / SR)

    def transcribe(
        self, audio: np.ndarray, *, language: str | None, prompt: str | None, beam_size: int, settings: DecodeSettings,
        word_times: bool = False,
    ) -> Transcription:  # fmt: skip
        self._work("alone", beam_size, audio)
        logprob, no_speech = (-2.0, 0.9) if self.no_speech else (-0.2, 0.01)
        found = language or self.detect_language(audio)[0][0]
        segments = segments_of(self._hear(audio, found), logprob, no_speech)
        if self.echo_prompt_words and prompt and segments:
            echo = " " + " ".join(prompt.split()[-self.echo_prompt_words :])
            segments = (replace(segments[0], text=echo, words=()),)
        if not word_times:
            segments = tuple(replace(s, words=()) for s in segments)
        return Transcription(segments, found, 1.0)

    def _hear(self, audio: np.ndarray, language: str = "en") -> list[tuple[str, float, float]]:
        """The words; a multilingual decoder told the wrong language misreads a word (writes "word~")."""
        end = len(audio) / SR
        out = [(w if not self.unsure_tail_s or e < end - self.unsure_tail_s else f"{w}?{round(end - e, 1)}", s, e) for w, s, e in hear_timed(audio)]
        return [(w + "~" if self.multilingual and language_of(w) != language else w, s, e) for w, s, e in out]

    def detect_language(self, audio: np.ndarray) -> tuple[tuple[str, float], ...]:
        with self.lock:
            self.calls.append(("detect", 0, len(audio) / SR))
        heard = [language_of(w) for w in hear(audio)]
        ko = (heard.count("ko") + 0.05) / (len(heard) + 0.1) if self.multilingual else 0.0
        return tuple(sorted((("ko", ko), ("en", 1.0 - ko)), key=lambda x: -x[1]))

    def encode(self, context: np.ndarray, audio: np.ndarray, window_s: float | None = None) -> Encoded | None:
        if (len(context) + len(audio)) / SR > WINDOW_S:
            return None
        with self.lock:
            self.calls.append(("encode", 0, len(audio) / SR))
            self.contexts.append(len(context) / SR)
        return Encoded(np.concatenate((context, audio)), len(context), len(audio))

    def continue_after(
        self, encoded: Encoded, context_text: str, *, language: str, prompt: str | None, beam_size: int,
        settings: DecodeSettings, word_times: bool = False,
    ) -> Continuation:  # fmt: skip
        new = encoded.data[encoded.context_len :]
        self._work("context", beam_size, new)
        segments = segments_of(self._hear(new, language), self.continuation_logprob, 0.0)
        timed = tuple(w for s in segments for w in s.words) if word_times else ()
        segments = tuple(replace(s, words=()) for s in segments)
        text = " ".join(s.text.strip() for s in segments)
        if self.reread_words:
            text = " ".join([*context_text.split()[-self.reread_words :], text])
        return Continuation(text, self.continuation_logprob, segments, timed)

    def kinds(self) -> list[str]:
        return [k for k, _, _ in self.calls]


class FakeVad:
    """Speech wherever the audio is not silent."""

    def __call__(self, audio: np.ndarray) -> np.ndarray:
        return np.where(np.abs(audio.reshape(-1, 512)).max(axis=1) > 0, 0.95, 0.02).astype(np.float32)

    def reset(self) -> None:
        pass


class FakeSource(AudioSource):
    """Audio written into the ring as a microphone would (`speed`× real time), or as fast as read."""

    name = "fake"

    def __init__(self, audio: np.ndarray, realtime: bool = False, speed: float = 1.0) -> None:
        super().__init__()
        self.audio, self.realtime, self.speed = audio, realtime, speed
        self.sample_rate = SR
        self.ring = RingBuffer(SR * 120)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        block, t0 = 512, time.monotonic()
        for i in range(0, len(self.audio), block):
            if self.realtime:
                delay = t0 + i / SR / self.speed - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    break
            else:
                while self.ring.written + block - self.consumed > self.ring.capacity:
                    if self._stop.wait(0.002):
                        return
            self.ring.write(self.audio[i : i + block])
        self.exhausted.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


class FakeReader:
    """A settle pass's reader of fake speech: the features are the audio's samples a frame apart,
    and each run of words without a pause is a segment, timed as faster-whisper times one: the
    window's offset plus a count of 20 ms timestamp steps."""

    def features(self, audio: np.ndarray, first_frame: int) -> np.ndarray:
        skip = min(10, first_frame)  # the window's frames first (settler.EDGE before them)
        return audio[skip * HOP :: HOP][None, :]

    def read(self, features, size, offset_s, previous, language=None):
        heard = hear_timed(np.repeat(features[0, :size], HOP))
        runs: list[list[tuple[str, float, float]]] = []
        for w in heard:
            if runs and w[1] <= runs[-1][-1][2] + 0.05:
                runs[-1].append(w)
            else:
                runs.append([w])
        step = 0.02  # faster-whisper's time_precision

        def at(seconds: float) -> float:
            return offset_s + round(seconds / step) * step

        segments = [
            SimpleNamespace(start=at(r[0][1]), end=at(r[-1][2]), text=" " + " ".join(x[0] for x in r), tokens=(),
                            words=tuple(Word(" " + x[0], at(x[1]), at(x[2])) for x in r))
            for r in runs
        ]
        return SimpleNamespace(segments=segments, advance=size, temperature=0.0, language="en")

    def resets_prompt(self, temperature: float) -> bool:
        return False
