"""--task both over a fake multilingual decoder: finals carry translations; what a translation may say."""

from dataclasses import dataclass, field, replace

import numpy as np
from fakes import FakeDecoder, hear, say

from livecaption.samples import Chunk
from livecaption.transcription.decoder import DecodeSettings, Transcription
from livecaption.transcription.guard import once_per_sentence
from livecaption.transcription.options import TranscribeOptions
from livecaption.translation.both import Translating, fit

GLOSS = {"오늘": "today", "회의를": "meeting", "시작": "begins", "합니다": "indeed", "모두": "everyone",
         "함께": "together", "감사": "thanks"}  # fmt: skip


def gloss_of(korean: str) -> str:
    return " ".join(GLOSS[w] for w in korean.split())


@dataclass
class TranslatingDecoder(FakeDecoder):
    """A fake that translates when asked to (task "translate"): each word heard becomes its English
    gloss, so a translation tells which audio it was made from; each translation call is recorded."""

    translations: list[tuple[list[str], int, tuple[float, ...], str | None]] = field(default_factory=list)
    # (words in the audio, beam, temperatures, prompt) of each translate call

    def transcribe(
        self, audio: np.ndarray, *, language: str | None, prompt: str | None, beam_size: int, settings: DecodeSettings,
        word_times: bool = False,
    ) -> Transcription:  # fmt: skip
        found = super().transcribe(audio, language=language, prompt=prompt, beam_size=beam_size, settings=settings,
                                   word_times=word_times)  # fmt: skip
        if settings.task != "translate":
            return found
        self.translations.append((hear(audio), beam_size, settings.temperatures, prompt))
        glossed = tuple(replace(s, text=" " + gloss_of(s.text.replace("~", "")), words=()) for s in found.segments)
        return replace(found, segments=glossed)


def test_finals_carry_a_translation_partials_and_english_speech_do_not():
    d = TranslatingDecoder(multilingual=True)
    t = Translating(d, TranscribeOptions(language="auto"))
    out, start = [], 0
    said = (("오늘 회의를 시작 합니다", False), ("모두 함께", True), ("감사 합니다", True), ("any questions now", True))
    for text, end in said:
        audio = say(text, 0.8 if end else 0.0)
        out += t.transcribe(Chunk(start, audio, end, start + len(audio)))
        start += len(audio)
    partials = [c for c in out if not c.final]
    finals = [c for c in out if c.final and c.text]
    assert partials and all(not c.translation for c in partials)
    first, second = "오늘 회의를 시작 합니다 모두 함께", "감사 합니다"
    assert [(c.language, c.text) for c in finals] == [("ko", first), ("ko", second), ("en", "any questions now")]
    # each Korean final's translation is made from its own audio (not the transcription, not the
    # audio before it), and English speech is not translated
    assert [c.translation for c in finals] == [gloss_of(first), gloss_of(second), ""]
    assert t.stats["translations"] == 2
    # one call per final: its words alone, greedily (beam 1, no temperature fallback), without a prompt
    assert d.translations == [(first.split(), 1, (0.0,), None), (second.split(), 1, (0.0,), None)]


def test_nothing_is_translated_where_nothing_was_said():
    t = Translating(FakeDecoder(multilingual=True), TranscribeOptions(language="ko"))
    silence = say("", 2.0)
    assert not [c for c in t.transcribe(Chunk(0, silence, True, len(silence))) if c.translation]


def test_a_translation_keeps_the_sentences_its_original_can_hold():
    assert fit("Say it again. You're not going to get hurt. Yes.", "또 말씀하세요.", "ko") == "Say it again."
    long = "The average stay on these cruises last year was 5.94 hours. It was longer than before."
    assert fit(long, "지난해 이들 크루즈 관광객의 평균 체류 시간은 5.94시간으로 전보다 길었다", "ko") == long
    assert fit("This is one sentence without an end that goes on for a while", "예", "ko").startswith("This is")
    assert fit("Good morning. Welcome.", "おはようございますようこそ", "ja") == "Good morning. Welcome."


def test_a_sentence_right_after_itself_is_kept_once():
    text = "It is about 20 cm. The water is about 20 cm. The water is about 20 cm. Then it rains."
    assert once_per_sentence(text) == "It is about 20 cm. The water is about 20 cm. Then it rains."
    assert once_per_sentence("Thank you. Thank you!") == "Thank you."


def test_translation_alone_shows_only_finals_for_other_languages_and_english_as_said():
    d = TranslatingDecoder(multilingual=True)
    t = Translating(d, TranscribeOptions(language="auto"), only=True)
    out, start = [], 0
    for text, end in (("오늘 회의를 시작 합니다", False), ("모두 함께", True), ("any questions from the room so far", False), ("now", True)):
        audio = say(text, 0.8 if end else 0.0)
        out += t.transcribe(Chunk(start, audio, end, start + len(audio)))
        start += len(audio)
    korean = [c for c in out if c.language == "ko"]
    english = [c for c in out if c.language == "en"]
    assert [c.final for c in korean] == [True] and not korean[0].translation  # no partial of the original
    assert korean[0].text == gloss_of("오늘 회의를 시작 합니다 모두 함께")  # the Korean final's text is its translation
    assert t.stats["translations"] == 1
    assert any(not c.final for c in english) and english[-1].text == "any questions from the room so far now"  # English as said
