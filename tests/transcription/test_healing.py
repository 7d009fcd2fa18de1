"""A session never goes silent: loops are cut before they are committed, a prompt that makes the
model loop is dropped, and a watchdog reads speech again when it has gone without captions.
Fault injection with fake decoders (policy logic, milliseconds)."""

import itertools
from dataclasses import replace

import numpy as np
from fakes import FakeDecoder, FakeSource, FakeVad, say

from livecaption.samples import SR, Chunk
from livecaption.streaming.engine import Engine, EngineListener
from livecaption.transcription.decoder import Continuation, Segment, Transcription
from livecaption.transcription.healing import WATCHDOG_S, cut_degenerate
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber

DOTS = " ." * 40
SENTENCES = [
    "the quick brown fox jumps over",
    "a lazy dog sleeps in the sun",
    "then the farmer comes home late",
    "and the cat watches from the barn",
    "while rain falls on the old roof",
    "so everyone goes inside to eat",
    "the children laugh at the table",
    "and night comes over the hills",
]


def test_a_loop_of_punctuation_is_cut_where_it_starts():
    assert cut_degenerate("a little sister's melt with her in prayer." + DOTS, 4.0) == (
        "a little sister's melt with her in prayer.",
        "a loop of punctuation",
    )
    assert cut_degenerate("Wait... what? Yes!", 2.0) == ("Wait... what? Yes!", None)  # punctuation, no loop


def test_people_repeating_themselves_are_kept_but_a_phrase_looping_is_not():
    assert cut_degenerate("words words words words", 2.0) == ("words words words words", None)
    assert cut_degenerate("I'm sorry, I'm sorry, I'm sorry.", 3.0)[1] is None
    text, why = cut_degenerate("the CEO of Park, " * 6 + "said today", 6.0)
    assert why == "a phrase repeated in a loop" and text == "the CEO of Park, said today"


def test_more_text_than_the_audio_holds_is_cut_at_a_word():
    text, why = cut_degenerate(" ".join(["lecture"] * 40), 1.0)  # 320 characters in a second
    assert why is not None and len(text) <= 70 and text.split() == ["lecture"] * len(text.split())


def sentences_audio(sentences: list[str], pause_s: float = 1.0) -> np.ndarray:
    return np.concatenate([say(s, pause_s) for s in sentences])


class Heard(EngineListener):
    def __init__(self):
        self.notices, self.rejections = [], []

    def on_notice(self, text):
        self.notices.append(text)

    def on_rejection(self, rejection):
        self.rejections.append(rejection)


def run(decoder, audio, listener=None) -> Engine:
    engine = Engine(FakeSource(audio), Transcriber(decoder, TranscribeOptions(language="en")), listener, vad=FakeVad())
    engine.start()
    assert engine.wait(30)
    return engine


class LoopsOnce(FakeDecoder):
    """Reads the second sentence as the real model did at 35:31: its words, then a loop of dots,
    in every kind of pass, once."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.looped = 0

    def _loop(self, text: str) -> str:
        if "lazy" in text and self.looped < 2:  # the context pass, and its check alone with the prompt
            self.looped += 1
            return text + DOTS
        return text

    def continue_after(self, encoded, context_text, **kw):
        found = super().continue_after(encoded, context_text, **kw)
        return replace(found, text=self._loop(found.text))

    def transcribe(self, audio, **kw):
        found = super().transcribe(audio, **kw)
        return replace(found, segments=tuple(replace(s, text=self._loop(s.text)) for s in found.segments))


def test_a_loop_once_then_normal_text_gives_normal_captions_again():
    engine = run(LoopsOnce(), sentences_audio(SENTENCES[:4]))
    finals = [c.text for c in engine.captions]
    assert finals == SENTENCES[:4], finals  # the loop is never committed, and nothing after it is lost
    assert not any("." in t for t in finals)


class LoopsWithAPrompt(FakeDecoder):
    """Loops (a compression ratio far over the guard's) whenever it is given text to follow."""

    def transcribe(self, audio, *, prompt=None, **kw):
        found = super().transcribe(audio, prompt=prompt, **kw)
        if not prompt:
            return found
        loop = tuple(Segment(s.text + DOTS, s.start, s.end, -0.3, 0.01, 9.0) for s in found.segments)
        return Transcription(loop, found.language, found.language_probability)

    def continue_after(self, encoded, context_text, **kw):
        found = super().continue_after(encoded, context_text, **kw)
        return Continuation(found.text + DOTS, found.avg_logprob, (), ())


def test_a_decoder_that_loops_whenever_it_gets_a_prompt_still_captions():
    heard = Heard()
    engine = run(LoopsWithAPrompt(), sentences_audio(SENTENCES), heard)
    assert [c.text for c in engine.captions] == SENTENCES
    assert engine.transcriber.stats["prompts_dropped"] >= len(SENTENCES) - 1
    assert any("dropped as prompt" in r.reason for r in heard.rejections)  # logged like any other reason


class DeafAfterContext(FakeDecoder):
    """Hears nothing in any pass that has a prompt or context: only the watchdog's passes, alone and
    without context, read the speech."""

    def transcribe(self, audio, *, prompt=None, **kw):
        found = super().transcribe(audio, prompt=prompt, **kw)
        return Transcription((), found.language, 1.0) if prompt else found

    def continue_after(self, encoded, context_text, **kw):
        found = super().continue_after(encoded, context_text, **kw)
        return Continuation("", found.avg_logprob, (), ())


def test_the_watchdog_reads_speech_again_when_no_caption_came_for_too_long():
    heard = Heard()
    sentences = SENTENCES * 2  # 16 sentences of 1.5-2 s with 1 s pauses: about 45 s
    engine = run(DeafAfterContext(), sentences_audio(sentences), heard)
    finals = engine.captions
    assert " ".join(c.text for c in finals).split() == " ".join(sentences).split()  # nothing lost for good
    gaps = [b.start - a.end for a, b in itertools.pairwise(finals)]
    assert max(gaps) <= WATCHDOG_S * 1.6  # never silent for much longer than the bound (speech plus pauses)
    assert engine.transcriber.stats["watchdog"] >= 2 and len(heard.notices) == engine.transcriber.stats["watchdog"]
    assert "without a caption" in heard.notices[0] and "recovered" in heard.notices[0]


def test_no_watchdog_while_captions_come():
    t = Transcriber(FakeDecoder(), TranscribeOptions(language="en"))
    start = 0
    for s in SENTENCES * 3:
        audio = say(s, 0.5)
        t.transcribe(Chunk(start, audio, True, start + len(audio)))
        start += len(audio)
    assert t.stats["watchdog"] == 0 and t.stats["prompts_dropped"] == 0 and t.stats["cut"] == 0
    assert t.watchdog.silent < 3 * SR


def test_a_caption_that_repeats_the_one_before_is_read_again_without_the_prompt():
    """Seen with a multilingual model after a language switch: the last sentence captioned five times
    over while new speech went uncaptioned. A pass led by its prompt writes the prompt again."""
    from fakes import FakeDecoder, say

    from livecaption.samples import Chunk
    from livecaption.transcription.options import TranscribeOptions
    from livecaption.transcription.policy import Transcriber

    t = Transcriber(FakeDecoder(echo_prompt_words=6), TranscribeOptions(language="en", context_s=0.0))
    said = ["we will start with the budget today", "then the plan for next year follows",
            "we will start with the budget today", "and questions come at the end"]  # fmt: skip
    start, out = 0, []
    for text in said:
        audio = say(text, 0.8)
        out += [c.text for c in t.transcribe(Chunk(start, audio, True, start + len(audio))) if c.final]
        start += len(audio)
    assert out == said  # each said once is captioned once; said again (the third) is captioned again
    assert t.stats["repeats"] == 3  # every pass after a prompt wrote the prompt again
