"""Audio sources: a PortAudio microphone and a recording replayed as if it were one.

Both write into a RingBuffer; the engine reads from it. Whatever the source rate,
the engine resamples to 16 kHz mono before VAD, so the rest of the pipeline sees one
format and the session timeline is counted in 16 kHz samples.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from livecaption.errors import LivecaptionError
from livecaption.ringbuffer import RingBuffer

SAMPLE_RATE = 16000
RING_SECONDS = 120  # >= 60 s: room for the transcriber to fall behind without loss


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio shared library itself is missing
        raise LivecaptionError(
            f"PortAudio is not installed ({exc}); on Debian/Ubuntu: sudo apt install libportaudio2"
        ) from None
    return sounddevice


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    default_rate: float
    channels: int
    is_default: bool


def list_input_devices() -> list[InputDevice]:
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
        default_in = sd.default.device[0]
    except Exception as exc:  # PortAudio failed to enumerate
        raise LivecaptionError(f"cannot list audio devices: {exc}") from None
    if default_in is None or default_in < 0:
        try:
            default_in = sd.query_devices(kind="input")["index"]
        except Exception:
            default_in = -1
    return [
        InputDevice(i, d["name"], float(d["default_samplerate"]), d["max_input_channels"], i == default_in)
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]


def find_input_device(spec: str | int | None) -> InputDevice:
    """Pick an input device by index, by (case-insensitive) name substring, or the default."""
    devices = list_input_devices()
    if not devices:
        raise LivecaptionError("no audio input device found: connect a microphone (see `livecaption devices`)")
    if spec is None or spec == "":
        for d in devices:
            if d.is_default:
                return d
        return devices[0]
    text = str(spec).strip()
    if text.isdigit():
        for d in devices:
            if d.index == int(text):
                return d
        raise LivecaptionError(f"no input device with index {text}; `livecaption devices` lists them")
    matches = [d for d in devices if text.lower() in d.name.lower()]
    exact = [d for d in matches if d.name.lower() == text.lower()]
    if exact:
        return exact[0]
    if not matches:
        raise LivecaptionError(f"no input device matches '{text}'; `livecaption devices` lists them")
    return matches[0]


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
    """Captures a PortAudio input device with sounddevice."""

    realtime = True

    def __init__(self, device: InputDevice, blocksize: int = 0, wanted: str | None = None) -> None:
        super().__init__()
        self.device = device
        self.wanted = wanted  # what the user asked for (None: the system default), for reopening
        self.last_audio = time.monotonic()  # when the callback last ran: a stall means the device is gone
        self.name = device.name
        self.sample_rate = self._pick_rate(device)
        self.ring = RingBuffer(self.sample_rate * RING_SECONDS)
        self._blocksize = blocksize
        self._stream = None

    @staticmethod
    def _pick_rate(device: InputDevice) -> int:
        """16 kHz when the device takes it, else its native rate (the engine resamples)."""
        sd = _sounddevice()
        try:
            sd.check_input_settings(device=device.index, samplerate=SAMPLE_RATE, channels=1, dtype="float32")
            return SAMPLE_RATE
        except Exception:
            return int(device.default_rate)

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
        if self._stream is not None and not getattr(self, "_stopping", False):
            self.error = f"input device '{self.name}' stopped delivering audio"

    def reopen(self) -> bool:
        """After a device loss: open the same device (or the default) again. True when it works."""
        self.stop()
        try:
            sd = _sounddevice()
            sd._terminate()  # PortAudio only sees new or returned devices after a re-initialisation
            sd._initialize()
            self.device = find_input_device(self.wanted)
            if self._pick_rate(self.device) != self.sample_rate:
                return False  # the ring and resampler are set up for the old rate
            self.name = self.device.name
            self.start()
        except Exception:
            return False
        self.error = None
        self.last_audio = time.monotonic()
        return True

    def start(self) -> None:
        sd = _sounddevice()
        self._stopping = False
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
            raise LivecaptionError(f"cannot open input device '{self.name}': {exc}") from None

    def stop(self) -> None:
        self._stopping = True
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:
                pass


def probe_file(path: str | Path) -> tuple[int, float]:
    """Check that `path` is a readable, non-empty audio file; return (rate, seconds)."""
    p = Path(path)
    if not p.exists():
        raise LivecaptionError(f"audio file not found: {p}")
    if p.is_dir():
        raise LivecaptionError(f"{p} is a folder, not an audio file")
    try:
        import soundfile as sf

        info = sf.info(str(p))
        rate, frames = int(info.samplerate), int(info.frames)
    except Exception:
        rate, frames = _probe_with_av(p)
    if frames <= 0:
        raise LivecaptionError(f"{p} contains no audio")
    return rate, frames / rate


def _probe_with_av(p: Path) -> tuple[int, int]:
    """Formats libsndfile does not read (mp3 in old versions, m4a, video...) go through PyAV."""
    try:
        audio = _decode_with_av(p)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LivecaptionError(f"cannot read {p} as audio: {reason}") from None
    return SAMPLE_RATE, len(audio)


def _decode_with_av(p: Path) -> np.ndarray:
    from faster_whisper.audio import decode_audio

    return decode_audio(str(p), sampling_rate=SAMPLE_RATE)


def read_audio(path: str | Path) -> np.ndarray:
    """Decode a whole file to 16 kHz mono float32 (for offline baselines and tests)."""
    rate, _ = probe_file(path)
    try:
        import soundfile as sf

        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        data = data.mean(axis=1)
    except Exception:
        return _decode_with_av(Path(path))
    if rate != SAMPLE_RATE:
        import soxr

        data = soxr.resample(data, rate, SAMPLE_RATE).astype(np.float32)
    return np.ascontiguousarray(data, dtype=np.float32)


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
            audio = _decode_with_av(self.path)
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
