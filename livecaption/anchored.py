"""Decode new speech after the speech before it, paying only for the new words.

Whisper reads a short sentence best in the middle of a window, after earlier speech
and its own text for that speech (see Transcriber). The obvious way to say "the text
so far is this, go on" is to force that text as the decoder prefix, but CTranslate2
steps through a forced prefix token by token at the beam width, which made context
passes cost more than reading the audio alone.

Here the earlier text goes in as the previous-text prompt (<|startofprev|> ...), which
the decoder reads in a single step, and the one forced token is the timestamp where the
new audio starts in the window. The model then writes only what is said from that
point. On the lecture_en final passes this gave the same words as the forced prefix
for about a third of the decoder time (benchmarks/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SR = 16000
TIME_PRECISION = 0.02  # seconds per Whisper timestamp token
WINDOW_FRAMES = 3000  # Whisper's 30 s window, 100 feature frames a second
MAX_SECONDS = 29.0  # context plus new audio must fit one window, with a margin


@dataclass
class Window:
    """Context and new audio, encoded once; several decodes may read it."""

    encoded: object  # ctranslate2.StorageView
    context_len: int  # samples of context before the new audio
    audio_len: int  # samples of new audio


@dataclass
class Continuation:
    text: str  # what was said after the anchor
    avg_logprob: float  # of the new tokens only


def _tokenizer(model, language: str, task: str):
    from faster_whisper.tokenizer import Tokenizer

    cache = model.__dict__.setdefault("_livecaption_tokenizers", {})
    key = (language, task)
    if key not in cache:
        cache[key] = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task=task, language=language)
    return cache[key]


def encode(model, context: np.ndarray, audio: np.ndarray, min_window_s: float = 20.0) -> Window | None:
    """Encode `context` followed by `audio` in a window of max(min_window_s, content + 1 s).

    `model` is a faster_whisper.WhisperModel. None when the two do not fit one window.
    """
    if (len(context) + len(audio)) / SR > MAX_SECONDS:
        return None
    features = model.feature_extractor(np.concatenate((context, audio)))
    used = min(features.shape[-1], WINDOW_FRAMES)
    frames = min(WINDOW_FRAMES, max(int(min_window_s * 100), used + 100))
    frames += frames % 2  # the encoder's stride-2 convolution
    window = np.zeros((features.shape[0], frames), np.float32)
    window[:, :used] = features[:, :used]  # zeros are faster-whisper's own padding
    return Window(model.encode(window), len(context), len(audio))


def decode_after(
    model,
    window: Window,
    context_text: str,
    *,
    language: str,
    task: str = "transcribe",
    prompt: str | None = None,
    beam_size: int = 5,
    patience: float = 1.0,
) -> Continuation:
    """Text of the window's new audio, decoded as the continuation of its context, whose
    text is `context_text`. `prompt` is older text still, placed before `context_text`."""
    tok = _tokenizer(model, language, task)
    previous = " ".join(p.strip() for p in (prompt or "", context_text) if p and p.strip())
    prev_tokens = tok.encode(" " + previous)[-(model.max_length // 2 - 1) :] if previous else []
    anchor = tok.timestamp_begin + min(1500, round(window.context_len / SR / TIME_PRECISION))
    tokens = [tok.sot_prev, *prev_tokens, *tok.sot_sequence, anchor]
    result = model.model.generate(
        window.encoded,
        [tokens],
        beam_size=beam_size,
        patience=patience,
        max_length=model.max_length,
        return_scores=True,
        suppress_blank=True,
        suppress_tokens=[-1],
        max_initial_timestamp_index=1500,  # the first timestamp is the anchor itself
    )[0]
    ids = [i for i in result.sequences_ids[0] if i < tok.eot]  # text only: drop timestamps
    return Continuation(tok.decode(ids).strip(), float(result.scores[0]) if result.scores else 0.0)
