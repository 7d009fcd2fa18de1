"""The caption overlay: the newest lines in large type over slides or a video call."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QMouseEvent, QPainter
from PySide6.QtWidgets import QSizeGrip, QWidget

from livecaption.captions import Caption

# name: (text, background, background alpha); all well above WCAG AA contrast
PRESETS: dict[str, tuple[str, str, int]] = {
    "White on black": ("#ffffff", "#000000", 200),
    "Yellow on black": ("#ffe600", "#000000", 210),
    "Black on white": ("#000000", "#ffffff", 225),
    "White on blue": ("#ffffff", "#0b2a6f", 215),
}
DEFAULT_PRESET = "White on black"
DEFAULT_POINTS = 30


def on_wayland() -> bool:
    return QGuiApplication.platformName().startswith("wayland")


class CaptionOverlay(QWidget):
    """Frameless, always-on-top, translucent; drag to move, grip to resize.

    Shows the newest `max_lines` wrapped lines that fit, so the live end of the
    newest caption is never clipped however the window is sized.
    """

    MARGIN_X, MARGIN_Y = 20, 12

    def __init__(self) -> None:
        super().__init__(
            None, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setWindowTitle("livecaption overlay")
        self.setMinimumSize(240, 60)
        self.max_lines = 3
        self.show_speakers = True  # "You: …" / "Others: …" when the session labels its captions
        self._captions: list[Caption] = []  # recent finals, then at most one partial
        self._drag: QPoint | None = None
        self.grip = QSizeGrip(self)
        self.grip.resize(16, 16)
        self.preset = DEFAULT_PRESET
        self.points = DEFAULT_POINTS
        self.click_through = False
        self.apply_style(DEFAULT_PRESET, DEFAULT_POINTS)
        self.resize(900, 180)
        self.note = (
            "Always on top is not guaranteed on Wayland; the overlay works as a normal window there."
            if on_wayland()
            else ""
        )

    # -- look --------------------------------------------------------------
    def apply_style(self, preset: str, points: int) -> None:
        self.preset = preset if preset in PRESETS else DEFAULT_PRESET
        self.points = max(12, int(points))
        self.caption_font = QFont(self.font())
        self.caption_font.setPointSize(self.points)
        self.caption_font.setBold(True)
        self.update()

    def resizeEvent(self, e) -> None:
        self.grip.move(self.width() - self.grip.width() - 4, self.height() - self.grip.height() - 4)

    def visible_lines(self) -> list[tuple[str, bool]]:
        """(line, final) pairs: the newest wrapped lines that fit, oldest first."""
        fm = QFontMetrics(self.caption_font)
        width = max(50, self.width() - 2 * self.MARGIN_X)
        fit = max(1, min(self.max_lines, (self.height() - 2 * self.MARGIN_Y) // fm.lineSpacing()))
        lines: list[tuple[str, bool]] = []
        for c in self._captions:
            text = c.labelled() if self.show_speakers else c.text
            lines += [(line, c.final) for line in wrap_to_width(text, fm, width)]
        return lines[-fit:]

    def paintEvent(self, event) -> None:
        fg, bg, alpha = PRESETS[self.preset]
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(bg)
        color.setAlpha(alpha)
        p.setBrush(color)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(self.rect(), 12, 12)
        fm = QFontMetrics(self.caption_font)
        lines = self.visible_lines() or [("Captions will appear here", False)]
        y = self.height() - self.MARGIN_Y - len(lines) * fm.lineSpacing()  # bottom-aligned
        for text, final in lines:
            font = QFont(self.caption_font)
            font.setItalic(not final)
            p.setFont(font)
            pen = QColor(fg)
            if not final:
                pen.setAlpha(200)  # tentative text: slightly dimmer and italic
            p.setPen(pen)
            p.drawText(self.MARGIN_X, y + fm.ascent(), text)
            y += fm.lineSpacing()

    # -- content -------------------------------------------------------------
    def show_caption(self, caption: Caption) -> None:
        # A new partial replaces its input's previous one; another input's partial stays.
        caps = [c for c in self._captions if (c.final or c.source != caption.source) and c.id != caption.id]
        if caption.text:
            caps.append(caption)
        self._captions = caps[-6:]
        self.update()

    def set_show_speakers(self, on: bool) -> None:
        self.show_speakers = on
        self.update()

    @property
    def text(self) -> str:
        return "\n".join(line for line, _ in self.visible_lines())

    # -- interaction ------------------------------------------------------------
    def set_click_through(self, on: bool) -> None:
        self.click_through = on
        self.setWindowFlag(Qt.WindowType.WindowTransparentForInput, on)
        if self.isVisible():
            self.show()

    def mousePressEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self._drag = e.globalPosition().toPoint() - self.frameGeometry().topLeft()

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if self._drag is not None:
            self.move(e.globalPosition().toPoint() - self._drag)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        self._drag = None


def wrap_to_width(text: str, fm: QFontMetrics, width: int) -> list[str]:
    """Greedy word wrap; words (or unspaced scripts) longer than a line are broken by character."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        trial = f"{cur} {word}" if cur else word
        if fm.horizontalAdvance(trial) <= width:
            cur = trial
            continue
        if cur:
            lines.append(cur)
        cur = ""
        for ch in word:
            if fm.horizontalAdvance(cur + ch) > width and cur:
                lines.append(cur)
                cur = ""
            cur += ch
    if cur:
        lines.append(cur)
    return lines
