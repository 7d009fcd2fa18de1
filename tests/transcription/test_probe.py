"""A peek timed once before a session starts, and the cadence starting from it (transcription/probe.py)."""

import numpy as np
import pytest
from fakes import FakeDecoder, FakeSource

from livecaption.config import SessionConfig
from livecaption.samples import SR
from livecaption.session import build_session
from livecaption.streaming.cadence import HEADROOM
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.probe import SPOKEN_S, peek_cost


def test_the_probe_reads_as_a_peek_does_and_times_the_second_of_two():
    d = FakeDecoder(delay_per_s=0.1)
    options = TranscribeOptions(language="en")
    cost = peek_cost(d, options)
    assert d.kinds() == ["encode", "context", "encode", "context"]
    assert all(beam == 1 for kind, beam, _ in d.calls if kind == "context")  # greedy, as a peek
    assert d.contexts == [options.peek_context_s] * 2
    assert cost >= 0.1 * SPOKEN_S  # one pass's decode, not two


@pytest.mark.model
def test_a_live_session_spaces_its_peeks_from_the_first_and_says_how_often_words_come(loaded_model):
    silence = np.zeros(SR, np.float32)
    live = build_session(SessionConfig(settle=False, journal=False), loaded=loaded_model,
                         source=FakeSource(silence, realtime=True))  # fmt: skip
    inp = live.engine.inputs[0]
    assert inp.cadence.spent_s > 0
    assert inp.segmenter.peek_s == max(inp.cadence.target_s, HEADROOM * inp.cadence.spent_s)
    assert live.pace.startswith(f"words every {inp.segmenter.peek_s:.1f} s") and live.pace in live.describe()
    replay = build_session(SessionConfig(settle=False, journal=False), loaded=loaded_model, source=FakeSource(silence))
    assert replay.pace == "" and replay.engine.inputs[0].cadence.spent_s == 0  # no peeks: nobody watches
