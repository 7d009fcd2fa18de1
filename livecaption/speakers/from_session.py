"""A speaker's voice print from a kept session: the audio under the lines with their label, embedded as the
labeller embeds a caption's voice (1.6 s pieces of speech, half overlapping; a shorter line whole).

Reads the session's journal (its kept transcript, renames included) and the audio kept beside it (spool.py);
only embeddings come out. At most about MAX_PIECES pieces, from lines spread over the whole session.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from livecaption.captions import Caption
from livecaption.errors import InputError, LivecaptionError
from livecaption.samples import SR, VAD_FRAME
from livecaption.speakers.encoder import SpeakerEncoder
from livecaption.speakers.track import MIN_SPEECH, PIECE_N, STEP_N
from livecaption.speakers.voices import MAX_PIECES
from livecaption.storage.journal import SessionInfo

MIN_LINE_S = 0.5  # a line shorter than this says nothing about a voice


def session_voice(which: str, label: str, encoder: SpeakerEncoder | None = None,
                  folder: Path | None = None) -> tuple[SessionInfo, np.ndarray, float]:  # fmt: skip
    """(the session, its pieces' embeddings (k, 256), seconds of speech) of the speaker a session labelled
    `label` ("Speaker 2", or a name given in that session); `which` as `export` takes it (latest, or an id)."""
    from livecaption.storage.journal import load, read_events, transcript_of

    info, _ = load(which, folder)
    header, events, _ = read_events(info.path)
    kept = [c for c in transcript_of(header, events).kept() if c.text]
    label = " ".join(label.split())
    mine = [c for c in kept if c.speaker == label and c.end - c.start >= MIN_LINE_S]
    if not mine:
        said = sorted({c.speaker for c in kept if c.speaker})
        raise LivecaptionError(f"no line of session {info.id} is labelled '{label}'"
                               + (f" (its speakers: {', '.join(said)})" if said else " (its lines have no speakers)"))  # fmt: skip
    audio = {i.source: i.audio for i in info.inputs}
    paths = {audio.get(c.source) for c in mine}
    path = next(iter(paths)) if len(paths) == 1 else None
    if path is None or not path.is_file():
        raise InputError(f"session {info.id} kept no audio, so {label}'s voice cannot be remembered from it "
                         "(remember it in the app while the session runs, or keep the audio next time)")  # fmt: skip
    lines = spread(mine, MAX_PIECES * STEP_N / SR)
    spans = [(round(c.start * SR), round(c.end * SR)) for c in lines]
    pieces = embed_lines(read_spans(path, spans), encoder or SpeakerEncoder())
    return info, pieces, float(sum(c.end - c.start for c in lines))


def spread(lines: Sequence[Caption], seconds: float) -> list[Caption]:
    """Lines spread evenly over the session adding up to about `seconds` (all of them when they add up to less)."""
    total = sum(c.end - c.start for c in lines)
    if total <= seconds:
        return list(lines)
    step = total / seconds
    return [c for k, c in enumerate(lines) if int(k / step) != int((k + 1) / step) or k == 0]


def embed_lines(wavs: Sequence[np.ndarray], encoder: SpeakerEncoder) -> np.ndarray:
    """Each line's 1.6 s pieces that are at least half speech (a line shorter than a piece, whole)."""
    out = []
    for wav in wavs:
        if len(wav) < MIN_LINE_S * SR:
            continue
        if len(wav) <= PIECE_N:
            out.append(encoder.embed(wav))
            continue
        loud = _loud(wav)
        for s in range(0, len(wav) - PIECE_N + 1, STEP_N):
            if loud[s // VAD_FRAME : (s + PIECE_N) // VAD_FRAME].mean() >= MIN_SPEECH:
                out.append(encoder.embed(wav[s : s + PIECE_N]))
    return np.array(out, np.float32).reshape(-1, 256)


def _loud(wav: np.ndarray) -> np.ndarray:
    """Which 32 ms frames are louder than the line's pauses (a tenth of its loud frames' level, at least -50 dBFS)."""
    n = max(1, len(wav) // VAD_FRAME)
    level = np.sqrt(np.mean(np.square(wav[: n * VAD_FRAME].reshape(n, -1)), axis=1))
    return level >= max(0.003, 0.1 * float(np.percentile(level, 90)))


def read_spans(path: Path, spans: Sequence[tuple[int, int]]) -> list[np.ndarray]:
    """The samples [a, b) of each span of a kept session's audio (sorted spans): sought in the file, or in one
    pass through it when it cannot be sought (a spool cut short by a crash has no length in its header)."""
    import soundfile as sf

    try:
        with sf.SoundFile(str(path)) as f:
            if f.frames <= 0:
                raise RuntimeError("no length")
            out = []
            for a, b in spans:
                f.seek(min(a, f.frames))
                out.append(f.read(max(0, b - a), dtype="float32"))
            return out
    except (RuntimeError, OSError, ValueError):
        return _scan(path, spans)


def _scan(path: Path, spans: Sequence[tuple[int, int]]) -> list[np.ndarray]:
    import av

    got: list[list[np.ndarray]] = [[] for _ in spans]
    pos, first = 0, 0
    end = max((b for _, b in spans), default=0)
    try:
        with av.open(str(path)) as container:
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SR)
            frames = (f for frame in container.decode(audio=0) for f in resampler.resample(frame))
            for f in itertools.chain(frames, resampler.resample(None)):
                block = f.to_ndarray().reshape(-1)
                while first < len(spans) and spans[first][1] <= pos:
                    first += 1
                for k in range(first, len(spans)):
                    a, b = spans[k]
                    if a >= pos + len(block):
                        break
                    lo, hi = max(a, pos), min(b, pos + len(block))
                    if lo < hi:
                        got[k].append(block[lo - pos : hi - pos])
                pos += len(block)
                if pos >= end:
                    break
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"the session's audio {path.name} is damaged: {reason}") from None
    return [np.concatenate(g).astype(np.float32) / 32768.0 if g else np.zeros(0, np.float32) for g in got]
