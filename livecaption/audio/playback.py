"""Hearing a line: a stretch of a session input's kept audio played on the default output.

`LinePlayer.play` returns at once; the stretch is decoded from the spool (storage/spool.py, also
while a session still writes it) and played on a thread of its own, through an output stream of its
own: the capture streams are never touched. Opening and closing the stream go through `portaudio()`,
as every PortAudio call does; the stream's callback only copies samples out. Each play ends with
`on_done(error)`, called once on the player's thread: None when the stretch played to its end or was
stopped, else the LivecaptionError (one readable line) that kept it from playing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from livecaption.audio.portaudio import portaudio
from livecaption.errors import DeviceError, InputError, LivecaptionError
from livecaption.samples import SR
from livecaption.storage.spool import read_spool

Done = Callable[[LivecaptionError | None], None]
MARGIN_S = 3.0  # past the stretch's length, a stream that never says it finished is closed anyway
# Silence after the stretch: a sound server may drop what it still buffers when the stream closes
# (ALSA's pulse plugin does), and then it is this silence that goes, never the line's last word.
TAIL_S = 0.3


class _Play:
    """One stretch being played: its samples, where the callback is in them, and its stop."""

    def __init__(self, on_done: Done | None) -> None:
        self.on_done = on_done
        self.stop = threading.Event()  # asked to stop
        self.wake = threading.Event()  # stopped, or the stream finished
        self.audio = np.zeros((0, 1), np.float32)
        self.pos = 0
        self.thread: threading.Thread | None = None
        self.end_now: type[Exception] = Exception  # sounddevice's CallbackAbort and CallbackStop, set on open
        self.end_after: type[Exception] = Exception

    def callback(self, outdata, frames, time_info, status) -> None:
        # On PortAudio's thread: copy out and never block.
        if self.stop.is_set():
            outdata.fill(0)
            raise self.end_now
        chunk = self.audio[self.pos : self.pos + frames]
        n = len(chunk)
        outdata[:n] = chunk
        self.pos += n
        if n < frames:
            outdata[n:] = 0
            raise self.end_after


class LinePlayer:
    """Plays stretches of kept audio, one at a time: a new play stops the one before."""

    def __init__(self, device: int | str | None = None) -> None:
        self.device = device  # None: the default output
        self._lock = threading.Lock()
        self._current: _Play | None = None

    @property
    def playing(self) -> bool:
        with self._lock:
            return self._current is not None

    def play(self, path: Path, start_s: float, end_s: float, on_done: Done | None = None) -> None:
        """Play `path` (a session input's kept audio) from `start_s` to `end_s`, session time.

        A missing file raises InputError here; whatever else goes wrong (a damaged file, no output
        device) comes to `on_done` as a LivecaptionError."""
        path = Path(path)
        if not path.is_file():
            raise InputError(f"the session's audio is missing: {path} (was it deleted, or kept off?)")
        if end_s <= start_s:
            raise InputError(f"nothing to play between {start_s:.2f} s and {end_s:.2f} s")
        job = _Play(on_done)
        with self._lock:
            before, self._current = self._current, job
        if before is not None:
            self._stop(before)
        job.thread = threading.Thread(
            target=self._run, args=(job, path, start_s, end_s), name="livecaption-playback", daemon=True
        )
        job.thread.start()

    def stop(self) -> None:
        """Stop what plays (its on_done still comes, with None). Never waits for the stream."""
        with self._lock:
            job, self._current = self._current, None
        if job is not None:
            self._stop(job)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current play has ended (tests, the command line). True when none plays."""
        with self._lock:
            job = self._current
        if job is None or job.thread is None:
            return True
        job.thread.join(timeout)
        return not job.thread.is_alive()

    @staticmethod
    def _stop(job: _Play) -> None:
        job.stop.set()
        job.wake.set()

    def _run(self, job: _Play, path: Path, start_s: float, end_s: float) -> None:
        error: LivecaptionError | None = None
        try:
            audio = read_spool(path, start_s, end_s)
            if not len(audio):
                raise InputError(f"no audio was kept between {start_s:.1f} s and {end_s:.1f} s in {path.name}")
            if not job.stop.is_set():
                self._play(job, audio)
        except LivecaptionError as exc:
            error = exc
        except Exception as exc:  # never a traceback for the user: one line that says what failed
            error = DeviceError(f"cannot play the line: {_line(exc)}")
        finally:
            with self._lock:
                if self._current is job:
                    self._current = None
            if job.on_done is not None:
                job.on_done(error)

    def _play(self, job: _Play, audio: np.ndarray) -> None:
        stream, rate, channels = self._open(job)
        audio = np.concatenate([audio, np.zeros(round(TAIL_S * SR), np.float32)])
        if rate != SR:
            import soxr

            audio = soxr.resample(audio, SR, rate).astype(np.float32)
        job.audio = np.ascontiguousarray(np.repeat(audio[:, None], channels, axis=1), dtype=np.float32)
        try:
            with portaudio():
                stream.start()
            job.wake.wait(len(audio) / rate + MARGIN_S)
        finally:
            with portaudio():
                try:
                    if job.stop.is_set():
                        stream.abort()
                    else:
                        stream.stop()  # lets the last buffers play out
                    stream.close()
                except Exception:
                    pass

    def _open(self, job: _Play):
        """An output stream on the device, at 16 kHz mono where it takes that, else at its own rate."""
        with portaudio() as sd:
            job.end_now, job.end_after = sd.CallbackAbort, sd.CallbackStop
            try:
                info = sd.query_devices(self.device, kind="output")
            except Exception as exc:
                raise DeviceError(f"there is no audio output to play the line on ({_line(exc)})") from None
            if int(info.get("max_output_channels", 0)) < 1:
                raise DeviceError(f"the audio output '{info.get('name', self.device)}' cannot play sound")
            rate, channels = SR, 1
            for rate, channels in ((SR, 1), (SR, 2), (int(info["default_samplerate"]), 1),
                                   (int(info["default_samplerate"]), 2)):  # fmt: skip
                try:
                    sd.check_output_settings(device=self.device, samplerate=rate, channels=channels, dtype="float32")
                    break
                except Exception:
                    continue
            try:
                stream = sd.OutputStream(
                    device=self.device, samplerate=rate, channels=channels, dtype="float32",
                    callback=job.callback, finished_callback=job.wake.set,
                )  # fmt: skip
            except Exception as exc:
                raise DeviceError(f"cannot open the audio output '{info.get('name', '')}': {_line(exc)}") from None
        return stream, rate, channels


def _line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
