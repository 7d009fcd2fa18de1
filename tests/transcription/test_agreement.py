"""Which words two consecutive passes agree on."""

from livecaption.transcription.agreement import agreed_words


def test_two_passes_agree_on_their_common_start():
    assert agreed_words("when of a sudden comes the joy", "When of a sudden, comes the joyous sound") == 6
    assert agreed_words("", "anything at all") == 0


def test_one_word_read_differently_at_the_start_does_not_hold_back_the_rest():
    # Seen on long_en: the two passes never agreed on the first word, so nothing was final for 20 s.
    prev = "Easy at a time by water than on iron, and if"
    text = "Easier to die by water than on iron, and if but chance her hand"
    assert agreed_words(prev, text) == 10  # up to "if": the later pass's reading of the first words


def test_passes_that_mostly_disagree_agree_on_nothing():
    assert agreed_words("the cat sat on a mat today", "a dog ran in the park today") == 0
    assert agreed_words("he said so", "she sad sew in a boat") == 0
