"""The multilingual base model (the [multilingual] extra) on real Korean speech."""

import re

import pytest
from conftest import DATA, SR, need

from benchmarks.metrics import error_rate
from livecaption.audio import FileSource, read_audio
from livecaption.streaming.engine import Engine
from livecaption.streaming.segmenter import Chunk
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber
from livecaption.whisper import joined_model

pytestmark = pytest.mark.model  # loads the real Whisper model

KO = "몬터규는 자녀들이 사랑을 제대로 못 받고 크면 매우 심각한 결과가 초래된다는 결론을 내렸습니다"


@pytest.fixture(scope="module")
def base_model():
    need(joined_model.part_dirs(), 'the multilingual model is not installed (pip install ".[multilingual]")')
    from livecaption.whisper.models import load_model, resolve_model

    return load_model(resolve_model("base"), "cpu", "int8", 2)


@pytest.fixture(scope="module")
def korean():
    return read_audio(DATA / "ko_test_0000.flac")


def test_auto_detects_korean_and_transcribes_it(base_model):
    engine = Engine(
        FileSource(DATA / "ko_test_0000.flac"), Transcriber(base_model.decoder(), TranscribeOptions(language="auto"))
    )
    engine.start()
    assert engine.wait(300), "the engine did not finish"
    caps = engine.captions
    assert caps and all(c.language == "ko" for c in caps)
    text = " ".join(c.text for c in caps)
    assert error_rate(KO, text, unit="char") < 0.25, text
    assert "  " not in text  # no doubled spaces at seams


def test_language_is_held_once_detected(base_model, korean, jfk):
    t = Transcriber(base_model.decoder(), TranscribeOptions(language="auto"))
    first = t.transcribe(Chunk(0, korean, True, len(korean)))
    assert t.language == "ko" and first[0].language == "ko"
    # a later short, ambiguous chunk does not flip the session's language
    blip = jfk[: int(1.2 * SR)]
    later = t.transcribe(Chunk(len(korean), blip, True, len(korean) + len(blip)))
    assert t.language == "ko" and all(c.language == "ko" for c in later)


def test_fixed_language_skips_detection(base_model, jfk):
    t = Transcriber(base_model.decoder(), TranscribeOptions(language="en"))
    caps = t.transcribe(Chunk(0, jfk, True, len(jfk)))
    assert caps[0].language == "en" and "country" in caps[0].text.lower()


def test_translate_korean_to_english(base_model, korean):
    t = Transcriber(base_model.decoder(), TranscribeOptions(language="auto", task="translate"))
    caps = t.transcribe(Chunk(0, korean, True, len(korean)))
    text = " ".join(c.text for c in caps)
    assert text and not re.search(r"[\uac00-\ud7a3]", text), text  # no Hangul left
    assert re.search(r"\b(love|children|conclusion|serious)\b", text.lower()), text


def test_english_only_model_refuses_other_languages(loaded_model):
    from livecaption.errors import LivecaptionError

    with pytest.raises(LivecaptionError, match="English-only"):
        Transcriber(loaded_model.decoder(), TranscribeOptions(language="ko"))
    with pytest.raises(LivecaptionError, match="cannot translate"):
        Transcriber(loaded_model.decoder(), TranscribeOptions(task="translate"))


def test_vocabulary_profiles_are_shared_with_the_cli(tmp_path):
    from conftest import run_cli

    from livecaption.storage.userconfig import UserConfig

    r = run_cli(
        "caption",
        "--input",
        str(DATA / "61-70968-0000.flac"),
        "--profile",
        "oz",
        "--prompt",
        "The Wizard of Oz.",
        "--hotwords",
        "wizard",
    )
    assert r.returncode == 0, r.stderr
    assert UserConfig.load().profiles["oz"].prompt == "The Wizard of Oz."
    r = run_cli("caption", "--input", str(DATA / "61-70968-0000.flac"), "--profile", "nope")
    assert r.returncode == 2 and "no vocabulary profile" in r.stderr
