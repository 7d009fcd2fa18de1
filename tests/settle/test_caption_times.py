"""A caption's times are made once, to the millisecond: the live caption, the settled one, the journal's
copy and a recovery's reading of the kept audio are the same caption, with no float noise between them
(34.480000000000004 made, 34.48 read back). Fakes only: no Whisper."""


import numpy as np
from fakes import FakeDecoder, FakeReader, FakeSource, FakeVad, say

from livecaption.captions import Caption, at_ms
from livecaption.samples import HOP, SR
from livecaption.settle.recording import settle_recording
from livecaption.settle.settler import SettlePass
from livecaption.storage.journal import Journal, load
from livecaption.streaming.engine import Engine
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


def _speech() -> np.ndarray:
    """Phrases between pauses of odd lengths, so that times summed from offsets are not round."""
    parts = [np.zeros(int(0.37 * SR), np.float32)]
    for k in range(6):
        parts += [say(f"t{k} u{k} v{k}"), np.zeros(int((0.61 + 0.13 * k) * SR), np.float32)]
    return np.concatenate(parts)


def _at_ms(c: Caption) -> bool:
    return (c.start, c.end, c.emit) == (at_ms(c.start), at_ms(c.end), at_ms(c.emit))


def test_a_session_journal_reads_back_the_captions_it_made(tmp_path):
    """Live and settled captions (emit times included) are made to the millisecond, so the journal
    gives back exactly the transcript the session had."""
    journal = Journal("mic", "fake", folder=tmp_path)
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en"))
    e = Engine(FakeSource(_speech()), t, journal=journal, vad=FakeVad())
    e.inputs[0].settle = SettlePass(FakeReader())
    e.start()
    assert e.wait(30)
    made = e.transcript()
    assert made and all(c.settled for c in made) and all(_at_ms(c) for c in e.captions + e.settled)
    assert load(journal.id, tmp_path)[1] == made


def test_a_recording_settled_after_an_offset_has_times_to_the_millisecond():
    """The rest of a session settled from its kept audio (recovery.settle_rest): piece times are the
    window's time plus the audio's place in the session, one number however it is summed."""
    offset = round(30.0 * SR)
    pieces = settle_recording(FakeReader(), _speech(), offset=offset)
    assert [p.text for p in pieces] == [f"t{k} u{k} v{k}" for k in range(6)]
    assert all((p.start, p.end) == (at_ms(p.start), at_ms(p.end)) for p in pieces)
    raw = [s.start + 30.0 for s in FakeReader().read(_speech()[None, ::HOP], 3000, 0.0, []).segments]
    assert any(r != at_ms(r) for r in raw)  # this speech does give float noise when summed unrounded
