"""The pieces of live pace: the peek cadence and which words of a partial are stable."""

from livecaption.captions import Caption
from livecaption.streaming.cadence import HEADROOM, LONGEST_S, Cadence
from livecaption.streaming.stability import Stability


def test_the_cadence_is_the_configured_one_while_passes_are_quick():
    c = Cadence(0.4)
    assert c.interval() == 0.4
    for _ in range(5):
        c.observe(0.1)
    assert c.interval() == 0.4


def test_slow_passes_space_the_peeks_out_and_quick_ones_bring_them_back():
    c = Cadence(0.4)
    for _ in range(10):
        c.observe(0.9)
    assert abs(c.interval() - HEADROOM * 0.9) < 0.01  # peeks take at most 1/HEADROOM of the time
    for _ in range(30):
        c.observe(0.1)
    assert c.interval() == 0.4
    for _ in range(30):
        c.observe(10.0)
    assert c.interval() == LONGEST_S
    assert Cadence(0.0).observe(1.0) == 0.0  # off stays off


def partial(text, id=1):
    return Caption(0, 1, text, final=False, id=id)


def test_words_two_passes_read_the_same_are_stable_and_stay_so():
    s = Stability()
    assert s.mark(partial("the quick")).stable == 0  # one reading: all tentative
    c = s.mark(partial("the quick brown fax"))
    assert c.text[: c.stable] == "the quick"
    c = s.mark(partial("The quick, brown fox jumps"))
    assert c.text[: c.stable] == "The quick, brown"  # case and punctuation are the same words
    c = s.mark(partial("The quick, brown fox jumps over"))
    assert c.text[: c.stable] == "The quick, brown fox jumps"
    c = s.mark(partial("A quick brown fox"))  # a stable word changed after all: only what agrees now
    assert c.stable == 0


def test_after_a_commit_the_rest_carries_over_to_the_next_span():
    s = Stability()
    s.mark(partial("one two three four five", id=1))
    final = s.mark(Caption(0, 1, "one two three", final=True, id=1))
    assert final.stable == len(final.text)
    c = s.mark(partial("four five six", id=2))
    assert c.text[: c.stable] == "four five"  # read so before the commit, and again now
    s.mark(Caption(1, 2, "", final=True, id=2))  # taken back
    assert s.mark(partial("seven", id=3)).stable == 0
