"""Screenshots for the README and AppStream (docs/), from the real app captioning a real clip.

    .venv/bin/python packaging/screenshots.py [--out docs] [--size 960x620] [--scale 1] [--theme light|dark]

Runs offscreen; `--scale 2` renders as on a 2x (HiDPI) screen. Judge them as a user would: nothing clipped.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Speech from the shared set beside the checkout (the project carries no copied audio)
CLIP = Path(os.environ.get("LIVECAPTION_TEST_SPEECH", ROOT.parent / "shared" / "speech")) / "clips" / "jfk.flac"


def compose(overlay, dialog):
    """The overlay at the foot of a slide, its settings beside: what a user sees while choosing."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

    ratio = overlay.devicePixelRatio()
    w = int(max(overlay.width() / ratio + 80, dialog.width() / ratio + 80))
    h = int(dialog.height() / ratio + overlay.height() / ratio + 120)
    pix = QPixmap(int(w * ratio), int(h * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(QColor("#dfe6ee"))
    p = QPainter(pix)
    p.setPen(QColor("#22324a"))
    font = QFont()
    font.setPointSize(20)
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRect(40, 20, w - 80, 40), int(Qt.AlignmentFlag.AlignLeft), "Lecture 3: the slide behind the overlay")
    p.drawPixmap(40, 70, dialog)
    p.drawPixmap(int((w - overlay.width() / ratio) / 2), int(h - overlay.height() / ratio - 20), overlay)
    p.end()
    return pix


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs"))
    ap.add_argument("--size", default="960x620")
    ap.add_argument("--scale", default="1")
    ap.add_argument("--theme", default="light", choices=["light", "dark"])
    ap.add_argument("--suffix", default="")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_SCALE_FACTOR"] = args.scale
    os.environ["LIVECAPTION_THEME"] = args.theme
    import tempfile

    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from livecaption.gui.app import _theme
    from livecaption.gui.icons import app_icon
    from livecaption.gui.main_window import MainWindow
    from livecaption.gui.overlay_settings import OverlaySettingsDialog

    app = QApplication(sys.argv[:1])
    app.setApplicationName("livecaption")
    app.setWindowIcon(app_icon())
    _theme(app)
    win = MainWindow()
    win.automation = True
    w, h = (int(v) for v in args.size.split("x"))
    win.resize(w, h)
    win.show()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = "main-window" + ("-dark" if args.theme == "dark" else "") + args.suffix

    def shoot() -> None:
        win.grab().save(str(out / f"{stem}.png"))
        win.toolbar.overlay_btn.setChecked(True)
        dlg = OverlaySettingsDialog(win.overlay, win)
        dlg.show()
        app.processEvents()
        compose(win.overlay.grab(), dlg.grab()).save(str(out / f"overlay-settings{args.suffix}.png"))
        print("saved", stem)
        dlg.reject()
        win.close()
        app.quit()

    win.input_file, win.realtime = str(CLIP), False
    win.on_finished_hooks.append(lambda: QTimer.singleShot(300, shoot))
    QTimer.singleShot(0, win.start)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
