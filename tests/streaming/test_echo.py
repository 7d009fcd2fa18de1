"""The echo rule alone: microphone captions that repeat system audio, kept or dropped."""

from livecaption.captions import Caption
from livecaption.streaming.echo import EchoFilter, echo_share


def mic(start, end, text, final=True, id=1):
    return Caption(start, end, text, final, id=id, source="mic", speaker="You")


def system(start, end, text, final=True, id=2):
    return Caption(start, end, text, final, id=id, source="system", speaker="Others")


def test_share_counts_words_in_order():
    said = ["ask", "not", "what", "your", "country", "can", "do"]
    assert echo_share(said, ["and", "so", "ask", "not", "what", "your", "country", "can", "do", "for", "you"]) == 1.0
    assert echo_share(said, ["the", "weather", "is", "fine", "today"]) == 0.0
    assert echo_share(["the"], ["the", "cat"]) == 1.0  # one word said, one heard
    assert echo_share(["the", "cat", "sat", "down"], ["the", "dog"]) == 0.0  # one common word is no echo


def test_a_microphone_final_waits_until_system_audio_is_final_past_it():
    f = EchoFilter()
    assert f.from_mic(mic(1.0, 3.0, "ask not what your country can do for you")) == []
    assert f.release(2.0) == ([], [])  # system audio may still be saying it
    f.from_system(system(0.9, 3.1, "Ask not what your country can do for you."))
    kept, echoes = f.release(3.5)
    assert kept == [] and [c.text for c in echoes] == ["ask not what your country can do for you"]
    assert f.echoes == 1


def test_your_own_words_are_kept_while_others_talk():
    f = EchoFilter()
    f.from_system(system(0.5, 4.0, "We shipped the release on Tuesday."))
    f.from_mic(mic(1.0, 3.0, "Sorry, could you repeat that?"))
    kept, echoes = f.release(10.0)
    assert [c.text for c in kept] == ["Sorry, could you repeat that?"] and echoes == []


def test_the_same_words_at_another_time_are_not_an_echo():
    """People repeat each other ("ten o'clock?" "ten o'clock."): only overlap in time is echo."""
    f = EchoFilter()
    f.from_system(system(0.0, 2.0, "see you at ten o'clock"))
    f.from_mic(mic(8.0, 10.0, "see you at ten o'clock"))
    kept, _ = f.release(20.0)
    assert [c.text for c in kept] == ["see you at ten o'clock"]


def test_silent_system_audio_releases_at_once_and_partials_that_echo_are_hidden():
    f = EchoFilter()
    f.from_mic(mic(1.0, 2.0, "hello there"))
    assert [c.text for c in f.release(2.0)[0]] == ["hello there"]
    f.from_system(system(5.0, 6.0, "what do you think", final=False))
    assert f.from_mic(mic(5.1, 6.0, "what do you", final=False, id=3)) == []
    assert f.from_mic(mic(5.1, 6.0, "I think so", final=False, id=3))[0].text == "I think so"
    f.from_mic(mic(8.0, 9.0, "last words"))
    assert [c.text for c in f.release(float("inf"))[0]] == ["last words"]  # the end releases all


def test_talking_over_others_is_released_once_their_partial_shows_other_words():
    f = EchoFilter()
    f.from_mic(mic(30.0, 31.2, "said the old man"))
    f.from_system(system(31.0, 31.1, "he began", final=False))
    assert f.release(30.5) == ([], [])  # the partial has not reached the end of your words
    f.from_system(system(31.0, 33.5, "he began a confused complaint", final=False, id=4))
    kept, echoes = f.release(30.5)  # system audio is still not final here
    assert [c.text for c in kept] == ["said the old man"] and not echoes


def test_an_echo_in_a_partial_stays_held_until_the_final_decides():
    f = EchoFilter()
    f.from_mic(mic(1.0, 3.0, "ask not what your country can do"))
    f.from_system(system(0.9, 3.5, "ask not what your country can", final=False))
    assert f.release(0.5) == ([], [])
    f.from_system(system(0.9, 3.4, "Ask not what your country can do for you."))
    assert [c.text for c in f.release(4.0)[1]] == ["ask not what your country can do"]


def test_your_words_and_the_loudspeakers_in_one_caption_keep_yours():
    f = EchoFilter()
    f.from_system(system(32.1, 37.0, "He began a confused complaint against the wizard."))
    f.from_mic(mic(31.2, 37.0, "Said the old man. He began a confused complaint against the wizard."))
    kept, echoes = f.release(40.0)
    assert [c.text for c in kept] == ["Said the old man."]
    assert [c.text for c in echoes] == ["He began a confused complaint against the wizard."]
    assert kept[0].id == echoes[0].id  # one caption: the kept part replaces its partial


def test_two_common_words_are_not_taken_out_of_your_caption():
    f = EchoFilter()
    f.from_system(system(1.0, 4.0, "most of the time it works"))
    f.from_mic(mic(1.5, 4.0, "I keep thinking of the budget"))
    kept, echoes = f.release(5.0)
    assert [c.text for c in kept] == ["I keep thinking of the budget"] and not echoes


def test_a_partial_that_has_only_some_of_the_words_does_not_release_an_echo():
    """A draft of system audio that reached past your caption but read only a few of its words."""
    f = EchoFilter()
    f.from_system(system(5.2, 7.8, "What your country can do for you."))
    f.from_mic(mic(8.0, 10.7, "Ask what you can do for your country."))
    f.from_system(system(8.0, 10.9, "Ask what you", final=False))
    assert f.release(8.0) == ([], [])  # still held: the final decides
    f.from_system(system(8.0, 10.9, "Ask what you can do for your country."))
    assert [c.text for c in f.release(11.0)[1]] == ["Ask what you can do for your country."]


def test_at_the_end_an_echo_that_comes_last_is_still_caught():
    """Stopping flushes system audio first, then the microphone: the system caption must still be known."""
    f = EchoFilter()
    f.from_system(system(8.4, 11.4, "Ask what you can do for your country."))
    assert f.release(float("inf")) == ([], [])
    f.from_mic(mic(8.5, 11.2, "Ask what you can do for your country."))
    kept, echoes = f.release(float("inf"))
    assert kept == [] and [c.text for c in echoes] == ["Ask what you can do for your country."]
