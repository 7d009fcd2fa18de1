"""The session journal: every final caption on disk the moment it exists.

One JSONL file per session in the user data folder (platformdirs): a header line,
one line per final caption, and an end line on a clean stop. Each line is flushed
and fsync'd as it is written, so after a crash or `kill -9` nothing final is lost.
A running session holds an advisory lock on its file; an unfinished file that
nobody holds belongs to a session that died, and can be restored or exported.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from livecaption import __version__
from livecaption.captions import Caption
from livecaption.errors import LivecaptionError, StorageError
from livecaption.transcript import Edit, Event, Transcript, event_of, replay


def sessions_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("LIVECAPTION_SESSIONS") or Path(user_data_dir("livecaption")) / "sessions")


@dataclass(frozen=True)
class KeptInput:
    source: str  # mic | system | "" (one unlabelled input)
    speaker: str
    audio: Path  # where its audio is (or was) kept


@dataclass
class SessionInfo:
    id: str
    path: Path
    started: str
    duration: float  # seconds of session time covered by captions
    captions: int
    finished: bool
    source: str = ""
    header: dict = field(default_factory=dict)

    @property
    def crashed(self) -> bool:
        return not self.finished and not _locked(self.path)

    @property
    def audio(self) -> Path:
        """Where the session's (first input's) audio is kept (spool.py), if it was."""
        return self.inputs[0].audio

    @property
    def has_audio(self) -> bool:
        return any(i.audio.is_file() for i in self.inputs)

    @property
    def inputs(self) -> list[KeptInput]:
        """The session's inputs (microphone, system audio), with their labels and kept audio."""
        from livecaption.storage.spool import audio_path

        rows = self.header.get("inputs") or [{}]
        return [
            KeptInput(r.get("source", ""), r.get("speaker", ""), audio_path(self.path, k, r.get("source", "")))
            for k, r in enumerate(rows)
        ]


class Journal:
    """Appends final captions to a new session file. Not thread-safe: one writer thread."""

    def __init__(
        self, source: str = "", model: str = "", folder: Path | None = None, extra: dict | None = None
    ) -> None:
        folder = folder or sessions_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            now = dt.datetime.now()
            base = now.strftime("%Y%m%d-%H%M%S")
            self.id, k = base, 1
            while (folder / f"{self.id}.jsonl").exists():
                k += 1
                self.id = f"{base}-{k}"
            self.path = folder / f"{self.id}.jsonl"
            self._f = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - held for the whole session
            fcntl.flock(self._f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise StorageError(f"cannot create the session journal in {folder}: {exc.strerror or exc}") from None
        self.failed: str | None = None
        self.count = 0
        self.last_end = 0.0
        self._line(
            {
                "type": "session",
                "id": self.id,
                "started": now.isoformat(timespec="seconds"),
                "source": source,
                "model": model,
                "version": __version__,
                **(extra or {}),  # what a later recovery needs: model name, language, task
            }
        )

    def _line(self, obj: dict) -> None:
        if self.failed:
            return
        try:
            self._f.write(json.dumps(obj, ensure_ascii=False) + "\n")
            self._f.flush()
            os.fsync(self._f.fileno())
        except (OSError, ValueError) as exc:  # ValueError: the file was closed (the session ended)
            self.failed = (
                f"the session journal stopped ({getattr(exc, 'strerror', None) or exc}): later captions are not in it, "
                "so keep the output or export the transcript"
            )
            raise StorageError(self.failed) from None

    def append(self, caption: Caption) -> None:
        """A final caption; a settled one even without words (it takes live text away)."""
        if caption.final and (caption.text or caption.settled):
            self._line({"type": "caption", **caption.to_dict()})
            self.count += 1
            self.last_end = max(self.last_end, caption.end)

    def rename(self, old: str, new: str) -> None:
        """A speaker renamed: the captions above with `old` carry `new` when read back."""
        self._event({"type": "rename", "from": old, "to": new})

    def edit(self, edit: Edit) -> None:
        """The user's text for a line, on disk before the window shows it is kept (as a caption is)."""
        self._event(edit.to_dict())

    def _event(self, obj: dict) -> None:
        if self._f.closed:  # after the session stopped: it still reaches its saved transcript
            append_to(self.path, obj)
        else:
            self._line(obj)

    def close(self) -> None:
        try:
            self._line(
                {"type": "end", "ended": dt.datetime.now().isoformat(timespec="seconds"), "captions": self.count}
            )
        except LivecaptionError:
            pass
        finally:
            self._f.close()


def rename_in(path: Path, old: str, new: str) -> None:
    """A speaker renamed in a session file no one writes to any more."""
    append_to(path, {"type": "rename", "from": old, "to": new})


def append_to(path: Path, *events: dict) -> None:
    """Events (renames, edits) added to a session file no one writes to any more, durably."""
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events))
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise StorageError(f"cannot save the change in {path}: {exc.strerror or exc}") from None


def _locked(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def read_events(path: Path) -> tuple[dict, list[Event], bool]:
    """The header, every event (captions, settled readings, renames, edits) in the order written, and
    whether the session ended cleanly. A line torn by a crash mid-write is skipped; the rest is kept."""
    header: dict = {}
    events: list[Event] = []
    finished = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            kind = obj.get("type", "")
            if kind == "session":
                header = obj
            elif kind == "end":
                finished = True
            elif (event := event_of(obj)) is not None:
                events.append(event)
    return header, events, finished


def settled_inputs(header: dict) -> set[str] | None:
    """The inputs whose live finals a settle pass read again (None: any, as journals before this was kept)."""
    if not header.get("settle_skip"):
        return None
    sources = {r.get("source", "") for r in header.get("inputs") or [{}]}
    return sources - set(header["settle_skip"])


def transcript_of(header: dict, events: list[Event]) -> Transcript:
    """The session's transcript read back: the same events give the same transcript the session showed."""
    return replay(events, settled_inputs(header))


def _read(path: Path) -> tuple[dict, list[Caption], bool]:
    """The header, the captions as written (live and settled), and whether the session ended cleanly."""
    header, events, finished = read_events(path)
    return header, [e for e in events if isinstance(e, Caption)], finished


def _kept(path: Path) -> tuple[dict, list[Caption], bool]:
    header, events, finished = read_events(path)
    return header, transcript_of(header, events).kept(), finished


def _order(path: Path) -> tuple[str, int]:
    """Sessions in the order they started: "ID-2" (the second to start in that second) after "ID"."""
    base, _, k = path.stem.rpartition("-")
    return (base, int(k)) if k.isdigit() and len(k) < 4 else (path.stem, 1)


def list_sessions(folder: Path | None = None) -> list[SessionInfo]:
    folder = folder or sessions_dir()
    out = []
    for p in sorted(folder.glob("*.jsonl"), key=_order) if folder.is_dir() else []:
        header, caps, finished = _kept(p)
        out.append(
            SessionInfo(
                p.stem,
                p,
                header.get("started", ""),
                max((c.end for c in caps), default=0.0),
                len(caps),
                finished,
                header.get("source", ""),
                header,
            )
        )
    return out


def load(which: str, folder: Path | None = None) -> tuple[SessionInfo, list[Caption]]:
    sessions = list_sessions(folder)
    if not sessions:
        raise LivecaptionError(f"no sessions recorded yet (looked in {folder or sessions_dir()})")
    if which == "latest":
        info = sessions[-1]
    else:
        found = [s for s in sessions if s.id == which or s.id.startswith(which)]
        if not found:
            raise LivecaptionError(f"no session '{which}'; `livecaption sessions` lists them")
        info = found[-1]
    return info, _kept(info.path)[1]  # settled text where there is some, else live


def mark_recovered(info: SessionInfo, captions: list[Caption] | None = None) -> None:
    """Close a crashed session's file so it is not offered again, with the captions
    recovered from its audio after the last one it had."""
    lines = [
        {"type": "caption", **c.to_dict(), "recovered": True}
        for c in captions or []
        if c.final and (c.text or c.settled)
    ]
    lines.append({"type": "end", "recovered": True, "captions": info.captions + len(lines)})
    try:
        with open(info.path, "a", encoding="utf-8") as f:
            f.write("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise StorageError(f"cannot update the session journal {info.path}: {exc.strerror or exc}") from None


def delete(info: SessionInfo) -> None:
    """Remove a session: its captions and its audio."""
    for p in (*(i.audio for i in info.inputs), info.path):
        try:
            p.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot delete {p}: {exc.strerror or exc}") from None
