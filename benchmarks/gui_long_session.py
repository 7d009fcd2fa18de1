"""How the app's transcript holds up with an 8-hour session in it.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_long_session.py [--journal SOAK.jsonl] [--hours 8]

Feeds the captions of a long session (a journal written by `benchmarks/soak.py --keep`,
or the lecture's reference text repeated at the soak's rate of 862 captions an hour)
into the real main window, one caption at a time, as the engine would, letting the
event loop run between them. Reports how long each caption takes to show (insert,
layout, scroll to live, paint) in the first and the last hour, and how long scrolling
back, finding text and exporting SRT take at the end. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from livecaption.captions import Caption
from livecaption.storage.journal import load


def captions_from(journal: str | None, hours: float) -> list[Caption]:
    if journal:
        path = Path(journal)
        return [c for c in load(path.stem, folder=path.parent)[1] if c.start < hours * 3600]
    ref = json.loads((Path(__file__).resolve().parents[2] / "shared/speech/lecture_en.json").read_text())["clips"]
    n, out = int(862 * hours), []
    for i in range(n):
        clip = ref[i % len(ref)]
        t = i * 3600 / 862
        out.append(Caption(t, t + clip["end"] - clip["start"], clip["text"], True, "en", t + 0.7, i + 1))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--journal")
    ap.add_argument("--hours", type=float, default=8.0)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    from livecaption.gui.main_window import MainWindow

    caps = captions_from(args.journal, args.hours)
    win = MainWindow()
    win.automation = True
    win.resize(900, 600)
    win.show()
    app.processEvents()
    per: list[tuple[float, float]] = []  # (session time, ms to show)
    for c in caps:
        t = time.perf_counter()
        win.on_caption(c)
        app.processEvents()  # layout, scroll to live, paint: what the user waits for
        per.append((c.start, 1000 * (time.perf_counter() - t)))
    first = [ms for s, ms in per if s < 3600]
    last = [ms for s, ms in per if s >= (args.hours - 1) * 3600]

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        app.processEvents()
        return round(1000 * (time.perf_counter() - t), 1)

    scroll_top = timed(lambda: win.view.scrollToTop())
    win.find_bar.open()
    win.find_bar.edit.setText("squalid quarter")
    find_ms = timed(lambda: win.find_bar.find(1))
    jump_ms = timed(win.view.jump_to_live)
    with tempfile.TemporaryDirectory() as d:
        export_ms = timed(lambda: win.export_to(str(Path(d) / "all.srt")))
    result = {
        "captions": len(caps),
        "hours": args.hours,
        "show_caption_ms_first_hour": {"median": round(statistics.median(first), 2), "max": round(max(first), 1)},
        "show_caption_ms_last_hour": {"median": round(statistics.median(last), 2), "max": round(max(last), 1)},
        "scroll_to_start_ms": scroll_top,
        "find_ms": find_ms,
        "jump_to_live_ms": jump_ms,
        "export_srt_ms": export_ms,
    }
    win.unsaved = False
    win.close()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
