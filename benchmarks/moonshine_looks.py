"""Moonshine tiny-en looks beside Whisper tiny.en looks (#37 item 5): CPU per look, and words.

A look reads the speech in progress: here 1, 2, 4 and 8 s from the start of a clip of a real stream
(clips of at least 8 s), and the whole clip. Whisper's look is the live path's peek without its context:
tiny.en int8, encoder window 10 s (it grows to fit a longer clip), greedy, no word times
(`TranscribeOptions.peek_window_s`, `partial_beam_size`). Moonshine's look is moonshine-voice's tiny-en
(the weights bundled in the package: ONNX Runtime, quantized) over the same samples.

moonshine-voice is not a dependency of the project and must stay out of .venv, so the measurement runs
in two halves, from the repository root:

    # 1. Whisper, in the project's venv: times the looks and reads each piece offline (below)
    .venv/bin/python -m benchmarks.moonshine_looks --whisper-out /tmp/whisper_looks.json \\
        [--streams lecture_en,names_a,names_b] [--passages 0] [--lengths 1,2,4,8] [--repeat 5]
    # 2. Moonshine, in a venv of its own, over the same pieces; prints the table side by side
    python3 -m venv /work/moonshine-venv
    /work/moonshine-venv/bin/pip install moonshine-voice==0.0.73 numpy soundfile
    /work/moonshine-venv/bin/python -m benchmarks.moonshine_looks --whisper-json /tmp/whisper_looks.json \\
        [--repeat 5] [--json benchmarks/results/moonshine_looks.json]

Half 2 alone (no --whisper-json) times Moonshine only and scores only the whole-clip looks. The Moonshine
venv needs nothing of the project's but numpy and soundfile: `python -m` from the root imports
benchmarks.metrics and livecaption.audio.files from the source tree.

Cost: CPU milliseconds of the look alone (time.process_time, every thread of the process, so
CTranslate2's compute thread is counted), median of --repeat, after one look to warm up; wall time is kept
too. One core each, as the live path gets: Whisper with --threads 1 (CTranslate2 intra threads);
Moonshine with MOONSHINE_ORT_SINGLE_THREAD=1, set here before its sessions are made (moonshine-voice
0.0.73 has no thread option; with the variable its ONNX Runtime sessions get one intra-op and one
inter-op thread and sequential execution). Whisper's side runs as the app does, with numpy's BLAS on one
thread (livecaption/threads.py: before that, a second BLAS thread spinning after each mel product doubled
a look's CPU for the same wall time).

Whisper's look includes its mel features; Moonshine's includes the Silero VAD that moonshine-voice runs
in front of its model (it has no way to skip it), so
`moonshine vad ms` is also measured: the same call over silence of the same length, in a second
transcriber at the default VAD threshold, where the VAD finds nothing and the model never runs. The app
runs its own VAD once per chunk, so the model's own cost is about the look less that.

Moonshine's VAD threshold is 0 here (--vad-threshold): the app's VAD has already found the speech, so
Moonshine reads the whole look as one piece, as Whisper does (at its default, 0.5, it cuts a look at
short pauses and drops what it takes for silence). Each look uses a fresh stream: the batch call
(transcribe_without_streaming) keeps its VAD between calls, and the tail of the previous audio came back
as a line of its own ("You").

Words, WER after benchmarks.metrics.normalize_words (both write cased, punctuated text): every look
against the offline Whisper reading of the same samples (tiny.en, beam 5, 30 s window, as pass_cost's
reference; a Whisper reading, so it favours Whisper's looks); whole-clip looks also against the clip's
reference text, as is the offline reading itself.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

from benchmarks.metrics import align, normalize_words
from livecaption.audio.files import read_audio

SR = 16000
SHARED = Path(__file__).resolve().parents[2] / "shared" / "speech"
CLIP = "clip"  # the look over the whole clip


def plan(streams: list[str], count: int, lengths: list[float]) -> list[dict]:
    """The looks: for `count` clips of each stream at least max(lengths) long, evenly spread (0: all),
    one look per length from the clip's start and one over the whole clip."""
    rows = []
    for stream in streams:
        meta = json.loads((SHARED / f"{stream}.json").read_text(encoding="utf-8"))
        clips = [(i, c) for i, c in enumerate(meta["clips"]) if c["end"] - c["start"] >= max(lengths)]
        if 0 < count < len(clips):
            clips = [clips[round(k * (len(clips) - 1) / max(1, count - 1))] for k in range(count)]
        for i, c in clips:
            for n in lengths:
                rows.append({"stream": stream, "clip": i, "start": c["start"], "look": f"{n:g} s", "seconds": n,
                             "reference": None})  # fmt: skip
            rows.append({"stream": stream, "clip": i, "start": c["start"], "look": CLIP,
                         "seconds": round(c["end"] - c["start"], 3), "reference": c["text"]})  # fmt: skip
    return rows


def pieces(rows: list[dict]) -> list[np.ndarray]:
    streams = {r["stream"]: read_audio(SHARED / f"{r['stream']}.wav") for r in rows}
    out = []
    for r in rows:
        a = round(r["start"] * SR)
        out.append(np.ascontiguousarray(streams[r["stream"]][a : a + round(r["seconds"] * SR)], dtype=np.float32))
    return out


def ms(values: list[float]) -> float:
    return round(1000 * statistics.median(values), 1)


def whisper_side(args, rows: list[dict]) -> None:
    from livecaption.config import SessionConfig
    from livecaption.session import load
    from livecaption.transcription.options import TranscribeOptions

    decoder = load(SessionConfig(threads=args.threads)).decoder(20.0)
    options = TranscribeOptions()
    settings = options.settings()
    none = np.zeros(0, np.float32)

    def read(audio: np.ndarray, window_s: float, beam: int) -> str:
        enc = decoder.encode(none, audio, window_s)
        return decoder.continue_after(enc, "", language="en", prompt=None, beam_size=beam, settings=settings).text

    audio = pieces(rows)
    read(audio[0], options.peek_window_s, options.partial_beam_size)  # warm up
    for r, a in zip(rows, audio, strict=True):
        cpu, wall = [], []
        for _ in range(args.repeat):
            c, w = time.process_time(), time.perf_counter()
            text = read(a, options.peek_window_s, options.partial_beam_size)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
        r.update(whisper_look=text.strip(), whisper_cpu_ms=ms(cpu), whisper_wall_ms=ms(wall),
                 whisper_offline=read(a, 30.0, options.beam_size).strip())  # fmt: skip
        print(json.dumps(r), flush=True)
    meta = {"engine": "whisper tiny.en (the app's model)", "threads": args.threads, "repeat": args.repeat,
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")}  # fmt: skip
    Path(args.whisper_out).write_text(json.dumps({"whisper": meta, "rows": rows}, indent=1), encoding="utf-8")


class MoonshineReader:
    """moonshine-voice's transcriber, called through its C API with the array's own memory (the Python
    wrapper copies every sample into a ctypes array first), a fresh stream per look."""

    def __init__(self, options: dict[str, str]):
        from moonshine_voice import ModelArch, Transcriber, get_model_path

        base = {"identify_speakers": "false", "return_audio_data": "false", "word_timestamps": "false"}
        self.transcriber = Transcriber(str(get_model_path("tiny-en")), ModelArch.TINY, options={**base, **options})
        self.lib, self.handle = self.transcriber._lib, self.transcriber._handle

    def look(self, audio: np.ndarray) -> tuple[str, float, float]:
        """The text of `audio` read as one stream update, and the CPU and wall seconds of that update."""
        import ctypes

        from moonshine_voice.errors import check_error
        from moonshine_voice.moonshine_api import MOONSHINE_FLAG_FORCE_UPDATE, TranscriptC

        lib, h = self.lib, self.handle
        stream = lib.moonshine_create_stream(h, 0)
        check_error(stream)
        try:
            check_error(lib.moonshine_start_stream(h, stream))
            samples = audio.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            out = ctypes.POINTER(TranscriptC)()
            c, w = time.process_time(), time.perf_counter()
            check_error(lib.moonshine_transcribe_add_audio_to_stream(h, stream, samples, len(audio), SR, 0))
            check_error(lib.moonshine_transcribe_stream(h, stream, MOONSHINE_FLAG_FORCE_UPDATE, ctypes.byref(out)))
            cpu, wall = time.process_time() - c, time.perf_counter() - w
            lines = self.transcriber._parse_transcript(out).lines
        finally:
            lib.moonshine_stop_stream(h, stream)
            lib.moonshine_free_stream(h, stream)
        return " ".join(t for t in (line.text.strip() for line in lines) if t), cpu, wall


def moonshine_side(args, rows: list[dict]) -> dict:
    os.environ["MOONSHINE_ORT_SINGLE_THREAD"] = "1"  # read when its ONNX Runtime sessions are made
    reader = MoonshineReader({"vad_threshold": str(args.vad_threshold)})
    vad_only = MoonshineReader({})  # the default threshold: over silence only the VAD runs
    audio = pieces(rows)
    reader.look(audio[0])  # warm up
    vad_only.look(np.zeros_like(audio[0]))
    vad_ms: dict[int, float] = {}
    for r, a in zip(rows, audio, strict=True):
        cpu, wall = [], []
        for _ in range(args.repeat):
            text, c, w = reader.look(a)
            cpu.append(c)
            wall.append(w)
        if len(a) not in vad_ms:
            vad_ms[len(a)] = ms([vad_only.look(np.zeros_like(a))[1] for _ in range(args.repeat)])
        r.update(moonshine_look=text, moonshine_cpu_ms=ms(cpu), moonshine_wall_ms=ms(wall),
                 moonshine_vad_ms=vad_ms[len(a)])  # fmt: skip
        print(json.dumps(r), flush=True)
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        threads = None
    from importlib.metadata import version

    return {"engine": f"moonshine-voice {version('moonshine-voice')} tiny-en (bundled)", "repeat": args.repeat,
            "vad_threshold": args.vad_threshold, "process_threads": threads}  # fmt: skip


def wer(rows: list[dict], ref_key: str, hyp_key: str) -> str:
    pairs = [(r[ref_key], r[hyp_key]) for r in rows if r.get(ref_key) is not None and hyp_key in r]
    if not pairs:
        return "–"
    found = [align(normalize_words(ref), normalize_words(hyp)) for ref, hyp in pairs]
    words = sum(a.ref_len for a in found)
    return f"{100 * sum(a.errors for a in found) / max(1, words):.0f} %"


def median_of(rows: list[dict], key: str) -> str:
    values = [r[key] for r in rows if key in r]
    return f"{statistics.median(values):.0f}" if values else "–"


def table(rows: list[dict]) -> str:
    out = ["| look | n | speech s | CPU ms: Whisper look / Moonshine look (of it VAD) | WER vs offline Whisper: "
           "Whisper look / Moonshine | WER vs reference: offline Whisper / Whisper look / Moonshine |",
           "|---|---|---|---|---|---|"]  # fmt: skip
    for look in dict.fromkeys(r["look"] for r in rows):
        rs = [r for r in rows if r["look"] == look]
        seconds = statistics.mean(r["seconds"] for r in rs)
        out.append(
            f"| {look} | {len(rs)} | {seconds:.1f} | {median_of(rs, 'whisper_cpu_ms')} / "
            f"{median_of(rs, 'moonshine_cpu_ms')} ({median_of(rs, 'moonshine_vad_ms')}) | "
            f"{wer(rs, 'whisper_offline', 'whisper_look')} / {wer(rs, 'whisper_offline', 'moonshine_look')} | "
            f"{wer(rs, 'reference', 'whisper_offline')} / {wer(rs, 'reference', 'whisper_look')} / "
            f"{wer(rs, 'reference', 'moonshine_look')} |"
        )
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--whisper-out", metavar="OUT", help="run the Whisper half (project venv) and write OUT")
    ap.add_argument("--whisper-json", metavar="IN", help="the Moonshine half: the looks and Whisper's results")
    ap.add_argument("--streams", default="lecture_en,names_a,names_b")
    ap.add_argument("--passages", type=int, default=0, help="clips per stream (0: every clip long enough)")
    ap.add_argument("--lengths", default="1,2,4,8", help="seconds of speech in progress per look")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="Whisper's CPU threads (the live path gets one core)")
    ap.add_argument("--vad-threshold", type=float, default=0.0, help="Moonshine's VAD threshold (library: 0.5)")
    ap.add_argument("--json", metavar="OUT", help="the Moonshine half: write rows and table to OUT")
    args = ap.parse_args()
    if args.whisper_json:
        data = json.loads(Path(args.whisper_json).read_text(encoding="utf-8"))
        rows, meta = data["rows"], {"whisper": data["whisper"]}
    else:
        rows, meta = plan(args.streams.split(","), args.passages, [float(x) for x in args.lengths.split(",")]), {}
    if args.whisper_out:
        whisper_side(args, rows)
        return 0
    meta["moonshine"] = moonshine_side(args, rows)
    print(json.dumps(meta))
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({**meta, "table": table(rows), "rows": rows}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
