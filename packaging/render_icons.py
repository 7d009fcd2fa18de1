"""Renders resources/<app id>.svg to the PNG sizes desktops use (resources/icons/<n>x<n>/).

Run after changing the SVG: .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - QPainter needs one
    svg = next(RESOURCES.glob("*.svg"))
    renderer = QSvgRenderer(str(svg))
    for n in SIZES:
        image = QImage(n, n, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        out = RESOURCES / "icons" / f"{n}x{n}" / f"{svg.stem}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(out))
        print(out.relative_to(RESOURCES.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
