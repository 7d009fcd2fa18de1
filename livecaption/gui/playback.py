"""Hear a line: the kept audio under a caption, played from a little before its start to a little after its end.

The player (audio/playback.py) decodes and plays on a thread of its own and says when it is done
from there; that end reaches this QObject of the GUI thread through a queued signal, so `started` and
`stopped` are always emitted on the GUI thread. A second play while one plays stops the first (only
the newest play's end is told). Errors (no kept audio, a damaged file, no output) go to the banner.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot

from livecaption.audio.playback import LinePlayer
from livecaption.captions import Caption
from livecaption.errors import InputError, LivecaptionError
from livecaption.storage.journal import SessionInfo, sessions_dir
from livecaption.transcript import Key, key

PAD_S = 0.15  # heard before the line's start and after its end, so its first and last words are whole


def session_audio(session_id: str | None, source: str, folder: Path | None = None) -> Path:
    """Where the session's input `source` ("" for a single input) has its audio kept."""
    if not session_id:
        raise InputError("there is no session to play a line of: start one or open a past session")
    path = (folder or sessions_dir()) / f"{session_id}.jsonl"
    try:
        with open(path, encoding="utf-8") as f:
            header = json.loads(f.readline() or "{}")
    except (OSError, ValueError):
        raise InputError(f"the journal of session {session_id} cannot be read ({path})") from None
    inputs = SessionInfo(session_id, path, "", 0.0, 0, False, header=header).inputs
    kept = next((i for i in inputs if i.source == source), inputs[0] if len(inputs) == 1 else None)
    if kept is None:
        raise InputError(f"session {session_id} kept no audio for the input '{source}'")
    return kept.audio


class LinePlayback(QObject):
    started = Signal(object)  # the key (source, id) of the line that plays
    stopped = Signal()  # nothing plays any more (the line ended, was stopped, or failed)
    _ended = Signal(int, object)  # from the player's thread: (which play, its error or None)

    def __init__(
        self,
        parent: QObject,
        session_id: Callable[[], str | None],
        report: Callable[[LivecaptionError], None],
        player: LinePlayer | None = None,
    ) -> None:
        """`session_id()`: the session whose lines the window shows; `report`: says what went wrong (the banner)."""
        super().__init__(parent)
        self.session_id, self.report = session_id, report
        self.player = player or LinePlayer()
        self.playing: Key | None = None
        self._play = 0  # which play is the current one: the end of an earlier one is not told
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)

    def play(self, caption: Caption) -> bool:
        """Play the line's audio; True when it started. A line that plays already is stopped instead
        (the same key plays and stops)."""
        k = key(caption)
        if self.playing == k:
            self.stop()
            return False
        try:
            path = session_audio(self.session_id(), caption.source)
            self._play += 1
            play = self._play
            self.player.play(
                path, max(0.0, caption.start - PAD_S), caption.end + PAD_S, lambda err: self._tell(play, err)
            )
        except LivecaptionError as exc:
            self.stop()
            self.report(exc)
            return False
        self.playing = k
        self.started.emit(k)
        return True

    def stop(self) -> None:
        """Stop what plays; `stopped` is emitted at once (the player's own end is then not told)."""
        if self.playing is None:
            return
        self._play += 1
        self.player.stop()
        self.playing = None
        self.stopped.emit()

    def _tell(self, play: int, error: LivecaptionError | None) -> None:
        with contextlib.suppress(RuntimeError):  # the window went away while the line played: no one to tell
            self._ended.emit(play, error)  # on the player's thread: the signal is queued to the GUI thread

    @Slot(int, object)
    def _on_ended(self, play: int, error: LivecaptionError | None) -> None:
        if play != self._play:
            return  # an earlier play, stopped for this one
        self.playing = None
        self.stopped.emit()
        if error is not None:
            self.report(error)
