"""Words with their times from faster-whisper's cross-attention alignment (`find_alignment`), as the live
passes (anchored.py) and the settle pass (longform.py) both take them."""

from __future__ import annotations

from livecaption.transcription.decoder import Word
from livecaption.whisper.characters import clean


def aligned_words(aligned: list[dict], skip: int, shift: float, duration: float,
                  breaks: frozenset[int] = frozenset()) -> list[tuple[Word, int]]:  # fmt: skip
    """The aligned words after the first `skip` tokens (a context's), their times `shift` seconds earlier
    and within [0, duration]; punctuation, or the rest of a word, joined to the word before unless it starts
    at one of the token indices `breaks` (where a segment starts). Each with the index of its first token
    among the tokens aligned."""
    out: list[tuple[Word, int]] = []
    seen = 0
    for w in aligned:
        if seen >= skip and w["word"].strip():
            start = min(duration, max(0.0, float(w["start"]) - shift))
            end = min(duration, max(start, float(w["end"]) - shift))
            if out and not w["word"].startswith(" ") and seen not in breaks:
                last, at = out[-1]
                out[-1] = (Word(last.text + clean(w["word"]), last.start, max(last.end, end)), at)
            else:
                out.append((Word(clean(w["word"]), start, end), seen))
        seen += len(w["tokens"])
    return out
