"""Speech that short read clips never test: a voice that drops mid-sentence, and talk without a pause.

Real recordings (tests/data), through the real VAD, segmenter and model, as the app captions them.
"""

import itertools

import numpy as np
import pytest

from benchmarks.metrics import error_rate, normalize_words
from livecaption.audio import read_audio
from livecaption.audio.sources import ArraySource
from livecaption.samples import SR
from livecaption.streaming.engine import Engine
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber

pytestmark = pytest.mark.model

JFK = "and so my fellow americans ask not what your country can do for you ask what you can do for your country"
LAMPS = "after early nightfall the yellow lamps would light up here and there the squalid quarter of the brothels"
WIZARD = "he began a confused complaint against the wizard who had vanished behind the curtain on the left"


def _trim(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > 0.02 * np.abs(audio).max())
    return audio[max(0, loud[0] - 480) : loud[-1] + 480]


def _at_dbfs(audio: np.ndarray, dbfs: float) -> np.ndarray:
    return audio * 10 ** ((dbfs - 20 * np.log10(np.sqrt(np.mean(np.square(audio))))) / 20)


def _one_utterance(*parts: np.ndarray, gap_s: float = 0.15) -> np.ndarray:
    """The clips joined by gaps shorter than the VAD's end of an utterance (0.4 s), with a second of
    silence before and after."""
    gap = np.zeros(int(gap_s * SR), np.float32)
    pieces = [np.zeros(SR, np.float32)]
    for p in parts:
        pieces += [p.astype(np.float32), gap]
    return np.concatenate([*pieces, np.zeros(SR, np.float32)])


def _caption(loaded_model, audio: np.ndarray, **options) -> tuple[list, Transcriber]:
    t = Transcriber(loaded_model.decoder(), TranscribeOptions(language="en", **options))
    engine = Engine(ArraySource(audio), t)
    engine.start()
    assert engine.wait(300)
    return engine.captions, t


def test_a_sentence_said_quietly_inside_continuous_speech_is_captioned(speech, loaded_model, jfk):
    """The held-out failure: a speaker dropped to about -35 dBFS mid-stream and a whole stretch got
    no caption. Here the middle sentence of one unbroken utterance is at -35 dBFS RMS."""
    wizard = _trim(read_audio(speech / "61-70968-0000.flac"))
    lamps = _at_dbfs(_trim(read_audio(speech / "1089-134686-0001.flac")), -35.0)
    audio = _one_utterance(_at_dbfs(_trim(jfk), -22.0), lamps, _at_dbfs(wizard, -22.0))
    captions, t = _caption(loaded_model, audio)
    said = normalize_words(" ".join(c.text for c in captions))
    quiet = normalize_words(LAMPS)
    heard = sum(1 for w in quiet if w in said)
    assert heard >= 0.8 * len(quiet), (heard, said)
    assert error_rate(f"{JFK} {LAMPS} {WIZARD}", " ".join(c.text for c in captions)) < 0.2
    assert not [r for r in t.rejections if r.end - r.start > 1.0], t.rejections


def test_talk_without_a_pause_is_committed_in_pieces_without_repeats_or_gaps(speech, loaded_model, jfk):
    """30 s with no pause long enough to end an utterance: committed in pieces as it goes (not held
    to the end), and the pieces join up without a word twice or missing at the seams."""
    wizard = _trim(read_audio(speech / "61-70968-0000.flac"))
    lamps = _trim(read_audio(speech / "1089-134686-0001.flac"))
    audio = _one_utterance(_trim(jfk), lamps, wizard, _trim(jfk), gap_s=0.1)
    captions, _ = _caption(loaded_model, audio, commit_after_s=8.0)
    assert len(captions) >= 3  # committed along the way
    assert all(a.end <= b.start + 0.01 for a, b in itertools.pairwise(captions))
    reference = f"{JFK} {LAMPS} {WIZARD} {JFK}"
    joined = " ".join(c.text for c in captions)
    assert error_rate(reference, joined) < 0.12, joined
    assert len(normalize_words(joined)) <= len(normalize_words(reference)) + 2  # nothing read twice
