"""One input of a session: source → ring buffer → resample → VAD → segmenter → scheduler.

Each input (the microphone; system audio) has its own pump thread, VAD state, segmenter,
scheduler and commit policy, and counts its own samples on the session timeline. The
engine's one transcriber thread serves all of them (engine.py).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Protocol

import numpy as np

from livecaption.audio.sources import AudioSource, MicrophoneSource
from livecaption.captions import Label
from livecaption.errors import CaptioningError, DeviceError, LivecaptionError
from livecaption.samples import SR, VAD_FRAME, Chunk
from livecaption.storage.spool import AudioSpool
from livecaption.streaming.cadence import Cadence
from livecaption.streaming.scheduler import Scheduler, SchedulerConfig
from livecaption.streaming.segmenter import Segmenter, SegmenterConfig
from livecaption.streaming.stability import Stability
from livecaption.streaming.vad import SileroVad, VadConfig
from livecaption.transcription.policy import Transcriber

if TYPE_CHECKING:
    import threading

    from livecaption.settle.settler import SettlePass
    from livecaption.speakers.labeller import SpeakerLabeller
    from livecaption.streaming.events import EngineListener, EngineStatus


class PumpHost(Protocol):
    """What a pump needs of the engine that runs it (the engine is one; nothing here imports it)."""

    cond: threading.Condition
    listener: EngineListener

    @property
    def stopping(self) -> bool: ...

    def status(self, state: str | None = None) -> EngineStatus: ...

    def level(self) -> float: ...

POLL_S = 0.03  # the pump wakes this often during speech, so the end of speech is seen at once
IDLE_POLL_S = 0.1  # and this often between utterances: the start of speech keeps its pre-roll anyway
STALL_S = 2.0  # a device silent for this long (no callbacks at all) is treated as lost
RETRY_S = 1.0  # how often a lost device is tried again
REPLAY_AHEAD = 2  # a recording replayed as fast as possible: chunks segmented ahead of the transcriber


class Input:
    def __init__(
        self,
        source: AudioSource,
        transcriber: Transcriber,
        label: Label | None = None,
        vad_config: VadConfig | None = None,
        segmenter_config: SegmenterConfig | None = None,
        scheduler_config: SchedulerConfig | None = None,
        vad=None,
        spool: AudioSpool | None = None,
    ) -> None:
        self.source = source
        self.transcriber = transcriber
        self.label = label or Label()
        self.spool = spool  # this input's audio goes to disk as it arrives (pump thread); closed at the end
        self.settle: SettlePass | None = None  # reading this input again, behind the live edge (livecaption/settle)
        self.speakers: SpeakerLabeller | None = None  # telling this input's voices apart (livecaption/speakers)
        self.vad = vad or SileroVad()
        self.segmenter = Segmenter(vad_config, segmenter_config)
        if not source.realtime:  # a recording read as fast as possible: nobody watches its words come
            self.segmenter.peek_s = 0.0
        self.scheduler = Scheduler(scheduler_config, live=source.realtime)
        self.cadence = Cadence(self.segmenter.peek_s)  # how often to peek, as the passes allow (transcriber thread)
        self.stability = Stability()  # marks the stable words of partials (transcriber thread)
        self.engine: PumpHost | None = None
        self.done = False  # the pump has ended and offered its last chunk (under the engine's lock)
        self.stream_end: float | None = None  # set once the input has ended
        self.lost_samples = 0
        self.level = -120.0  # dBFS of the latest block
        self._pos16 = 0  # absolute 16 kHz sample index of the next VAD frame
        self._open = 0  # sample index from which audio is not yet in a chunk (under the engine's lock)
        self._pending = np.zeros(0, np.float32)
        self._lost_at: float | None = None  # monotonic time the device stopped delivering
        self._last_try = 0.0
        self._resampler = None
        if source.sample_rate != SR:
            import soxr  # well-kept libsoxr binding: streaming, high quality, no torch/scipy

            self._resampler = soxr.ResampleStream(source.sample_rate, SR, 1, dtype="float32")

    @property
    def position(self) -> float:
        return self._pos16 / SR

    def begin_at(self, seconds: float) -> None:
        """Where this input's first sample falls on the session timeline (inputs start one after another)."""
        self._pos16 = self._open = round(seconds * SR)

    def settled(self) -> float:
        """Session time before which all of this input's audio is final: captioned, or dropped with a
        reason. Call with the engine's lock held, from the transcriber thread between steps."""
        if self.done and not self.scheduler.waiting and self.transcriber.pending_from is None:
            return math.inf
        marks = [self._open, *(c.start for c in self.scheduler.waiting if not c.is_look)]
        if self.transcriber.pending_from is not None:
            marks.append(self.transcriber.pending_from)
        return min(marks) / SR

    # -- pump thread ----------------------------------------------------------
    def run(self) -> None:
        engine = self.engine
        assert engine is not None
        src = self.source
        pos = 0
        last_report = 0.0
        reopenable = isinstance(src, MicrophoneSource)  # a device, which can be lost and opened again
        try:
            while True:
                if isinstance(src, MicrophoneSource) and not engine.stopping:
                    pos = self._watch_device(pos, src)
                draining = engine.stopping or src.exhausted.is_set() or (src.error is not None and not reopenable)
                first, samples, lost = src.ring.read(pos, max_samples=src.sample_rate)
                if lost:
                    self._skip(lost)
                pos = first + len(samples)
                src.consumed = pos
                if len(samples):
                    self._process(samples)
                    now = time.monotonic()
                    if now - last_report > 0.25:
                        last_report = now
                        engine.listener.on_status(engine.status())
                elif draining:
                    break
                else:
                    # Fewer wake-ups on silence: the VAD then takes ~3 frames in one call.
                    time.sleep(POLL_S if self.segmenter.in_speech else IDLE_POLL_S)
            if src.error:
                engine.listener.on_error(DeviceError(src.error))
            if self._resampler is not None:
                self._process(self._resampler.resample_chunk(np.zeros(0, np.float32), last=True), resampled=True)
            self.stream_end = (self._pos16 + len(self._pending)) / SR
            if len(self._pending):  # pad the last partial frame so no speech is dropped
                self._process(np.zeros(VAD_FRAME - len(self._pending), np.float32), resampled=True)
            self._offer(self.segmenter.flush())
        except Exception as exc:  # a bug here must not kill the session silently
            engine.listener.on_error(CaptioningError(f"audio processing failed: {exc}"))
        finally:
            if self.spool is not None:
                self.spool.close()
            with engine.cond:
                self.done = True
                engine.cond.notify_all()

    def _offer(self, chunks: list[Chunk]) -> None:
        engine = self.engine
        assert engine is not None
        with engine.cond:
            for chunk in chunks:
                # A recording replayed as fast as possible waits for the transcriber (nothing is
                # lost or merged); live input never waits here.
                while not self.source.realtime and len(self.scheduler.waiting) >= REPLAY_AHEAD and not engine.stopping:
                    engine.cond.wait(0.1)
                self.scheduler.add(chunk)
                engine.cond.notify_all()  # before waiting for room again: the transcriber must know
            self._open = self.segmenter.open_from

    def _watch_device(self, pos: int, src: MicrophoneSource) -> int:
        """Device loss keeps the session: flush what was heard, retry, resume on one timeline.
        System audio also follows the default output when the user switches it."""
        engine = self.engine
        assert engine is not None
        word = self.label.device_word
        now = time.monotonic()
        if self._lost_at is None:
            moved = getattr(src, "moved", None)
            if moved is not None and moved():
                self._offer(self.segmenter.flush())
                self._lost_at, self._last_try = now, now
                if not src.reopen():  # no output to follow now: a loss, retried below
                    engine.listener.on_device(True, f"{word} '{src.name}' was lost; waiting for an output")
                    return pos
                return self._resumed(pos, f"{word} now: {src.name}")
            elif src.error is None and now - src.last_audio < STALL_S:
                return pos
            else:
                self._lost_at = src.last_audio
                self._offer(self.segmenter.flush())
                engine.listener.on_device(
                    True, f"{word} '{src.name}' was lost; waiting for it (or the default) to come back. "
                    "Captions so far are kept",
                )  # fmt: skip
        if now - self._last_try < RETRY_S:
            return pos
        self._last_try = now
        if not src.reopen():
            return pos
        return self._resumed(pos, f"{word} back: {src.name}")

    def _resumed(self, pos: int, message: str) -> int:
        # The outage is real session time: later captions keep their place on the wall clock.
        assert self.engine is not None and self._lost_at is not None
        gap = time.monotonic() - self._lost_at
        self._pos16 += round(gap * SR) + len(self._pending)
        self._pending = np.zeros(0, np.float32)
        self.vad.reset()
        self._lost_at = None
        self.engine.listener.on_device(False, message)
        return self.source.ring.written

    def _skip(self, lost: int) -> None:
        """The ring overran: keep the timeline true and close the utterance in progress."""
        self.lost_samples += lost
        self._offer(self.segmenter.flush())
        self._pos16 += round(lost * SR / self.source.sample_rate) + len(self._pending)
        self._pending = np.zeros(0, np.float32)
        self.vad.reset()

    def _process(self, samples: np.ndarray, resampled: bool = False) -> None:
        engine = self.engine
        assert engine is not None
        if self._resampler is not None and not resampled:
            samples = self._resampler.resample_chunk(samples)
        if self.spool is not None and len(samples) and not self.spool.failed:
            try:
                self.spool.write(self._pos16 + len(self._pending), samples)
            except LivecaptionError as exc:  # a full disk stops the audio, not the captions
                engine.listener.on_error(exc)
        if len(samples):
            rms = float(np.sqrt(np.mean(np.square(samples)))) + 1e-10
            self.level = 20 * np.log10(rms)
            engine.listener.on_level(engine.level())
        data = np.concatenate((self._pending, samples)) if len(self._pending) else samples
        n = len(data) // VAD_FRAME * VAD_FRAME
        self._pending = data[n:].copy()
        if n == 0:
            return
        frames = data[:n]
        probs = self.vad(frames)
        if self.settle is not None:
            self.settle.feed(self._pos16, frames, probs)
        if self.speakers is not None:
            self.speakers.track.feed(self._pos16, frames, probs)
        chunks = self.segmenter.push(self._pos16, frames, probs)
        self._pos16 += n
        self._offer(chunks)
