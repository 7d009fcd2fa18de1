"""Decoding a stretch of speech by itself (no context audio), with the guard's judgement of each segment."""

from __future__ import annotations

import numpy as np

from livecaption.samples import SR
from livecaption.transcription.decoder import Decoder, DecodeSettings, Transcription
from livecaption.transcription.guard import GuardConfig, collapse_loops, rejection, unloop
from livecaption.transcription.passes import Pass, Rejection, speech_share


def read_alone(
    decoder: Decoder,
    audio: np.ndarray,
    first: int,
    speech: np.ndarray | None,
    *,
    language: str | None,
    prompt: str | None,
    beam: int,
    settings: DecodeSettings,
    guard: GuardConfig,
    word_times: bool = False,
) -> tuple[Pass, Transcription]:
    """A pass over `audio` (from session sample `first`) decoded alone after `prompt`; segments the
    guard rejects are left out and listed in the pass. Also the decoder's own result (its language)."""
    result = decoder.transcribe(audio, language=language, prompt=prompt, beam_size=beam, settings=settings,
                                word_times=word_times)  # fmt: skip
    t0, dur = first / SR, len(audio) / SR
    kept, dropped = [], []
    for seg in result.segments:
        seg = unloop(seg, guard)
        why = rejection(seg, guard, speech_share(speech, seg.start, seg.end))
        if why:
            dropped.append(Rejection(t0 + max(seg.start, 0.0), t0 + min(seg.end, dur), why, seg.text))
        elif seg.text.strip():
            kept.append(seg)
    lang = language or result.language
    if not kept:
        if not dropped:
            dropped.append(Rejection(t0, t0 + dur, "the model heard no words"))
        return Pass("", t0, t0 + dur, lang, first, audio, beam, rejected=tuple(dropped), speech=speech), result
    text = collapse_loops(" ".join(seg.text.strip() for seg in kept))
    start = t0 + min(max(kept[0].start, 0.0), dur)
    end = t0 + min(max(kept[-1].end, kept[0].start), dur)
    found = Pass(text, start, max(end, start + 0.1), lang, first, audio, beam, rejected=tuple(dropped),
                 segments=tuple(kept), words=tuple(w for seg in kept for w in seg.words), speech=speech)  # fmt: skip
    return found, result


def looped(found: Pass) -> bool:
    """Did the pass loop (text the guard found repetitive)?"""
    return any(r.reason.startswith("repetitive") for r in found.rejected)
