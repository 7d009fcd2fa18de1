"""Drops text that Whisper produced without real speech behind it.

Whisper marks its own doubts: a high no-speech probability with a low average
log-probability means "this is probably not speech", and a high compression ratio
means the text repeats itself (a loop). Known phrases from its training subtitles
("thanks for watching", subtitle credits) are dropped only when that evidence is
weak too, so someone who really says "thank you" is still captioned.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, replace

# Subtitle credits and channel boilerplate from Whisper's training data: matched anywhere in the text.
CREDIT_PHRASES = (
    "thanks for watching",
    "thank you for watching",
    "please subscribe",
    "like and subscribe",
    "subtitles by",
    "subtitled by",
    "captions by",
    "transcribed by",
    "amara org",
    "시청해주셔서 감사합니다",
    "구독과 좋아요",
    "mbc 뉴스",
)
# Short outputs Whisper often invents from noise: matched only as the whole text.
SHORT_PHRASES = ("thank you", "thanks", "you", "the end", "bye", "감사합니다")


@dataclass
class GuardConfig:
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    # Text Whisper hears no speech behind (no_speech_prob over the threshold) needs more confidence than
    # Whisper's own -1.0: noise read alone as "I don't know what I'm going to do, but I don't know…"
    # scored -0.95, and each of the 22 of 400 noise readings that passed Whisper's checks -0.93 to -1.0
    # (benchmarks/noise_after_speech.py, #34). Of 136 real utterances read alone (lecture_en,
    # spontaneous_en, meeting_en) none had the vote and scored over -1.0; in live sessions on those
    # streams one segment had the vote, at -0.54. Words the VAD heard as speech are kept whatever the score.
    no_speech_logprob: float = -0.8
    compression_ratio_threshold: float = 2.4
    phrase_logprob: float = -0.6  # a known phrase needs at least this confidence...
    phrase_no_speech: float = 0.3  # ...and at most this no-speech probability
    vad_speech_share: float = 0.5  # no-speech text is kept where the VAD heard at least this share speech


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def rejection(segment, config: GuardConfig | None = None, vad_speech: float | None = None) -> str | None:
    """Why a faster-whisper segment should be dropped, or None to keep it.

    `vad_speech`: the share of the segment's frames the VAD heard as speech, when known. Whisper's
    no-speech vote alone does not drop words the VAD heard as speech: quiet, whispered or
    hesitant speech scores high there, and losing a real sentence is worse than a doubtful one."""
    c = config or GuardConfig()
    text = _norm(segment.text)
    if not text:
        return "empty"
    if segment.compression_ratio > c.compression_ratio_threshold:
        return "repetitive (compression ratio)"
    if (
        segment.no_speech_prob > c.no_speech_threshold
        and segment.avg_logprob < c.no_speech_logprob
        and (vad_speech is None or vad_speech < c.vad_speech_share)
    ):
        return "no speech" if vad_speech is None else f"no speech (the VAD heard {100 * vad_speech:.0f} % speech)"
    known = text in SHORT_PHRASES or any(p in text for p in CREDIT_PHRASES)
    weak = segment.avg_logprob < c.phrase_logprob or segment.no_speech_prob > c.phrase_no_speech
    if known and weak:
        return "known hallucination phrase with weak evidence"
    return None


def unloop(segment, config: GuardConfig | None = None):
    """A segment caught in a loop ("the loss of the loss of the loss of ...") with the loop cut to
    one copy, when that is enough to make it read like text again; else the segment as it was.
    The words before the loop are real, and losing the whole stretch loses them too."""
    c = config or GuardConfig()
    if segment.compression_ratio <= c.compression_ratio_threshold:
        return segment
    text = collapse_loops(segment.text, min_repeats=3, max_n=10)
    ratio = compression_ratio(text)
    if ratio > c.compression_ratio_threshold or len(_norm(text).split()) < 3:
        return segment  # a one- or two-word loop ("a a a ...") is noise read as words
    return replace(segment, text=" " + text, compression_ratio=ratio, words=())


def compression_ratio(text: str) -> float:
    """Whisper's loop detector: how well the text compresses (about 1.5 for normal text)."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def suspicious(text: str, config: GuardConfig | None = None) -> bool:
    """Text to double-check by decoding its audio alone, where `rejection` can weigh the evidence.

    Used for text decoded after its context (anchored.py): there Whisper's no-speech
    probability describes the whole window, not the new words.
    """
    c = config or GuardConfig()
    norm = _norm(text)
    if not norm or norm in SHORT_PHRASES or any(p in norm for p in CREDIT_PHRASES):
        return True
    return len(norm) > 40 and compression_ratio(text) > c.compression_ratio_threshold


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def once_per_sentence(text: str) -> str:
    """A translation with a sentence that comes again right after itself kept once: a loop of
    sentences ("The water is about 20 cm. The water is about 20 cm."), which `collapse_loops`
    keeps when it comes only twice, and translation loops so."""
    out: list[str] = []
    for s in sentences(text):
        if not out or _norm(s) != _norm(out[-1]):
            out.append(s)
    return " ".join(out)


def collapse_loops(text: str, min_repeats: int = 4, max_n: int = 6, min_words: int = 0) -> str:
    """Keep one copy of a phrase (1 to `max_n` words) repeated back to back `min_repeats`
    times or more (and over `min_words` words in all): Whisper's loops ("th- th- th- ...")
    inside otherwise good text, which the compression ratio of a long segment can miss. People
    do not say a phrase four times in a row often; when they do, one copy still tells the
    reader what was said."""
    words = text.split()
    norm = [_norm(w) for w in words]
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(1, max_n + 1):
            unit = norm[i : i + n]
            if len(unit) < n or not any(unit):
                continue
            k = 1
            while norm[i + k * n : i + (k + 1) * n] == unit:
                k += 1
            if k >= min_repeats and k * n >= min_words:
                out += words[i : i + n]
                i += k * n
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)
