"""Compare streaming settings quickly: the engine's decisions on a simulated real-time clock.

The stream is run through the VAD and segmenter once (cached per segmenter setting), then
one Transcriber takes the chunks in order on a virtual clock: a chunk is ready at its
`ready` sample, each pass advances the clock by its measured compute, and the engine's
rules apply (an early look is dropped when newer work is already waiting; contiguous
waiting chunks are decoded together). Error rate is exact; latencies and the real-time
factor use the measured compute of each pass, so they hold for this machine and load.

    python benchmarks/streaming_sim.py ../shared/speech/lecture_en.wav \\
        "context_s=16" "context_s=16, early=0" "context_s=16, chunk=3.0"

Each argument is one variant: TranscribeOptions fields, plus `early` (look after this many
ms of pause; 0: off) and `chunk` (target chunk seconds). Defaults are the app's.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from livecaption.audio import SAMPLE_RATE, read_audio
from livecaption.bench import _pct, score
from livecaption.models import load_model, resolve_model
from livecaption.segmenter import Chunk, Segmenter, SegmenterConfig
from livecaption.transcriber import TranscribeOptions, Transcriber
from livecaption.vad import FRAME, SileroVad


def segment(audio: np.ndarray, config: SegmenterConfig) -> list[Chunk]:
    vad, seg, out = SileroVad(), Segmenter(None, config), []
    step = 2 * FRAME
    for i in range(0, len(audio) // FRAME * FRAME, step):
        frames = audio[i : i + step]
        out += seg.push(i, frames, vad(frames))
    return out + seg.flush()


class _Timed(Transcriber):
    """Counts passes and their compute by kind."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kinds: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def _run(self, chunks, final=False, window=None):
        t = time.monotonic()
        try:
            return super()._run(chunks, final, window)
        finally:
            kind = (
                ("final, look's encoding" if window else "final")
                if final
                else ("look" if chunks[-1].peek else "chunk partial")
            )
            self.kinds[kind][0] += 1
            self.kinds[kind][1] += time.monotonic() - t


def simulate(chunks: list[Chunk], transcriber: _Timed) -> tuple[list, float]:
    clock, i, events, compute = 0.0, 0, [], 0.0
    while i < len(chunks):
        c = chunks[i]
        i += 1
        clock = max(clock, c.ready / SAMPLE_RATE)
        while c.peek and i < len(chunks) and chunks[i].ready / SAMPLE_RATE <= clock:
            c, i = chunks[i], i + 1  # a look is only worth it when nothing else waits
        while not c.peek and i < len(chunks) and chunks[i].ready / SAMPLE_RATE <= clock:
            n = chunks[i]
            if n.peek:
                i += 1
                continue
            if n.start != c.end:
                break
            i += 1
            c = Chunk(c.start, np.concatenate((c.audio, n.audio)), n.utterance_end, n.ready, look=n.look)
        t = time.monotonic()
        captions = transcriber.transcribe(c)
        spent = time.monotonic() - t
        compute += spent
        clock += spent
        for cap in captions:
            cap.emit = clock
            events.append(cap)
    for cap in transcriber.flush():
        cap.emit = clock
        events.append(cap)
    return events, compute


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stream", type=Path)
    ap.add_argument("variants", nargs="*", default=[""])
    ap.add_argument("--reference", type=Path, help="default: the stream's .json")
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    clips = json.loads((args.reference or args.stream.with_suffix(".json")).read_text(encoding="utf-8"))["clips"]
    unit = "word" if clips[0].get("language", "en") == "en" else "char"
    audio = read_audio(args.stream)
    duration = len(audio) / SAMPLE_RATE
    loaded = load_model(resolve_model(args.model), "cpu", "int8", args.threads)
    segmented: dict[tuple, list[Chunk]] = {}
    for spec in args.variants:
        fields = eval(f"dict({spec})", {})  # a developer tool: variants are typed on its command line
        seg = SegmenterConfig(
            chunk_s=fields.pop("chunk", SegmenterConfig.chunk_s),
            early_partial_ms=fields.pop("early", SegmenterConfig.early_partial_ms),
        )
        key = (seg.chunk_s, seg.early_partial_ms)
        if key not in segmented:
            segmented[key] = segment(audio, seg)
        fields.setdefault("language", "en" if unit == "word" else "auto")
        t = _Timed(loaded, TranscribeOptions(**fields))
        events, compute = simulate(segmented[key], t)
        finals = [e for e in events if e.final and e.text]
        sc = score(clips, finals, unit, events)
        lat, part = sc["latency"], sc["partial_latency"]
        print(
            f"{spec or 'defaults'}: {'WER' if unit == 'word' else 'CER'} {100 * sc['error_rate']:.2f} %, "
            f"real-time factor {compute / duration:.3f}, final p50/p90 {_pct(lat, 0.5):.2f}/{_pct(lat, 0.9):.2f} s, "
            f"partial p50/p90 {_pct(part, 0.5):.2f}/{_pct(part, 0.9):.2f} s"
        )
        for kind, (n, spent) in sorted(t.kinds.items()):
            print(f"    {kind}: {n} passes, {spent:.1f} s, {spent / n:.3f} s each")
        print(f"    context passes {t.context_passes}, decoded alone after doubt {t.context_fallbacks}", flush=True)


if __name__ == "__main__":
    main()
