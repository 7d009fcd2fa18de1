"""Audio sources: a PortAudio microphone and a recording replayed as if it were one.

Both write into a RingBuffer; the engine reads from it. Whatever the source rate,
the engine resamples to 16 kHz mono before VAD, so the rest of the pipeline sees one
format and the session timeline is counted in 16 kHz samples.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from livecaption.audio.files import decode_with_av, probe_file
from livecaption.audio.portaudio import InputDevice, find_input_device, portaudio, reinitialise, supports_16k
from livecaption.audio.ring import RingBuffer
from livecaption.errors import DeviceError
from livecaption.samples import SR

if TYPE_CHECKING:
    import sounddevice

RING_SECONDS = 120  # >= 60 s: room for the transcriber to fall behind without loss


class AudioSource:
    """A source of mono float32 audio at `sample_rate`, written into `ring`."""

    sample_rate: int
    ring: RingBuffer
    name: str
    realtime: bool  # True: samples arrive on the wall clock (a microphone or a paced file)

    def __init__(self) -> None:
        self.overflows = 0  # PortAudio input overflows (samples dropped before us)
        self.callback_errors = 0
        self.consumed = 0  # absolute ring index the reader has consumed; set by the engine
        self.exhausted = threading.Event()  # a file source has written its last sample
        self.error: str | None = None  # set when the source failed mid-session

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class MicrophoneSource(AudioSource):
    """Captures a PortAudio input device with sounddevice.

    `stop()` is final: once the engine stops, `reopen()` (run by the engine after a device
    loss) can no longer start a stream. Both hold the PortAudio lock, so neither runs
    inside the other."""

    realtime = True

    def __init__(self, device: InputDevice, blocksize: int = 0, wanted: str | None = None) -> None:
        super().__init__()
        self.device = device
        self.wanted = wanted  # what the user asked for (None: the system default), for reopening
        self.last_audio = time.monotonic()  # when the callback last ran: a stall means the device is gone
        self.name = device.name
        self.sample_rate = SR if supports_16k(device) else int(device.default_rate)
        self.ring = RingBuffer(self.sample_rate * RING_SECONDS)
        self._blocksize = blocksize
        self._stream: sounddevice.InputStream | None = None
        self._stopped = False  # the session is over: never open a stream again
        self._closing = False  # we are closing the stream ourselves (not a device loss)

    def _callback(self, indata, frames, time_info, status) -> None:
        # Runs on PortAudio's thread: copy, count, and never raise.
        try:
            self.last_audio = time.monotonic()
            if status.input_overflow:
                self.overflows += 1
            self.ring.write(indata[:, 0])
        except Exception:
            self.callback_errors += 1

    def _finished(self) -> None:
        # PortAudio ended the stream without our asking: the device went away.
        if not self._closing:
            self.error = f"input device '{self.name}' stopped delivering audio"

    def reopen(self) -> bool:
        """After a device loss: open the same device (or the default) again. True when it works."""
        with portaudio():
            if self._stopped:
                return False
            self._close_stream()
            try:
                reinitialise()  # PortAudio only sees new or returned devices after this
                device = find_input_device(self.wanted)
                rate = SR if supports_16k(device) else int(device.default_rate)
                if rate != self.sample_rate:
                    return False  # the ring and resampler are set up for the old rate
                self.device, self.name = device, device.name
                self._open_stream()
            except Exception:
                return False
        self.error = None
        self.last_audio = time.monotonic()
        return True

    def start(self) -> None:
        with portaudio():
            if self._stopped:
                raise DeviceError(f"input device '{self.name}' was already stopped")
            self._open_stream()

    def _open_stream(self) -> None:
        with portaudio() as sd:
            self._closing = False
            self.last_audio = time.monotonic()  # a stall counts from here, not from when the model was loading
            try:
                self._stream = sd.InputStream(
                    device=self.device.index,
                    samplerate=self.sample_rate,
                    channels=1,
                    dtype="float32",
                    blocksize=self._blocksize,
                    callback=self._callback,
                    finished_callback=self._finished,
                )
                self._stream.start()
            except Exception as exc:
                self._stream = None
                raise DeviceError(f"cannot open input device '{self.name}': {exc}") from None

    def stop(self) -> None:
        with portaudio():
            self._stopped = True
            self._close_stream()

    def _close_stream(self) -> None:
        with portaudio():
            self._closing = True
            stream, self._stream = self._stream, None
            if stream is not None:
                try:
                    stream.stop()
                    stream.close()
                except Exception:
                    pass


class FileSource(AudioSource):
    """Replays a recording through the same ring buffer as a microphone.

    realtime=True paces it at 1x on the wall clock; otherwise it goes as fast as the
    engine consumes, never overwriting unread samples (so nothing is lost).
    """

    BLOCK_SECONDS = 0.032

    def __init__(self, path: str | Path, realtime: bool = False) -> None:
        super().__init__()
        self.path = Path(path)
        self.name = self.path.name
        self.sample_rate, self.duration = probe_file(self.path)
        self.realtime = realtime
        self.ring = RingBuffer(self.sample_rate * RING_SECONDS)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _blocks(self):
        block = max(1, int(self.sample_rate * self.BLOCK_SECONDS))
        try:
            import soundfile as sf

            f = sf.SoundFile(str(self.path))
        except Exception:
            audio = decode_with_av(self.path)
            for i in range(0, len(audio), block):
                yield audio[i : i + block]
            return
        with f:
            for data in f.blocks(blocksize=block, dtype="float32", always_2d=True):
                yield data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]

    def _run(self) -> None:
        start = time.monotonic()
        sent = 0
        try:
            for samples in self._blocks():
                if self._stop.is_set():
                    break
                if self.realtime:
                    delay = start + sent / self.sample_rate - time.monotonic()
                    if delay > 0 and self._stop.wait(delay):
                        break
                else:
                    # Back-pressure: never overwrite what the engine has not read yet.
                    while self.ring.written + len(samples) - self.consumed > self.ring.capacity:
                        if self._stop.wait(0.005):
                            return
                self.ring.write(np.ascontiguousarray(samples, dtype=np.float32))
                sent += len(samples)
        except Exception as exc:
            self.error = f"cannot decode {self.path}: {exc}"
        finally:
            self.exhausted.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="livecaption-file", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


class ArraySource(AudioSource):
    """Audio already in memory (16 kHz), replayed as fast as the engine reads it: recovering
    a session's tail or re-reading its audio."""

    realtime = False

    def __init__(self, audio: np.ndarray, name: str = "session audio") -> None:
        super().__init__()
        self.audio, self.name, self.sample_rate = audio, name, SR
        self.ring = RingBuffer(SR * RING_SECONDS)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        block = SR // 10
        for i in range(0, len(self.audio), block):
            while self.ring.written + block - self.consumed > self.ring.capacity:
                if self._stop.wait(0.005):
                    self.exhausted.set()
                    return
            self.ring.write(np.ascontiguousarray(self.audio[i : i + block], dtype=np.float32))
        self.exhausted.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="livecaption-array", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
