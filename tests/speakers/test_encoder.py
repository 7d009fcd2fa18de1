"""The speaker model as shipped: the original's embeddings, its checksum, voices told apart."""

import shutil

import numpy as np
import pytest
from conftest import DATA

from livecaption.audio import read_audio
from livecaption.speakers.encoder import WEIGHTS, SpeakerEncoder, SpeakerModelError


@pytest.fixture(scope="module")
def encoder():
    return SpeakerEncoder()


def test_embeddings_match_the_original_resemblyzer(speech, encoder):
    reference = np.load(DATA / "ge2e_reference.npz")  # tools/ge2e_reference.py, with torch, once
    assert len(reference.files) == 5
    for key in reference.files:
        name = key.split(":")[-1]
        audio = read_audio(speech / name)
        if key.startswith("short:"):
            audio = audio[:19200]  # 1.2 s: shorter than one 1.6 s piece, padded as the original pads it
        ours = encoder.embed(audio)
        assert ours.shape == (256,)
        assert np.abs(ours - reference[key]).max() < 1e-5, key


def test_one_voice_is_closer_to_itself_than_to_another(speech, encoder):
    jfk = read_audio(speech / "jfk.flac")
    other = read_audio(speech / "1089-134686-0001.flac")
    first, second = encoder.embed(jfk[: 5 * 16000]), encoder.embed(jfk[5 * 16000 :])
    assert first @ second > 0.75
    assert first @ encoder.embed(other) < first @ second - 0.15


def test_a_damaged_model_is_one_clear_error(tmp_path):
    broken = tmp_path / "ge2e.npz"
    shutil.copy(WEIGHTS, broken)
    data = bytearray(broken.read_bytes())
    data[len(data) // 2] ^= 0xFF
    broken.write_bytes(bytes(data))
    with pytest.raises(SpeakerModelError, match="damaged"):
        SpeakerEncoder(broken)
    with pytest.raises(SpeakerModelError, match="cannot be read"):
        SpeakerEncoder(tmp_path / "missing.npz")
