"""Voices remembered by name, in the app: "Remember this voice" (Session → Speakers…) and the remembered people,
each with Forget (Session → Settings…). The voice prints are speakers/voices.py's: embeddings, on this computer.

A voice comes from the running session's speaker labeller (its pieces are already embedded) or, once the
session has stopped, from the session's kept audio, which takes seconds to embed: that runs on a thread of
its own, and its end reaches this QObject of the GUI thread through a queued signal.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from livecaption.errors import LivecaptionError
from livecaption.gui import a11y
from livecaption.speakers import voices

Voice = tuple[np.ndarray, float]  # pieces' embeddings, seconds of speech


def speech(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60} min {s % 60} s" if s >= 60 else f"{s} s"


def running_voice(engine, label: str) -> Voice | None:
    """The pieces a running session's labellers gave the speaker with this label (None: none of theirs)."""
    from livecaption.samples import SR
    from livecaption.speakers.track import STEP_N

    found = [p for inp in engine.inputs if inp.speakers is not None if (p := inp.speakers.pieces_of(label)) is not None]
    if not found:
        return None
    pieces = np.concatenate(found)
    return pieces, len(pieces) * STEP_N / SR


def kept_voice(session_id: str, label: str) -> Voice:
    """The speaker's voice from a kept session's audio (seconds of work: call it off the GUI thread)."""
    from livecaption.speakers.from_session import session_voice

    _, pieces, seconds = session_voice(session_id, label)
    return pieces, seconds


class VoiceKeeper(QObject):
    """Remembers voices off the GUI thread and says how it went on it."""

    remembered = Signal(object)  # VoicePrint
    failed = Signal(object)  # LivecaptionError
    _done = Signal(object, object)  # from the worker thread: (VoicePrint or None, error or None)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self.threads: list[threading.Thread] = []

    def remember(self, name: str, voice: Callable[[], Voice]) -> threading.Thread:
        """Keep the voice `voice()` gives under `name`; `voice` runs on the worker thread (it may read audio)."""

        def work() -> None:
            try:
                pieces, seconds = voice()
                result, error = voices.remember(name, pieces, seconds), None
            except LivecaptionError as exc:
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # the window went away meanwhile: the voice is kept all the same
                self._done.emit(result, error)

        thread = threading.Thread(target=work, name="remember-voice", daemon=True)
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        thread.start()
        return thread

    @Slot(object, object)
    def _on_done(self, result, error) -> None:
        if error is not None:
            self.failed.emit(error)
        else:
            self.remembered.emit(result)


class RememberedVoices(QWidget):
    """Each remembered person with Forget, which deletes their voice print at once (no Save needed)."""

    forgotten = Signal(str)

    def __init__(self, engine: Callable[[], object] = lambda: None, parent: QWidget | None = None) -> None:
        """`engine()`: the running session's engine, if any: it stops naming a forgotten person at once too."""
        super().__init__(parent)
        self.engine = engine
        self.rows: dict[str, QPushButton] = {}  # name → its Forget button
        self._lines: list[QWidget] = []  # one per person: the name and the button
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.box.addWidget(self.note)
        a11y.name(self, "Remembered voices", "People whose voice this computer names in sessions with Speakers on")
        self.fill()

    def fill(self) -> None:
        for shown in self._lines:
            self.box.removeWidget(shown)
            shown.deleteLater()
        self.rows, self._lines = {}, []
        known = voices.remembered()
        for v in known:
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            text = QLabel(f"{v.name}: {speech(v.seconds)} of voice, saved {v.saved.split('T')[0]}")
            forget = QPushButton("Forget")
            a11y.name(forget, f"Forget {v.name}'s voice", "Deletes the voice print from this computer now")
            forget.clicked.connect(lambda _=False, name=v.name: self.forget(name))
            line.addWidget(text, 1)
            line.addWidget(forget)
            self.box.insertWidget(self.box.count() - 1, row)
            self.rows[v.name] = forget
            self._lines.append(row)
        if not known:
            self.note.setText("No voices remembered. To have a person named in later sessions, name them in "
                              "Session → Speakers… and tick Remember this voice.")  # fmt: skip
        else:
            self.note.setText("Kept on this computer only, as voice prints (no audio).")

    def forget(self, name: str) -> None:
        try:
            gone = voices.forget(name)
        except LivecaptionError as exc:
            self.note.setText(str(exc))
            return
        engine = self.engine()
        for inp in getattr(engine, "inputs", None) or []:
            if inp.speakers is not None:
                inp.speakers.forget(gone.name)
        self.fill()
        self.note.setText(f"Forgot {gone.name}'s voice.")
        a11y.announce(self, f"Forgot {gone.name}'s voice")
        self.forgotten.emit(gone.name)
