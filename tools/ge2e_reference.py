"""Reference embeddings from the original resemblyzer (torch), for tests/speakers/test_encoder.py.

Run once, in a throwaway environment that has torch (the app never does):

    python -m venv /tmp/tv && /tmp/tv/bin/pip install torch librosa webrtcvad-wheels soundfile \
        && /tmp/tv/bin/pip install --no-deps resemblyzer==0.1.4
    /tmp/tv/bin/python tools/ge2e_reference.py

Each test clip (and the first 1.2 s of one: shorter than one 1.6 s piece) is raised to -30 dBFS as
resemblyzer's preprocess_wav does (its silence trimming is left out: the app embeds speech its VAD
already found) and embedded with VoiceEncoder.embed_utterance; the result goes to
tests/data/ge2e_reference.npz. The clips are read from the shared speech set (../shared/speech/clips, or the
folder named by $LIVECAPTION_TEST_SPEECH), never copied into the project.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf
from resemblyzer import VoiceEncoder
from resemblyzer.audio import normalize_volume

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SPEECH = Path(os.environ.get("LIVECAPTION_TEST_SPEECH", ROOT.parent / "shared" / "speech")) / "clips"
CLIPS = ("jfk.flac", "61-70968-0000.flac", "1089-134686-0001.flac", "ko_test_0000.flac")


def main() -> None:
    enc = VoiceEncoder("cpu", verbose=False)
    out = {}
    for name in CLIPS:
        wav, sr = sf.read(SPEECH / name, dtype="float32")
        assert sr == 16000
        out[name] = enc.embed_utterance(normalize_volume(wav, -30, increase_only=True))
    wav, _ = sf.read(SPEECH / CLIPS[1], dtype="float32")
    out["short:" + CLIPS[1]] = enc.embed_utterance(normalize_volume(wav[:19200], -30, increase_only=True))
    np.savez(DATA / "ge2e_reference.npz", **out)
    for k, v in out.items():
        print(k, v.shape, np.round(v[:4], 4))


if __name__ == "__main__":
    main()
