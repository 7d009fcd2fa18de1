"""The hallucination guard and loops: tests for each rule."""

import itertools
from dataclasses import dataclass

from livecaption.audio import read_audio
from livecaption.samples import Chunk
from livecaption.transcription.guard import rejection
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


@dataclass
class Seg:
    text: str
    avg_logprob: float = -0.2
    no_speech_prob: float = 0.05
    compression_ratio: float = 1.3


def test_confident_speech_is_kept():
    assert rejection(Seg("And so, my fellow Americans, ask not.")) is None


def test_text_whisper_hears_no_speech_behind_needs_more_than_its_own_confidence_bar():
    """Noise read as a sentence at -0.95 (Whisper's own bar is -1.0), with the no-speech vote (#34)."""
    noise = Seg("I don't know what I'm going to do, but I don't know what I'm going to do.", avg_logprob=-0.95,
                no_speech_prob=0.78)  # fmt: skip
    assert rejection(noise) == "no speech"
    assert rejection(noise, vad_speech=0.9) is None  # the VAD heard speech: kept
    assert rejection(Seg("Some words.", avg_logprob=-0.54, no_speech_prob=0.61)) is None  # confident enough
    assert rejection(Seg("Some words.", avg_logprob=-0.95, no_speech_prob=0.3)) is None  # no vote: Whisper's bar


def test_no_speech_with_low_confidence_is_dropped():
    assert rejection(Seg("Some words.", avg_logprob=-1.3, no_speech_prob=0.8)) == "no speech"
    # the same no-speech probability with confident text is kept (Whisper's own rule)
    assert rejection(Seg("Some words.", avg_logprob=-0.4, no_speech_prob=0.8)) is None


def test_whisper_alone_does_not_drop_words_the_vad_heard_as_speech():
    """Quiet, whispered or hesitant speech scores as 'no speech' in Whisper; the VAD, which let it
    through, has a vote: both must doubt it."""
    mumbled = Seg("Some words.", avg_logprob=-1.3, no_speech_prob=0.8)
    assert rejection(mumbled, vad_speech=0.9) is None
    assert rejection(mumbled, vad_speech=0.1).startswith("no speech")
    assert rejection(mumbled, vad_speech=None) == "no speech"  # no VAD: Whisper's rule


def test_repetitive_text_is_dropped():
    assert "repetitive" in rejection(Seg("the the the the", compression_ratio=3.1))


def test_a_loop_is_cut_to_one_copy_and_the_words_before_it_kept():
    """Seen translating Korean with base: whole 5-15 s stretches were dropped as repetitive."""
    from livecaption.transcription.decoder import Segment
    from livecaption.transcription.guard import compression_ratio, unloop

    text = " If the price is high, the loss" + " of the loss" * 30
    looped = Segment(text, 0.0, 14.6, compression_ratio=compression_ratio(text))
    assert rejection(looped) == "repetitive (compression ratio)"
    kept = unloop(looped)
    assert kept.text.strip() == "If the price is high, the loss of the loss" and rejection(kept) is None
    noise = Segment(" a a a a a a a a a a a a a a a a a a a a", 0, 3, compression_ratio=4.0)
    assert rejection(unloop(noise)) is not None  # nothing left that reads like text: still dropped


def test_known_phrases_only_when_evidence_is_weak():
    weak = Seg("Thanks for watching!", avg_logprob=-0.9, no_speech_prob=0.2)
    strong = Seg("Thanks for watching!", avg_logprob=-0.15, no_speech_prob=0.02)
    assert rejection(weak) == "known hallucination phrase with weak evidence"
    assert rejection(strong) is None  # someone really said it
    assert rejection(Seg("Subtitles by the Amara.org community", avg_logprob=-0.7)) is not None
    assert rejection(Seg("시청해주셔서 감사합니다", no_speech_prob=0.5)) is not None
    assert rejection(Seg("Thank you.", avg_logprob=-0.2, no_speech_prob=0.05)) is None


def test_no_repeated_phrase_loops_on_a_long_stream(speech, loaded_model, tmp_path):
    """Two minutes of speech, with silences: no caption repeats itself or its predecessor."""
    import numpy as np
    import soundfile as sf

    from livecaption.audio import FileSource
    from livecaption.streaming.engine import Engine

    clips = [read_audio(speech / n) for n in ("jfk.flac", "61-70968-0000.flac", "1089-134686-0001.flac")]
    gap = np.zeros(16000, np.float32)
    audio = np.concatenate([np.concatenate((c, gap)) for _ in range(5) for c in clips])
    sf.write(tmp_path / "long.wav", audio, 16000)
    engine = Engine(
        FileSource(tmp_path / "long.wav"), Transcriber(loaded_model.decoder(), TranscribeOptions(language="en"))
    )
    engine.start()
    assert engine.wait(600), "the engine did not finish"
    texts = [c.text.lower() for c in engine.captions]
    assert len(texts) >= 15
    for t in texts:
        words = t.split()
        grams = [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]
        assert max((grams.count(g) for g in grams), default=0) <= 2, t  # no phrase looping inside a caption
    assert all(a != b for a, b in itertools.pairwise(texts)), texts  # never the same caption twice in a row


def test_silent_chunk_yields_nothing(loaded_model):
    import numpy as np

    t = Transcriber(loaded_model.decoder(), TranscribeOptions(language="en"))
    quiet = np.random.default_rng(1).normal(0, 0.002, 16000 * 3).astype(np.float32)
    caps = t.transcribe(Chunk(0, quiet, True, len(quiet)))
    assert all(not c.text for c in caps)


def test_text_after_a_forced_prefix_is_double_checked_when_suspicious():
    from livecaption.transcription.guard import suspicious

    assert suspicious("Thank you.") and suspicious("Subtitles by the Amara.org community")
    assert suspicious("I don't know. " * 8)  # a loop
    assert suspicious("//")  # no words at all
    assert not suspicious("Thank you for coming to the meeting today, everyone.")
    assert not suspicious("He began a confused complaint against the wizard who had vanished.")


def test_a_loop_inside_good_text_keeps_one_copy():
    from livecaption.transcription.guard import collapse_loops

    text = "to connect her parent forever with th- th- th- th- th- th- th- th- th-"
    assert collapse_loops(text) == "to connect her parent forever with th-"
    looped = "and the cat sat the cat sat the cat sat the cat sat on the mat"
    assert collapse_loops(looped) == "and the cat sat on the mat"
    # what people do say is left alone: a word three times, repeated words far apart
    for said in ("No, no, no. Fine.", "the end of the end of the day", "We will, we will rock you"):
        assert collapse_loops(said) == said
