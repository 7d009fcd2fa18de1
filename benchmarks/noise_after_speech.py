"""Noise after speech, many seeds: it must give no words, live or settled (#34).

    python benchmarks/noise_after_speech.py                 # seeds 0-199, live and settled
    python benchmarks/noise_after_speech.py --seeds 20 --no-settle

For each seed: a sentence of real speech (../shared/speech/clips/61-70968-0000.flac, as
tests/transcription/test_real_model.py uses it), then 2 s later non-speech (benchmarks/noise.py:
silence, hum, white and pink noise, breathing) of 1, 3 or 6 s in turn, seeded.

* live: a Transcriber reads the sentence, then the noise as one chunk (no VAD in front of it, as if
  the noise had fooled the VAD), then flushes; any caption with words from the noise counts.
* settled: the settle pass over the recording (sentence, gap, noise), as `export --polish` and a
  crashed session's recovery read one; any piece that ends after the sentence counts.

Prints the seeds that gave words and the counts; exits 1 if any did.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.noise import non_speech
from livecaption.audio.files import read_audio
from livecaption.samples import SR, Chunk
from livecaption.settle.recording import settle_recording
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber
from livecaption.whisper.longform import WindowReader
from livecaption.whisper.models import load_model, resolve_model

GAP = 2 * SR
SHARED = Path(os.environ.get("LIVECAPTION_TEST_SPEECH") or Path(__file__).resolve().parents[2] / "shared" / "speech")
SENTENCE = "61-70968-0000.flac"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-live", action="store_true")
    ap.add_argument("--no-settle", action="store_true")
    args = ap.parse_args()
    loaded = load_model(resolve_model(args.model), "cpu", "int8", args.threads)
    speech = read_audio(SHARED / "clips" / SENTENCE)
    live_words: list[int] = []
    settled_words: list[int] = []
    t0 = time.monotonic()
    seeds = range(args.first, args.first + args.seeds)
    for seed in seeds:
        seconds = (1.0, 3.0, 6.0)[seed % 3]
        noise = non_speech(seconds, seed=seed)
        if not args.no_live:
            t = Transcriber(loaded.decoder(), TranscribeOptions(language="en"))
            t.transcribe(Chunk(0, speech, True, len(speech)))
            start = len(speech) + GAP
            found = t.transcribe(Chunk(start, noise, True, start + len(noise))) + t.flush()
            said = [c.text for c in found if c.text]
            if said:
                live_words.append(seed)
                print(f"live, seed {seed} ({seconds:.0f} s of noise): {said}", flush=True)
        if not args.no_settle:
            audio = np.concatenate((speech, np.zeros(GAP, np.float32), noise))
            pieces = settle_recording(WindowReader(loaded.model, "en"), audio) or []
            after = [p for p in pieces if p.end > (len(speech) + GAP // 4) / SR]
            if after:
                settled_words.append(seed)
                print(f"settled, seed {seed} ({seconds:.0f} s of noise): {[p.text for p in after]}", flush=True)
    n = len(seeds)
    if not args.no_live:
        print(f"live: {len(live_words)} of {n} seeds gave words {live_words}")
    if not args.no_settle:
        print(f"settled: {len(settled_words)} of {n} seeds gave words {settled_words}")
    print(f"{time.monotonic() - t0:.0f} s")
    return 1 if live_words or settled_words else 0


if __name__ == "__main__":
    sys.exit(main())
