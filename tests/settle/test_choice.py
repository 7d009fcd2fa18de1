"""Which model settles the transcript (settle/choice.py): base where the machine keeps up, said why."""

import pytest

from livecaption.config import SessionConfig
from livecaption.session import settle_model
from livecaption.settle.choice import AUTO, choose, cores


def test_base_settles_tiny_en_where_it_is_installed_and_two_cores_or_a_gpu_run_it():
    assert choose(AUTO, "tiny.en", True, 2, False).name == "base"
    assert choose(AUTO, "tiny", True, 1, True).name == "base"
    assert choose(AUTO, "tiny.en", True, 8, False).why == "settled by base"


def test_one_core_or_no_base_settles_with_the_session_model_and_says_why():
    one = choose(AUTO, "tiny.en", True, 1, False)
    assert one.name is None and "one CPU core" in one.why
    missing = choose(AUTO, "tiny.en", False, 4, False)
    assert missing.name is None and "not installed" in missing.why


def test_a_model_as_good_as_base_settles_itself_and_a_chosen_one_is_kept():
    assert choose(AUTO, "base", True, 4, False).name is None
    assert choose(AUTO, "/models/small-ct2", True, 4, False).name is None
    assert choose("tiny.en", "tiny.en", True, 4, False).name == "tiny.en"
    assert choose(None, "tiny.en", True, 4, False).name is None  # the session's own, as asked
    assert choose("", "tiny.en", True, 4, False).why == ""


@pytest.mark.parametrize("model", [None, "tiny.en", "bundled"])
def test_the_default_session_on_this_machine_settles_with_base_when_it_has_two_cores(model):
    from livecaption.whisper import joined_model

    chosen = settle_model(SessionConfig(model=model, device="cpu"))
    if joined_model.part_dirs() is None or cores() < 2:
        assert chosen.name is None and chosen.why
    else:
        assert chosen.name == "base"
