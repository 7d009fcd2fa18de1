"""The caption record shared by the engine, exporters and the GUI."""

from __future__ import annotations

from dataclasses import asdict, dataclass

UNSURE_MARK = " (?)"  # after a speaker whose voice is about as close to another's: a line to check
UNSURE_SAID = " (speaker unsure)"  # the same, as a screen reader says it


@dataclass(frozen=True)
class Caption:
    start: float  # seconds on the session timeline (from sample counts)
    end: float
    text: str
    final: bool = True  # False: a partial that a later caption replaces
    language: str = ""
    emit: float = 0.0  # seconds since the session's first sample when it was produced
    id: int = 0  # partials and the final that replaces them share an id
    source: str = ""  # which input heard it: "mic" or "system" ("" for a recording)
    speaker: str = ""  # the label shown with it ("You", "Others"); "" when the session has one unlabelled input
    settled: bool = False  # read by the settle pass, as an offline pass reads it (livecaption/settle)
    replaces: tuple[int, ...] = ()  # a settled caption: the ids of the live captions it takes the place of
    stable: int = 0  # a partial: how many characters of its text two passes read the same (stability.py)
    translation: str = ""  # --task both: the English translation of a final ("" for English speech)
    unsure: bool = False  # a final whose voice is about as close to another speaker's (speakers/clusters.py)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["start"], d["end"], d["emit"] = at_ms(self.start), at_ms(self.end), at_ms(self.emit)
        for key in ("source", "speaker", "settled", "translation", "unsure"):
            if not d[key]:
                del d[key]
        if self.settled:
            d["replaces"] = list(self.replaces)
        else:
            del d["replaces"]
        if self.final:  # a final is stable as a whole
            del d["stable"]
        return d

    @property
    def label(self) -> str:
        """The speaker as every transcript shows them: "Speaker 2 (?)" where the voice is unsure."""
        return self.labelled_as(UNSURE_MARK)

    def labelled_as(self, mark: str) -> str:
        """The speaker with `mark` after them where the voice is unsure ("" when unlabelled)."""
        return f"{self.speaker}{mark}" if self.speaker and self.unsure else self.speaker

    def labelled(self, mark: str = UNSURE_MARK) -> str:
        """The text with its speaker before it, as transcripts show it ("Speaker 2 (?): …" where unsure;
        `mark`: another way to say so, e.g. to a screen reader)."""
        label = self.labelled_as(mark)
        return f"{label}: {self.text}" if label else self.text


@dataclass(frozen=True)
class Label:
    """Which input captions come from, and the label shown before them."""

    source: str = ""  # "mic" | "system"; "" for a recording
    speaker: str = ""  # shown before its captions; "" when unlabelled

    @property
    def device_word(self) -> str:
        return "system audio" if self.source == "system" else "microphone"


def at_ms(seconds: float) -> float:
    """A caption's time (start, end, emit) as every path gives it: to the millisecond, the precision
    the journal keeps. Applied where a caption or settled piece gets its times, so a time summed or
    scaled two ways (an offset plus a segment time, samples over the rate) is one number, and a
    caption read back from the journal equals the one made."""
    return round(seconds, 3)


def clock(seconds: float, sep: str = ",") -> str:
    """00:01:02,345 (SRT) or 00:01:02.345 (VTT)."""
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def hms(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
