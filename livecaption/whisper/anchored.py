"""Decode new speech after the speech before it, paying only for the new words.

Whisper reads a short sentence best in the middle of a window, after earlier speech
and its own text for that speech. The obvious way to say "the text so far is this, go
on" is to force that text as the decoder prefix, but CTranslate2 steps through a forced
prefix token by token at the beam width, which made context passes cost more than
reading the audio alone.

Here the earlier text goes in as the previous-text prompt (faster-whisper's own
`get_prompt`), which the decoder reads in a single step, and the one forced token is
the timestamp where the new audio starts in the window. The model then writes only
what is said from that point.
"""

from __future__ import annotations

import numpy as np

from livecaption.samples import HOP, SR, WINDOW
from livecaption.transcription.decoder import WINDOW_S, Continuation, Encoded, Segment, Word, token_budget
from livecaption.whisper.alignment import aligned_words
from livecaption.whisper.characters import whole

TIME_PRECISION = 0.02  # seconds per Whisper timestamp token


def encode(model, context: np.ndarray, audio: np.ndarray, min_window_s: float = 20.0) -> Encoded | None:
    """Encode `context` followed by `audio` in a window of max(min_window_s, content + 1 s).

    `model` is a faster_whisper.WhisperModel. None when the two do not fit one window.
    """
    if (len(context) + len(audio)) / SR > WINDOW_S:
        return None
    features = model.feature_extractor(np.concatenate((context, audio)))
    used = min(features.shape[-1], WINDOW)
    frames = min(WINDOW, max(int(min_window_s * 100), used + 100))
    frames += frames % 2  # the encoder's stride-2 convolution
    window = np.zeros((features.shape[0], frames), np.float32)
    window[:, :used] = features[:, :used]  # zeros are faster-whisper's own padding
    return Encoded(model.encode(window), len(context), len(audio))


def decode_after(
    model,
    tokenizer,
    encoded: Encoded,
    context_text: str,
    *,
    prompt: str | None,
    beam_size: int,
    patience: float,
    word_times: bool = False,
    max_tokens_per_s: float = 0.0,
) -> Continuation:
    """Text of the window's new audio, decoded as the continuation of its context, whose
    text is `context_text`. `prompt` is older text still, placed before `context_text`."""
    previous = " ".join(p.strip() for p in (prompt or "", context_text) if p and p.strip())
    prev_tokens = tokenizer.encode(" " + previous) if previous else []
    anchor = tokenizer.timestamp_begin + min(1500, round(encoded.context_len / SR / TIME_PRECISION))
    tokens = [*model.get_prompt(tokenizer, prev_tokens), anchor]
    budget = token_budget(max_tokens_per_s, encoded.audio_len / SR, len(tokens), model.max_length)
    result = model.model.generate(
        encoded.data,
        [tokens],
        beam_size=beam_size,
        patience=patience,
        max_length=len(tokens) + (budget or model.max_length - len(tokens)),
        return_scores=True,
        suppress_blank=True,
        suppress_tokens=[-1],
        max_initial_timestamp_index=1500,  # the first timestamp is the anchor itself
    )[0]
    ids = result.sequences_ids[0]
    text = whole([[i for i in ids if i < tokenizer.eot]], tokenizer.decode)[0].strip()  # text only: no timestamps
    score = float(result.scores[0]) if result.scores else 0.0
    offset = encoded.context_len / SR
    segments = timed_segments(ids, tokenizer, anchor, offset, encoded.audio_len / SR, score)
    words = timed_words(model, tokenizer, encoded, context_text, ids) if word_times and text else ()
    return Continuation(text, score, segments, words)


def timed_words(model, tokenizer, encoded: Encoded, context_text: str, ids: list[int]) -> tuple[Word, ...]:
    """The new text's words with their times (seconds from the new audio's start), by
    faster-whisper's cross-attention alignment of the context's text and the new text over the
    whole window (the context's words place the new ones after them)."""
    new_ids = [i for i in ids if i < tokenizer.eot]
    ctx_ids = tokenizer.encode(" " + context_text.strip()) if context_text.strip() else []
    frames = min(WINDOW, (encoded.context_len + encoded.audio_len) // HOP)
    aligned = model.find_alignment(tokenizer, [ctx_ids + new_ids], encoded.data, frames)[0]
    offset, duration = encoded.context_len / SR, encoded.audio_len / SR
    return tuple(w for w, _ in aligned_words(aligned, len(ctx_ids), offset, duration))


def timed_segments(
    ids: list[int], tokenizer, anchor: int, offset: float, duration: float, logprob: float
) -> tuple[Segment, ...]:
    """The decoded tokens as Whisper's timed segments (text between two timestamp tokens), in
    seconds from the new audio's start (the window's `offset`), clamped to its `duration`."""

    def at(token: int) -> float:
        return min(duration, max(0.0, (token - tokenizer.timestamp_begin) * TIME_PRECISION - offset))

    pieces: list[tuple[list[int], float, float]] = []
    start = at(anchor)
    text_ids: list[int] = []
    for token in ids:
        if token >= tokenizer.timestamp_begin:
            if text_ids:
                pieces.append((text_ids, start, max(start, at(token))))
                text_ids = []
            start = at(token)
        elif token < tokenizer.eot:
            text_ids.append(token)
    if text_ids:
        pieces.append((text_ids, start, duration))
    texts = whole([p[0] for p in pieces], tokenizer.decode)
    out = [Segment(text, a, b, logprob) for text, (_, a, b) in zip(texts, pieces, strict=True)]
    return tuple(s for s in out if s.text.strip())
