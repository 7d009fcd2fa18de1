"""The measures every accuracy figure rests on (benchmarks/metrics.py)."""

from benchmarks.metrics import align, error_rate, normalize_chars, normalize_words, number_words, tokens


def test_english_is_compared_without_case_punctuation_or_digits():
    assert normalize_words("Mr. Smith's 2nd car, 1912!") == ["mister", "smiths", "second", "car", "nineteen", "twelve"]
    assert normalize_words("It cost 3,400 dollars") == ["it", "cost", "three", "thousand", "four", "hundred", "dollars"]
    assert normalize_words("in 1905") == ["in", "nineteen", "oh", "five"]  # four digits in 1100-2099 read as a year
    assert normalize_words("well-known") == ["well", "known"]
    assert number_words(1905) == "one thousand nine hundred five" and number_words(40) == "forty"


def test_korean_is_compared_by_characters_without_spaces():
    assert normalize_chars("안녕 하세요.") == list("안녕하세요")
    assert tokens("안녕 하세요", "char") == tokens("안녕하세요", "char")


def test_word_error_rate_counts_substitutions_deletions_and_insertions():
    assert error_rate("the cat sat on the mat", "the cat sat on the mat") == 0.0
    assert error_rate("the cat sat on the mat", "the dog sat on mat") == 2 / 6  # one substitution, one deletion
    assert error_rate("a b", "a b c d") == 1.0  # two insertions against two reference words
    assert error_rate("", "") == 0.0


def test_the_alignment_maps_each_matched_word_to_its_reference():
    a = align(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"])
    assert a.errors == 2 and a.hyp_to_ref == [0, None, 2, 3, None]
