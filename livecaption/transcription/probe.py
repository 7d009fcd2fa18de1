"""What one peek costs on this machine with this model, measured once before a session starts.

A peek (a look at speech in progress) is read in a short encoder window after a few seconds of
context, greedily (policy.py), so the probe times exactly that on generated sound. The first call
warms the model up (it also makes the session's first caption come sooner); the second is timed.
The cadence (streaming/cadence.py) starts from it, so peeks are spaced to fit from the first one,
and the session says how often words will come.
"""

from __future__ import annotations

import time

import numpy as np

from livecaption.samples import SR
from livecaption.transcription.decoder import Decoder
from livecaption.transcription.options import TranscribeOptions

SPOKEN_S = 2.0  # new audio in the probe: a peek reads the utterance so far


def peek_cost(decoder: Decoder, options: TranscribeOptions) -> float:
    """Seconds one peek pass takes (wall clock, the second of two)."""
    rng = np.random.default_rng(0)
    context = (0.05 * rng.standard_normal(int(options.peek_context_s * SR))).astype(np.float32)
    audio = (0.05 * rng.standard_normal(int(SPOKEN_S * SR))).astype(np.float32)
    language = (options.languages(decoder) or ("en",))[0]
    settings = options.settings()
    spent = 0.0
    for _ in range(2):
        t = time.monotonic()
        encoded = decoder.encode(context, audio, options.peek_window_s)
        if encoded is not None:
            decoder.continue_after(encoded, "", language=language, prompt=None, beam_size=1, settings=settings)
        spent = time.monotonic() - t
    return spent
