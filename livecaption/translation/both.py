"""The original captions, each final with its English translation (--task both).

The live policy transcribes as always; each final with words is then translated from its own audio,
read alone in its detected language, greedily and without a prompt (no text of another caption to
loop on). A translation exists only where the original has words, so nothing is translated out of a
pause; a phrase repeated three times or more keeps one copy. English speech is not translated again.
"""

from __future__ import annotations

from dataclasses import replace

from livecaption.captions import Caption
from livecaption.transcription.alone import read_alone
from livecaption.transcription.decoder import Decoder
from livecaption.transcription.guard import collapse_loops
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.passes import Pass
from livecaption.transcription.policy import Transcriber

TARGET = "en"  # Whisper translates into English only


class Translating(Transcriber):
    """A transcriber whose finals carry `translation` too."""

    def __init__(self, decoder: Decoder, options: TranscribeOptions | None = None) -> None:
        options = replace(options or TranscribeOptions(), task="transcribe")
        if not decoder.multilingual:
            from livecaption.errors import LanguageError

            raise LanguageError(f"model {decoder.name} is English-only and cannot translate")
        super().__init__(decoder, options)
        self.translate_settings = replace(self.settings, task="translate", temperatures=(0.0,),
                                          max_tokens_per_s=min(self.settings.max_tokens_per_s or 6.0, 6.0))  # fmt: skip
        self.stats["translations"] = 0

    def _commit(self, result: Pass | None) -> list[Caption]:
        out = super()._commit(result)
        for caption in out:
            if caption.text and caption.language != TARGET and result is not None and result.audio is not None:
                caption.translation = self.translate(result, caption.language)
        return out

    def translate(self, result: Pass, language: str) -> str:
        found, _ = read_alone(self.decoder, result.audio, result.first, result.speech, language=language or None,
                              prompt=None, beam=1, settings=self.translate_settings, guard=self.options.guard)  # fmt: skip
        self.stats["translations"] += 1
        return collapse_loops(found.text, min_repeats=3, max_n=10)
