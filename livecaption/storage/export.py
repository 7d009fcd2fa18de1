"""Subtitle and transcript formats: SRT, WebVTT, timestamped TXT, JSON and JSONL.

SRT cues follow broadcast practice: at most 2 lines of at most 42 characters, so a
long caption becomes several cues whose times split the caption's span in
proportion to their text. One speaker's cues never overlap and never run backwards;
two speakers' cues may overlap (people talk over each other). A labelled caption's
speaker starts its SRT cue ("You: …") and TXT line, and is a WebVTT voice (`<v You>`); a speaker whose
voice is unsure is "Speaker 2 (?)" in SRT and TXT and a voice of class "unsure" (`<v.unsure Speaker 2>`). A caption
with a translation (--task both) has it under the original in each cue (its words shared out over
the caption's cues as the original's are; italic in WebVTT) and on the TXT line after it.
The `srt` library (well kept, strict) composes the SRT text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import srt

from livecaption.captions import Caption, clock, hms
from livecaption.errors import LivecaptionError, StorageError

MAX_LINE = 42
MAX_LINES = 2
MIN_CUE_S = 0.3
FORMATS = ("srt", "vtt", "txt", "json", "jsonl")


@dataclass
class Cue:
    start: float
    end: float
    lines: list[str]
    under: list[str] = field(default_factory=list)  # the translation's lines for this cue


def wrap(text: str, width: int = MAX_LINE) -> list[str]:
    """Lines of at most `width` characters; unspaced scripts are broken anywhere."""
    return textwrap.wrap(" ".join(text.split()), width=width, break_long_words=True, break_on_hyphens=False)


def split_cues(caption: Caption, labelled: bool = True) -> list[Cue]:
    """The caption's cues; `labelled`: each cue starts with the speaker ("You: …"), so a cue read
    alone still says who is speaking (SRT)."""
    prefix = f"{caption.label}: " if labelled and caption.speaker else ""
    rest = " ".join(caption.text.split())
    groups: list[list[str]] = []
    while rest:
        lines = textwrap.wrap(rest, width=MAX_LINE, initial_indent=prefix, break_long_words=True,
                              break_on_hyphens=False)[:MAX_LINES]  # fmt: skip
        if not lines:
            break
        groups.append(lines)
        for k, line in enumerate(lines):  # each line is the start of what is left (textwrap keeps the text)
            rest = rest[len(line) - (len(prefix) if k == 0 else 0) :].lstrip()
    if not groups:
        return []
    weights = [sum(len(x) for x in g) - len(prefix) for g in groups]
    total = sum(weights)
    span = max(caption.end - caption.start, 0.0)
    cues, t = [], caption.start
    for g, w in zip(groups, weights, strict=True):
        end = t + span * w / total
        cues.append(Cue(t, end, g))
        t = end
    words = caption.translation.split()
    done = 0
    for k, cue in enumerate(cues):  # the translation's words shared out in proportion to the original's
        upto = len(words) if k == len(cues) - 1 else round(len(words) * sum(weights[: k + 1]) / total)
        cue.under = wrap(" ".join(words[done:upto]))
        done = max(done, upto)
    return cues


class CueTimeline:
    """Makes each speaker's cue times monotonic: no overlap with their previous cue, no empty cue."""

    def __init__(self) -> None:
        self._ends: dict[str, float] = {}

    def place(self, cue: Cue, speaker: str = "") -> Cue:
        start = max(cue.start, self._ends.get(speaker, 0.0))
        end = max(cue.end, start + MIN_CUE_S)
        self._ends[speaker] = end
        return Cue(start, end, cue.lines, cue.under)


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CaptionWriter:
    """Streams final captions to a file object in one format, flushing each one."""

    def __init__(self, stream: IO[str], fmt: str, include_partials: bool = False) -> None:
        if fmt not in FORMATS:
            raise LivecaptionError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
        self.stream, self.fmt, self.include_partials = stream, fmt, include_partials
        self.timeline = CueTimeline()
        self.index = 0
        self._json: list[dict] = []
        if fmt == "vtt":
            self._write("WEBVTT\n\n")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except OSError as exc:
            raise StorageError(f"cannot write captions: {exc.strerror or exc}") from None

    def write(self, caption: Caption) -> None:
        if not caption.text:
            return
        if not caption.final:
            if self.include_partials and self.fmt == "jsonl":
                self._write(json.dumps(caption.to_dict(), ensure_ascii=False) + "\n")
            return
        if self.fmt == "jsonl":
            self._write(json.dumps(caption.to_dict(), ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            self._json.append(caption.to_dict())
        elif self.fmt == "txt":
            under = f"\n           {caption.translation}" if caption.translation else ""
            self._write(f"[{hms(caption.start)}] {caption.labelled()}{under}\n")
        else:
            for cue in split_cues(caption, labelled=self.fmt == "srt"):
                self._write(self._cue(self.timeline.place(cue, caption.speaker), caption.speaker, caption.unsure))

    def _cue(self, cue: Cue, speaker: str = "", unsure: bool = False) -> str:
        self.index += 1
        if self.fmt == "srt":
            sub = srt.Subtitle(
                self.index, dt.timedelta(seconds=cue.start), dt.timedelta(seconds=cue.end),
                "\n".join([*cue.lines, *cue.under]),
            )
            return sub.to_srt()
        lines = [_vtt_text(x) for x in cue.lines]
        if speaker:  # a voice span: players may style or show each speaker's name; class "unsure": check who
            voice = _vtt_text(speaker).replace("\n", " ")
            lines[0] = f"<v{'.unsure' if unsure else ''} {voice}>{lines[0]}"
        lines += [f"<i>{_vtt_text(x)}</i>" for x in cue.under]
        return f"{clock(cue.start, '.')} --> {clock(cue.end, '.')}\n" + "\n".join(lines) + "\n\n"

    def close(self) -> None:
        if self.fmt == "json":
            self._write(json.dumps({"captions": self._json}, ensure_ascii=False, indent=1) + "\n")


def render(captions: list[Caption], fmt: str) -> str:
    """The whole transcript in one format, as text."""
    import io

    buf = io.StringIO()
    w = CaptionWriter(buf, fmt)
    # Two inputs' captions arrive in the order they were decoded; a transcript reads in time order.
    for c in sorted(captions, key=lambda c: c.start):
        if c.final:
            w.write(c)
    w.close()
    return buf.getvalue()


def save(captions: list[Caption], path: str | Path, fmt: str | None = None) -> Path:
    """Write a transcript atomically (temp file + rename): a failed save never truncates a good file."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise LivecaptionError(f"cannot tell the format of {path.name}: use .srt, .vtt, .txt or .json")
    text = render(captions, fmt)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StorageError(f"cannot save {path}: {exc.strerror or exc}") from None
    return path
