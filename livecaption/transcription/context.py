"""Recently committed speech, kept to be read again before new audio (the context) and as the
previous text (the prompt): what the live policy remembers, in one object (Memory)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from livecaption.samples import SR
from livecaption.transcription.decoder import Segment
from livecaption.transcription.passes import KeptEncoding

if TYPE_CHECKING:
    from livecaption.vocabulary import SessionVocabulary

TEXT_CHARS = 2000  # committed text kept for the prompt (more than any prompt reads)


@dataclass(frozen=True)
class Said:
    """A committed stretch of speech: where it starts, its audio, its text (and the text in timed
    segments, seconds from `start`, when the decoder gave them)."""

    start: int
    audio: np.ndarray
    text: str
    segments: tuple[Segment, ...] = ()

    def tail(self, end: int, oldest: int, room: int) -> tuple[np.ndarray, str] | None:
        """Its last whole segments (audio up to sample `end`, text): those starting at or after
        sample `oldest`, in at most `room` samples. For a long stretch, only part fits a window."""
        for k, seg in enumerate(self.segments):
            begin = self.start + int(seg.start * SR)
            if begin >= oldest and end - begin <= room:
                text = " ".join(s.text.strip() for s in self.segments[k:])
                return (self.audio[begin - self.start : end - self.start], text) if text else None
        return None

    @property
    def end(self) -> int:
        return self.start + len(self.audio)


class ContextBuffer:
    """The last `seconds` of committed speech (plus a second), nothing older."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._said: deque[Said] = deque()

    def __len__(self) -> int:
        return len(self._said)

    def add(self, said: Said) -> None:
        self._said.append(said)
        keep = int((self.seconds + 1) * SR)  # only what the next passes can reach back to
        while len(self._said) > 1 and self._said[-1].end - self._said[0].end > keep:
            self._said.popleft()

    def before(self, first: int, room: int) -> tuple[np.ndarray, str] | None:
        """Committed speech before sample `first`: its audio (pauses capped at 1 s) and text,
        at most `room` samples of it, so that context and new audio fit one window."""
        if self.seconds <= 0:
            return None
        parts: list[np.ndarray] = []
        texts: list[str] = []
        nxt, size = first, 0
        oldest = first - int(self.seconds * SR)
        for said in reversed(self._said):
            if not said.text or said.start >= first:
                break
            gap = np.zeros(min(max(0, nxt - said.end), SR), np.float32)
            end = min(nxt, said.end)
            if said.start >= oldest and size + len(gap) + end - said.start <= room:
                piece, text = said.audio[: end - said.start], said.text
            else:  # too old or too long as a whole: its last segments, if they fit
                part = said.tail(end, oldest, room - size - len(gap))
                if part is not None:
                    parts[:0] = (part[0], gap)
                    texts.insert(0, part[1])
                break
            size += len(piece) + len(gap)
            parts[:0] = (piece, gap)
            texts.insert(0, text)
            nxt = said.start
        if not texts:
            return None
        return np.concatenate(parts), " ".join(texts)


class Memory:
    """What the prompt and the context remember of committed speech: its text (the prompt's), its
    audio (the context's), the language both are in, and the latest context pass's encoding (which
    a final may read again). One trim rule: the text keeps its last TEXT_CHARS characters, the audio
    what the next passes can reach back to (ContextBuffer); speech in another language, or a
    prompt that made the model loop, clears both."""

    def __init__(self, seconds: float, initial_prompt: str = "", prompt_chars: int = 200, hotwords: str = "") -> None:
        self.seconds = seconds
        self.initial_prompt = initial_prompt.strip()
        self.prompt_chars = prompt_chars
        self.hotwords = hotwords.strip()
        self.text = ""  # recent final text, the prompt for the next pass
        self.language: str | None = None  # the language of `text` and the context
        self.context = ContextBuffer(seconds)
        self.kept: KeptEncoding | None = None  # the latest context pass's encoding, for reuse
        self.vocabulary: SessionVocabulary | None = None  # words the user teaches while it runs (session.py)
        self._taught = 0  # the vocabulary's version in use

    def learned(self) -> str | None:
        """The words to boost now, where words were taught since the last pass (None: nothing new).
        They join the prompt and the words to boost of the next pass."""
        v = self.vocabulary
        if v is None or v.version == self._taught:
            return None
        self._taught, terms = v.version, v.terms
        self.initial_prompt, self.hotwords = terms.prompt, terms.hotwords
        return terms.hotwords

    def remember(self, text: str) -> None:
        """`text` committed after what is remembered (the one trim rule)."""
        self.text = (self.text + " " + text)[-TEXT_CHARS:]

    def continue_from(self, text: str) -> None:
        """The text said just before the audio to come (a recovered session's last captions)."""
        self.text = text.strip()[-TEXT_CHARS:]

    def commit(self, text: str, language: str, said: Said | None) -> None:
        """A final's `text` (maybe empty) in `language`, and its audio (`said`) when known. Text in
        another language than what is remembered starts afresh: prompts and context in one language."""
        if text and language != self.language:
            self.text, self.language = "", language
            self.context = ContextBuffer(self.seconds)
        if said is not None:
            self.context.add(said)
        if text:
            self.remember(text)

    def forget(self) -> None:
        """The text and audio later passes would read as context made the model loop: dropped."""
        self.text = ""
        self.context = ContextBuffer(self.seconds)
        self.kept = None

    def context_for(self, language: str | None, first: int, room: int) -> tuple[np.ndarray, str] | None:
        """The context before sample `first` for a pass in `language` (none in another language)."""
        if language is None or self.language not in (None, language):
            return None
        return self.context.before(first, room)

    def prompt(self, language: str | None, before: str | None = None, budget: int | None = None) -> str | None:
        """The prompt of a pass in `language`: the initial prompt and the last `budget` characters of
        the text remembered (or of `before`), none of it in another language."""
        recent = self.text if before is None else before
        recent = recent if self.language in (None, language) else ""
        n = self.prompt_chars if budget is None else budget
        parts = [self.initial_prompt, recent[-n:].strip() if n > 0 else ""]
        return " ".join(p for p in parts if p) or None

    def prompt_after(self, context_text: str, language: str | None) -> str | None:
        """The prompt of a pass read after `context_text`: the hotwords and the text before it."""
        before = self.text[: -len(context_text)] if self.text.endswith(context_text) else ""
        budget = self.prompt_chars - len(context_text) - 1
        return " ".join(p for p in (self.hotwords, self.prompt(language, before, budget) or "") if p) or None
