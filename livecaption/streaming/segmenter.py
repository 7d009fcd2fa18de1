"""Turns VAD-gated audio into chunks for the transcriber.

Only speech (plus a little padding) reaches the model. Within an utterance, a chunk
is cut once it reaches the target length, at the pause nearest the target: the run
of non-speech frames whose centre is closest, looking back `reach_back_s` and then
forward up to `reach_forward_s`. Only when no pause is in reach is a chunk cut at
the quietest frame. An utterance end (enough silence) flushes; `flush` (stop) flushes
the tail instead of dropping it.

Looks: at the first `look_after_ms` of a pause, the utterance so far is offered
as a numbered look (Chunk.is_look) so its words can be shown before the utterance ends. A
chunk that later ends in that same pause carries the look's number: the look already
saw all of its speech, and the transcriber can reuse that pass.

Peeks: while someone speaks on, every `peek_s` of new speech the utterance so far is offered as
a look too (numbered, but never in a pause, so no chunk claims it): partials at the pace of
speech. The engine lengthens `peek_s` when its passes take longer (cadence.py).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from livecaption.samples import SR, VAD_FRAME, Chunk
from livecaption.streaming.vad import VadConfig, frames_for_ms


@dataclass
class SegmenterConfig:
    chunk_s: float = 3.0  # target chunk length: how often unbroken speech may be committed (peeks show words sooner)
    reach_back_s: float = 1.0  # how far before the target a pause may be
    reach_forward_s: float = 2.0  # how far past the target we wait for a pause
    look_after_ms: int = 128  # after this much silence, look at the utterance before it ends (0: off);
    # users know looks as "early partials"
    peek_s: float = 0.4  # while speech goes on, a look this often (0: off)


class Segmenter:
    def __init__(self, vad: VadConfig | None = None, config: SegmenterConfig | None = None) -> None:
        self.vad = vad or VadConfig()
        self.config = config or SegmenterConfig()
        self._pad = frames_for_ms(self.vad.speech_pad_ms)
        self._min_silence = max(1, frames_for_ms(self.vad.min_silence_ms))
        self._min_speech = frames_for_ms(self.vad.min_speech_ms)
        self._target = max(1, round(self.config.chunk_s * SR / VAD_FRAME))
        self._back = frames_for_ms(self.config.reach_back_s * 1000)
        self._max = self._target + frames_for_ms(self.config.reach_forward_s * 1000)
        self._look_frames = frames_for_ms(self.config.look_after_ms) if self.config.look_after_ms > 0 else 0
        self._preroll: deque[tuple[int, np.ndarray]] = deque(maxlen=max(1, self._pad))
        self._frames: list[np.ndarray] = []  # current chunk, one 512-sample frame each
        self._probs: list[float] = []
        self._start = 0  # absolute index of the current chunk's first frame
        self._speech_frames = 0  # frames at/above threshold in the current utterance
        self._silence_run = 0
        self.in_speech = False
        self._position = 0
        self._looks = 0  # looks offered so far; each has its number
        self._pause_look = 0  # the look offered in the current pause, if any
        self._look_frame: int | None = None  # index in _frames of the last look's last frame
        self.peek_s = self.config.peek_s  # the engine may lengthen it (a slow machine)
        self._since = 0  # frames of this utterance not yet in any chunk, look or peek

    @property
    def open_from(self) -> int:
        """The first sample index not yet handed out in a (non-look) chunk: pre-roll or speech held here."""
        if self.in_speech:
            return self._start
        return self._preroll[0][0] if self._preroll else self._position

    def push(self, start: int, audio: np.ndarray, probs: np.ndarray) -> list[Chunk]:
        """Feed frames (len(audio) == VAD_FRAME * len(probs)) starting at absolute index `start`."""
        out: list[Chunk] = []
        on, off = self.vad.threshold, self.vad.off_threshold
        for i, p in enumerate(probs):
            idx = start + i * VAD_FRAME
            frame = audio[i * VAD_FRAME : (i + 1) * VAD_FRAME]
            self._position = idx + VAD_FRAME
            if not self.in_speech:
                if p >= on:
                    self.in_speech = True
                    self._begin([*list(self._preroll), (idx, frame)], [0.0] * len(self._preroll) + [float(p)])
                    self._preroll.clear()
                    self._speech_frames = 1
                    self._silence_run = 0
                else:
                    self._preroll.append((idx, frame))
                continue
            self._frames.append(frame)
            self._probs.append(float(p))
            if p < off:
                self._silence_run += 1
            else:
                self._silence_run = 0
                self._pause_look = 0
                if p >= on:
                    self._speech_frames += 1
            self._since += 1
            if self._silence_run >= self._min_silence:
                out.extend(self._end_utterance())
            elif (
                self._look_frames and self._silence_run == self._look_frames and self._speech_frames >= self._min_speech
            ):
                # A pause has begun: the words before it can be shown now, while the
                # utterance end (min_silence) is still being waited for.
                self._looks += 1
                out.append(self._make(len(self._frames), utterance_end=False, is_look=True))
                out[-1].look = self._pause_look = self._looks
                self._look_frame = len(self._frames) - 1
                self._since = 0
            elif len(self._frames) >= self._target and (chunk := self._maybe_cut()) is not None:
                out.append(chunk)
                self._since = 0
            elif self._peek_due():
                self._looks += 1
                out.append(self._make(len(self._frames), utterance_end=False, is_look=True))
                out[-1].look, out[-1].peek = self._looks, True  # no chunk carries a peek's number: no pause
                self._since = 0
        return out

    def _peek_due(self) -> bool:
        frames = round(self.peek_s * SR / VAD_FRAME)
        return (
            self.peek_s > 0 and self._since >= frames and self._silence_run == 0
            and self._speech_frames >= self._min_speech
        )  # fmt: skip

    def flush(self) -> list[Chunk]:
        """Stop: emit whatever speech is buffered as a final chunk."""
        if not self.in_speech:
            return []
        return self._end_utterance()

    def _begin(self, frames: list[tuple[int, np.ndarray]], probs: list[float]) -> None:
        self._start = frames[0][0]
        self._frames = [f for _, f in frames]
        self._probs = probs

    def _end_utterance(self) -> list[Chunk]:
        keep = len(self._frames) - max(0, self._silence_run - self._pad)  # keep `pad` of the silence
        tail = [(self._start + (keep + k) * VAD_FRAME, f) for k, f in enumerate(self._frames[keep:])]
        chunk = None
        if keep > 0 and (self._speech_frames >= self._min_speech or self._start_was_cut):
            chunk = self._make(keep, utterance_end=True)
            chunk.look = self._pause_look
        self.in_speech = False
        self._frames, self._probs = [], []
        self._speech_frames = 0
        self._silence_run = 0
        self._pause_look = 0
        self._look_frame = None
        self._start_was_cut = False
        self._since = 0
        self._preroll.clear()
        self._preroll.extend(tail)  # bounded: it keeps the newest `pad` frames of the tail
        return [chunk] if chunk is not None else []

    _start_was_cut = False  # the utterance already produced a chunk, so its tail is kept

    def _maybe_cut(self) -> Chunk | None:
        n = len(self._frames)
        lo = max(1, self._target - self._back)
        best = self._best_pause(lo, n)
        if best is None:
            if n < self._max:
                return None
            window = np.asarray(self._probs[lo:n])
            best = lo + int(np.argmin(window))  # no pause in reach: the quietest frame
        chunk = self._make(best + 1, utterance_end=False)
        # Cut in the pause a look ended in: the look saw all of this chunk's speech.
        if self._look_frame is not None and self._in_pause(self._look_frame, best):
            chunk.look = self._looks
        self._look_frame = self._look_frame - best - 1 if self._look_frame is not None else None
        if self._look_frame is not None and self._look_frame < 0:
            self._look_frame = None
        self._frames = self._frames[best + 1 :]
        self._probs = self._probs[best + 1 :]
        self._start = chunk.end
        self._start_was_cut = True
        return chunk

    def _in_pause(self, a: int, b: int) -> bool:
        """Are frames a..b (either order) all below the speech threshold?"""
        lo, hi = min(a, b), max(a, b)
        return all(p < self.vad.threshold for p in self._probs[lo : hi + 1])

    def _best_pause(self, lo: int, hi: int) -> int | None:
        """Frame to cut after: the quietest frame of the non-speech run nearest the target."""
        on = self.vad.threshold
        runs: list[tuple[int, int]] = []
        k = lo
        while k < hi:
            if self._probs[k] < on:
                j = k
                while j < hi and self._probs[j] < on:
                    j += 1
                runs.append((k, j))
                k = j
            else:
                k += 1
        if not runs:
            return None
        a, b = min(runs, key=lambda r: abs((r[0] + r[1]) / 2 - self._target))
        return a + int(np.argmin(self._probs[a:b]))

    def _make(self, nframes: int, utterance_end: bool, is_look: bool = False) -> Chunk:
        audio = np.concatenate(self._frames[:nframes]) if nframes else np.zeros(0, np.float32)
        speech = np.asarray(self._probs[:nframes], np.float32)
        return Chunk(self._start, audio, utterance_end, ready=self._position, is_look=is_look, speech=speech)
