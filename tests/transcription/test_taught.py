"""A word the user teaches reaches the live passes from the next one on (vocabulary.py → Memory)."""

from dataclasses import dataclass, field

from fakes import FakeDecoder, say

from livecaption.samples import Chunk
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber
from livecaption.vocabulary import SessionVocabulary


@dataclass
class Listening(FakeDecoder):
    """Records the prompt and the words to boost of every pass."""

    seen: list[tuple[str | None, str]] = field(default_factory=list)

    def transcribe(self, audio, *, prompt, settings, **kw):
        self.seen.append((prompt, settings.hotwords))
        return super().transcribe(audio, prompt=prompt, settings=settings, **kw)

    def continue_after(self, encoded, context_text, *, prompt, settings, **kw):
        self.seen.append((prompt, settings.hotwords))
        return super().continue_after(encoded, context_text, prompt=prompt, settings=settings, **kw)


def test_a_taught_word_is_in_the_next_passes_prompt_and_words_to_boost():
    decoder = Listening()
    t = Transcriber(decoder, TranscribeOptions(hotwords="Ghip"))  # the session's, as session.py makes both
    vocabulary = SessionVocabulary(hotwords="Ghip")
    t.memory.vocabulary = vocabulary
    first = say("hello there")
    t.transcribe(Chunk(0, first, True, len(first)))
    assert decoder.seen and all(hot == "Ghip" for _, hot in decoder.seen)
    assert all("Boolooroo" not in (p or "") for p, _ in decoder.seen)
    vocabulary.learn(["Boolooroo", "ghip"])  # one new word, one it has
    assert vocabulary.terms.hotwords == "Ghip, Boolooroo" and vocabulary.version == 1
    decoder.seen.clear()
    second = say("good morning")
    t.transcribe(Chunk(len(first) + 16000, second, True, len(first) + 16000 + len(second)))
    assert decoder.seen and all(hot == "Ghip, Boolooroo" for _, hot in decoder.seen)
    # a pass read after its context has the words to boost at the head of its prompt
    assert [p for p in (t.memory.prompt_after("", None) or "",) if "Boolooroo" in p]
