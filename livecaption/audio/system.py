"""System audio ("what you hear"): what the computer plays, captured as an input.

On Linux the sound server (PulseAudio, or PipeWire's Pulse server) offers a monitor of every
output. `pulsectl` finds the default output's monitor; the audio itself comes through the
same PortAudio path as a microphone, from ALSA's "pulse" device with the monitor picked as
its source (libpulse reads PULSE_SOURCE when the stream connects). When the user switches
the default output (headphones plugged in), the source follows it.

Elsewhere a loopback input device stands in for it (macOS: BlackHole; Windows: Stereo Mix
or a virtual cable), when PortAudio lists one.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

from livecaption.audio.portaudio import InputDevice, list_input_devices, portaudio
from livecaption.audio.sources import MicrophoneSource
from livecaption.errors import DeviceError

CHECK_S = 1.0  # how often the default output is looked up, to follow a switch
LOOPBACK_NAMES = ("blackhole", "loopback", "stereo mix", "soundflower", "cable output")


@dataclass(frozen=True)
class Monitor:
    source: str  # the sound server's name for the monitor source
    description: str  # the output it monitors, as the desktop names it


def _pulse():
    try:
        import pulsectl
    except (ImportError, OSError) as exc:  # pulsectl needs libpulse
        raise DeviceError(
            f"system audio needs libpulse ({exc}); on Debian/Ubuntu: sudo apt install libpulse0"
        ) from None
    try:
        return pulsectl.Pulse("livecaption", connect=True)
    except Exception as exc:
        raise DeviceError(
            "system audio needs a PulseAudio or PipeWire sound server (with pipewire-pulse), and none "
            f"answered ({exc}); on Debian/Ubuntu: sudo apt install pipewire-pulse, or pick a loopback "
            "input with --mic"
        ) from None


def default_monitor() -> Monitor:
    """The monitor of the default output, from the sound server."""
    with _pulse() as pulse:
        try:
            name = pulse.server_info().default_sink_name
            sink = pulse.get_sink_by_name(name)
        except Exception as exc:
            raise DeviceError(f"the sound server has no default output to listen to ({exc})") from None
        return Monitor(sink.monitor_source_name, sink.description or name)


def _pulse_device() -> InputDevice:
    for d in list_input_devices():
        if d.name == "pulse":
            return d
    raise DeviceError(
        "PortAudio has no 'pulse' input, which system audio is recorded through; on Debian/Ubuntu: "
        "sudo apt install libasound2-plugins"
    )


def loopback_device() -> InputDevice:
    """Outside Linux: an input device that carries what the computer plays."""
    for d in list_input_devices():
        if any(k in d.name.lower() for k in LOOPBACK_NAMES):
            return d
    if sys.platform == "darwin":
        hint = "install BlackHole (brew install blackhole-2ch) and send the output to it"
    else:
        hint = "enable 'Stereo Mix' in the sound settings, or install a virtual audio cable"
    raise DeviceError(f"no system audio input found: {hint}; then pick it with --mic")


class SystemAudioSource(MicrophoneSource):
    """The default output's monitor, recorded like a microphone (same ring, callback, loss handling)."""

    def __init__(self, blocksize: int = 0) -> None:
        if not sys.platform.startswith("linux"):
            device = loopback_device()
            self.monitor = Monitor(device.name, device.name)
        else:
            self.monitor = default_monitor()
            device = _pulse_device()
        super().__init__(device, blocksize, wanted=device.name)
        self.name = self._describe()
        self._checked = time.monotonic()

    def _describe(self) -> str:
        return f"system audio ({self.monitor.description})"

    def _open_stream(self) -> None:
        if not sys.platform.startswith("linux"):
            return super()._open_stream()
        with portaudio():  # the variable is read when the stream connects: set it for this open only
            old = os.environ.get("PULSE_SOURCE")
            os.environ["PULSE_SOURCE"] = self.monitor.source
            try:
                super()._open_stream()
            finally:
                if old is None:
                    os.environ.pop("PULSE_SOURCE", None)
                else:
                    os.environ["PULSE_SOURCE"] = old
            self.name = self._describe()

    def moved(self) -> bool:
        """Has the default output changed since the stream opened? (Checked at most every CHECK_S.)"""
        now = time.monotonic()
        if not sys.platform.startswith("linux") or now - self._checked < CHECK_S:
            return False
        self._checked = now
        try:
            return default_monitor().source != self.monitor.source
        except DeviceError:
            # No default output (it was removed), or no server: the sound server may have moved our
            # stream to another source (even the microphone), so close it and wait for an output.
            return True

    def reopen(self) -> bool:
        if sys.platform.startswith("linux"):
            try:
                self.monitor = default_monitor()
            except DeviceError:
                with portaudio():
                    self._close_stream()  # it may have been moved to another source: record nothing
                return False
        return super().reopen()
