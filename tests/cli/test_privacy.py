"""Nothing leaves the machine: every system call of real sessions, traced with strace.

Patching Python's socket module cannot see native code (onnxruntime's telemetry sends DNS
queries from a C++ thread, about 9 s after it starts), so the whole process tree runs under
`strace -f`, for sessions of about 20 s in real time, and any connect, sendto or sendmsg to
an IPv4 or IPv6 address fails the test.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import need

pytestmark = pytest.mark.model

NETWORK = re.compile(r"\b(connect|sendto|sendmsg)\(.*AF_INET6?\b")


def network_calls(tmp_path, *command: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run `command` under strace -f; its connect/sendto/sendmsg calls to IP addresses."""
    strace = shutil.which("strace")
    need(strace, "strace is not installed")
    log = tmp_path / f"trace-{len(list(tmp_path.glob('trace-*')))}.log"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LIVECAPTION_SESSIONS=str(tmp_path / "sessions"))
    trace = [strace, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log)]
    r = subprocess.run([*trace, *command], capture_output=True, text=True, timeout=300, env=env)
    return r, [line for line in log.read_text().splitlines() if NETWORK.search(line)]


def traced(tmp_path, *args: str) -> subprocess.CompletedProcess:
    r, calls = network_calls(tmp_path, sys.executable, "-m", "livecaption", *args)
    assert not calls, f"livecaption {' '.join(args)} used the network:\n" + "\n".join(calls[:10])
    return r


def test_the_trace_sees_a_connect_from_native_code(tmp_path):
    """The check itself: a connection to a port on this machine, made by Python's C socket code."""
    code = (
        "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
        "c = socket.create_connection(s.getsockname()); c.close(); s.close()"
    )
    _, calls = network_calls(tmp_path, sys.executable, "-c", code)
    assert any("connect(" in c and "127.0.0.1" in c for c in calls), calls


@pytest.fixture(scope="module")
def talk(speech, tmp_path_factory):
    """About 19 s of speech: long enough, played in real time, for telemetry to have fired."""
    import numpy as np
    from conftest import write_wav

    from livecaption.audio.files import read_audio
    from livecaption.samples import SR

    parts = [read_audio(speech / "jfk.flac"), np.zeros(SR, np.float32), read_audio(speech / "1089-134686-0001.flac")]
    return write_wav(tmp_path_factory.mktemp("talk") / "talk.wav", np.concatenate(parts))


def test_sessions_export_and_restore_make_no_network_call(tmp_path, talk):
    out = tmp_path / "out.srt"
    r = traced(tmp_path, "caption", "--input", str(talk), "--realtime", "--format", "srt", "-o", str(out))
    assert r.returncode == 0 and "country" in out.read_text()
    assert traced(tmp_path, "models").returncode == 0
    assert traced(tmp_path, "export", "latest", "--format", "txt").returncode == 0
    assert traced(tmp_path, "export", "latest", "--polish", "--format", "txt").returncode == 0
    # the restore path: a session whose writer died, recovered from its kept audio
    journal = sorted((tmp_path / "sessions").glob("*.jsonl"))[-1]
    lines = journal.read_text().splitlines()
    journal.write_text("\n".join(lines[:1]) + "\n")  # only the header survived the "crash"
    r = traced(tmp_path, "export", "latest", "--format", "txt")
    assert r.returncode == 0 and "country" in r.stdout and "recovered" in r.stderr


def test_an_app_session_makes_no_network_call(tmp_path, talk):
    out = tmp_path / "app.srt"
    r = traced(tmp_path, "--input", str(talk), "--realtime", "--save", str(out), "--exit-when-done")
    assert r.returncode == 0 and "country" in out.read_text()
