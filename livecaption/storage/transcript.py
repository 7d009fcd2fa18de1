"""The transcript a session keeps: settled captions where the settle pass has read the audio, live
captions where it has not (yet)."""

from __future__ import annotations

from livecaption.captions import Caption


def kept(captions: list[Caption]) -> list[Caption]:
    """Final captions in time order: every settled caption with words, and the live ones that no
    settled caption replaces. A settled caption without words only takes live text away (the
    settle pass heard nothing there)."""
    replaced = {(c.source, i) for c in captions if c.settled for i in c.replaces}
    out = [
        c
        for c in captions
        if c.final and c.text and (c.settled or (c.source, c.id) not in replaced)
    ]
    return sorted(out, key=lambda c: c.start)
