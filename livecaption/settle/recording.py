"""The settle pass over a whole recording: `export --polish`, File → Improve transcript, and the
part of a crashed session that was not settled yet. One algorithm for "read it again": Whisper's
long-form decoding, as an offline pass reads the recording (no VAD cut in front of it)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from livecaption.captions import Caption
from livecaption.samples import SR
from livecaption.settle.settler import SettledPiece, SettlePass

BLOCK_S = 60  # the recording is fed (and its loudness measured) a minute at a time


def settle_recording(
    reader,
    audio: np.ndarray,
    offset: int = 0,
    on_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    heard: Sequence[Caption] = (),
) -> list[SettledPiece] | None:
    """`audio` (which starts at session sample `offset`) read as one offline pass reads it: the same
    windows, the text so far as the prompt. Times are on the session timeline. None when cancelled.

    `heard`: the session's captions of this audio, if any; as in a live session, a window read with
    far fewer words than they have is read again without the prompt (SettlePass.step)."""
    t0 = offset / SR
    mids = [((c.start + c.end) / 2 - t0, len(c.text.split())) for c in heard]
    spans = [(c.start - t0, c.end - t0, c.language) for c in heard if c.final and c.text]

    def live_words(a: float, b: float) -> int:
        return sum(n for mid, n in mids if a <= mid < b)

    def live_spans(a: float, b: float) -> list[tuple[float, float, str]]:
        return [s for s in spans if a <= (s[0] + s[1]) / 2 < b]

    block = BLOCK_S * SR
    # The offline pass floors its features at the recording's loudest moment minus 80 dB: measure it first.
    for k in range(0, len(audio), block):
        reader.features(audio[k : k + block + 400], 0)
    sp = SettlePass(reader)
    out: list[SettledPiece] = []
    fed = 0
    while True:
        if cancel is not None and cancel.is_set():
            return None
        final = fed >= len(audio)
        window = sp.step(final, live_words if mids else None, live_spans if spans else None)
        if window is None:
            if final:
                break
            sp.feed(fed, audio[fed : fed + block])
            fed += len(audio[fed : fed + block])
            continue
        out += [p.later(t0) for p in window.pieces]
        if on_progress is not None:
            on_progress(min(1.0, window.end * SR / max(1, len(audio))))
    return out
