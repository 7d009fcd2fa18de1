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
