"""Compare streaming settings quickly: the engine's decisions on a simulated real-time clock.

The stream is run through the VAD and segmenter once (cached per segmenter setting), then
one Transcriber takes the chunks on a virtual clock: a chunk is ready at its `ready`
sample, each pass advances the clock by its measured compute, and the engine's own
Scheduler (livecaption/streaming/scheduler.py) decides what is decoded next. Error rate
is exact; latencies and the real-time factor use the measured compute of each pass, so
they hold for this machine and load.

    python benchmarks/streaming_sim.py ../shared/speech/lecture_en.wav \\
        "context_s=16" "context_s=16, early=0" "context_s=16, chunk=3.0"

Each argument is one variant: TranscribeOptions fields, plus `early` (look after this many
ms of pause; 0: off) and `chunk` (target chunk seconds). Defaults are the app's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.scoring import pct, score
from livecaption.audio.files import read_audio
from livecaption.config import SessionConfig
from livecaption.samples import SR, VAD_FRAME, Chunk
from livecaption.session import load
from livecaption.streaming.cadence import Cadence
from livecaption.streaming.scheduler import Scheduler
from livecaption.streaming.segmenter import Segmenter, SegmenterConfig
from livecaption.streaming.vad import SileroVad
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


def segment(audio: np.ndarray, config: SegmenterConfig) -> list[Chunk]:
    vad, seg, out = SileroVad(), Segmenter(None, config), []
    step = 2 * VAD_FRAME
    end = len(audio) // VAD_FRAME * VAD_FRAME
    for i in range(0, end, step):
        frames = audio[i : min(i + step, end)]
        out += seg.push(i, frames, vad(frames))
    return out + seg.flush()


class TimedDecoder:
    """The real decoder, with its calls counted and timed by kind."""

    def __init__(self, decoder) -> None:
        self.decoder, self.name, self.multilingual = decoder, decoder.name, decoder.multilingual
        self.kinds: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def _timed(self, kind: str, fn, *args, **kwargs):
        t = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            self.kinds[kind][0] += 1
            self.kinds[kind][1] += time.monotonic() - t

    def transcribe(self, audio, **kw):
        return self._timed("decode alone", self.decoder.transcribe, audio, **kw)

    def encode(self, context, audio, window_s=None):
        return self._timed("encode with context", self.decoder.encode, context, audio, window_s)

    def continue_after(self, encoded, context_text, **kw):
        return self._timed("decode after context", self.decoder.continue_after, encoded, context_text, **kw)


def simulate(chunks: list[Chunk], transcriber: Transcriber, peek_s: float = 0.0) -> tuple[list, float]:
    """`peek_s`: the segmenter's peek interval; a look that comes sooner after the last one decoded
    than the engine's cadence (livecaption/streaming/cadence.py) allows is passed over, as the
    engine's segmenter would not have made it."""
    scheduler = Scheduler(live=True)
    cadence, last_look = Cadence(peek_s), -1e9
    clock, i, events, compute = 0.0, 0, [], 0.0
    while i < len(chunks) or scheduler.waiting:
        if not scheduler.waiting:
            clock = max(clock, chunks[i].ready / SR)
        while i < len(chunks) and chunks[i].ready / SR <= clock:
            scheduler.add(chunks[i])
            i += 1
        step = scheduler.next()
        if step is None:
            continue
        if step.chunk.is_look and peek_s and step.chunk.ready / SR - last_look < cadence.interval() - 0.05:
            continue
        t = time.monotonic()
        captions = transcriber.transcribe(step.chunk, greedy=step.greedy)
        spent = time.monotonic() - t
        compute += spent
        clock += spent
        while i < len(chunks) and chunks[i].ready / SR <= clock:  # offered while it ran
            scheduler.add(chunks[i])
            i += 1
        scheduler.passed()  # ...peeks among them are not decoded after it, as in the engine
        if step.chunk.is_look:
            last_look = step.chunk.ready / SR
            cadence.observe(spent)
        events += [replace(cap, emit=clock) for cap in captions]  # captions are frozen
    events += [replace(cap, emit=clock) for cap in transcriber.flush()]
    return events, compute


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stream", type=Path)
    ap.add_argument("variants", nargs="*", default=[""])
    ap.add_argument("--reference", type=Path, help="default: the stream's .json")
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    clips = json.loads((args.reference or args.stream.with_suffix(".json")).read_text(encoding="utf-8"))["clips"]
    unit = "word" if clips[0].get("language", "en") == "en" else "char"
    audio = read_audio(args.stream)
    duration = len(audio) / SR
    loaded = load(SessionConfig(model=args.model, device="cpu", threads=args.threads))
    segmented: dict[tuple, list[Chunk]] = {}
    for spec in args.variants:
        fields = eval(f"dict({spec})", {})  # a developer tool: variants are typed on its command line
        seg = SegmenterConfig(
            chunk_s=fields.pop("chunk", SegmenterConfig.chunk_s),
            look_after_ms=fields.pop("early", SegmenterConfig.look_after_ms),
        )
        key = (seg.chunk_s, seg.look_after_ms)
        if key not in segmented:
            segmented[key] = segment(audio, seg)
        fields.setdefault("language", "en" if unit == "word" else "auto")
        options = TranscribeOptions(**fields)
        decoder = TimedDecoder(loaded.decoder(options.encoder_s))
        t = Transcriber(decoder, options)
        events, compute = simulate(segmented[key], t)
        finals = [e for e in events if e.final and e.text]
        sc = score(clips, finals, unit, events)
        lat, part = sc["latency"], sc["partial_latency"]
        print(
            f"{spec or 'defaults'}: {'WER' if unit == 'word' else 'CER'} {100 * sc['error_rate']:.2f} %, "
            f"real-time factor {compute / duration:.3f}, final p50/p90 {pct(lat, 0.5):.2f}/{pct(lat, 0.9):.2f} s, "
            f"partial p50/p90 {pct(part, 0.5):.2f}/{pct(part, 0.9):.2f} s"
        )
        for kind, (n, spent) in sorted(decoder.kinds.items()):
            print(f"    {kind}: {n} calls, {spent:.1f} s, {spent / n:.3f} s each")
        print(f"    {t.stats}", flush=True)


if __name__ == "__main__":
    main()
