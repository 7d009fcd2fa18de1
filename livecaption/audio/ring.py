"""A fixed-size audio ring buffer that knows the absolute index of every sample."""

from __future__ import annotations

import numpy as np


class RingBuffer:
    """Single-producer / single-consumer float32 ring with absolute sample indices.

    The writer (the audio callback) never blocks and never allocates: it copies into
    a preallocated array and then publishes the new write index with one int store,
    which is atomic under the GIL. When the reader falls more than `capacity` behind,
    the oldest samples are overwritten and `read` reports how many were lost, so the
    session timeline (built from sample indices) stays true.
    """

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._buf = np.zeros(capacity, dtype=np.float32)
        self._written = 0  # absolute index one past the newest sample

    @property
    def written(self) -> int:
        """Absolute index one past the newest sample ever written."""
        return self._written

    @property
    def oldest(self) -> int:
        """Absolute index of the oldest sample still held."""
        return max(0, self._written - self.capacity)

    def write(self, samples: np.ndarray) -> None:
        n = len(samples)
        if n == 0:
            return
        cap = self.capacity
        start = self._written
        if n > cap:  # only the newest `cap` samples can be kept
            start += n - cap
            samples = samples[n - cap :]
            n = cap
        pos = start % cap
        first = min(n, cap - pos)
        self._buf[pos : pos + first] = samples[:first]
        if first < n:
            self._buf[: n - first] = samples[first:]
        self._written = start + n

    def read(self, start: int, max_samples: int | None = None) -> tuple[int, np.ndarray, int]:
        """Copy samples from absolute index `start` up to the newest (or `max_samples`).

        Returns (first_index, samples, lost): `lost` counts samples between `start`
        and `first_index` that were overwritten before they could be read.
        """
        end = self._written
        if max_samples is not None:
            end = min(end, start + max_samples)
        first = max(start, end - self.capacity, 0)
        if end <= first:
            return first, np.zeros(0, dtype=np.float32), first - start
        out = self._copy(first, end)
        # The writer may have lapped us while we copied: drop what it overwrote.
        oldest_now = self._written - self.capacity
        if oldest_now > first:
            cut = min(oldest_now, end) - first
            out = out[cut:]
            first += cut
        return first, out, first - start

    def _copy(self, first: int, end: int) -> np.ndarray:
        cap = self.capacity
        a, b = first % cap, end % cap
        if end - first == cap and a == b:
            return np.concatenate((self._buf[a:], self._buf[:a]))
        if a < b:
            return self._buf[a:b].copy()
        return np.concatenate((self._buf[a:], self._buf[:b]))
