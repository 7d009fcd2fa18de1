"""The live pipeline: source → ring buffer → resample → VAD → segmenter → scheduler → transcriber.

Two worker threads, neither of them the audio callback nor a GUI thread:
  * the pump reads the ring buffer, resamples to 16 kHz, runs the VAD and the
    segmenter, and hands chunks to the scheduler;
  * the transcriber thread takes the scheduler's next step and reports captions.
Every event reaches the outside through an EngineListener, called on those threads
(the GUI turns the calls into queued Qt signals). What to decode when is decided in
scheduler.py (pure); this module only runs threads.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from livecaption.audio.sources import SAMPLE_RATE, AudioSource
from livecaption.captions import Caption
from livecaption.errors import CaptioningError, DeviceError, LivecaptionError
from livecaption.storage.journal import Journal
from livecaption.storage.spool import AudioSpool
from livecaption.streaming.scheduler import Scheduler, SchedulerConfig, Step
from livecaption.streaming.segmenter import Segmenter, SegmenterConfig
from livecaption.streaming.vad import FRAME, SileroVad, VadConfig
from livecaption.transcription.passes import Rejection
from livecaption.transcription.policy import Transcriber

POLL_S = 0.03  # the pump wakes this often during speech, so the end of speech is seen at once
IDLE_POLL_S = 0.1  # and this often between utterances: the start of speech keeps its pre-roll anyway
STALL_S = 2.0  # a microphone silent for this long (no callbacks at all) is treated as lost
RETRY_S = 1.0  # how often a lost microphone is tried again
REPLAY_AHEAD = 2  # a recording replayed as fast as possible: chunks segmented ahead of the transcriber


@dataclass
class EngineStatus:
    state: str  # listening | speech | transcribing | stopped
    position: float  # seconds of audio taken in so far
    latency: float | None  # last final caption: emitted minus its end, seconds
    rtf: float  # compute seconds per second of audio so far
    backlog: float  # seconds of speech waiting for the transcriber
    overflows: int  # PortAudio overflows plus ring-buffer overruns
    language: str | None = None  # detected (or fixed) language, once known


class EngineListener:
    """Receives engine events. Methods run on engine threads; keep them quick."""

    def on_caption(self, caption: Caption) -> None: ...

    def on_status(self, status: EngineStatus) -> None: ...

    def on_level(self, dbfs: float) -> None: ...

    def on_error(self, error: LivecaptionError) -> None:
        """Something went wrong; `error.remedy` says what the user can do. Captions so far are kept."""

    def on_device(self, lost: bool, message: str) -> None:
        """The microphone went away (lost=True) or came back; the session goes on."""

    def on_rejection(self, rejection: Rejection) -> None:
        """Speech that ended in no caption words, and why (the CLI's --verbose prints these)."""

    def on_finished(self) -> None: ...


class Engine:
    def __init__(
        self,
        source: AudioSource,
        transcriber: Transcriber,
        listener: EngineListener | None = None,
        vad_config: VadConfig | None = None,
        segmenter_config: SegmenterConfig | None = None,
        journal: Journal | None = None,
        scheduler_config: SchedulerConfig | None = None,
        vad=None,
        spool: AudioSpool | None = None,
    ) -> None:
        self.source = source
        self.journal = journal  # final captions go to disk as they are made; closed at the end
        self.spool = spool  # the session's audio goes to disk as it arrives (pump thread); closed at the end
        self.transcriber = transcriber
        self.listener = listener or EngineListener()
        self.vad = vad or SileroVad()
        self.segmenter = Segmenter(vad_config, segmenter_config)
        self.scheduler = Scheduler(scheduler_config, live=source.realtime)
        self.captions: list[Caption] = []  # every final caption of the session
        self._cond = threading.Condition()  # guards the scheduler and _input_done
        self._input_done = False
        self._stop = threading.Event()
        self.finished = threading.Event()
        self._threads: list[threading.Thread] = []
        self._wall0 = 0.0
        self._vclock = 0.0  # simulated clock for as-fast-as-possible replay
        self._pos16 = 0  # absolute 16 kHz sample index of the next VAD frame
        self._pending = np.zeros(0, np.float32)
        self.lost_samples = 0
        self.compute_s = 0.0
        self._reported = 0  # rejections passed to the listener so far
        self._busy = False
        self._last_latency: float | None = None
        self._stream_end: float | None = None  # set once the input has ended
        self._resampler = None
        if source.sample_rate != SAMPLE_RATE:
            import soxr  # well-kept libsoxr binding: streaming, high quality, no torch/scipy

            self._resampler = soxr.ResampleStream(source.sample_rate, SAMPLE_RATE, 1, dtype="float32")

    @property
    def skipped_s(self) -> float:
        """Speech dropped because transcription could not keep up."""
        return self.scheduler.skipped_s

    # -- public -------------------------------------------------------------
    def start(self) -> None:
        self.source.start()
        self._wall0 = time.monotonic()
        for target, name in ((self._pump, "livecaption-pump"), (self._transcribe_loop, "livecaption-whisper")):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        """Stop capturing; what is buffered is still transcribed before `finished` is set."""
        self._stop.set()
        self.source.stop()

    def wait(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)

    def now(self) -> float:
        """Session time of 'now' for emit stamps: the wall clock for live input."""
        if self.source.realtime:
            return time.monotonic() - self._wall0
        return self._vclock

    def status(self, state: str | None = None) -> EngineStatus:
        pos = self._pos16 / SAMPLE_RATE
        if state is None:
            state = "transcribing" if self._busy else ("speech" if self.segmenter.in_speech else "listening")
        with self._cond:
            backlog = self.scheduler.backlog_s()
        overflows = self.source.overflows + (1 if self.lost_samples else 0)
        rtf = self.compute_s / pos if pos else 0.0
        return EngineStatus(state, pos, self._last_latency, rtf, backlog, overflows, self.transcriber.language)

    # -- pump thread ----------------------------------------------------------
    def _pump(self) -> None:
        src = self.source
        pos = 0
        last_report = 0.0
        reopenable = hasattr(src, "reopen")
        try:
            while True:
                if reopenable and not self._stop.is_set():
                    pos = self._watch_device(pos)
                draining = self._stop.is_set() or src.exhausted.is_set() or (src.error is not None and not reopenable)
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
                        self.listener.on_status(self.status())
                elif draining:
                    break
                else:
                    # Fewer wake-ups on silence: the VAD then takes ~3 frames in one call.
                    time.sleep(POLL_S if self.segmenter.in_speech else IDLE_POLL_S)
            if src.error:
                self.listener.on_error(DeviceError(src.error))
            if self._resampler is not None:
                self._process(self._resampler.resample_chunk(np.zeros(0, np.float32), last=True), resampled=True)
            self._stream_end = (self._pos16 + len(self._pending)) / SAMPLE_RATE
            if len(self._pending):  # pad the last partial frame so no speech is dropped
                self._process(np.zeros(FRAME - len(self._pending), np.float32), resampled=True)
            for chunk in self.segmenter.flush():
                self._offer(chunk)
        except Exception as exc:  # a bug here must not kill the session silently
            self.listener.on_error(CaptioningError(f"audio processing failed: {exc}"))
        finally:
            if self.spool is not None:
                self.spool.close()
            with self._cond:
                self._input_done = True
                self._cond.notify_all()

    def _offer(self, chunk) -> None:
        with self._cond:
            # A recording replayed as fast as possible waits for the transcriber (nothing is
            # lost or merged); live input never waits here.
            while not self.source.realtime and len(self.scheduler.waiting) >= REPLAY_AHEAD and not self._stop.is_set():
                self._cond.wait(0.1)
            self.scheduler.add(chunk)
            self._cond.notify_all()

    _lost_at: float | None = None  # monotonic time the microphone stopped delivering
    _last_try = 0.0

    def _watch_device(self, pos: int) -> int:
        """Device loss keeps the session: flush what was heard, retry, resume on one timeline."""
        src = self.source
        now = time.monotonic()
        if self._lost_at is None:
            if src.error is None and now - src.last_audio < STALL_S:
                return pos
            self._lost_at = src.last_audio
            for chunk in self.segmenter.flush():
                self._offer(chunk)
            self.listener.on_device(
                True,
                f"microphone '{src.name}' was lost; waiting for it (or the default) to come back. Captions so far are kept",
            )
        if now - self._last_try < RETRY_S:
            return pos
        self._last_try = now
        if not src.reopen():
            return pos
        # The outage is real session time: later captions keep their place on the wall clock.
        gap = time.monotonic() - self._lost_at
        self._pos16 += round(gap * SAMPLE_RATE) + len(self._pending)
        self._pending = np.zeros(0, np.float32)
        self.vad.reset()
        self._lost_at = None
        self.listener.on_device(False, f"microphone back: {src.name}")
        return src.ring.written

    def _skip(self, lost: int) -> None:
        """The ring overran: keep the timeline true and close the utterance in progress."""
        self.lost_samples += lost
        for chunk in self.segmenter.flush():
            self._offer(chunk)
        self._pos16 += round(lost * SAMPLE_RATE / self.source.sample_rate) + len(self._pending)
        self._pending = np.zeros(0, np.float32)
        self.vad.reset()

    def _process(self, samples: np.ndarray, resampled: bool = False) -> None:
        if self._resampler is not None and not resampled:
            samples = self._resampler.resample_chunk(samples)
        if self.spool is not None and len(samples) and not self.spool.failed:
            try:
                self.spool.write(self._pos16 + len(self._pending), samples)
            except LivecaptionError as exc:  # a full disk stops the audio, not the captions
                self.listener.on_error(exc)
        if len(samples):
            rms = float(np.sqrt(np.mean(np.square(samples)))) + 1e-10
            self.listener.on_level(20 * np.log10(rms))
        data = np.concatenate((self._pending, samples)) if len(self._pending) else samples
        n = len(data) // FRAME * FRAME
        self._pending = data[n:].copy()
        if n == 0:
            return
        frames = data[:n]
        probs = self.vad(frames)
        for chunk in self.segmenter.push(self._pos16, frames, probs):
            self._offer(chunk)
        self._pos16 += n

    # -- transcriber thread ----------------------------------------------------
    def _take(self) -> Step | None:
        with self._cond:
            while True:
                step = self.scheduler.next()
                if step is not None or self._input_done:
                    self._cond.notify_all()  # room for a replay's pump
                    break
                self._cond.wait()
        if step is not None and step.skipped_s:
            self.listener.on_error(
                CaptioningError(
                    f"transcription cannot keep up: skipped {step.skipped_s:.0f} s of speech "
                    "(use a smaller model or a GPU)"
                )
            )
        return step

    def _deliver(self, captions: list[Caption]) -> None:
        emit = self.now()
        for c in captions:
            c.emit = emit
            if self._stream_end is not None:  # the last frame was padded with zeros
                c.end = min(c.end, self._stream_end)
                c.start = min(c.start, c.end)
            if c.final and c.text:  # an empty final only retracts a partial
                self._last_latency = emit - c.end
                self.captions.append(c)
                self._journal(c)
            self.listener.on_caption(c)

    def _report_rejections(self) -> None:
        found = self.transcriber.rejections
        while self._reported < len(found):
            self.listener.on_rejection(found[self._reported])
            self._reported += 1

    def _journal(self, caption: Caption) -> None:
        if self.journal is None or self.journal.failed:
            return
        try:
            self.journal.append(caption)
        except LivecaptionError as exc:  # full disk: say so once, keep captioning in memory
            self.listener.on_error(exc)

    def _transcribe_loop(self) -> None:
        try:
            while (step := self._take()) is not None:
                chunk = step.chunk
                self._busy = True
                self.listener.on_status(self.status("transcribing"))
                t = time.monotonic()
                try:
                    captions = self.transcriber.transcribe(chunk, greedy=step.greedy)
                except Exception as exc:
                    captions = []
                    self.listener.on_error(CaptioningError(f"transcription failed: {exc}"))
                spent = time.monotonic() - t
                self.compute_s += spent
                self._vclock = max(self._vclock, chunk.ready / SAMPLE_RATE) + spent
                self._deliver(captions)
                self._report_rejections()
                self._busy = False
                self.listener.on_status(self.status())
            self._deliver(self.transcriber.flush())
            self._report_rejections()
        except Exception as exc:
            self.listener.on_error(CaptioningError(f"transcription stopped: {exc}"))
        finally:
            if self.journal is not None:
                self.journal.close()
            self.listener.on_status(self.status("stopped"))
            self.finished.set()
            self.listener.on_finished()
