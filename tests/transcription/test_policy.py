"""The commit policy over a fake decoder: what is decoded, with what context, and when it is final."""

import numpy as np
from fakes import SR, FakeDecoder, say

from livecaption.streaming.segmenter import Chunk
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


def chunk(start_s: float, audio: np.ndarray, end: bool, **kw) -> Chunk:
    start = int(start_s * SR)
    return Chunk(start, audio, end, start + len(audio), **kw)


def texts(captions, final=True):
    return [c.text for c in captions if c.final == final]


def test_partials_then_the_final_share_an_id():
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en"))
    first = t.transcribe(chunk(0, say("we are here"), False))
    last = t.transcribe(chunk(0.75, say("to stay"), True))
    assert texts(first, final=False) == ["we are here"]
    assert texts(last) == ["we are here to stay"] and last[-1].id == first[0].id
    assert last[-1].start == 0 and last[-1].end == 1.25


def test_skipped_audio_is_never_decoded_as_one_piece():
    """Hazard: the scheduler dropped chunks mid-utterance and the transcriber joined the audio
    on both sides of the gap into one caption with wrong times."""
    d = FakeDecoder()
    t = Transcriber(d, TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("before the gap"), False))
    out = t.transcribe(chunk(30.0, say("after it"), True))  # 29.25 s were skipped in between
    finals = [c for c in out if c.final]
    assert [c.text for c in finals] == ["before the gap", "after it"]
    assert finals[0].end <= 0.75 + 1e-6 and finals[1].start == 30.0


def test_greedy_catch_up_leaves_the_options_alone():
    """Hazard: the engine lowered the beam by rewriting the transcriber's shared options."""
    d = FakeDecoder()
    options = TranscribeOptions(language="en", beam_size=5)
    t = Transcriber(d, options)
    t.transcribe(chunk(0, say("quickly now"), True), greedy=True)
    assert [beam for kind, beam, _ in d.calls if kind != "encode"] == [1]
    assert options.beam_size == 5
    t.transcribe(chunk(2, say("and slowly"), True))
    assert d.calls[-1][1] == 5


def test_a_long_utterance_is_committed_at_a_chunk_boundary_without_repeats_or_gaps():
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en", commit_after_s=2.0))
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    out, pos = [], 0.0
    for k in range(0, 12, 3):  # four chunks of three words, 0.75 s each
        audio = say(" ".join(words[k : k + 3]))
        out += t.transcribe(chunk(pos, audio, k == 9))
        pos += len(audio) / SR
    finals = texts(out)
    assert len(finals) == 2 and " ".join(finals).split() == words


def test_the_next_utterance_is_read_after_its_context_and_gives_only_new_words():
    d = FakeDecoder()
    t = Transcriber(d, TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("the first sentence"), True))
    second = t.transcribe(chunk(2, say("and the second"), True))
    assert texts(second) == ["and the second"]
    assert d.kinds() == ["alone", "encode", "context"] and t.stats["context_passes"] == 1


def test_a_doubtful_context_pass_is_decoded_alone():
    d = FakeDecoder(continuation_logprob=-3.0)  # the context pass is not sure of itself
    t = Transcriber(d, TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("the first sentence"), True))
    second = t.transcribe(chunk(2, say("and the second"), True))
    assert texts(second) == ["and the second"] and d.kinds()[-1] == "alone"
    assert t.stats["context_fallbacks"] == 1


def test_the_final_reuses_the_look_made_in_its_own_pause():
    d = FakeDecoder()
    t = Transcriber(d, TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("some context first"), True))
    words = say("then a sentence", pause_s=0.128)
    look = t.transcribe(chunk(2, words, False, is_look=True, look=3))
    encodes = d.kinds().count("encode")
    final = t.transcribe(chunk(2, say("then a sentence", pause_s=0.288), True, look=3))
    assert texts(look, final=False) == ["then a sentence"] and texts(final) == ["then a sentence"]
    assert d.kinds().count("encode") == encodes and t.stats["reused"] == 1  # no second encoding
    assert final[-1].id == look[0].id


def test_no_speech_retracts_the_partial_with_an_empty_final():
    t = Transcriber(FakeDecoder(no_speech=True), TranscribeOptions(language="en"))
    out = t.transcribe(chunk(0, say("mumble"), True))
    assert len(out) == 1 and out[0].final and out[0].text == "" and t.stats["rejected"] == 1


def test_flush_makes_the_pending_speech_final():
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("cut off mid"), False))
    assert texts(t.flush()) == ["cut off mid"] and t.flush() == []
