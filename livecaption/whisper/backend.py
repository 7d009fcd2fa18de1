"""The Whisper back-end: faster-whisper (CTranslate2) behind the policy's Decoder protocol.

Shorter encoder windows: faster-whisper pads every input to Whisper's 30 s window (3000
mel frames) before the encoder, so a 3 s chunk costs as much as 30 s. CTranslate2's
encoder accepts fewer frames, but too few hurts accuracy (the model was trained on
30 s), so `WindowedWhisperModel` cuts the window to max(floor, content + 1 s). The
padding faster-whisper adds is exact zeros in the normalised log-mel domain; real audio,
digital silence included, never gives an all-zero frame, so the content length is read
off the features themselves.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer

from livecaption.samples import SR, WINDOW
from livecaption.transcription.decoder import (
    WINDOW_S,
    Continuation,
    DecodeSettings,
    Encoded,
    Segment,
    Transcription,
    Word,
    token_budget,
)
from livecaption.whisper import anchored
from livecaption.whisper.characters import clean, whole

_MARGIN = 100  # keep 1 s of padding after the content


def _loops(decoded, o) -> bool:
    """A (result, avg_logprob, temperature, compression_ratio) of generate_with_fallback too repetitive."""
    return o.compression_ratio_threshold is not None and decoded[3] > o.compression_ratio_threshold


def _fails(decoded, o) -> bool:
    """Would faster-whisper try the next temperature after this reading? (Not when it is silence.)"""
    unsure = o.log_prob_threshold is not None and decoded[1] < o.log_prob_threshold
    silence = unsure and o.no_speech_threshold is not None and decoded[0].no_speech_prob > o.no_speech_threshold
    return (_loops(decoded, o) or unsure) and not silence


def _segment(s, text: str) -> Segment:
    words = tuple(Word(clean(w.word), w.start, w.end) for w in s.words or ())
    return Segment(text, s.start, s.end, s.avg_logprob, s.no_speech_prob, s.compression_ratio, words)


class WindowedWhisperModel(WhisperModel):
    """A WhisperModel whose encoder reads at least `min_frames` (per calling thread), not always 3000."""

    _local = threading.local()

    @property
    def min_frames(self) -> int:
        return getattr(self._local, "frames", WINDOW)

    @min_frames.setter
    def min_frames(self, frames: int) -> None:
        self._local.frames = min(WINDOW, max(2, frames))

    def encode(self, features: np.ndarray):
        f = features if features.ndim == 3 else features[None]
        if self.min_frames < f.shape[-1]:
            used = np.flatnonzero(np.any(f[0] != 0, axis=0))
            n = int(used[-1]) + 1 if len(used) else 1
            n = min(f.shape[-1], max(self.min_frames, n + _MARGIN))
            n += n % 2  # the encoder's stride-2 convolution
            f = np.ascontiguousarray(f[..., :n])
        return super().encode(f)

    def generate_with_fallback(self, encoder_output, prompt, tokenizer, options):
        """faster-whisper's decode with its temperature fallback, except where Whisper hears no speech.

        The fallback *samples*, and CTranslate2's random state is per thread and never reset (a seed
        set after the first draw does not reach it), so a sampled reading differs from run to run. On
        non-speech the temperature-0 reading votes no speech (its no-speech probability, the same at
        every temperature, over the threshold: every noise reading measured did) and often fails
        Whisper's checks by looping; the samples drawn then were now silence, now words (#34). There
        nothing is sampled: a temperature-0 reading that passes the checks stands, one that fails them
        is silence, as faster-whisper already takes one that is unsure, a loop now too. Where Whisper
        hears speech the fallback runs as before (it reads hard speech better than temperature 0
        alone). The live path (transcribe) and the settle pass (longform.WindowReader) both decode here."""
        o = options
        if o.no_speech_threshold is None or len(o.temperatures) < 2 or o.temperatures[0] > 0:
            return super().generate_with_fallback(encoder_output, prompt, tokenizer, options)
        first = super().generate_with_fallback(
            encoder_output, prompt, tokenizer, replace(o, temperatures=o.temperatures[:1])
        )
        if not _fails(first, o):
            return first
        result, logprob, temperature, ratio = first
        if result.no_speech_prob > o.no_speech_threshold:
            # Silence: faster-whisper (and WindowReader.read) skip a window whose no-speech probability
            # is over the threshold and whose avg_logprob is not above log_prob_threshold.
            floor = o.log_prob_threshold if o.log_prob_threshold is not None else logprob
            return result, min(logprob, floor), temperature, ratio
        rest = super().generate_with_fallback(
            encoder_output, prompt, tokenizer, replace(o, temperatures=o.temperatures[1:])
        )
        if not _fails(rest, o):
            return rest
        # All failed: as faster-whisper, the most confident reading, one under the compression threshold if any.
        best = max((first, rest), key=lambda r: (not _loops(r, o), r[1]))
        return best[0], best[1], rest[2], best[3]  # the last temperature tried (it decides a prompt reset)


class WhisperDecoder:
    """One loaded model, decoding for one transcriber thread."""

    def __init__(self, model: WhisperModel, name: str, encoder_s: float = 20.0) -> None:
        self.model = model
        self.name = name
        self.multilingual = bool(model.model.is_multilingual)
        self.encoder_s = encoder_s
        self._tokenizers: dict[tuple[str, str], Tokenizer] = {}
        self._eot = model.hf_tokenizer.token_to_id("<|endoftext|>")

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None,
        prompt: str | None,
        beam_size: int,
        settings: DecodeSettings,
        word_times: bool = False,
    ) -> Transcription:
        windowed = isinstance(self.model, WindowedWhisperModel)
        if windowed:
            self.model.min_frames = int(self.encoder_s * 100)
        try:
            segments, info = self.model.transcribe(
                audio,
                language=language,
                task=settings.task,
                beam_size=beam_size,
                initial_prompt=prompt,
                hotwords=settings.hotwords.strip() or None,
                condition_on_previous_text=False,
                temperature=settings.temperatures,
                patience=settings.patience,
                vad_filter=False,
                without_timestamps=settings.without_timestamps,
                compression_ratio_threshold=settings.compression_ratio_threshold,
                word_timestamps=word_times,
                max_new_tokens=token_budget(
                    settings.max_tokens_per_s, len(audio) / SR, self._prompt_tokens(prompt, settings.hotwords)
                ),
            )
            segments = list(segments)
            texts = whole([s.tokens for s in segments], self._decode)
            found = tuple(_segment(s, text) for s, text in zip(segments, texts, strict=True))
        finally:
            if windowed:
                self.model.min_frames = WINDOW
        return Transcription(found, info.language, info.language_probability)

    def _decode(self, tokens: list[int]) -> str:
        return self.model.hf_tokenizer.decode([t for t in tokens if t < self._eot])

    def _prompt_tokens(self, prompt: str | None, hotwords: str) -> int:
        """At least as many tokens as faster-whisper's get_prompt puts before the text: start of
        previous text, hotwords and previous text (each at most half the model's length), and the
        start sequence. faster-whisper refuses a pass whose prompt and token budget exceed 448."""
        half = self.model.max_length // 2 - 1

        def count(text: str | None) -> int:
            return min(half, len(self.model.hf_tokenizer.encode(" " + text.strip()).ids)) if text and text.strip() else 0

        return 1 + count(hotwords) + count(prompt) + 5

    def detect_language(self, audio: np.ndarray) -> tuple[tuple[str, float], ...]:
        if not self.multilingual:
            return (("en", 1.0),)
        audio = audio[-int(WINDOW_S * SR) :]  # the newest speech, in one window
        encoded = anchored.encode(self.model, np.zeros(0, np.float32), audio, self.encoder_s)
        assert encoded is not None  # at most one window of audio, no context: it always fits
        found = self.model.model.detect_language(encoded.data)[0]
        return tuple((token[2:-2], float(p)) for token, p in found)  # "<|ko|>" -> "ko"

    def encode(self, context: np.ndarray, audio: np.ndarray, window_s: float | None = None) -> Encoded | None:
        return anchored.encode(self.model, context, audio, self.encoder_s if window_s is None else window_s)

    def continue_after(
        self,
        encoded: Encoded,
        context_text: str,
        *,
        language: str,
        prompt: str | None,
        beam_size: int,
        settings: DecodeSettings,
        word_times: bool = False,
    ) -> Continuation:
        key = (language, settings.task)
        if key not in self._tokenizers:
            self._tokenizers[key] = Tokenizer(
                self.model.hf_tokenizer, self.multilingual, task=settings.task, language=language
            )
        return anchored.decode_after(
            self.model,
            self._tokenizers[key],
            encoded,
            context_text,
            prompt=prompt,
            beam_size=beam_size,
            patience=settings.patience,
            word_times=word_times,
            max_tokens_per_s=settings.max_tokens_per_s,
        )
