"""Real voices through the track and the labeller: two speakers taking turns, a turn change inside a caption."""

from dataclasses import replace

import numpy as np
import pytest

from livecaption.audio import read_audio
from livecaption.captions import Caption
from livecaption.samples import SR, VAD_FRAME
from livecaption.speakers.encoder import SpeakerEncoder
from livecaption.speakers.labeller import SpeakerLabeller


@pytest.fixture(scope="module")
def encoder():
    return SpeakerEncoder()


def turns(speech, pause: float) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """JFK, another reader, JFK, the reader: four turns of 3-6 s with `pause` seconds between."""
    jfk, reader = read_audio(speech / "jfk.flac"), read_audio(speech / "1089-134686-0001.flac")
    parts = [(jfk[: int(5.6 * SR)], "jfk"), (reader[: int(3.3 * SR)], "reader"),
             (jfk[int(5.6 * SR) :], "jfk"), (reader[int(3.3 * SR) :], "reader")]  # fmt: skip
    audio, spans, t = [], [], 0.0
    for part, who in parts:
        spans.append((t, t + len(part) / SR, who))
        audio += [part, np.zeros(int(pause * SR), np.float32)]
        t += len(part) / SR + pause
    return np.concatenate(audio), spans


def heard(labeller: SpeakerLabeller, audio: np.ndarray) -> None:
    """The audio fed as the pump feeds it: blocks of VAD frames, speech where it is loud enough."""
    for k in range(0, len(audio) // VAD_FRAME * VAD_FRAME, VAD_FRAME * 16):
        block = audio[k : k + VAD_FRAME * 16]
        n = len(block) // VAD_FRAME
        probs = np.sqrt(np.mean(block[: n * VAD_FRAME].reshape(n, VAD_FRAME) ** 2, axis=1)) > 0.003
        labeller.track.feed(k, block[: n * VAD_FRAME], probs.astype(float))


def test_two_speakers_taking_turns_get_two_labels_and_the_right_turns(speech, encoder):
    audio, spans = turns(speech, 0.6)
    labeller = SpeakerLabeller(encoder)
    heard(labeller, audio)
    got = []
    for k, (start, end, _who) in enumerate(spans):
        (cap,) = labeller.label(Caption(start, end, "some words said here", True, id=k + 1))
        got.append(cap.speaker)
    assert got == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"]
    # a partial shows the label its voice so far is closest to, learning nothing
    (partial,) = labeller.label(Caption(spans[2][0], spans[2][0] + 3.0, "ask not", False, id=9))
    assert partial.speaker == "Speaker 1" and len(labeller.clusters.live()) == 2


def test_a_caption_that_runs_into_the_next_speaker_is_cut_where_the_voice_changes(speech, encoder):
    audio, spans = turns(speech, 0.1)  # no pause the segmenter could cut at
    labeller = SpeakerLabeller(encoder)
    heard(labeller, audio)
    for start, end, _ in spans[:2]:
        labeller.label(Caption(start, end, "earlier words", True, id=1))
    both = Caption(spans[2][0], spans[3][1], "ask what you can do for your country. After early nightfall", True, id=7)
    first, second = labeller.label(both)
    assert (first.speaker, second.speaker) == ("Speaker 1", "Speaker 2")
    assert first.text == "ask what you can do for your country." and second.text == "After early nightfall"
    assert abs(first.end - spans[3][0]) < 0.8 and second.start == first.end and second.end == both.end
    assert first.id == 7 and second.id != 7  # the partial the first replaces keeps its id


def test_renaming_and_merging(speech, encoder):
    audio, spans = turns(speech, 0.6)
    labeller = SpeakerLabeller(encoder)
    heard(labeller, audio)
    for start, end, _ in spans[:2]:
        labeller.label(Caption(start, end, "words", True, id=1))
    assert labeller.rename("Speaker 2", "Ana") and not labeller.rename("Speaker 7", "Bo")
    (cap,) = labeller.label(Caption(*spans[3][:2], "words", True, id=2))
    assert cap.speaker == "Ana"
    assert labeller.rename("Ana", "Speaker 1")  # a name another speaker has: the two are merged
    (cap,) = labeller.label(Caption(*spans[3][:2], "words", True, id=3))
    assert cap.speaker == "Speaker 1" and len(labeller.clusters.live()) == 1


def test_words_recovered_after_a_crash_get_the_labels_of_their_voices(speech, encoder):
    from livecaption.speakers.relabel import by_voice

    audio, spans = turns(speech, 0.6)
    other = read_audio(speech / "ko_test_0000.flac")  # a third voice, after the four turns
    audio = np.concatenate((audio, other))
    known = [Caption(s, e, "words", speaker=n) for (s, e, _), n in zip(spans[:2], ("Ana", "Speaker 2"), strict=True)]
    end = spans[-1][1] + 0.6
    new = [Caption(s, e, "more words") for s, e, _ in spans[2:]] + [Caption(end, end + len(other) / SR, "who")]
    new = by_voice(new, known, audio, 0.0, encoder)
    assert [c.speaker for c in new] == ["Ana", "Speaker 2", "Speaker 3"]


def test_a_later_reading_is_cut_where_the_live_speakers_change():
    from livecaption.speakers.relabel import by_turns

    def parts(turns) -> list[tuple]:
        return [(t.start, t.end, t.text, t.speaker) for t in turns]

    live = [Caption(0.0, 3.0, "so that is the plan", speaker="Ana"), Caption(3.5, 5.0, "sounds good", speaker="Bo"),
            Caption(5.2, 8.0, "then we start monday", speaker="Bo")]  # fmt: skip
    got = by_turns(0.0, 8.0, "So that is the plan. Sounds good, then we start Monday.", live)
    assert [(t.text, t.speaker) for t in got] == [("So that is the plan.", "Ana"), ("Sounds good, then we start Monday.", "Bo")]
    assert got[0].end == got[1].start == 3.0  # where the first speaker's last live caption ended
    assert parts(by_turns(0.0, 3.0, "So that is the plan.", live[:1])) == [(0.0, 3.0, "So that is the plan.", "Ana")]
    # a piece that only grazes the next speaker's caption keeps its words with its own speaker
    grazed = [Caption(7.04, 10.5, "after early nightfall the yellow lamps would light up", speaker="Bo"),
              Caption(10.85, 13.3, "your country can do for you", speaker="Ana")]  # fmt: skip
    got = by_turns(7.0, 11.0, "After early nightfall, the yellow lamps would light up.", grazed)
    assert parts(got) == [(7.0, 11.0, "After early nightfall, the yellow lamps would light up.", "Bo")]


def _by_words_raw(start: float, end: float, words: list, live: list[Caption]) -> list:
    """Each word's speaker as by_turns finds it, before turns of no length are joined to their neighbours."""
    from livecaption.speakers import relabel

    seen: list = []
    spanned, relabel._spanned = relabel._spanned, lambda turns: seen.extend(turns) or turns  # type: ignore[attr-defined]
    try:
        relabel.by_turns(start, end, " ".join(w.text.strip() for w in words), live, words)
    finally:
        relabel._spanned = spanned  # type: ignore[attr-defined]
    return seen


def test_with_its_words_times_a_reading_is_cut_where_each_word_was_said():
    from livecaption.speakers.relabel import by_turns
    from livecaption.transcription.decoder import Word

    # Bo's long caption ends at 141.2 and Ana's short one starts at 141.6; the reading [138, 142] holds only
    # Bo's last words, which by shares of words (a fifth of Bo's caption, most of Ana's) went partly to Ana.
    live = [Caption(124.5, 141.2, "so it was and a blessed soul in heaven", speaker="Bo"),
            Caption(141.6, 143.0, "the world is very different now", speaker="Ana")]  # fmt: skip
    text = "And to be finally a blessed soul in heaven."
    words = [Word(f" {w}", 138.0 + 0.35 * k, 138.3 + 0.35 * k) for k, w in enumerate(text.split())]
    assert [(t.text, t.speaker) for t in by_turns(138.0, 142.0, text, live, words)] == [(text, "Bo")]
    assert by_turns(138.0, 142.0, text, live)[-1].speaker == "Ana"  # what the shares made of it
    # a reading across the change is cut between the two words either side of it
    text = "A blessed soul in heaven. The world is"
    words = [Word(" A", 139.0, 139.2), Word(" blessed", 139.2, 139.6), Word(" soul", 139.6, 140.0), Word(" in", 140.0, 140.2),
             Word(" heaven.", 140.2, 141.0), Word(" The", 141.7, 141.8), Word(" world", 141.8, 142.1), Word(" is", 142.1, 142.3)]  # fmt: skip
    got = by_turns(139.0, 142.5, text, live, words)
    assert [(t.start, t.end, t.text, t.speaker) for t in got] == [
        (139.0, 141.35, "A blessed soul in heaven.", "Bo"), (141.35, 142.5, "The world is", "Ana")]  # fmt: skip
    assert [len(t.words) for t in got] == [5, 3]
    # words the live captions missed (near none of them) for a second or more: a turn whose speaker is
    # told by voice (""); a shorter stretch goes with the words before it
    text = "A blessed soul in heaven. Missed words here. The world"
    words = [Word(" A", 139.0, 139.2), Word(" blessed", 139.2, 139.6), Word(" soul", 139.6, 140.0),
             Word(" in", 140.0, 140.2), Word(" heaven.", 140.2, 141.0)]  # fmt: skip
    missed = [Word(" Missed", 142.0, 142.5), Word(" words", 142.5, 142.9), Word(" here.", 142.9, 143.2)]
    apart = [replace(live[0], end=141.2), replace(live[1], start=143.9, end=146.0)]
    after = [Word(" The", 144.0, 144.2), Word(" world", 144.2, 144.6)]
    got = by_turns(139.0, 145.0, text, apart, words + missed + after)
    assert [(t.text, t.speaker) for t in got] == [("A blessed soul in heaven.", "Bo"), ("Missed words here.", ""),
                                                  ("The world", "Ana")]  # fmt: skip
    got = by_turns(139.0, 145.0, "A blessed soul in heaven. Missed The world", apart, words + missed[:1] + after)
    assert [(t.text, t.speaker) for t in got] == [("A blessed soul in heaven. Missed", "Bo"), ("The world", "Ana")]
    # where no voices are at hand (a stopped session's settling, polish), missed words go with the words beside them
    got = by_turns(139.0, 145.0, text, apart, words + missed + after, by_voice=False)
    assert [(t.text, t.speaker) for t in got] == [("A blessed soul in heaven. Missed words here.", "Bo"), ("The world", "Ana")]
    # no word near a live line: the voice's to tell (a line told so is not given back to a line beside it)
    assert [(t.text, t.speaker) for t in by_turns(141.5, 143.5, "Missed words here.", apart[:1], missed)] == [
        ("Missed words here.", "")]  # fmt: skip
    # a word aligned outside the reading's span makes no turn of its own: it goes with its neighbour
    early = [Word(" So", 137.0, 137.5), Word(" we", 138.05, 138.3), Word(" go", 138.3, 138.6), Word(" on", 138.6, 138.9)]
    near = [replace(live[0], start=130.0, end=138.1), replace(live[1], start=138.2, end=145.0)]
    assert [t.speaker for t in _by_words_raw(138.0, 141.0, early, near)] == ["Bo", "Ana"]  # "So" alone would have no length
    got = by_turns(138.0, 141.0, "So we go on", near, early)
    assert all(t.end > t.start for t in got) and [(t.start, t.text, t.speaker) for t in got] == [(138.0, "So we go on", "Ana")]
    # words whose text is not the reading's (a loop cut short): by shares, as without times
    assert all(not t.words for t in by_turns(139.0, 142.5, "A blessed soul", live, words))
