import numpy as np
import pytest
from conftest import non_speech

from livecaption.samples import SR, VAD_FRAME
from livecaption.streaming.segmenter import Segmenter, SegmenterConfig
from livecaption.streaming.vad import SileroVad, VadConfig


def trim(a):
    return a[: len(a) // VAD_FRAME * VAD_FRAME]


def test_finds_speech_in_real_clip(jfk):
    probs = SileroVad()(trim(jfk))
    assert (probs > 0.5).mean() > 0.5


@pytest.mark.parametrize("part", ["silence", "hum", "white", "pink", "breath"])
def test_no_speech_in_non_speech(part):
    audio = non_speech(50)
    q = len(audio) // 5
    i = ["silence", "hum", "white", "pink", "breath"].index(part)
    probs = SileroVad()(trim(audio[i * q : (i + 1) * q]))
    assert (probs >= 0.5).sum() <= 2, f"{part}: {probs.max():.2f}"


def test_streaming_matches_whole(jfk):
    audio = trim(jfk)
    vad = SileroVad()
    whole = vad(audio)
    vad.reset()
    pieces = np.concatenate([vad(audio[i : i + 3 * VAD_FRAME]) for i in range(0, len(audio), 3 * VAD_FRAME)])
    np.testing.assert_allclose(pieces, whole, atol=1e-6)


def test_hysteresis_and_padding_on_real_speech(jfk):
    """Silence - speech - silence: one utterance, padded, starting near the speech."""
    audio = trim(np.concatenate((np.zeros(SR * 2, np.float32), jfk, np.zeros(SR * 2, np.float32))))
    probs = SileroVad()(audio)
    seg = Segmenter(
        VadConfig(min_silence_ms=2000, speech_pad_ms=300),
        SegmenterConfig(chunk_s=30, reach_forward_s=0, look_after_ms=0, peek_s=0),
    )
    chunks = seg.push(0, audio, probs) + seg.flush()
    assert len(chunks) == 1
    c = chunks[0]
    first_speech = int(np.argmax(probs >= 0.5)) * VAD_FRAME
    assert first_speech - 0.35 * SR <= c.start <= first_speech - 0.25 * SR  # 300 ms of pre-roll
    assert c.utterance_end
    assert c.end <= len(audio) - 1.5 * SR  # trailing silence was not sent to the model


def test_digital_silence_costs_no_model_call_and_speech_after_it_is_found(jfk):
    """A monitor with nothing playing gives exact zeros for hours: the model is not run on them."""
    vad = SileroVad()
    calls = []
    model = vad._session
    vad._session = type("Counted", (), {"run": lambda _self, *a: calls.append(1) or model.run(*a)})()
    speech = trim(jfk)
    probs = np.concatenate([vad(np.zeros(3 * VAD_FRAME, np.float32)) for _ in range(50)] + [vad(speech)])
    assert len(calls) == 1 and not probs[:150].any()
    np.testing.assert_allclose(probs[150:], SileroVad()(speech), atol=1e-6)  # as if the stream began with it
