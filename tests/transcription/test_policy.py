"""The commit policy over a fake decoder: what is decoded, with what context, and when it is final."""

import itertools

import numpy as np
from fakes import FakeDecoder, say

from livecaption.samples import SR, Chunk
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


WORDS = [
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    *("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"),
]
PHRASES = [" ".join(WORDS[k : k + 2]) for k in range(0, 20, 2)]  # 0.5 s each


def feed(t: Transcriber, phrases: list[str], per_chunk: int, pause_s: float) -> list:
    """One utterance: phrases with short pauses (below the VAD's utterance end) between them,
    `per_chunk` phrases to a chunk; the last chunk ends in a pause."""
    out, pos = [], 0.0
    for k in range(0, len(phrases), per_chunk):
        audio = np.concatenate([say(p, pause_s) for p in phrases[k : k + per_chunk]])
        if k + per_chunk >= len(phrases):
            audio = np.concatenate((audio, np.zeros(2 * SR, np.float32)))
        out += t.transcribe(chunk(pos, audio, k + per_chunk >= len(phrases)))
        pos += len(audio) / SR
    return out


def test_a_long_utterance_is_committed_in_pieces_without_repeats_or_gaps():
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en", commit_after_s=2.0))
    out = feed(t, PHRASES, 1, 0.15)  # 0.15 s between phrases
    finals = [c for c in out if c.final]
    assert len(finals) >= 3 and " ".join(c.text for c in finals).split() == WORDS
    assert all(a.end <= b.start for a, b in itertools.pairwise(finals))  # the pieces follow each other


def test_a_long_utterance_commits_only_what_consecutive_passes_agree_on():
    """Words near the end of the audio are misheard, differently by each pass (no right context
    yet); agreement keeps them out of the finals although they lie before the last second."""
    t = Transcriber(FakeDecoder(unsure_tail_s=1.8), TranscribeOptions(language="en", commit_after_s=2.0))
    out = feed(t, PHRASES, 2, 0.15)
    finals = [c.text for c in out if c.final]
    assert len(finals) >= 2 and " ".join(finals).split() == WORDS


def test_speech_without_any_pause_is_committed_once_it_is_too_long_to_wait():
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en", commit_after_s=2.0))
    phrases = [WORDS[k % 20] for k in range(100)]  # 25 s without a pause
    out = feed(t, phrases, 8, 0.0)
    finals = [c for c in out if c.final]
    assert len(finals) >= 2 and finals[0].end <= 22.0  # not held until the utterance ends at 25 s
    assert " ".join(c.text for c in finals).split() == phrases


def test_a_context_pass_that_reads_the_last_words_again_is_decoded_alone():
    d = FakeDecoder(reread_words=2)
    t = Transcriber(d, TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("the first sentence"), True))
    second = t.transcribe(chunk(2, say("and then the second one came"), True))
    assert texts(second) == ["and then the second one came"] and d.kinds()[-1] == "alone"


def test_a_phrase_said_again_after_a_pause_is_captioned_again():
    """People repeat themselves; only a cut inside speech can read the same words twice."""
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en"))
    first = t.transcribe(chunk(0, say("montreal forced aligner"), True))
    again = t.transcribe(chunk(2, say("montreal forced aligner"), True))
    assert texts(first) == texts(again) == ["montreal forced aligner"]


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


def test_the_look_in_a_pause_is_read_at_the_final_beam_and_is_the_final_when_the_utterance_ends_there():
    d = FakeDecoder()
    t = Transcriber(d, TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("some context first"), True))
    words = say("then a sentence", pause_s=0.128)
    look = t.transcribe(chunk(2, words, False, is_look=True, look=3))
    assert d.calls[-1][:2] == ("context", 5)  # the final beam, after one encoding
    calls = len(d.calls)
    final = t.transcribe(chunk(2, say("then a sentence", pause_s=0.288), True, look=3))
    assert texts(look, final=False) == ["then a sentence"] and texts(final) == ["then a sentence"]
    assert len(d.calls) == calls and t.stats["looks_final"] == 1  # no pass of its own
    assert final[-1].id == look[0].id


def test_a_final_after_more_speech_than_its_look_saw_is_decoded_again():
    d = FakeDecoder()
    t = Transcriber(d, TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("some context first"), True))
    t.transcribe(chunk(2, say("then a", pause_s=0.128), False, is_look=True, look=3))
    calls = len(d.calls)
    final = t.transcribe(chunk(2, say("then a sentence", pause_s=0.288), True, look=4))  # said on, ended later
    assert texts(final) == ["then a sentence"] and len(d.calls) > calls and t.stats["looks_final"] == 0


def test_a_peek_is_read_greedily_and_the_final_after_it_decodes_at_the_final_beam():
    d = FakeDecoder()
    t = Transcriber(d, TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("some context first"), True))
    t.transcribe(chunk(2, say("then a sentence"), False, is_look=True, look=3, peek=True))
    assert d.calls[-1][:2] == ("context", 1)
    final = t.transcribe(chunk(2, say("then a sentence", pause_s=0.4), True))
    assert texts(final) == ["then a sentence"] and d.calls[-1][:2] == ("context", 5)
    assert t.stats["looks_final"] == 0


def test_catching_up_a_look_in_a_pause_is_greedy_and_serves_a_greedy_final_only():
    d = FakeDecoder()
    t = Transcriber(d, TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("some context first"), True))
    t.transcribe(chunk(2, say("then a sentence", pause_s=0.128), False, is_look=True, look=3), greedy=True)
    assert d.calls[-1][:2] == ("context", 1)
    final = t.transcribe(chunk(2, say("then a sentence", pause_s=0.288), True, look=3))
    assert texts(final) == ["then a sentence"] and d.calls[-1][:2] == ("context", 5)  # caught up: the full beam
    assert t.stats["looks_final"] == 0


def test_no_speech_retracts_the_partial_with_an_empty_final():
    t = Transcriber(FakeDecoder(no_speech=True), TranscribeOptions(language="en"))
    out = t.transcribe(chunk(0, say("mumble"), True))
    assert len(out) == 1 and out[0].final and out[0].text == "" and t.stats["rejected"] == 1


def test_what_the_vad_heard_as_speech_is_not_dropped_on_whispers_no_speech_vote():
    audio = say("said very quietly")
    frames = len(audio) // 512
    heard = Transcriber(FakeDecoder(no_speech=True), TranscribeOptions(language="en"))
    out = heard.transcribe(chunk(0, audio, True, speech=np.full(frames, 0.9, np.float32)))
    assert texts(out) == ["said very quietly"] and not heard.rejections
    doubted = Transcriber(FakeDecoder(no_speech=True), TranscribeOptions(language="en"))
    out = doubted.transcribe(chunk(0, audio, True, speech=np.full(frames, 0.3, np.float32)))
    assert texts(out) == [""]
    [why] = doubted.rejections  # not silent: logged with its reason and time
    assert why.reason.startswith("no speech") and why.end - why.start == 0.75 and why.text.strip()


def test_flush_makes_the_pending_speech_final():
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en"))
    t.transcribe(chunk(0, say("cut off mid"), False))
    assert texts(t.flush()) == ["cut off mid"] and t.flush() == []


def test_a_peek_reads_a_short_context_and_the_final_the_full_one():
    """A peek is read again within a second: it pays for a short context only; the final after it
    reads the full context, as every final does."""
    d = FakeDecoder()
    t = Transcriber(d, TranscribeOptions(language="en", peek_context_s=2.0))
    pos = 0.0
    for k in range(8):  # 10 s of committed speech to read as context
        audio = say(" ".join(WORDS[2 * k : 2 * k + 2]) + " and", pause_s=0.5)
        t.transcribe(chunk(pos, audio, True))
        pos += len(audio) / SR
    words = say("the next sentence goes on")
    encodes = len(d.contexts)
    peek = t.transcribe(chunk(pos, words[: len(words) // 2], False, is_look=True, look=7, peek=True))
    assert texts(peek, final=False) and len(d.contexts) == encodes + 1 and 0 < d.contexts[-1] <= 2.0
    final = t.transcribe(chunk(pos, words, True))
    assert texts(final) == ["the next sentence goes on"] and d.contexts[-1] > 6.0
