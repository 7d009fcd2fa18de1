"""Whisper's language codes, and the `--language` value a user gives: auto, one code, or a set."""

from __future__ import annotations

from livecaption.errors import LanguageError

# The 100 codes of Whisper's multilingual tokenizer (large-v3 added yue), in its order.
CODES = (
    "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi",
    "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la",
    "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy",
    "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be",
    "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl",
    "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue",
)  # fmt: skip


def parse(value: str | None) -> tuple[str, ...] | None:
    """The languages a session may caption: None for auto (any), else one or more codes.

    "ko,en" (or "ko en", "ko+en") restricts detection to Korean and English; "en" fixes it."""
    text = (value or "auto").strip().lower()
    if text in ("", "auto"):
        return None
    found: list[str] = []
    for code in text.replace("+", ",").replace(" ", ",").split(","):
        if not code:
            continue
        if code not in CODES:
            raise LanguageError(
                f"unknown language {code!r} in --language {value!r}: use auto, a code such as en or ko, "
                "or a set such as ko,en"
            )
        if code not in found:
            found.append(code)
    if not found:
        raise LanguageError(f"no language in --language {value!r}: use auto, a code such as en, or a set such as ko,en")
    return tuple(found)
