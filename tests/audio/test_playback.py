"""Hearing a line: kept audio played on the default output of a real PulseAudio server (a null sink),
recorded from the sink's monitor with parec, while a capture of another input goes on."""

import itertools
import signal
import subprocess
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from livecaption.audio import read_audio
from livecaption.audio.playback import LinePlayer
from livecaption.audio.portaudio import find_input_device
from livecaption.audio.sources import MicrophoneSource
from livecaption.captions import Caption
from livecaption.errors import DeviceError, InputError, LivecaptionError
from livecaption.storage.journal import Journal
from livecaption.storage.spool import SR, AudioSpool, audio_path, read_spool


@pytest.fixture
def spool(speech, tmp_path):
    """A session's kept audio: jfk.flac written through the session's own spool, from 1 s on."""
    path = tmp_path / "20250101-120000.flac"
    s = AudioSpool(path)
    s.write(SR, read_audio(speech / "jfk.flac"))  # a second of silence first, as a session's timeline has
    s.close()
    return path


class Recorder:
    """parec on a monitor: 16 kHz mono float32 into a WAV file, which SIGINT closes properly."""

    def __init__(self, source: str, out) -> None:
        self.out = out
        self.proc = subprocess.Popen(
            ["parec", "-d", source, "--file-format=wav", "--format=float32le", "--rate=16000", "--channels=1",
             "--latency-msec=20", str(out)],
        )  # fmt: skip
        time.sleep(0.5)  # the record stream is connected

    def stop(self) -> np.ndarray:
        time.sleep(0.3)
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(10)
        return sf.read(str(self.out), dtype="float32")[0]


def play_and_wait(player: LinePlayer, path, start: float, end: float) -> tuple[LivecaptionError | None, float]:
    done = threading.Event()
    result: list = []
    t0 = time.monotonic()
    player.play(path, start, end, lambda err: (result.append(err), done.set()))
    assert done.wait(30), "the player never said it was done"
    return result[0], time.monotonic() - t0


def found_in(recorded: np.ndarray, expected: np.ndarray, piece: int = SR // 4) -> list[tuple[int, int | None]]:
    """Each voiced quarter second of `expected` (its offset) and where it is in `recorded`, sample for
    sample (None: not there). Pieces, not the whole: a loaded machine may drop a buffer mid-line, and
    a null sink's monitor starts a moment after the sink wakes."""
    n = len(recorded) + piece
    spectrum = np.fft.rfft(recorded, n)
    out: list[tuple[int, int | None]] = []
    for k in range(0, len(expected) - piece + 1, piece):
        p = expected[k : k + piece]
        if np.sqrt(np.mean(p**2)) < 0.02:
            continue  # a pause: silence is found anywhere
        corr = np.fft.irfft(spectrum * np.conj(np.fft.rfft(p, n)), n)[: len(recorded) - piece + 1]
        at = int(np.argmax(corr))
        out.append((k, at if np.corrcoef(recorded[at : at + piece], p)[0, 1] > 0.99 else None))
    return out


def assert_played(recorded: np.ndarray, expected: np.ndarray) -> None:
    """`expected` came out, in order, and nothing before or after it."""
    pieces = found_in(recorded, expected)
    found = [(k, at) for k, at in pieces if at is not None]
    assert len(pieces) >= 4 and len(found) >= 0.8 * len(pieces), pieces
    for (k1, at1), (k2, at2) in itertools.pairwise(found):
        assert -0.01 * SR <= (at2 - at1) - (k2 - k1) <= 0.2 * SR, pieces  # in order, no more than a dropped buffer
    first, last = found[0], found[-1]
    loud = np.flatnonzero(np.abs(recorded) > 1e-3)
    assert loud[0] >= first[1] - first[0] - int(0.02 * SR)  # nothing before the stretch
    assert loud[-1] <= last[1] + (len(expected) - last[0]) + int(0.2 * SR)  # nor after it


def test_a_stretch_of_kept_audio_comes_out_of_the_default_output(pulse, spool, tmp_path):
    rec = Recorder(f"{pulse['speakers']}.monitor", tmp_path / "out.wav")
    player = LinePlayer()
    err, took = play_and_wait(player, spool, 3.0, 6.0)
    recorded = rec.stop()
    assert err is None
    assert not player.playing
    assert 2.9 < took < 5.0, took
    expected = read_spool(spool, 3.0, 6.0)
    assert len(expected) == 3 * SR
    assert_played(recorded, expected)  # the kept speech itself, sample for sample, for its length
    with pytest.raises(AssertionError):  # (and the check tells another stretch apart)
        assert_played(recorded, read_spool(spool, 6.0, 9.0))


def test_stop_ends_the_line_at_once(pulse, spool, tmp_path):
    rec = Recorder(f"{pulse['speakers']}.monitor", tmp_path / "out.wav")
    player = LinePlayer()
    done = threading.Event()
    errors: list = []
    player.play(spool, 1.0, 9.0, lambda err: (errors.append(err), done.set()))
    time.sleep(2.5)  # the first stream of a process starts late (the sound server's first connection)
    assert player.playing
    t0 = time.monotonic()
    player.stop()
    assert time.monotonic() - t0 < 0.1  # the caller never waits for the stream
    assert done.wait(5) and errors == [None]
    recorded = rec.stop()
    loud = np.flatnonzero(np.abs(recorded) > 1e-3)
    assert len(loud) and 0.3 < (loud[-1] - loud[0]) / SR < 2.6  # some of it, not the 8 s asked for


def test_a_second_play_stops_the_first(pulse, spool):
    player = LinePlayer()
    ends: list = []
    player.play(spool, 1.0, 9.0, lambda err: ends.append(("first", err)))
    time.sleep(0.5)
    second = threading.Event()
    player.play(spool, 2.0, 3.0, lambda err: (ends.append(("second", err)), second.set()))
    assert second.wait(10)
    assert ends == [("first", None), ("second", None)]


def test_playback_leaves_a_running_capture_alone(pulse, spool):
    mic = MicrophoneSource(find_input_device(None))  # the default input: another stream, another device
    mic.start()
    try:
        deadline = time.monotonic() + 10
        while mic.ring.written < SR // 2:  # the capture is flowing (a first stream takes a moment)
            assert time.monotonic() < deadline, "the capture never started"
            time.sleep(0.05)
        counts = []
        done = threading.Event()
        t0, written0 = time.monotonic(), mic.ring.written
        LinePlayer().play(spool, 1.5, 5.5, lambda err: done.set())
        while not done.is_set():
            counts.append((time.monotonic(), mic.ring.written))
            time.sleep(0.1)
        time.sleep(0.5)
        counts.append((time.monotonic(), mic.ring.written))
    finally:
        mic.stop()
    elapsed = counts[-1][0] - t0
    got = (counts[-1][1] - written0) / mic.sample_rate
    assert elapsed > 4.0 and got > 0.95 * elapsed - 0.1, (got, elapsed)  # it kept getting samples all along
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(counts) if b[1] == a[1]]
    assert sum(gaps) < 0.3, gaps  # and never stalled
    assert mic.error is None and mic.callback_errors == 0 and mic.overflows == 0


def test_a_missing_file_is_one_readable_line(tmp_path):
    with pytest.raises(InputError) as e:
        LinePlayer().play(tmp_path / "gone.flac", 0.0, 1.0)
    assert "missing" in str(e.value) and "\n" not in str(e.value)


def test_a_damaged_file_is_reported_not_raised(tmp_path):
    bad = tmp_path / "bad.flac"
    bad.write_bytes(b"fLaC" + bytes(range(256)) * 4)
    err, _ = play_and_wait(LinePlayer(), bad, 0.0, 1.0)
    assert isinstance(err, InputError) and "damaged" in str(err) and "\n" not in str(err)


def test_no_such_output_is_one_readable_line(pulse, spool):
    err, _ = play_and_wait(LinePlayer(device="no-such-output"), spool, 1.0, 2.0)
    assert isinstance(err, DeviceError) and "\n" not in str(err) and "Traceback" not in str(err)


def test_the_window_hears_the_line_of_its_input_and_is_told_on_its_own_thread(pulse, speech, qtbot, tmp_path):
    from PySide6.QtCore import QThread

    from livecaption.gui.main_window import MainWindow

    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    journal = Journal(
        extra={"inputs": [{"source": "mic", "speaker": "You"}, {"source": "system", "speaker": "Others"}]}
    )
    for k, (source, clip) in enumerate((("mic", "61-70968-0000.flac"), ("system", "jfk.flac"))):
        kept = AudioSpool(audio_path(journal.path, k, source))
        kept.write(SR, read_audio(speech / clip))
        kept.close()
    line = Caption(3.0, 5.0, "my fellow Americans", id=3, source="system", speaker="Others")
    journal.append(line)
    journal.close()
    win.session_id = journal.id
    playback = win.playback  # the window's own
    told_on: list[bool] = []
    playback.stopped.connect(lambda: told_on.append(QThread.currentThread() is win.thread()))

    rec = Recorder(f"{pulse['speakers']}.monitor", tmp_path / "out.wav")
    with qtbot.waitSignal(playback.started) as started:
        assert playback.play(line)
    assert started.args == [("system", 3)] and playback.playing == ("system", 3)
    with qtbot.waitSignal(playback.stopped, timeout=15_000):
        pass
    recorded = rec.stop()
    assert told_on == [True] and playback.playing is None and not win.banner.isVisible()
    # the system input's audio, from just before the line's start to just after its end
    assert_played(recorded, read_spool(audio_path(journal.path, 1, "system"), 2.85, 5.15))

    # a second line while one plays: the first stops, and only the newest line's end is told
    told_on.clear()
    playback.play(line)
    other = Caption(1.0, 2.0, "he began", id=1, source="mic", speaker="You")
    with qtbot.waitSignal(playback.started) as started:
        playback.play(other)
    assert started.args == [("mic", 1)]
    with qtbot.waitSignal(playback.stopped, timeout=15_000):
        pass
    qtbot.wait(300)
    assert told_on == [True] and playback.playing is None


def test_the_window_says_in_one_line_when_a_line_has_no_audio(qtbot, tmp_path):
    from livecaption.gui.main_window import MainWindow

    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    journal = Journal()  # audio kept off: no FLAC beside it
    line = Caption(0.5, 1.5, "hello", id=1)
    journal.append(line)
    journal.close()
    win.session_id = journal.id
    playback = win.playback  # the window's own
    assert not playback.play(line) and playback.playing is None
    assert win.banner.isVisible() and "audio is missing" in win.banner.label.text()
    assert "\n" not in win.banner.label.text()
