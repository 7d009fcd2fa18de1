"""Voices remembered by name, on this machine only: a person's voice print kept under their name.

A print is the speaker model's embeddings of 1.6 s pieces of the person's speech (256 numbers each, at most
MAX_PIECES of them): no audio, nothing from which speech could be played back. One .npz file per person in
the user data folder (`voices/`, or $LIVECAPTION_VOICES), readable by the user alone, written atomically;
forgetting a person deletes their file at once. Nothing is remembered unless someone asks (Session →
Speakers… → Remember this voice, or `livecaption voices remember`), and nothing here ever leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from livecaption.errors import LivecaptionError, StorageError
from livecaption.speakers.known import DIM, MIN_PIECES, KnownVoices, MatchConfig

VOICES_ENV = "LIVECAPTION_VOICES"
MAX_PIECES = 400  # about five minutes of speech: more costs space and says little new
MAX_NAME = 40
UNNAMED = re.compile(r"speaker \d+", re.IGNORECASE)  # the labels a session gives unknown voices


@dataclass(frozen=True, eq=False)  # arrays inside: compared by what they hold, not ==
class VoicePrint:
    name: str
    pieces: np.ndarray  # (k, 256) float32 embeddings of 1.6 s pieces of speech
    seconds: float  # speech it was made from
    saved: str  # when it was last saved (ISO time, local)
    path: Path | None = None


def voices_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get(VOICES_ENV) or Path(user_data_dir("livecaption")) / "voices")


def clean_name(name: str) -> str:
    """The name a voice is kept under: spaces collapsed; an empty, too long or "Speaker N" name is refused."""
    name = " ".join(name.split())
    if not name:
        raise LivecaptionError("give the person a name to remember their voice by")
    if len(name) > MAX_NAME:
        raise LivecaptionError(f"a name has at most {MAX_NAME} characters (got {len(name)})")
    if UNNAMED.fullmatch(name):
        raise LivecaptionError(f'"{name}" is a label, not a name: give the person their name to remember their voice')
    return name


def file_for(name: str, folder: Path | None = None) -> Path:
    """The file of a name: readable letters of it, and a hash of the whole name in any case (Ana and ana are one)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:24] or "voice"
    digest = hashlib.sha256(name.casefold().encode("utf-8")).hexdigest()[:10]
    return (folder or voices_dir()) / f"{slug}-{digest}.npz"


def read(path: Path) -> VoicePrint:
    try:
        with np.load(path, allow_pickle=False) as data:
            pieces = np.asarray(data["pieces"], np.float32)
            name, saved, seconds = str(data["name"]), str(data["saved"]), float(data["seconds"])
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise StorageError(f"the voice file {path} cannot be read ({exc}); forget it or delete the file") from None
    if pieces.ndim != 2 or pieces.shape[1] != DIM or not name:
        raise StorageError(f"the voice file {path} is not a voice print; forget it or delete the file")
    return VoicePrint(name, pieces, seconds, saved, path)


def remembered(folder: Path | None = None) -> list[VoicePrint]:
    """Every remembered voice, by name (files that cannot be read are left out: `damaged` lists them)."""
    out = []
    for path in _files(folder):
        try:
            out.append(read(path))
        except StorageError:
            continue
    return sorted(out, key=lambda v: v.name.casefold())


def damaged(folder: Path | None = None) -> list[Path]:
    bad = []
    for path in _files(folder):
        try:
            read(path)
        except StorageError:
            bad.append(path)
    return bad


def _files(folder: Path | None) -> list[Path]:
    folder = folder or voices_dir()
    return sorted(folder.glob("*.npz")) if folder.is_dir() else []


def known_voices(config: MatchConfig | None = None, folder: Path | None = None) -> KnownVoices:
    """The remembered voices as a session's labellers compare with them (none: recognition is off)."""
    return KnownVoices([(v.name, v.pieces) for v in remembered(folder)], config)


def find(name: str, folder: Path | None = None) -> VoicePrint | None:
    path = file_for(" ".join(name.split()), folder)
    return read(path) if path.is_file() else None


def remember(name: str, pieces: np.ndarray, seconds: float, folder: Path | None = None) -> VoicePrint:
    """Keep a voice under a name; a name already remembered keeps what it had too (its print grows, up to
    MAX_PIECES spread over all of it)."""
    name = clean_name(name)
    pieces = np.asarray(pieces, np.float32).reshape(-1, DIM)
    if len(pieces) < MIN_PIECES:
        raise LivecaptionError(
            f"too little of {name}'s voice to remember ({seconds:.0f} s of speech; about 15 s are needed): "
            "remember them from a session where they say more"
        )
    before = find(name, folder)
    if before is not None:
        pieces, seconds = np.concatenate((before.pieces, pieces)), before.seconds + seconds
    if len(pieces) > MAX_PIECES:
        pieces = pieces[np.linspace(0, len(pieces) - 1, MAX_PIECES).round().astype(int)]
    saved = dt.datetime.now().isoformat(timespec="seconds")
    path = file_for(name, folder)
    _write(path, VoicePrint(name, np.ascontiguousarray(pieces, np.float32), float(seconds), saved))
    return VoicePrint(name, pieces, float(seconds), saved, path)


def forget(name: str, folder: Path | None = None) -> VoicePrint:
    """Delete a remembered voice's file now; an unknown name is an error that lists the remembered ones."""
    found = find(name, folder)
    if found is None or found.path is None:
        names = ", ".join(v.name for v in remembered(folder))
        raise LivecaptionError(f"no voice is remembered as '{' '.join(name.split())}'"
                               + (f" (remembered: {names})" if names else " (none is remembered)"))  # fmt: skip
    try:
        found.path.unlink()
    except OSError as exc:
        raise StorageError(f"cannot delete {found.path}: {exc.strerror or exc}") from None
    return found


def _write(path: Path, voice: VoicePrint) -> None:
    """Written whole or not at all (a temporary file renamed over it), readable by the user alone."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".voice-", suffix=".tmp", dir=path.parent)  # mode 0600
        with os.fdopen(fd, "wb") as f:
            np.savez(f, name=np.array(voice.name), saved=np.array(voice.saved),
                     seconds=np.array(voice.seconds), pieces=voice.pieces)  # fmt: skip
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise StorageError(f"cannot save the voice in {path.parent}: {exc.strerror or exc}") from None
