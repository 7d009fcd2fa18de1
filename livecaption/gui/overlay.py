"""The caption overlay: the newest lines in large type over slides or a video call."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import QSizeGrip, QWidget

from livecaption.captions import Caption
from livecaption.gui import a11y
from livecaption.gui.contrast import min_opacity
from livecaption.gui.icons import app_icon

# name: (text, background); the background's opacity is the user's, never below what keeps 7:1 contrast
PRESETS: dict[str, tuple[str, str]] = {
    "White on black": ("#ffffff", "#000000"),
    "Yellow on black": ("#ffe600", "#000000"),
    "Black on white": ("#000000", "#ffffff"),
    "White on blue": ("#ffffff", "#0b2a6f"),
}
DEFAULT_PRESET = "White on black"
DEFAULT_POINTS = 30
EDGES = {"outline": "Outline", "shadow": "Shadow", "none": "None"}
DOCKS = {"bottom": "Bottom centre of the screen", "free": "Where I drag it"}


@dataclass(frozen=True)
class OverlayStyle:
    preset: str = DEFAULT_PRESET
    points: int = DEFAULT_POINTS
    lines: int = 3  # 1–5
    font: str = ""  # family; "" = the app's
    edge: str = "outline"  # around the letters: outline, shadow or none
    opacity: int = 85  # the background's, in percent
    dock: str = "bottom"  # bottom centre of the screen, or free

    def checked(self) -> OverlayStyle:
        """Within range: a known preset, 1–5 lines, and an opacity that keeps the preset's contrast."""
        preset = self.preset if self.preset in PRESETS else DEFAULT_PRESET
        return replace(
            self,
            preset=preset,
            points=min(96, max(12, int(self.points))),
            lines=min(5, max(1, int(self.lines))),
            edge=self.edge if self.edge in EDGES else "outline",
            opacity=min(100, max(min_opacity(*PRESETS[preset]), int(self.opacity))),
            dock=self.dock if self.dock in DOCKS else "bottom",
        )


def on_wayland() -> bool:
    return QGuiApplication.platformName().startswith("wayland")


class CaptionOverlay(QWidget):
    """Frameless, always-on-top, translucent; drag to move (it is then free), grip to resize.

    Shows the newest `style.lines` wrapped lines that fit, so the live end of the
    newest caption is never clipped however the window is sized.
    """

    MARGIN_X, MARGIN_Y = 20, 12
    undocked = Signal()  # the user dragged it away from the bottom of the screen

    def __init__(self) -> None:
        super().__init__(
            None, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setWindowTitle("livecaption overlay")
        self.setWindowIcon(app_icon())
        a11y.name(self, "Caption overlay", "The newest captions in large type")
        self.setMinimumSize(240, 60)
        self.show_speakers = True  # "You: …" / "Others: …" when the session labels its captions
        self._captions: list[Caption] = []  # recent finals, then at most one partial
        self.translated = False  # the session has English translations under its captions (--task both)
        self._drag: QPoint | None = None
        self.grip = QSizeGrip(self)
        self.grip.resize(16, 16)
        self.click_through = False
        self.style_ = OverlayStyle()
        self.resize(900, 180)
        self.set_style(self.style_)
        self.note = (
            "Always on top is not guaranteed on Wayland; the overlay works as a normal window there."
            if on_wayland()
            else ""
        )

    # -- look --------------------------------------------------------------
    def set_style(self, style: OverlayStyle) -> None:
        self.style_ = style.checked()
        self.caption_font = QFont(self.font())
        if self.style_.font:
            self.caption_font.setFamily(self.style_.font)
        self.caption_font.setPointSize(self.style_.points)
        self.caption_font.setBold(True)
        fm = QFontMetrics(self.caption_font)
        height = self._rows() * fm.lineSpacing() + 2 * self.MARGIN_Y
        if self.style_.dock == "bottom":
            self.dock()
        else:  # keep the bottom edge where the user put it
            bottom = self.geometry().bottom()
            self.resize(self.width(), height)
            self.move(self.x(), bottom - height + 1)
        self.grip.setVisible(self.style_.dock == "free")
        self.update()

    def dock(self) -> None:
        """Bottom centre of the screen it is on, as wide as a line of slides, as tall as its lines."""
        screen = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        fm = QFontMetrics(self.caption_font)
        height = self._rows() * fm.lineSpacing() + 2 * self.MARGIN_Y
        width = min(screen.width() - 40, max(600, int(screen.width() * 0.8)))
        self.setGeometry(screen.left() + (screen.width() - width) // 2, screen.bottom() - height - 40, width, height)

    def _rows(self) -> int:
        """Line boxes tall: the Lines setting, twice over when a translation goes under the original."""
        return self.style_.lines * (2 if self.translated else 1)

    def resizeEvent(self, e) -> None:
        self.grip.move(self.width() - self.grip.width() - 4, self.height() - self.grip.height() - 4)

    def visible_lines(self) -> list[tuple[str, int]]:
        """(line, stable) pairs: the newest wrapped lines that fit, oldest first. Captions flow on as
        one text (a new line where the speaker changes); `stable` characters of a line are final or
        read the same by two passes, the rest is tentative."""
        fm = QFontMetrics(self.caption_font)
        width = max(50, self.width() - 2 * self.MARGIN_X)
        fit = max(1, min(self._rows(), (self.height() - 2 * self.MARGIN_Y) // fm.lineSpacing()))
        if self.translated:  # the original's newest lines, then its translation's: the setting applies to each
            fit = max(1, fit // 2)
            under = " ".join(c.translation for c in self._captions if c.final and c.translation)
            # in italics (stable 0): English under the original, as subtitles set another language apart
            below = [(line, 0) for line in wrap_to_width(under, fm, width)][-fit:] if under else []
        paras: list[tuple[str, str, int]] = []  # (speaker, text, stable characters)
        for c in self._captions:
            who = c.speaker if self.show_speakers else ""
            stable = len(c.text) if c.final else min(c.stable, len(c.text))
            if paras and paras[-1][0] == who:
                _, text, done = paras[-1]
                paras[-1] = (who, f"{text} {c.text}", len(text) + 1 + stable if done == len(text) else done)
            else:
                label = f"{who}: " if who else ""
                paras.append((who, label + c.text, len(label) + stable))
        lines: list[tuple[str, int]] = []
        for _, text, stable in paras:
            lines += stable_parts(text, wrap_to_width(text, fm, width), stable)
        return lines[-fit:] + (below if self.translated else [])

    def paintEvent(self, event) -> None:
        fg, bg = PRESETS[self.style_.preset]
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(bg)
        color.setAlphaF(self.style_.opacity / 100)
        p.setBrush(color)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(self.rect(), 12, 12)
        fm = QFontMetrics(self.caption_font)
        lines = self.visible_lines() or [("Captions will appear here", 0)]
        y = self.height() - self.MARGIN_Y - len(lines) * fm.lineSpacing()  # bottom-aligned
        edge = max(2.0, self.style_.points / 10)
        tentative = QFont(self.caption_font)
        tentative.setItalic(True)  # tentative words are italic (not dimmed: contrast stays)
        for text, stable in lines:
            path = QPainterPath()
            path.addText(QPointF(self.MARGIN_X, y + fm.ascent()), self.caption_font, text[:stable])
            if stable < len(text):
                x = self.MARGIN_X + fm.horizontalAdvance(text[:stable])
                path.addText(QPointF(x, y + fm.ascent()), tentative, text[stable:])
            if self.style_.edge == "outline":
                p.strokePath(path, QPen(QColor(bg), edge, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                        Qt.PenJoinStyle.RoundJoin))  # fmt: skip
            elif self.style_.edge == "shadow":
                p.fillPath(path.translated(edge / 2, edge / 2), QColor(bg))
            p.fillPath(path, QColor(fg))
            y += fm.lineSpacing()

    # -- content -------------------------------------------------------------
    def show_caption(self, caption: Caption) -> None:
        # A new partial replaces its input's previous one; another input's partial stays.
        caps = [c for c in self._captions if (c.final or c.source != caption.source) and c.id != caption.id]
        if caption.text:
            caps.append(caption)
        self._captions = caps[-12:]  # enough to fill five wide lines
        if caption.translation and not self.translated:  # a session with translations: room for them
            self.translated = True
            self.set_style(self.style_)
        self.setAccessibleDescription(self.text)
        self.update()

    def rename_speaker(self, old: str, new: str) -> None:
        self._captions = [replace(c, speaker=new) if c.speaker == old else c for c in self._captions]
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

    def showEvent(self, e) -> None:
        super().showEvent(e)
        if self.style_.dock == "bottom":
            self.dock()

    def mousePressEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self._drag = e.globalPosition().toPoint() - self.frameGeometry().topLeft()

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if self._drag is None:
            return
        if self.style_.dock != "free":
            self.style_ = replace(self.style_, dock="free")
            self.grip.show()
            self.undocked.emit()
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


def stable_parts(text: str, lines: list[str], stable: int) -> list[tuple[str, int]]:
    """Each line wrapped from `text`, with how many of its characters lie in text[:stable]."""
    out: list[tuple[str, int]] = []
    pos = 0
    for line in lines:
        at = text.find(line, pos)
        at = pos if at < 0 else at
        out.append((line, min(len(line), max(0, stable - at))))
        pos = at + len(line)
    return out
