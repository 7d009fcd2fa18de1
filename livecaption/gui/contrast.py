"""WCAG contrast of overlay colours, over whatever lies behind a see-through background."""

from __future__ import annotations

TARGET = 7.0  # WCAG AAA for normal text
UNDERLAYS = ("#000000", "#ffffff")  # the extremes of what can be behind the overlay


def rgb(color: str) -> tuple[float, float, float]:
    c = color.lstrip("#")
    return tuple(int(c[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(color: tuple[float, float, float]) -> float:
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: float, b: float) -> float:
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def over(top: str, under: str, opacity: float) -> tuple[float, float, float]:
    """`top` painted at `opacity` over `under`, blended per channel as Qt composites."""
    t, u = rgb(top), rgb(under)
    return tuple(opacity * a + (1 - opacity) * b for a, b in zip(t, u, strict=True))  # type: ignore[return-value]


def worst_contrast(text: str, background: str, opacity: float) -> float:
    """The lowest contrast of `text` on `background` at `opacity` over anything behind it.

    Whatever is behind, the blended background's luminance lies between its blends over black and
    over white; contrast is lowest at the end nearest the text's (1 when the text's lies between).
    """
    lt = luminance(rgb(text))
    ends = [luminance(over(background, u, opacity)) for u in UNDERLAYS]
    if min(ends) <= lt <= max(ends):
        return 1.0
    return min(ratio(lt, e) for e in ends)


def min_opacity(text: str, background: str, step: int = 5) -> int:
    """The lowest background opacity, in percent steps, that keeps TARGET contrast over anything."""
    for percent in range(step, 101, step):
        if worst_contrast(text, background, percent / 100) >= TARGET:
            return percent
    return 100
