"""A language per stretch of speech, over a fake multilingual decoder (Hangul words are Korean; a word
read in the wrong language comes out misread, "word~")."""

import re
from dataclasses import dataclass, field

import pytest
from fakes import FakeDecoder, say

from livecaption.errors import LanguageError
from livecaption.languages import codes
from livecaption.languages.picker import MIN_S, SWITCH_SHARE, LanguagePicker
from livecaption.samples import SR, Chunk
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber

KOREAN = "오늘 우리는 회의를 시작 합니다 모두 함께"
ENGLISH = "the next part of the talk is in english now"


HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class PromptedDecoder(FakeDecoder):
    """A fake that records the prompt of every pass, alone or after context."""

    prompts: list[str | None] = field(default_factory=list)

    def transcribe(self, audio, *, prompt, **kw):
        self.prompts.append(prompt)
        return super().transcribe(audio, prompt=prompt, **kw)

    def continue_after(self, encoded, context_text, *, prompt, **kw):
        self.prompts.append(prompt)
        return super().continue_after(encoded, context_text, prompt=prompt, **kw)


def utterances(*texts: str, pause_s: float = 0.8):
    start = 0
    for text in texts:
        audio = say(text, pause_s)
        yield Chunk(start, audio, True, start + len(audio))
        start += len(audio)


def finals(t: Transcriber, *texts: str, pause_s: float = 0.8):
    return [c for ch in utterances(*texts, pause_s=pause_s) for c in t.transcribe(ch) if c.final and c.text]


def test_a_switch_is_followed_each_way_and_each_caption_carries_its_language():
    t = Transcriber(FakeDecoder(multilingual=True), TranscribeOptions(language="auto"))
    caps = finals(t, KOREAN, KOREAN, ENGLISH, ENGLISH, KOREAN)
    assert [c.language for c in caps] == ["ko", "ko", "en", "en", "ko"]
    assert [c.text for c in caps] == [KOREAN, KOREAN, ENGLISH, ENGLISH, KOREAN]  # nothing read in the wrong language
    assert t.picker.switches == 2


def test_no_context_or_prompt_crosses_a_language_switch():
    d = PromptedDecoder(multilingual=True)
    t = Transcriber(d, TranscribeOptions(language="auto"))
    stream = utterances(KOREAN, KOREAN, ENGLISH, ENGLISH)
    for _ in range(2):
        t.transcribe(next(stream))
    assert d.contexts and d.contexts[-1] > 0  # the second Korean stretch read after the first
    assert any(p and HANGUL.search(p) for p in d.prompts)  # and a pass alone after the Korean text before it
    d.contexts.clear()
    d.prompts.clear()
    t.transcribe(next(stream))
    assert not d.contexts  # the first English stretch is read alone, not after Korean audio
    assert d.prompts and not any(p and HANGUL.search(p) for p in d.prompts), d.prompts  # nor after Korean text
    assert t.memory.text.strip() == ENGLISH  # and the prompt for the next holds English only
    t.transcribe(next(stream))
    assert d.contexts and d.contexts[-1] > 0  # within one language, context as before


def test_a_short_blip_keeps_the_current_language():
    t = Transcriber(FakeDecoder(multilingual=True), TranscribeOptions(language="auto"))
    caps = finals(t, KOREAN, "yes", KOREAN, pause_s=0.3)  # 0.55 s, English: too short to judge
    assert [c.language for c in caps] == ["ko", "ko", "ko"]


def test_a_restricted_set_is_honoured():
    # Korean speech, but the session said English or Japanese: never tagged Korean
    t = Transcriber(FakeDecoder(multilingual=True), TranscribeOptions(language="ja,en"))
    assert {c.language for c in finals(t, KOREAN, ENGLISH)} == {"en"}


def test_one_language_given_detects_nothing():
    d = FakeDecoder(multilingual=True)
    t = Transcriber(d, TranscribeOptions(language="ko"))
    assert [c.language for c in finals(t, KOREAN, KOREAN)] == ["ko", "ko"]
    assert "detect" not in d.kinds()


def test_the_picker_switches_only_on_clear_evidence():
    p = LanguagePicker(("ko", "en"))
    assert p.choose([("ja", 0.5), ("ko", 0.3), ("en", 0.2)]) == "ko"  # ja is not allowed
    assert p.choose([("en", 0.55), ("ko", 0.45)]) == "ko"  # not clear: keep Korean
    assert p.choose([("en", 0.9), ("ko", 0.1)]) == "en"
    assert not p.needs_detection(0.5 * SR / SR) and p.needs_detection(2.0)


def test_the_switch_share_and_the_shortest_stretch_judged_hold_at_their_edges():
    p = LanguagePicker(("ko", "en"))
    assert p.choose([("ko", 0.9), ("en", 0.1)]) == "ko"
    below = SWITCH_SHARE - 0.01
    assert p.choose([("en", below), ("ko", 1 - below)]) == "ko" and p.switches == 0  # just short of it: kept
    assert p.choose([("en", SWITCH_SHARE), ("ko", 1 - SWITCH_SHARE)]) == "en" and p.switches == 1  # at it: switched
    # the share is of the allowed languages' probability: a language outside the set does not dilute it
    assert p.choose([("ja", 0.5), ("ko", SWITCH_SHARE / 2), ("en", (1 - SWITCH_SHARE) / 2)]) == "ko"
    assert not p.needs_detection(MIN_S - 0.01) and p.needs_detection(MIN_S)


@pytest.mark.parametrize(("seconds", "language"), [(MIN_S - 0.01, "ko"), (MIN_S, "en")])
def test_an_english_stretch_in_korean_speech_is_judged_from_the_shortest_length(seconds, language):
    """Three English words and a pause, as long in all as the picker's shortest stretch or just less:
    only the first is detected (and switches; the fake's English is clear)."""
    t = Transcriber(FakeDecoder(multilingual=True), TranscribeOptions(language="auto"))
    assert [c.language for c in finals(t, KOREAN)] == ["ko"]
    pause = seconds - 3 * 0.25
    caps = finals(t, "yes of course", pause_s=pause)
    assert len(say("yes of course", pause)) == round(seconds * SR)
    assert [c.language for c in caps] == [language]


@pytest.mark.parametrize(("value", "parsed"), [("auto", None), ("", None), ("en", ("en",)), ("ko,en", ("ko", "en")),
                                               ("KO+EN", ("ko", "en")), ("ko, en", ("ko", "en"))])  # fmt: skip
def test_language_values(value, parsed):
    assert codes.parse(value) == parsed


@pytest.mark.parametrize("value", ["english", "ko,xx", ","])
def test_a_bad_language_value_says_what_to_give(value):
    with pytest.raises(LanguageError, match="ko,en"):
        codes.parse(value)


def test_an_english_only_model_refuses_other_languages():
    with pytest.raises(LanguageError, match="English-only"):
        Transcriber(FakeDecoder(), TranscribeOptions(language="ko,en"))
    assert Transcriber(FakeDecoder(), TranscribeOptions(language="en")).language == "en"
