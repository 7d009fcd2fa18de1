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

from livecaption.transcription.decoder import WINDOW_S, Continuation, Encoded

SR = 16000
TIME_PRECISION = 0.02  # seconds per Whisper timestamp token
WINDOW_FRAMES = 3000  # Whisper's 30 s window, 100 feature frames a second


def encode(model, context: np.ndarray, audio: np.ndarray, min_window_s: float = 20.0) -> Encoded | None:
    """Encode `context` followed by `audio` in a window of max(min_window_s, content + 1 s).

    `model` is a faster_whisper.WhisperModel. None when the two do not fit one window.
    """
    if (len(context) + len(audio)) / SR > WINDOW_S:
        return None
    features = model.feature_extractor(np.concatenate((context, audio)))
    used = min(features.shape[-1], WINDOW_FRAMES)
    frames = min(WINDOW_FRAMES, max(int(min_window_s * 100), used + 100))
    frames += frames % 2  # the encoder's stride-2 convolution
    window = np.zeros((features.shape[0], frames), np.float32)
    window[:, :used] = features[:, :used]  # zeros are faster-whisper's own padding
    return Encoded(model.encode(window), len(context), len(audio))


def decode_after(
    model, tokenizer, encoded: Encoded, context_text: str, *, prompt: str | None, beam_size: int, patience: float
) -> Continuation:
    """Text of the window's new audio, decoded as the continuation of its context, whose
    text is `context_text`. `prompt` is older text still, placed before `context_text`."""
    previous = " ".join(p.strip() for p in (prompt or "", context_text) if p and p.strip())
    prev_tokens = tokenizer.encode(" " + previous) if previous else []
    anchor = tokenizer.timestamp_begin + min(1500, round(encoded.context_len / SR / TIME_PRECISION))
    tokens = [*model.get_prompt(tokenizer, prev_tokens), anchor]
    result = model.model.generate(
        encoded.data,
        [tokens],
        beam_size=beam_size,
        patience=patience,
        max_length=model.max_length,
        return_scores=True,
        suppress_blank=True,
        suppress_tokens=[-1],
        max_initial_timestamp_index=1500,  # the first timestamp is the anchor itself
    )[0]
    ids = [i for i in result.sequences_ids[0] if i < tokenizer.eot]  # text only: drop timestamps
    return Continuation(tokenizer.decode(ids).strip(), float(result.scores[0]) if result.scores else 0.0)
