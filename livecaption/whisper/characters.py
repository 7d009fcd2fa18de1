"""Text from tokens without broken characters.

Whisper's tokens are bytes: one Korean, Japanese or Chinese character is often two or three tokens.
Decoding a piece that ends inside a character (a token budget reached, a timestamp or a segment
boundary between its bytes) gives U+FFFD. The cut moves to a character boundary instead: the tokens
of the unfinished character go to the next piece, and after the last piece they are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

BROKEN = "\ufffd"
MAX_BYTES = 4  # a UTF-8 character is at most four bytes, so at most four tokens


def whole(pieces: Sequence[Sequence[int]], decode: Callable[[list[int]], str]) -> list[str]:
    """Each piece's text, every character whole: one split between pieces is moved whole into the
    later piece, one cut off at the very end is left out."""
    out: list[str] = []
    carry: list[int] = []
    for piece in pieces:
        tokens = [*carry, *piece]
        carry = []
        text = decode(tokens)
        for k in range(1, min(MAX_BYTES, len(tokens)) + 1):
            if not text.endswith(BROKEN):
                break
            shorter = decode(tokens[:-k])
            if not shorter.endswith(BROKEN):
                tokens, carry, text = tokens[:-k], tokens[-k:], shorter
                break
        out.append(text.replace(BROKEN, ""))  # a byte that never makes a character: nothing to show
    return out


def clean(text: str) -> str:
    """Text with any broken character left out (a word cut inside a character by the aligner)."""
    return text.replace(BROKEN, "")
