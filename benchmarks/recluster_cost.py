"""What sorting a long session's voices again costs (#38): two hours of made-up lines, median of 5.

    python -m benchmarks.recluster_cost
"""

from __future__ import annotations

import time

import numpy as np

from livecaption.speakers.recluster import Unit, recluster

LINES = 2200  # two hours at a final line every 3.3 s
WINDOW_S = 25.0  # a settle window about every 25 s of speech


def main() -> int:
    rng = np.random.default_rng(1)
    people = rng.standard_normal((8, 256))
    people /= np.linalg.norm(people, axis=1, keepdims=True)
    units = []
    for i in range(LINES):
        p, n = int(rng.integers(8)), int(rng.integers(1, 8))
        pieces = people[p] + 0.05 * rng.standard_normal((n, 256))
        pieces /= np.linalg.norm(pieces, axis=1, keepdims=True)
        label = p + 1 if rng.random() > 0.1 else int(rng.integers(1, 12))  # a tenth of the lines mislabelled
        units.append(Unit(i, 3.3 * i, 3.3 * i + 3, pieces.sum(axis=0), n, label))
    times = []
    for _ in range(5):
        t = time.thread_time()
        recluster(units, {})
        times.append(time.thread_time() - t)
    per = sorted(times)[2]
    print(f"sorting {LINES} lines: {1000 * per:.0f} ms of CPU; once per settle window at the end of two hours: "
          f"{100 * per / WINDOW_S:.2f} % of a core, over the session on average about half that")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
