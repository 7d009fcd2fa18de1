"""Starts the desktop app, optionally driven by automation flags."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from livecaption import desktop


def _theme(app) -> None:
    """Fusion everywhere; a dark palette when the system asks for dark."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPalette

    app.setStyle("Fusion")
    try:
        dark = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    except AttributeError:
        dark = False
    if os.environ.get("LIVECAPTION_THEME") in ("dark", "light"):
        dark = os.environ["LIVECAPTION_THEME"] == "dark"
    if not dark:
        return
    p = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#17181a"), (QPalette.ColorRole.AlternateBase, "#232427"),
        (QPalette.ColorRole.Text, "#e8eaed"), (QPalette.ColorRole.Button, "#2d2e31"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"), (QPalette.ColorRole.Highlight, "#8ab4f8"),
        (QPalette.ColorRole.HighlightedText, "#202124"), (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
        (QPalette.ColorRole.ToolTipBase, "#2d2e31"), (QPalette.ColorRole.ToolTipText, "#e8eaed"),
    ):  # fmt: skip
        p.setColor(role, QColor(color))
    app.setPalette(p)


def _close_on_signals(win):
    """SIGTERM and SIGHUP (kill, systemd, logout) close the window as the user would, finishing the
    session's last words, without asking to save (the journal has every caption); a second one exits."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    asked = []

    def handler(signum, _frame) -> None:
        if asked:
            os._exit(128 + signum)
        asked.append(signum)
        win.automation = True
        win.close()

    # Python runs a signal handler only when Qt hands control back: the wakeup socket makes it do so.
    rsock, wsock = socket.socketpair()
    rsock.setblocking(False)
    wsock.setblocking(False)
    signal.set_wakeup_fd(wsock.fileno())
    notifier = QSocketNotifier(rsock.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(lambda: rsock.recv(64))
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)
    return notifier, rsock, wsock


def _log_startup(win) -> None:
    """LIVECAPTION_STARTUP_LOG=FILE: wall-clock times of the window shown and the first caption
    (benchmarks/startup.py measures cold start with them)."""
    path = os.environ.get("LIVECAPTION_STARTUP_LOG")
    if not path:
        return
    import time

    from PySide6.QtCore import QTimer

    def log(event: str) -> None:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{event} {time.time():.3f}\n")

    QTimer.singleShot(0, lambda: log("window_shown"))  # once the event loop has painted it
    first: list[object] = []

    def on_caption(caption) -> None:
        if not first and caption.text:
            first.append(caption)
            log("first_caption")

    win.bridge.caption.connect(on_caption)


def run_gui(args: argparse.Namespace) -> int:
    try:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        print(
            f"livecaption: error: the desktop app needs PySide6 ({exc}); pip install PySide6-Essentials",
            file=sys.stderr,
        )
        return 2
    from livecaption.gui.icons import app_icon
    from livecaption.gui.main_window import MainWindow

    if args.input:  # a bad file fails here, before any window opens
        from livecaption.audio.files import probe_file
        from livecaption.errors import LivecaptionError

        try:
            probe_file(args.input)
        except LivecaptionError as exc:
            print(f"livecaption: error: {exc}", file=sys.stderr)
            return 2
    existing = QApplication.instance()  # a test's, or none
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(desktop.WM_CLASS)
    app.setOrganizationName("livecaption")
    app.setDesktopFileName(desktop.APP_ID)  # Wayland's app id: the menu entry's icon and name for the window
    app.setWindowIcon(app_icon())
    _theme(app)
    win = MainWindow()
    win.automation = bool(args.exit_when_done)
    if args.overlay:
        win.toolbar.overlay_btn.setChecked(True)
    win.show()
    _log_startup(win)
    notifier = _close_on_signals(win)  # noqa: F841 - kept alive for the session
    code = {"value": 0}
    if not win.automation:
        QTimer.singleShot(0, win.after.offer_restore)

    if args.input:
        win.input_file = str(args.input)
        win.realtime = bool(args.realtime)
        if args.model:
            win.toolbar.keep_model(args.model)

        def done() -> None:
            if args.screenshot:  # before saving, so the status line is in the picture
                shot = Path(args.screenshot)
                win.grab().save(str(shot))
                if win.overlay.isVisible():
                    win.overlay.grab().save(str(shot.with_name(shot.stem + "-overlay" + shot.suffix)))
            if args.save and not win.export_to(args.save):
                code["value"] = 2
            if args.exit_when_done:
                win.close()
                app.quit()

        win.on_finished_hooks.append(lambda: QTimer.singleShot(300, done))
        QTimer.singleShot(0, win.start)
    app.exec()
    return code["value"]
