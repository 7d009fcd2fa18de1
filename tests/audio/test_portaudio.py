"""PortAudio is used by one thread at a time, and a stopped microphone stays stopped.

Fault injection: a stand-in for the sounddevice module that notices when two threads are
inside PortAudio at once (sounddevice itself would not tell; PortAudio would crash or list
a torn-down device table)."""

import threading
import time
from types import SimpleNamespace

import pytest

from livecaption.audio import portaudio
from livecaption.audio.portaudio import InputDevice, list_input_devices
from livecaption.audio.sources import MicrophoneSource


class FakeStream:
    def __init__(self, sd):
        self.sd = sd

    def start(self):
        self.sd.enter()
        self.sd.open_streams += 1

    def stop(self):
        self.sd.enter()

    def close(self):
        self.sd.enter()
        self.sd.open_streams -= 1


class FakeSoundDevice:
    def __init__(self):
        self.inside = 0
        self.overlaps = 0
        self.open_streams = 0
        self._lock = threading.Lock()
        self.default = SimpleNamespace(device=[0, 0])

    def enter(self):
        with self._lock:
            self.inside += 1
            self.overlaps += self.inside > 1
        time.sleep(0.001)
        with self._lock:
            self.inside -= 1

    def query_devices(self, kind=None):
        self.enter()
        dev = {"name": "Fake mic", "default_samplerate": 16000.0, "max_input_channels": 1, "index": 0}
        return dev if kind else [dev]

    def check_input_settings(self, **kw):
        self.enter()

    def _terminate(self):
        self.enter()

    def _initialize(self):
        self.enter()

    def InputStream(self, **kw):
        self.enter()
        return FakeStream(self)


@pytest.fixture
def sd(monkeypatch):
    fake = FakeSoundDevice()
    monkeypatch.setattr(portaudio, "_sounddevice", lambda: fake)
    return fake


DEVICE = InputDevice(0, "Fake mic", 16000.0, 1, True)


def test_reopening_never_runs_inside_another_portaudio_call(sd):
    """Hazard: after a device loss the pump thread re-initialised PortAudio while the GUI
    thread listed devices ("Refresh microphones")."""
    src = MicrophoneSource(DEVICE)
    src.start()

    def reopen_often():
        for _ in range(40):
            src.reopen()

    worker = threading.Thread(target=reopen_often)
    worker.start()
    for _ in range(40):
        assert [d.name for d in list_input_devices()] == ["Fake mic"]
    worker.join()
    src.stop()
    assert sd.overlaps == 0


def test_a_stopped_microphone_is_never_reopened(sd):
    """Hazard: reopen() on the pump thread could start a stream after Engine.stop()."""
    src = MicrophoneSource(DEVICE)
    src.start()
    assert sd.open_streams == 1
    src.stop()
    assert not src.reopen() and sd.open_streams == 0


def test_stop_racing_a_reopen_leaves_no_stream_open(sd):
    for _ in range(20):
        src = MicrophoneSource(DEVICE)
        src.start()
        worker = threading.Thread(target=lambda s=src: [s.reopen() for _ in range(5)])
        worker.start()
        time.sleep(0.004)
        src.stop()
        worker.join()
        assert sd.open_streams == 0


def test_a_microphone_opened_after_a_slow_start_is_not_taken_for_lost(sd, monkeypatch):
    """The source is made before the model loads (a bad device fails first); the stall clock must
    start with the stream, or a model that loads in over STALL_S makes the first check say 'lost'."""
    from livecaption.streaming import engine

    src = MicrophoneSource(DEVICE)
    monkeypatch.setattr(time, "monotonic", lambda real=time.monotonic: real() + 10.0)  # the model took 10 s
    src.start()
    assert time.monotonic() - src.last_audio < engine.STALL_S
    src.stop()
