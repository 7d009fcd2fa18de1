"""The context buffer: which committed speech is read again before new audio."""

import numpy as np

from livecaption.samples import SR
from livecaption.transcription.context import ContextBuffer, Said
from livecaption.transcription.decoder import Segment


def said(start_s: float, seconds: float, text: str, segments=()) -> Said:
    return Said(int(start_s * SR), np.full(int(seconds * SR), 0.1, np.float32), text, segments)


def test_recent_stretches_are_read_back_whole_with_pauses_capped():
    buf = ContextBuffer(16.0)
    buf.add(said(0, 3, "first words"))
    buf.add(said(5, 4, "second words"))  # 2 s pause before it
    audio, text = buf.before(int(9 * SR), int(20 * SR))
    assert text == "first words second words"
    assert len(audio) == (3 + 1 + 4) * SR  # the 2 s pause is read as 1 s


def test_a_long_stretch_gives_its_last_segments_when_it_does_not_fit_whole():
    """Hazard: after a long utterance was committed in one 18 s piece, the next pass had no
    context at all (the piece was older than the context reaches) and read its audio alone."""
    segments = (Segment(" one", 0.0, 6.0), Segment(" two", 6.0, 12.0), Segment(" three", 12.0, 18.0))
    buf = ContextBuffer(16.0)
    buf.add(said(0, 18, "one two three", segments))
    audio, text = buf.before(int(18 * SR), int(14 * SR))
    assert text == "two three" and len(audio) == 12 * SR
    audio, text = buf.before(int(18 * SR), int(8 * SR))
    assert text == "three" and len(audio) == 6 * SR
    assert buf.before(int(18 * SR), int(5 * SR)) is None  # not even the last segment fits


def test_nothing_older_than_the_context_reaches():
    buf = ContextBuffer(4.0)
    buf.add(said(0, 3, "old words"))
    assert buf.before(int(10 * SR), int(20 * SR)) is None
    assert ContextBuffer(0).before(int(3 * SR), int(20 * SR)) is None
