"""Where a live pass's time goes (#37): the encoder window, the decoder's beam and length, word times, context.

    python -m benchmarks.pass_cost [--stream lecture_en] [--repeat 5] [--threads 2]

Passes are cut from a real stream the way the live path makes them: the context (the committed speech before,
up to 16 s, and its text as the decoder's prefix) and new speech of 1, 2, 4 or 8 s after it. Each part is timed
alone, median of `--repeat` runs, on this machine:

* encode: the encoder over context + new speech, padded to a window of 10, 20 or 30 s (anchored.encode);
* decode: the decoder after the context's text, greedy (a look) or beam 5 (a final), with or without word times;
* the words each setting gives, against the beam-5, 30 s window reading of the same pass (how many differ).

A look today: peek window 10 s and context up to 4 s, greedy, no word times; a final: window 20 s, beam 5, word
times only when a long utterance is committed in pieces (transcription/options.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from benchmarks.metrics import align, normalize_words
from livecaption.audio.files import read_audio
from livecaption.config import SessionConfig
from livecaption.samples import SR
from livecaption.session import load
from livecaption.transcription.options import TranscribeOptions

SHARED = Path(__file__).resolve().parents[2] / "shared" / "speech"


def timed(fn, repeat: int):
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stream", default="lecture_en")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0: the app's default)")
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args()
    meta = json.loads((SHARED / f"{args.stream}.json").read_text(encoding="utf-8"))
    audio = read_audio(SHARED / f"{args.stream}.wav")
    loaded = load(SessionConfig(threads=args.threads))
    decoder = loaded.decoder(20.0)
    settings = TranscribeOptions().settings()
    clip = next(c for c in meta["clips"] if c["start"] > 20 and c["end"] - c["start"] >= 8)  # a pass with context
    ctx_text = " ".join(c["text"] for c in meta["clips"] if c["end"] <= clip["start"])[-200:]
    rows = []
    for new_s in (1, 2, 4, 8):
        for context_s in (4, 16):
            a = int(clip["start"] * SR)
            context, new = audio[a - context_s * SR : a], audio[a : a + new_s * SR]
            ref_enc = decoder.encode(context, new, 30.0)
            if ref_enc is None:
                continue
            ref = decoder.continue_after(ref_enc, ctx_text, language="en", prompt=None, beam_size=5, settings=settings)
            for window in (10.0, 20.0, 30.0):
                enc, t_enc = timed(lambda w=window, c=context, n=new: decoder.encode(c, n, w), args.repeat)
                if enc is None:
                    continue  # context + speech longer than the window
                for beam, words in ((1, False), (1, True), (5, False), (5, True)):
                    cont, t_dec = timed(lambda e=enc, b=beam, wt=words: decoder.continue_after(
                        e, ctx_text, language="en", prompt=None, beam_size=b, settings=settings, word_times=wt,
                    ), args.repeat)  # fmt: skip
                    diff = align(normalize_words(ref.text), normalize_words(cont.text)).errors
                    rows.append({"new_s": new_s, "context_s": context_s, "window_s": window, "beam": beam,
                                 "word_times": words, "encode_ms": round(1000 * t_enc), "decode_ms": round(1000 * t_dec),
                                 "words_off_from_best": diff})  # fmt: skip
                    print(json.dumps(rows[-1]), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"stream": args.stream, "rows": rows}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
