"""A real desktop for the app: an X server (Xvfb), a D-Bus session and the accessibility bus (at-spi2-core)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import need

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, where python3-pyatspi lives
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"



def start_x(tmp: Path) -> tuple[subprocess.Popen, str]:
    """Xvfb on a free display number (it writes the number it took)."""
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not start")
    return proc, f":{number}"


class Desktop:
    def __init__(self, tmp: Path) -> None:
        need(bool(shutil.which("Xvfb")), "Xvfb is not installed")
        need(bool(shutil.which("dbus-daemon")), "dbus-daemon is not installed")
        need(bool(shutil.which("dbus-send")), "dbus-send is not installed")
        need(os.path.exists(BUS_LAUNCHER), "at-spi2-core is not installed")
        ok = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True).returncode == 0
        need(ok, "python3-pyatspi is not installed")
        self.procs: list[subprocess.Popen] = []
        x, display = start_x(tmp)
        self.procs.append(x)
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
        self.procs.append(bus)
        address = bus.stdout.readline().strip()
        self.env = dict(
            os.environ,
            DISPLAY=display,
            DBUS_SESSION_BUS_ADDRESS=address,
            QT_QPA_PLATFORM="xcb",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",  # no screen reader runs to switch it on
            XDG_CONFIG_HOME=str(tmp / "config"),
            XDG_DATA_HOME=str(tmp / "data"),
        )
        self.env.pop("PULSE_SERVER", None)
        self.procs.append(subprocess.Popen([BUS_LAUNCHER, "--launch-immediately"], env=self.env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
        self._wait_for_the_accessibility_bus()

    def _wait_for_the_accessibility_bus(self, timeout: float = 30) -> None:
        """Until the launcher answers on the session bus with the accessibility bus's address."""
        ask = ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus.GetAddress"]
        deadline = time.monotonic() + timeout
        while subprocess.run(ask, env=self.env, capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                pytest.fail("the accessibility bus (at-spi-bus-launcher) did not start")
            time.sleep(0.05)

    def app(self, *args: str) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "livecaption", *args], env=self.env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        self.procs.append(proc)
        return proc

    def focus(self, title: str = "livecaption") -> None:
        """The app's window gets the keyboard, as a window manager gives it to a window clicked (none runs here)."""
        need(bool(shutil.which("xdotool")), "xdotool is not installed")
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"], env=self.env,
                               capture_output=True, text=True, timeout=10).stdout.split()  # fmt: skip
        assert found, f"no window called {title}"
        subprocess.run(["xdotool", "windowfocus", "--sync", found[0]], env=self.env, capture_output=True, timeout=10)

    def keys(self, *presses: str) -> None:
        """Keys pressed on the keyboard (X's test extension): key names and chords ("Return", "ctrl+a",
        "alt+n"), or "text:WORDS" typed."""
        for press in presses:
            cmd = ["type", "--delay", "20", press[5:]] if press.startswith("text:") else ["key", press]
            subprocess.run(["xdotool", *cmd], env=self.env, check=True, timeout=30)
            time.sleep(0.3)

    def listen(self, *args: str) -> subprocess.Popen:
        """A probe that runs while the test goes on (it says "listening" on stderr once it does)."""
        proc = subprocess.Popen([SYSTEM_PYTHON, str(HERE / "atspi_probe.py"), *args], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        self.procs.append(proc)
        assert "listening" in proc.stderr.readline()
        return proc

    def probe(self, *args: str, timeout: float = 120):
        out = subprocess.run([SYSTEM_PYTHON, str(HERE / "atspi_probe.py"), *args], env=self.env,
                             capture_output=True, text=True, timeout=timeout)  # fmt: skip
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout)

    def close(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()

