"""PortAudio, through sounddevice: every call goes through one lock.

PortAudio is not thread-safe, and after a device loss it has to be re-initialised to
see devices that came back; that tears down its device list under any other caller.
So device listing, stream opening and closing, and re-initialisation all hold
`portaudio()`. The audio callback does not: it only copies into the ring buffer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from livecaption.errors import DeviceError
from livecaption.samples import SR

_LOCK = threading.RLock()


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio shared library itself is missing
        raise DeviceError(
            f"PortAudio is not installed ({exc}); on Debian/Ubuntu: sudo apt install libportaudio2"
        ) from None
    return sounddevice


@contextmanager
def portaudio() -> Iterator:
    """The sounddevice module, held by this thread alone for the block."""
    with _LOCK:
        yield _sounddevice()


def reinitialise() -> None:
    """Let PortAudio see devices that were plugged in or came back since it started.

    sounddevice has no public call for this; `_terminate`/`_initialize` are pinned by the
    sounddevice range in pyproject.toml and tested in tests/audio/test_portaudio.py."""
    with portaudio() as sd:
        sd._terminate()
        sd._initialize()


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    default_rate: float
    channels: int
    is_default: bool


def list_input_devices() -> list[InputDevice]:
    with portaudio() as sd:
        try:
            devices = sd.query_devices()
            default_in = sd.default.device[0]
            if default_in is None or default_in < 0:
                try:
                    default_in = sd.query_devices(kind="input")["index"]
                except Exception:
                    default_in = -1
        except Exception as exc:  # PortAudio failed to enumerate
            raise DeviceError(f"cannot list audio devices: {exc}") from None
    return [
        InputDevice(i, d["name"], float(d["default_samplerate"]), d["max_input_channels"], i == default_in)
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]


def find_input_device(spec: str | int | None) -> InputDevice:
    """Pick an input device by index, by (case-insensitive) name substring, or the default."""
    devices = list_input_devices()
    if not devices:
        raise DeviceError("no audio input device found: connect a microphone (see `livecaption devices`)")
    if spec is None or spec == "":
        return next((d for d in devices if d.is_default), devices[0])
    text = str(spec).strip()
    if text.isdigit():
        for d in devices:
            if d.index == int(text):
                return d
        raise DeviceError(f"no input device with index {text}; `livecaption devices` lists them")
    matches = [d for d in devices if text.lower() in d.name.lower()]
    exact = [d for d in matches if d.name.lower() == text.lower()]
    if exact:
        return exact[0]
    if not matches:
        raise DeviceError(f"no input device matches '{text}'; `livecaption devices` lists them")
    return matches[0]


def supports_16k(device: InputDevice) -> bool:
    with portaudio() as sd:
        try:
            sd.check_input_settings(device=device.index, samplerate=SR, channels=1, dtype="float32")
            return True
        except Exception:
            return False
