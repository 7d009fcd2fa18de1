"""A settle window is read in one language: it ends where the live captions change language."""

from livecaption.settle.settler import language_stretch


def test_a_window_ends_between_the_last_caption_of_one_language_and_the_first_of_the_next():
    spans = [(10.0, 14.0, "ko"), (15.0, 19.5, "ko"), (20.5, 24.0, "en"), (25.0, 30.0, "en")]
    assert language_stretch(spans, 10.0, 40.0) == ("ko", 20.0)
    assert language_stretch(spans[2:], 20.0, 40.0) == ("en", 40.0)  # one language: the whole window


def test_a_language_that_only_grazes_the_start_gives_way_to_the_next():
    spans = [(9.0, 10.4, "ko"), (11.0, 14.0, "en"), (15.0, 18.0, "en"), (19.0, 25.0, "ko")]
    assert language_stretch(spans, 10.0, 40.0) == ("en", 18.5)


def test_no_live_captions_no_language():
    assert language_stretch([], 0.0, 30.0) == (None, 30.0)
    assert language_stretch([(1.0, 2.0, "")], 0.0, 30.0) == (None, 30.0)
