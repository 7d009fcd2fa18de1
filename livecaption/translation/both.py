"""The original captions, each final with its English translation (--task both), or the translation
alone (--task translate).

The live policy transcribes as always; each final with words is then translated from its own audio,
read alone in its detected language, greedily and without a prompt (no text of another caption to
loop on). A translation exists only where the original has words, so nothing is translated out of a
pause; a phrase repeated three times or more, or a sentence right after itself, keeps one copy; and
it is cut after the whole sentences that a translation of the original's length can hold. English
speech is not translated again. With the translation alone, a stretch in another language shows no
partial: its English comes with its final.
"""

from __future__ import annotations

from dataclasses import replace

from livecaption.captions import Caption
from livecaption.transcription.alone import read_alone
from livecaption.transcription.decoder import Decoder
from livecaption.transcription.guard import collapse_loops, once_per_sentence, sentences
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.passes import Pass
from livecaption.transcription.policy import Transcriber

TARGET = "en"  # Whisper translates into English only
WORDS_PER_UNIT = 3  # a translation has at most this many words per word of the original (per 2 CJK characters)
UNSPACED = ("ja", "zh", "yue", "th", "lo", "km", "my", "bo")  # scripts written without spaces between words


def fit(translation: str, original: str, language: str) -> str:
    """The translation's whole sentences that fit WORDS_PER_UNIT words per word of the original
    (at least the first, and six words): on a short stretch Whisper goes on to invent more
    ("Say it again. You're not going to get hurt. Yes." for a two-word request)."""
    units = len(original.replace(" ", "")) / 2 if language in UNSPACED else len(original.split())
    limit = max(6, round(WORDS_PER_UNIT * units))
    kept: list[str] = []
    for s in sentences(translation):
        if kept and len(" ".join([*kept, s]).split()) > limit:
            break
        kept.append(s)
    return " ".join(kept)


class Translating(Transcriber):
    """A transcriber whose finals carry `translation` too; with `only`, the translation is their text."""

    def __init__(self, decoder: Decoder, options: TranscribeOptions | None = None, only: bool = False) -> None:
        self.only = only
        options = replace(options or TranscribeOptions(), task="transcribe")
        if not decoder.multilingual:
            from livecaption.errors import LanguageError

            raise LanguageError(f"model {decoder.name} is English-only and cannot translate")
        super().__init__(decoder, options)
        self.translate_settings = replace(self.settings, task="translate", temperatures=(0.0,),
                                          max_tokens_per_s=min(self.settings.max_tokens_per_s or 6.0, 6.0))  # fmt: skip
        self.stats["translations"] = 0

    def _commit(self, result: Pass | None) -> list[Caption]:
        out = []
        for caption in super()._commit(result):
            if caption.text and caption.language != TARGET and result is not None and result.audio is not None:
                english = fit(self.translate(result, caption.language), caption.text, caption.language)
                # translate only: "" when nothing could be translated retracts what was shown
                caption = replace(caption, text=english) if self.only else replace(caption, translation=english)
            out.append(caption)
        return out

    def _partial(self, result: Pass | None) -> list[Caption]:
        if self.only and result is not None and (result.language or self.language) != TARGET:
            return []  # the original is not what this session shows
        return super()._partial(result)

    def translate(self, result: Pass, language: str) -> str:
        if result.audio is None:  # _commit translates only a pass with its audio
            return ""
        found, _ = read_alone(self.decoder, result.audio, result.first, result.speech, language=language or None,
                              prompt=None, beam=1, settings=self.translate_settings, guard=self.options.guard)  # fmt: skip
        self.stats["translations"] += 1
        return once_per_sentence(collapse_loops(found.text, min_repeats=3, max_n=10))
