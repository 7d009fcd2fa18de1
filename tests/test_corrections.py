"""What one correction teaches (livecaption/corrections.py), on made-up lines."""

from livecaption.captions import Caption
from livecaption.corrections import Fix, fix_of, fixed, lines_to_fix, new_words


def line(i: int, text: str, final: bool = True) -> Caption:
    return Caption(float(i), float(i) + 1, text, final, id=i)


def test_an_edit_that_brings_in_a_word_is_a_fix_and_one_that_only_tidies_is_not():
    assert fix_of("the Buluru gave a yell", "the Boolooroo gave a yell") == Fix("Buluru", "Boolooroo")
    assert fix_of("we met doctor oh con quo", "We met Dr. Okonkwo.") == Fix("doctor oh con quo", "Dr Okonkwo")
    assert fix_of("so um we met", "So we met.") is None  # a word taken out, case and commas: nothing to learn
    assert fix_of("met we", "we met") is None  # reordered
    assert fix_of("", "") is None


def test_the_new_words_are_those_the_misreading_and_the_vocabulary_lack():
    assert new_words(Fix("doctor oh con quo", "Dr Okonkwo")) == ["Dr", "Okonkwo"]
    assert new_words(Fix("Buluru", "Boolooroo"), known="Boolooroo, Ghip") == []
    assert new_words(Fix("the blue", "the Boolooroo")) == ["Boolooroo"]
    assert new_words(Fix("today", "yesterday")) == []  # a common word: that line's fix only
    assert new_words(Fix("Eigen value", "eigenvalue r2")) == ["eigenvalue", "r2"]


def test_the_same_misreading_and_words_that_sound_alike_are_offered_and_nothing_else():
    fix = Fix("Buluru", "Boolooroo")
    rows = [line(1, "The Buluru gave a yell."), line(2, "said the bullaroo, angrily"), line(3, "a blue sky, a bolt"),
            line(4, "BULURU's room"), line(5, "the Buluru", final=False), line(6, "the Boolooroo")]
    found = lines_to_fix(rows, fix)
    assert [(f.caption.id, f.text) for f in found] == [
        (1, "The Boolooroo gave a yell."), (2, "said the Boolooroo, angrily"), (4, "Boolooroo's room")]
    assert [f.caption.id for f in lines_to_fix(rows, fix, alike=False)] == [1, 4]  # the same words only
    assert fixed("buluru-land and Buluru", fix, alike=False) == "buluru-land and Boolooroo"  # whole words


def test_short_words_are_not_taken_for_a_name_that_sounds_like_them():
    assert fixed("a blue bell", Fix("Bell", "Bel")) == "a blue Bel"  # the same word only: "bl" is too short to match by sound
    assert fixed("the doctor oh con quo said", Fix("doctor oh con quo", "Dr Okonkwo")) == "the Dr Okonkwo said"
    assert fixed("doctor, oh con quo", Fix("doctor oh con quo", "Dr Okonkwo")) == "Dr Okonkwo"


def test_a_settle_window_boosts_only_the_words_its_live_captions_heard():
    from livecaption.vocabulary import heard

    assert heard("Boolooroo, Ghip", "then the Buluru gave a yell") == "Boolooroo"  # a misreading of it
    assert heard("Boolooroo, Ghip", "the bullaroo's room and Ghip") == "Boolooroo, Ghip"
    assert heard("Boolooroo, Dr Okonkwo", "a blue sky at the doctor's") == ""  # "bl" and "dctr" are not them
    assert heard("", "anything") == ""


def test_the_right_words_are_put_in_as_typed_backslashes_too():
    assert fixed("saved in Buluru", Fix("Buluru", r"C:\Users\1")) == r"saved in C:\Users\1"
