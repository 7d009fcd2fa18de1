"""Whisper's own long-form decoding, one 30 s window at a time, for audio that is still arriving.

An offline faster-whisper pass reads a recording in 30 s windows: each window is decoded after the
text so far (its tokens as the prompt), the window's complete segments are kept, and the next
window starts where the last complete segment ended. `WindowReader.read` is one turn of that loop
(faster-whisper's `generate_segments`, with the same options as a plain `transcribe` call), so the
settle pass (livecaption/settle) can run it as the audio comes in and read it as the offline pass
does. It uses WhisperModel.get_prompt, generate_with_fallback and _split_segments_by_timestamps:
faster-whisper is pinned to the versions tested (pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer

from livecaption.languages import codes
from livecaption.languages.picker import LanguagePicker
from livecaption.samples import HOP, SR
from livecaption.transcription.decoder import Word
from livecaption.whisper.alignment import aligned_words
from livecaption.whisper.characters import whole

EDGE = 10  # frames of real audio on each side of a window, so its edge frames see what the offline pass sees


@dataclass(frozen=True)
class ReadSegment:
    start: float  # seconds on the session timeline
    end: float
    text: str
    tokens: tuple[int, ...]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    temperature: float
    words: tuple[Word, ...] = ()  # its words, times on the session timeline (WindowReader.word_times)


@dataclass(frozen=True)
class WindowRead:
    segments: tuple[ReadSegment, ...]
    advance: int  # frames the next window starts after this one's start
    temperature: float  # the fallback temperature the window needed (a high one resets the prompt)
    skipped: bool = False  # Whisper's own no-speech check skipped the window
    language: str = ""  # the window's language


class WindowReader:
    """One model, reading windows as faster-whisper's offline transcribe does."""

    def __init__(self, model: WhisperModel, language: str | None, task: str = "transcribe", beam_size: int = 5) -> None:
        self.model = model
        self.task = task
        # The options of a plain offline transcribe() call, its defaults included (nothing is decoded here).
        _, info = model.transcribe(np.zeros(SR, np.float32), language="en", task=task, beam_size=beam_size)
        self.options = replace(info.transcription_options, initial_prompt=None)
        multilingual = model.model.is_multilingual
        # Each window's language is detected, within the session's set (an offline pass of a part reads it so).
        self.picker = LanguagePicker(codes.parse(language) if multilingual else ("en",))
        self.language = self.picker.current
        self.loudest = -10.0  # the highest log-mel value seen so far (see features)
        # The session's words to boost in a window (start and end in session seconds), read before
        # each: a word the user teaches is in the next window's prompt. None: the options' own (none).
        self.hotwords: Callable[[float, float], str] | None = None
        self._tokenizers: dict[str, Tokenizer] = {}
        # Each segment's words with their times, for cutting a reading where the speaker changes
        # (speakers/relabel.py): one alignment of the window's text, off unless speakers are labelled.
        self.word_times = False

    def features(self, audio: np.ndarray, first_frame: int) -> np.ndarray:
        """Log-mel frames of `audio`, which starts EDGE frames before frame `first_frame` of the
        window (or at the recording's start), with the window's frames first.

        faster-whisper floors each value at the recording's loudest minus 8 (log10 units): the
        offline pass knows the whole recording's loudest moment, this pass the loudest so far."""
        fe = self.model.feature_extractor
        wave = np.pad(audio.astype(np.float32, copy=False), (0, HOP))
        window = np.hanning(fe.n_fft + 1)[:-1].astype("float32")
        stft = fe.stft(wave, fe.n_fft, fe.hop_length, window=window, return_complex=True).astype("complex64")
        mel = fe.mel_filters @ (np.abs(stft[..., :-1]) ** 2)
        log = np.log10(np.clip(mel, a_min=1e-10, a_max=None))
        skip = min(EDGE, first_frame)
        self.loudest = max(self.loudest, float(log[:, skip:].max()) if log.shape[1] > skip else self.loudest)
        log = np.maximum(log, self.loudest - 8.0)
        return ((log + 4.0) / 4.0)[:, skip:]

    def tokenizer(self, encoded, language: str | None = None) -> Tokenizer:
        """The tokenizer of the window's language: `language` (the live captions') if allowed, else
        detected on its encoding (unless fixed)."""
        if language and (self.picker.allowed is None or language in self.picker.allowed):
            self.picker.current = language
        elif not self.picker.fixed:
            found = self.model.model.detect_language(encoded)[0]
            self.picker.choose([(token[2:-2], float(p)) for token, p in found])
        language = self.language = self.picker.current or "en"
        if language not in self._tokenizers:
            self._tokenizers[language] = Tokenizer(self.model.hf_tokenizer, self.model.model.is_multilingual,
                                                   task=self.task, language=language)  # fmt: skip
        return self._tokenizers[language]

    def read(
        self, features: np.ndarray, size: int, offset_s: float, previous: list[int], language: str | None = None
    ) -> WindowRead:
        """Decode one window: `features` from the window's start (at least `size` frames of content,
        `size` <= WINDOW), after the tokens `previous`. Times are seconds from `offset_s`."""
        m, o = self.model, self.options
        if self.hotwords is not None:
            o = replace(o, hotwords=self.hotwords(offset_s, offset_s + size * m.feature_extractor.time_per_frame) or None)
        segment = pad_or_trim(features[:, :size])
        encoded = m.encode(segment)
        before = self.language
        tokenizer = self.tokenizer(encoded, language)
        if before is not None and self.language != before:
            previous = []  # text in another language is no prompt for this one
        prompt = m.get_prompt(tokenizer, previous, without_timestamps=o.without_timestamps, hotwords=o.hotwords)
        result, avg_logprob, temperature, compression = m.generate_with_fallback(encoded, prompt, tokenizer, o)
        no_speech = o.no_speech_threshold is not None and result.no_speech_prob > o.no_speech_threshold
        if no_speech and (o.log_prob_threshold is None or avg_logprob <= o.log_prob_threshold):
            return WindowRead((), size, temperature, skipped=True, language=self.language or "")  # Whisper's own skip
        pieces, seek, _ = m._split_segments_by_timestamps(
            tokenizer=tokenizer, tokens=result.sequences_ids[0], time_offset=offset_s, segment_size=size,
            segment_duration=size * m.feature_extractor.time_per_frame, seek=0,
        )  # fmt: skip
        out = []
        for piece, text in zip(pieces, whole([p["tokens"] for p in pieces], tokenizer.decode), strict=True):
            if piece["start"] == piece["end"] or not text.strip():
                continue
            out.append(ReadSegment(piece["start"], piece["end"], text, tuple(piece["tokens"]), avg_logprob,
                                   result.no_speech_prob, compression, temperature))  # fmt: skip
        if self.word_times and out:
            out = self._timed(out, tokenizer, encoded, size, offset_s)
        return WindowRead(tuple(out), seek, temperature, language=self.language or "")

    def _timed(self, segments: list[ReadSegment], tokenizer: Tokenizer, encoded, size: int, offset_s: float) -> list[ReadSegment]:
        """The segments with their words' times: the window's text aligned once to its audio."""
        texts = [[t for t in s.tokens if t < tokenizer.eot] for s in segments]
        aligned = self.model.find_alignment(tokenizer, [[t for ts in texts for t in ts]], encoded, size)[0]
        duration = size * self.model.feature_extractor.time_per_frame
        bounds = np.cumsum([len(ts) for ts in texts])  # each segment's tokens end here
        mine: list[list[Word]] = [[] for _ in segments]
        for word, at in aligned_words(aligned, 0, 0.0, duration, frozenset(int(b) for b in bounds[:-1])):
            k = min(int(np.searchsorted(bounds, at, side="right")), len(segments) - 1)
            mine[k].append(Word(word.text, round(offset_s + word.start, 3), round(offset_s + word.end, 3)))
        return [replace(s, words=tuple(w)) for s, w in zip(segments, mine, strict=True)]

    def resets_prompt(self, temperature: float) -> bool:
        o = self.options
        return not o.condition_on_previous_text or temperature > o.prompt_reset_on_temperature
