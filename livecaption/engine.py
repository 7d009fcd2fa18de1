"""The live pipeline: source → ring buffer → resample → VAD → segmenter → transcriber.

Two worker threads, neither of them the audio callback nor a GUI thread:
  * the pump reads the ring buffer, resamples to 16 kHz, runs the VAD and the
    segmenter, and queues chunks;
  * the transcriber thread runs Whisper on queued chunks and reports captions.
Every event reaches the outside through an EngineListener, called on those threads
(the GUI turns the calls into queued Qt signals).
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass

import numpy as np

from livecaption.audio import SAMPLE_RATE, AudioSource
from livecaption.captions import Caption
from livecaption.errors import LivecaptionError
from livecaption.journal import Journal
from livecaption.segmenter import Chunk, Segmenter, SegmenterConfig
from livecaption.transcriber import Transcriber
from livecaption.vad import FRAME, SileroVad, VadConfig

MAX_MERGE_S = 25.0  # when behind, contiguous queued chunks are decoded together, up to this
DEGRADE_S = 8.0  # speech waiting before decoding turns greedy
RECOVER_S = 2.0
MAX_BACKLOG_S = 60.0  # speech waiting before the oldest is skipped
POLL_S = 0.03  # the pump wakes this often during speech, so the end of speech is seen at once
IDLE_POLL_S = 0.1  # and this often between utterances: the start of speech keeps its pre-roll anyway
STALL_S = 2.0  # a microphone silent for this long (no callbacks at all) is treated as lost
RETRY_S = 1.0  # how often a lost microphone is tried again


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

    def on_error(self, message: str) -> None: ...

    def on_device(self, lost: bool, message: str) -> None:
        """The microphone went away (lost=True) or came back; the session goes on."""

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
    ) -> None:
        self.source = source
        self.journal = journal  # final captions go to disk as they are made; closed at the end
        self.transcriber = transcriber
        self.listener = listener or EngineListener()
        self.vad = SileroVad()
        self.segmenter = Segmenter(vad_config, segmenter_config)
        self.captions: list[Caption] = []  # every final caption of the session
        self._queue: queue.Queue[Chunk | None] = queue.Queue(maxsize=0 if source.realtime else 2)
        self._stop = threading.Event()
        self.finished = threading.Event()
        self._threads: list[threading.Thread] = []
        self._wall0 = 0.0
        self._vclock = 0.0  # simulated clock for as-fast-as-possible replay
        self._pos16 = 0  # absolute 16 kHz sample index of the next VAD frame
        self._pending = np.zeros(0, np.float32)
        self.lost_samples = 0
        self.skipped_s = 0.0  # speech dropped because transcription could not keep up
        self.degraded = False  # decoding greedily to catch up
        self._beam = 5
        self.compute_s = 0.0
        self._busy = False
        self._last_latency: float | None = None
        self._stream_end: float | None = None  # set once the input has ended
        self._resampler = None
        if source.sample_rate != SAMPLE_RATE:
            import soxr  # well-kept libsoxr binding: streaming, high quality, no torch/scipy

            self._resampler = soxr.ResampleStream(source.sample_rate, SAMPLE_RATE, 1, dtype="float32")

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
        backlog = self._backlog_s()
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
                self.listener.on_error(src.error)
            if self._resampler is not None:
                self._process(self._resampler.resample_chunk(np.zeros(0, np.float32), last=True), resampled=True)
            self._stream_end = (self._pos16 + len(self._pending)) / SAMPLE_RATE
            if len(self._pending):  # pad the last partial frame so no speech is dropped
                self._process(np.zeros(FRAME - len(self._pending), np.float32), resampled=True)
            for chunk in self.segmenter.flush():
                self._queue.put(chunk)
        except Exception as exc:  # a bug here must not kill the session silently
            self.listener.on_error(f"audio processing failed: {exc}")
        finally:
            self._queue.put(None)

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
                self._queue.put(chunk)
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
            self._queue.put(chunk)
        self._pos16 += round(lost * SAMPLE_RATE / self.source.sample_rate) + len(self._pending)
        self._pending = np.zeros(0, np.float32)
        self.vad.reset()

    def _process(self, samples: np.ndarray, resampled: bool = False) -> None:
        if self._resampler is not None and not resampled:
            samples = self._resampler.resample_chunk(samples)
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
            self._queue.put(chunk)
        self._pos16 += n

    # -- transcriber thread ----------------------------------------------------
    def _take(self) -> Chunk | None:
        """Next chunk, with the falling-behind strategy applied to live input.

        1. merge: contiguous queued chunks are decoded together (fewer, longer decodes);
        2. degrade: with more than DEGRADE_S of speech waiting, decode greedily (beam 1)
           until the backlog is under RECOVER_S;
        3. skip: past MAX_BACKLOG_S, the oldest waiting speech is dropped (counted and
           reported), so latency and memory stay bounded whatever the machine.
        """
        if self.source.realtime:
            self._pace()
        chunk = self._queue.get()
        while chunk is not None and chunk.peek and self._queue.qsize() > 0:
            chunk = self._queue.get()  # an early partial is only worth it when nothing else waits
        # Replay as fast as possible decodes exactly the chunks live capture would.
        while chunk is not None and not chunk.peek and self.source.realtime:
            try:
                nxt = self._queue.queue[0]
            except IndexError:
                break
            if nxt is not None and nxt.peek:
                self._queue.get()  # stale: the chunks after it carry the same audio
                continue
            if nxt is None or nxt.start != chunk.end or (len(chunk.audio) + len(nxt.audio)) > MAX_MERGE_S * SAMPLE_RATE:
                break
            self._queue.get()
            audio = np.concatenate((chunk.audio, nxt.audio))
            chunk = Chunk(chunk.start, audio, nxt.utterance_end, nxt.ready, look=nxt.look)
        return chunk

    def _backlog_s(self) -> float:
        return sum(len(c.audio) for c in list(self._queue.queue) if c is not None and not c.peek) / SAMPLE_RATE

    def _pace(self) -> None:
        backlog = self._backlog_s()
        if backlog > MAX_BACKLOG_S:
            dropped = 0.0
            with self._queue.mutex:  # drop the oldest chunks, keep the end marker
                q = self._queue.queue
                while q and q[0] is not None and backlog - dropped > MAX_BACKLOG_S / 2:
                    dropped += len(q.popleft().audio) / SAMPLE_RATE
            self.skipped_s += dropped
            self.listener.on_error(
                f"transcription cannot keep up: skipped {dropped:.0f} s of speech (use a smaller model or a GPU)"
            )
        if not self.degraded and backlog > DEGRADE_S:
            self.degraded = True
            self._beam = self.transcriber.options.beam_size
            self.transcriber.options.beam_size = 1
        elif self.degraded and backlog < RECOVER_S:
            self.degraded = False
            self.transcriber.options.beam_size = self._beam

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

    def _journal(self, caption: Caption) -> None:
        if self.journal is None or self.journal.failed:
            return
        try:
            self.journal.append(caption)
        except LivecaptionError as exc:  # full disk: say so once, keep captioning in memory
            self.listener.on_error(str(exc))

    def _transcribe_loop(self) -> None:
        try:
            while (chunk := self._take()) is not None:
                self._busy = True
                self.listener.on_status(self.status("transcribing"))
                t = time.monotonic()
                try:
                    captions = self.transcriber.transcribe(chunk)
                except Exception as exc:
                    captions = []
                    self.listener.on_error(f"transcription failed: {exc}")
                spent = time.monotonic() - t
                self.compute_s += spent
                self._vclock = max(self._vclock, chunk.ready / SAMPLE_RATE) + spent
                self._deliver(captions)
                self._busy = False
                self.listener.on_status(self.status())
            self._deliver(self.transcriber.flush())
        except Exception as exc:
            self.listener.on_error(f"transcription stopped: {exc}")
        finally:
            if self.journal is not None:
                self.journal.close()
            self.listener.on_status(self.status("stopped"))
            self.finished.set()
            self.listener.on_finished()
