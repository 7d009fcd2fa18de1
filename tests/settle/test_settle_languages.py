"""A settle window is read in one language: it ends where the live captions change language."""

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor

from livecaption.samples import SR
from livecaption.settle.settler import SettlePass, language_stretch
from livecaption.whisper.longform import WindowReader


def test_a_window_ends_between_the_last_caption_of_one_language_and_the_first_of_the_next():
    spans = [(10.0, 14.0, "ko"), (15.0, 19.5, "ko"), (20.5, 24.0, "en"), (25.0, 30.0, "en")]
    assert language_stretch(spans, 10.0, 40.0) == ("ko", 20.0)
    assert language_stretch(spans[2:], 20.0, 40.0) == ("en", 40.0)  # one language: the whole window


def test_a_language_that_only_grazes_the_start_gives_way_to_the_next():
    spans = [(9.0, 10.4, "ko"), (11.0, 14.0, "en"), (15.0, 18.0, "en"), (19.0, 25.0, "ko")]
    assert language_stretch(spans, 10.0, 40.0) == ("en", 18.5)


def test_no_live_captions_no_language():
    assert language_stretch([], 0.0, 30.0) == (None, 30.0)
    assert language_stretch([(1.0, 2.0, "")], 0.0, 30.0) == (None, 30.0)


# -- a settle pass over a change of language: the settler and the window reader, with a fake model ---------


def _timed(words: str, start: float, step: float) -> list[tuple[str, float, float]]:
    return [(w, start + k * step, start + k * step + 0.8 * step) for k, w in enumerate(words.split())]


KO = _timed("오늘 우리는 회의를 시작 합니다 모두 함께", 1.0, 1.0)  # 1.0 - 7.8 s
EN = _timed("the next part of the talk is in english now", 10.0, 0.9)  # 10.0 - 18.1 s
EN_LATE = _timed("thank you all for coming", 40.0, 0.9)  # 40.0 - 44.3 s, after a 30 s window from the change
SAID = KO + EN + EN_LATE
LIVE = [(1.0, 7.8, "ko"), (10.0, 18.1, "en"), (40.0, 44.3, "en")]  # the live finals (start, end, language)


class FakeTokenizer:
    """Tokens are indexes in SAID; a word read in another language than its own comes out misread ("word~")."""

    def __init__(self, language: str) -> None:
        self.language_code = language

    def decode(self, tokens: list[int]) -> str:
        words = [SAID[t][0] for t in tokens]
        return " " + " ".join(w if language_of(w) == self.language_code else w + "~" for w in words)


@dataclass(frozen=True)
class FakeOptions:
    initial_prompt: str | None = None
    without_timestamps: bool = False
    hotwords: str | None = None
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    condition_on_previous_text: bool = True
    prompt_reset_on_temperature: float = 0.5


class FakeWhisperModel:
    """The parts of faster-whisper's WhisperModel that WindowReader calls: a window "decodes" to the
    words SAID inside it, and each prompt is recorded with the language of the window it is for."""

    def __init__(self) -> None:
        self.feature_extractor = FeatureExtractor()
        self.model = SimpleNamespace(is_multilingual=True)
        self.hf_tokenizer = None
        self.prompts: list[tuple[str, list[int]]] = []  # (window's language, previous tokens)

    def transcribe(self, audio, **kw):
        return iter(()), SimpleNamespace(transcription_options=FakeOptions())

    def encode(self, features):
        return features

    def get_prompt(self, tokenizer, previous_tokens, without_timestamps=False, prefix=None, hotwords=None):
        self.prompts.append((tokenizer.language_code, list(previous_tokens)))
        return list(previous_tokens)

    def generate_with_fallback(self, encoded, prompt, tokenizer, options):
        return SimpleNamespace(sequences_ids=[[]], no_speech_prob=0.01), -0.2, 0.0, 1.2

    def _split_segments_by_timestamps(self, tokenizer, tokens, time_offset, segment_size, segment_duration, seek):
        end = time_offset + segment_duration
        pieces = [{"start": a, "end": b, "tokens": [k]} for k, (_, a, b) in enumerate(SAID) if time_offset <= a < end]
        return pieces, seek + segment_size, True


def language_of(word: str) -> str:
    return "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in word) else "en"


def test_a_settle_pass_over_a_change_of_language_reads_each_side_in_its_language_with_no_prompt_across():
    model = FakeWhisperModel()
    reader = WindowReader(model, "ko,en")
    reader._tokenizers = {lang: FakeTokenizer(lang) for lang in ("ko", "en")}  # no real vocabulary needed
    sp = SettlePass(reader)
    sp.feed(0, np.zeros(46 * SR, np.float32))

    def live_spans(start: float, end: float) -> list[tuple[float, float, str]]:
        return [s for s in LIVE if start <= (s[0] + s[1]) / 2 < end]

    windows = []
    while (w := sp.step(final=True, live_spans=live_spans)) is not None:
        windows.append(w)
    cut = (KO[-1][2] + EN[0][1]) / 2  # between the last Korean caption and the first English one
    assert [(w.start, w.end, w.language) for w in windows] == [(0.0, cut, "ko"), (cut, cut + 30.0, "en"),
                                                               (cut + 30.0, 46.0, "en")]  # fmt: skip
    # each side read in its own language (nothing misread "~"), each piece tagged with it
    assert [[p.text for p in w.pieces] for w in windows] == [[w for w, _, _ in part] for part in (KO, EN, EN_LATE)]
    assert [{p.language for p in w.pieces} for w in windows] == [{"ko"}, {"en"}, {"en"}]
    # the English window is read without the Korean text as its prompt; the next English one after it
    english = list(range(len(KO), len(KO) + len(EN)))  # EN's tokens
    assert model.prompts[:2] == [("ko", []), ("en", [])]
    assert model.prompts[2][0] == "en" and model.prompts[2][1][-len(english) :] == english
