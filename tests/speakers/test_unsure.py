"""A line whose voice is about as close to two speakers is marked unsure, live and kept (policy, on a
speaker model that hears a stretch's loudness as its voice: fast)."""

from dataclasses import replace

import numpy as np
from fakes import FakeDecoder, FakeReader, FakeSource, FakeVad, hear, say

from livecaption.captions import Caption
from livecaption.samples import SR, VAD_FRAME
from livecaption.settle.settler import SettlePass
from livecaption.speakers.labeller import SpeakerLabeller
from livecaption.streaming.engine import Engine
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber

ANA, BEN = np.eye(256, dtype=np.float32)[:2]


class LoudnessVoices:
    """A stretch at level 0.1 is Ana, 0.3 Ben; in between, a voice between theirs."""

    def embed(self, wav: np.ndarray) -> np.ndarray:
        t = float(np.clip((np.abs(wav).mean() - 0.1) / 0.2, 0.0, 1.0))
        v = (1 - t) * ANA + t * BEN
        return v / np.linalg.norm(v)


def session(levels: list[float]) -> tuple[SpeakerLabeller, list[tuple[float, float]]]:
    """Lines of 3 s at these levels, 1 s of silence between, fed as the pump feeds them."""
    parts, spans, t = [], [], 0.0
    for level in levels:
        parts += [np.full(3 * SR, level, np.float32), np.zeros(SR, np.float32)]
        spans.append((t, t + 3.0))
        t += 4.0
    audio = np.concatenate(parts)
    labeller = SpeakerLabeller(LoudnessVoices())  # type: ignore[arg-type]
    for k in range(0, len(audio) // VAD_FRAME * VAD_FRAME, VAD_FRAME * 16):
        block = audio[k : k + VAD_FRAME * 16]
        n = len(block) // VAD_FRAME
        labeller.track.feed(k, block[: n * VAD_FRAME], (np.abs(block[: n * VAD_FRAME]).reshape(n, -1).max(1) > 0).astype(float))
    return labeller, spans


def test_a_voice_between_two_speakers_is_marked_live_and_in_the_kept_transcript():
    labeller, spans = session([0.1, 0.3, 0.1, 0.3, 0.2, 0.1])
    finals = [labeller.label(Caption(a, b, f"line {k}", True, id=k + 1))[0] for k, (a, b) in enumerate(spans)]
    assert [c.speaker for c in finals[:4]] == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"]
    assert [c.unsure for c in finals] == [False, False, False, False, True, False]
    kept = labeller.kept()
    assert kept.unsure == frozenset({5}) and set(kept.names) == {1, 2, 3, 4, 5, 6}
    assert replace(finals[4], unsure=False).to_dict().get("unsure") is None and finals[4].to_dict()["unsure"] is True


class WordVoices:
    """Fake speech's voices: words that begin with "a" are Ana's, with "b" Ben's, any other between."""

    def embed(self, wav: np.ndarray) -> np.ndarray:
        words = hear(wav) or ["?"]
        v = sum(ANA if w[0] == "a" else BEN if w[0] == "b" else (ANA + BEN) / 2 for w in words)
        return v / np.linalg.norm(v)


def test_the_settled_transcript_marks_the_line_read_again_over_an_unsure_voice():
    gap = np.zeros(int(0.8 * SR), np.float32)
    lines = ["anna asks about apples at all avocado auctions around april", "ben brings bread before breakfast but bob bakes better buns",
             "all along arles avenue an artist arrives after august", "but bakers bought barley by boat because bob begged",
             "maybe mister moss means many more meetings monday morning", "anna agrees again as always after ann asks"]  # fmt: skip
    audio = np.concatenate([gap] + [np.concatenate((say(t), gap)) for t in lines])
    e = Engine(FakeSource(audio), Transcriber(FakeDecoder(), TranscribeOptions(language="en")), vad=FakeVad())
    e.inputs[0].speakers = SpeakerLabeller(WordVoices())  # type: ignore[arg-type]
    e.inputs[0].settle = SettlePass(FakeReader())
    e.start()
    assert e.wait(30)
    kept = e.transcript()
    assert [c.text for c in kept] == lines and all(c.settled for c in kept)
    assert [c.unsure for c in kept] == [False, False, False, False, True, False]
    assert [c.speaker for c in kept][:4] == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"]
