"""The live pipeline: inputs (source → ring → resample → VAD → segmenter → scheduler) → transcriber.

Worker threads, none of them an audio callback nor a GUI thread:
  * one pump per input (pump.py: the microphone, system audio) reads its ring buffer,
    resamples to 16 kHz, runs its VAD and segmenter, and hands chunks to its scheduler;
  * one transcriber thread takes the oldest waiting work of any input (so neither input
    starves the other), decodes it with that input's commit policy, and reports captions,
    each labelled with its input. With microphone and system audio together, microphone
    captions that echo system audio are dropped (echo.py).
Every event reaches the outside through an EngineListener, called on those threads
(the GUI turns the calls into queued Qt signals). What to decode when is decided in
scheduler.py (pure); this module only runs threads.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from livecaption.audio.sources import AudioSource
from livecaption.captions import Caption, Label, at_ms, hms
from livecaption.errors import CaptioningError
from livecaption.ids import SessionIds, live
from livecaption.samples import SR
from livecaption.settle.runner import SettleRunner
from livecaption.speakers.naming import relabel
from livecaption.storage.journal import Journal
from livecaption.storage.spool import AudioSpool
from livecaption.streaming.echo import EchoFilter
from livecaption.streaming.events import EngineListener, EngineStatus
from livecaption.streaming.pump import STALL_S, Input  # noqa: F401 - STALL_S: tests read it here
from livecaption.streaming.record import Record
from livecaption.streaming.scheduler import SchedulerConfig, Step
from livecaption.streaming.segmenter import SegmenterConfig
from livecaption.streaming.vad import VadConfig
from livecaption.transcription.passes import Rejection
from livecaption.transcription.policy import Transcriber

HELD_POLL_S = 0.25  # how often held microphone finals are looked at while no work comes
IDLE = "idle"  # _take: nothing to decode, but held captions may be due
SLOWED = 1.5  # the status says how often words come once peeks are this much further apart than asked


class Engine:
    """Runs a session's inputs and its transcriber thread. Made with its first input; `add` more
    (each with its own Transcriber over the same model) before `start`."""

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
        label: Label | None = None,
        echo: bool = True,
    ) -> None:
        self.journal = journal  # final captions go to disk as they are made; closed at the end
        self.listener = listener or EngineListener()
        self.inputs: list[Input] = []
        self.add(Input(source, transcriber, label, vad_config, segmenter_config, scheduler_config, vad, spool))
        self.echo_check = echo  # with microphone and system audio: drop microphone captions that echo the system
        self.echo: EchoFilter | None = None
        self.cond = threading.Condition()  # guards the inputs' schedulers, `done` flags and open marks
        self._stop = threading.Event()
        self.finished = threading.Event()
        self._threads: list[threading.Thread] = []
        self._wall0 = self._vclock = 0.0  # when it started (monotonic); a simulated clock for replay at full speed
        self.compute_s = 0.0
        self._reported: dict[int, int] = {}  # per input: rejections passed to the listener so far
        self._noticed: dict[int, int] = {}  # ...and notices
        self.rejections: list[Rejection] = []  # echoes dropped here (the transcribers keep their own)
        self._busy = False
        self._last_latency: float | None = None
        self.settler: SettleRunner | None = None
        self.settle_compute_s = 0.0
        self.record = Record(journal, self.listener.on_error)  # what the session said, behind its lock
        self.ids = SessionIds()  # every caption id of the session (livecaption/ids.py)

    def add(self, inp: Input) -> Input:
        inp.engine = self
        self.inputs.append(inp)
        return inp

    # The first input, as single-input code knows it.
    @property
    def source(self) -> AudioSource:
        return self.inputs[0].source

    @property
    def transcriber(self) -> Transcriber:
        return self.inputs[0].transcriber

    @property
    def spool(self) -> AudioSpool | None:
        return self.inputs[0].spool

    @property
    def skipped_s(self) -> float:
        """Speech dropped because transcription could not keep up."""
        return sum(i.scheduler.skipped_s for i in self.inputs)

    @property
    def lost_samples(self) -> int:
        return sum(i.lost_samples for i in self.inputs)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def captions(self) -> list[Caption]:
        """Every live final with words so far (a snapshot)."""
        return self.record.captions

    @property
    def settled(self) -> list[Caption]:
        """Every settled caption so far, in the order made (a snapshot)."""
        return self.record.settled

    def rename_speaker(self, old: str, new: str) -> bool:
        """Speaker `old` is `new` in every caption so far and to come (a name another speaker of the
        same input has merges the two). False when no input has a speaker called `old`."""
        new = " ".join(new.split())
        with self.record.lock:
            if not new or new == old or not relabel(self.inputs, old, new):
                return False
            self.record.rename(old, new)
        return True

    def input(self, source: str) -> Input | None:
        return next((i for i in self.inputs if i.label.source == source), None)

    # -- public -------------------------------------------------------------
    def start(self) -> None:
        mic, system = self.input("mic"), self.input("system")
        if self.echo_check and mic is not None and system is not None:
            self.echo = EchoFilter()
        self._wall0 = time.monotonic()
        started: list[Input] = []
        try:
            for inp in self.inputs:
                inp.source.start()
                started.append(inp)
                if inp.source.realtime:  # one session timeline: each input from when it started
                    inp.begin_at(time.monotonic() - self._wall0)
        except BaseException:
            for inp in started:
                inp.source.stop()
            raise
        self.record.begin({i.label.source for i in self.inputs if i.settle is not None})
        if any(i.settle is not None for i in self.inputs):  # before the pumps: their first status reports it
            self.settler = SettleRunner(self)
            self.settler.start()
        for inp in self.inputs:
            self._spawn(inp.run, "livecaption-pump" + (f"-{inp.label.source}" if len(self.inputs) > 1 else ""))
        self._spawn(self._transcribe_loop, "livecaption-whisper")

    def _spawn(self, target, name: str) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self) -> None:
        """Stop capturing; what is buffered is still transcribed before `finished` is set."""
        self._stop.set()
        for inp in self.inputs:
            inp.source.stop()

    def wait(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)

    def now(self) -> float:
        """Session time of 'now' for emit stamps: the wall clock for live input."""
        if self.source.realtime:
            return time.monotonic() - self._wall0
        return self._vclock

    def level(self) -> float:
        """The loudest input's latest level, dBFS (one meter for the session)."""
        return max(i.level for i in self.inputs)

    def status(self, state: str | None = None) -> EngineStatus:
        pos = max(i.position for i in self.inputs)
        if state is None:
            speech = any(i.segmenter.in_speech for i in self.inputs)
            state = "transcribing" if self._busy else ("speech" if speech else "listening")
        with self.cond:
            backlog = sum(i.scheduler.backlog_s() for i in self.inputs)
        overflows = sum(i.source.overflows + (1 if i.lost_samples else 0) for i in self.inputs)
        rtf = self.compute_s / pos if pos else 0.0
        behind = self.settler.behind_s() if self.settler is not None else None
        every = max(i.segmenter.peek_s for i in self.inputs)
        slowed = every if every > SLOWED * self.inputs[0].cadence.target_s > 0 else None
        return EngineStatus(state, pos, self._last_latency, rtf, backlog, overflows, self.transcriber.language, behind,
                            slowed)  # fmt: skip

    def transcript(self) -> list[Caption]:
        """The session's transcript: settled text where there is some, live text elsewhere."""
        return self.record.transcript()

    # -- transcriber thread ----------------------------------------------------
    def _take(self) -> tuple[Input, Step] | str | None:
        """The oldest waiting work of any input: first come, first served, so none starves."""
        with self.cond:
            while True:
                ready = [i for i in self.inputs if i.scheduler.waiting]
                if ready:
                    inp = min(ready, key=lambda i: i.scheduler.waiting[0].ready)
                    step = inp.scheduler.next()
                    if step is not None:
                        break
                    continue
                if all(i.done for i in self.inputs):
                    self.cond.notify_all()
                    return None
                if self.echo is not None and self.echo.held:
                    # Microphone finals wait for system audio to settle; look again soon even if
                    # no new work comes (system audio may have gone quiet).
                    if not self.cond.wait(HELD_POLL_S):
                        return IDLE
                else:
                    self.cond.wait()
            self.cond.notify_all()  # room for a replay's pump
        if step.skipped_s:
            self.listener.on_error(
                CaptioningError(
                    f"transcription cannot keep up: skipped {step.skipped_s:.0f} s of speech "
                    "(use a smaller model or a GPU)"
                )
            )
        return inp, step

    def _deliver(self, inp: Input, captions: list[Caption]) -> None:
        shown: list[Caption] = []
        parts: list[Caption] = []
        for c in captions:
            c = replace(inp.stability.mark(c), id=live(c.id, self.inputs.index(inp), len(self.inputs)),
                        source=inp.label.source, speaker=inp.label.speaker)  # fmt: skip
            if inp.stream_end is not None:  # the last frame was padded with zeros
                end = min(c.end, at_ms(inp.stream_end))
                c = replace(c, start=min(c.start, end), end=end)
            parts += inp.speakers.label(c) if inp.speakers is not None else [c]  # a final may split at a new voice
        for c in parts:
            if self.echo is None:
                shown.append(c)
            elif inp.label.source == "system":
                self.echo.from_system(c)
                shown.append(c)
            else:
                shown += self.echo.from_mic(c)
        self._emit(shown)
        self._release()

    def _release(self, settled: float | None = None) -> None:
        """Microphone finals held for the echo check, once system audio is final past them."""
        if self.echo is None:
            return
        if settled is None:
            system = self.input("system")
            assert system is not None
            with self.cond:
                settled = system.settled()
        kept, echoes = self.echo.release(settled)
        for c in echoes:
            why = Rejection(c.start, c.end, f"echo of system audio (kept as {self._system_name()})", c.text)
            self.rejections.append(why)
            self.listener.on_rejection(why)
            if not any(k.id == c.id for k in kept):  # all of it was echo: take back its partial
                kept.append(Caption(c.start, c.end, "", True, c.language, id=c.id, source=c.source, speaker=c.speaker))
        self._emit(sorted(kept, key=lambda c: c.start))

    def _system_name(self) -> str:
        system = self.input("system")
        return (system.label.speaker if system is not None else "") or "system audio"

    def _emit(self, captions: list[Caption]) -> None:
        with self.record.lock:
            emit = at_ms(self.now())
            for c in captions:
                c = replace(c, emit=emit)
                if c.final and c.text and not c.settled:  # an empty final only retracts a partial
                    self._last_latency = emit - c.end
                self.record.add(c)
                self.listener.on_caption(c)

    emit_settled = _emit  # from the settle thread: each settled caption replaces the live captions it lists

    def _report_rejections(self) -> None:
        for k, inp in enumerate(self.inputs):
            found = inp.transcriber.rejections
            for r in found[self._reported.get(k, 0) :]:
                self.listener.on_rejection(r)
            self._reported[k] = len(found)
            notices = inp.transcriber.notices
            for note in notices[self._noticed.get(k, 0) :]:
                self.listener.on_notice(f"{hms(note.start)}: {note.reason.removeprefix('watchdog: ')}")
            self._noticed[k] = len(notices)

    def _transcribe_loop(self) -> None:
        try:
            while (taken := self._take()) is not None:
                if isinstance(taken, str):  # IDLE
                    self._release()
                    continue
                inp, step = taken
                chunk = step.chunk
                self._busy = True
                self.listener.on_status(self.status("transcribing"))
                t = time.monotonic()
                try:
                    captions = inp.transcriber.transcribe(chunk, greedy=step.greedy)
                except Exception as exc:
                    captions = []
                    self.listener.on_error(CaptioningError(f"transcription failed: {exc}"))
                spent = time.monotonic() - t
                self.compute_s += spent
                with self.cond:  # peeks offered while it ran are not decoded after it (Scheduler.passed)
                    for i in self.inputs:
                        i.scheduler.passed()
                if chunk.is_look and inp.source.realtime:  # peek as often as the passes allow
                    inp.segmenter.peek_s = inp.cadence.observe(spent)
                self._vclock = max(self._vclock, chunk.ready / SR) + spent
                self._deliver(inp, captions)
                self._report_rejections()
                self._busy = False
                self.listener.on_status(self.status())
            for inp in sorted(self.inputs, key=lambda i: i.label.source != "system"):  # system first: echo
                self._deliver(inp, inp.transcriber.flush())
            self._release(float("inf"))
            self._report_rejections()
            if self.settler is not None:  # the rest of the audio is settled before the session ends
                with self.cond:
                    self.settler.live_done.set()
                    self.cond.notify_all()
                self.listener.on_status(self.status("settling"))
                self.settler.join()
        except Exception as exc:
            self.listener.on_error(CaptioningError(f"transcription stopped: {exc}"))
        finally:
            self.record.close()  # under the lock an edit or rename from the window takes
            self.listener.on_status(self.status("stopped"))
            self.finished.set()
            self.listener.on_finished()
