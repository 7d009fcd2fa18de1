import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from benchmarks.noise import non_speech  # noqa: F401 (the tests take it from here)
from livecaption.samples import SR

ROOT = Path(__file__).resolve().parent.parent
# What the project computed itself (reference embeddings); never speech copied from elsewhere.
DATA = Path(__file__).parent / "data"
SPEECH_ENV = "LIVECAPTION_TEST_SPEECH"


def speech_folder() -> Path:
    """The shared speech set: $LIVECAPTION_TEST_SPEECH, else ../shared/speech beside the project."""
    named = os.environ.get(SPEECH_ENV)
    return Path(named) if named else ROOT.parent / "shared" / "speech"


class Speech:
    """Real speech from the shared set, which the project does not copy (see its README for sources and
    licences): `speech / "jfk.flac"` is a single clip, `speech.stream("names_a.wav")` a whole stream."""

    def __init__(self, root: Path):
        self.root = root

    def __truediv__(self, name: str) -> Path:
        return self._one(self.root / "clips" / name)

    def stream(self, name: str) -> Path:
        return self._one(self.root / name)

    @staticmethod
    def _one(path: Path) -> Path:
        need(path.is_file(), f"the shared speech set has no {path.name} (looked in {path.parent})")
        return path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep the app's settings (QSettings) and data out of the user's home during tests.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="livecaption-config-")
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="livecaption-data-")


@pytest.fixture(scope="session")
def loaded_model():
    from livecaption.whisper.models import load_model, resolve_model

    return load_model(resolve_model("tiny.en"), "cpu", "int8", 2)


@pytest.fixture(scope="session")
def speech() -> Speech:
    """The one way tests reach real speech. Missing: skipped with the reason on a person's machine,
    a failure in CI (`need`)."""
    root = speech_folder()
    need(root.is_dir(), f"the shared speech set is not at {root}: put it there or name its folder in ${SPEECH_ENV}")
    return Speech(root)


@pytest.fixture(scope="session")
def jfk(speech) -> np.ndarray:
    from livecaption.audio import read_audio

    return read_audio(speech / "jfk.flac")


def write_wav(path: Path, audio: np.ndarray, rate: int = SR) -> Path:
    import soundfile as sf

    sf.write(str(path), audio, rate)
    return path


def need(ok: object, what: str) -> None:
    """The one way a test skips: when something it needs is missing (a system tool, the multilingual
    model, a browser). In CI (.ci/run sets CI=1), where packaging/setup.sh --test installs all of it,
    a missing piece is a failure, so a broken install can never turn into a quiet skip."""
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} (packaging/setup.sh --test installs it)")
    pytest.skip(what)


def run_cli(*args: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "livecaption", *args], capture_output=True, text=True, timeout=timeout, **kw
    )


@pytest.fixture(scope="session")
def pulse(tmp_path_factory):
    """A real PulseAudio server with two null sinks: lc_sink's monitor is the default source
    (the "microphone"), lc_speakers is the default output (its monitor is "system audio").

    Tests play speech into the sinks with paplay and record the monitors through
    PortAudio (ALSA's pulse plugin), exactly as they would a microphone.
    """
    need(shutil.which("pulseaudio"), "pulseaudio is not installed")
    runtime = tmp_path_factory.mktemp("pulse")
    sock = runtime / "native"
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), HOME=str(runtime))
    cmd = [
        "pulseaudio", "--system=false", "-n", "--daemonize=no", "--exit-idle-time=-1",
        "--disable-shm=yes", "--use-pid-file=no", "--log-target=stderr",
        "-L", f"module-native-protocol-unix socket={sock} auth-anonymous=1",
        "-L", "module-null-sink sink_name=lc_sink rate=16000",
        "-L", "module-null-sink sink_name=lc_speakers rate=16000",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = f"unix:{sock}"
    old = {k: os.environ.get(k) for k in ("PULSE_SERVER", "XDG_RUNTIME_DIR")}
    os.environ["PULSE_SERVER"] = server
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    deadline = time.monotonic() + 20
    while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("PulseAudio did not start")
        time.sleep(0.2)
    subprocess.run(["pactl", "set-default-source", "lc_sink.monitor"], check=True)
    subprocess.run(["pactl", "set-default-sink", "lc_speakers"], check=True)
    from livecaption.audio.portaudio import reinitialise

    reinitialise()  # PortAudio lists the devices once: a test before this one may have started it without this server
    yield {"server": server, "sink": "lc_sink", "speakers": "lc_speakers", "runtime": runtime}
    proc.terminate()
    proc.wait(10)
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def _a_model_only_where_marked(request, monkeypatch):
    """A test that loads a Whisper model in this process must be marked `model`, so that
    `-m "not model"` is the quick suite it claims to be. (Tests that run the app in a
    subprocess are marked by hand.)"""
    if request.node.get_closest_marker("model"):
        yield
        return
    from livecaption.whisper import models

    loads: list[str] = []

    def refuse(spec, *args, **kwargs):
        loads.append(str(getattr(spec, "name", spec)))
        raise AssertionError("this test loads a Whisper model but is not marked model")

    monkeypatch.setattr(models, "load_model", refuse)
    yield
    if loads:
        pytest.fail(f"loaded the model {loads[0]} without the model marker")


def pytest_collection_modifyitems(items):
    """Tests that load a real model or need the sound server say so, for `-m "not model and not audio"`."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & {"loaded_model", "base_model", "jfk"}:
            item.add_marker(pytest.mark.model)
        if "pulse" in names:
            item.add_marker(pytest.mark.audio)
