"""Accessibility helpers: names that say what a control is, and polite announcements of new captions."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget


def name(widget: QWidget, label: str, description: str = "") -> QWidget:
    """The accessible name (what the control is, never its current value) and description (what it does).

    On Linux, Qt names a combo box by its current text whatever is set here; screen readers then
    take its name from the buddy label (the labelled-by relation), so pickers always have one.
    """
    widget.setAccessibleName(label)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def announce(widget: QWidget, text: str) -> None:
    """Say `text` when the screen reader is free (a polite live region's announcement)."""
    if not QAccessible.isActive() or not text:
        return
    event = QAccessibleAnnouncementEvent(widget, text)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)
