from types import SimpleNamespace

import numpy as np
from fakes import FakeDecoder, FakeReader, FakeSource, FakeVad, say

from livecaption.captions import Caption
from livecaption.samples import SR
from livecaption.settle.owners import owners, unread
from livecaption.settle.settler import SettlePass
from livecaption.streaming.engine import Engine
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


def live(cid: int, start: float, end: float) -> Caption:
    return Caption(start, end, f"words {cid}", id=cid)


def test_each_live_caption_goes_to_the_piece_it_overlaps_most():
    caps = [live(1, 0.0, 2.0), live(2, 2.5, 6.0), live(3, 6.2, 7.0)]
    # caption 2 overlaps the first piece by 0.5 s and the second by 3 s
    assert owners(caps, [(0.0, 3.0), (3.0, 8.0)]) == [[1], [2, 3]]


def test_a_caption_between_pieces_goes_to_the_nearest():
    caps = [live(1, 10.0, 11.0)]
    assert owners(caps, [(0.0, 4.0), (11.5, 14.0)]) == [[], [1]]


def test_no_pieces_no_owners():
    assert owners([live(1, 0.0, 1.0)], []) == []


def said(cid: int, text: str, start: float = 0.0) -> Caption:
    return Caption(start, start + 3.0, text, True, id=cid)


def test_a_live_caption_whose_words_the_settled_reading_lost_is_found():
    heard = [said(1, "he might even have been made amiable himself"), said(2, "my fellow americans ask not what your country")]
    assert unread(heard, "He might even have been made amiable himself.") == [heard[1]]


def test_a_reading_in_other_words_a_caption_cut_across_pieces_or_a_word_in_noise_is_not_lost():
    assert unread([said(1, "it stood shaka when what was that")], "It stood chakka, when, what was that?") == []
    straddling = said(2, "than he was he might even")
    assert unread([straddling], "Still more respectable than he was. He might even have been") == []
    assert unread([said(3, "thank you")], "") == []  # too short to keep against the settled reading


def test_a_sentence_the_settle_pass_skipped_keeps_its_live_words_in_the_transcript():
    """Whisper's long-form reading now and then skips a quiet sentence inside a segment whose times
    span it; the live captions heard it, and the kept transcript keeps them."""

    class Skipping(FakeReader):
        def read(self, features, size, offset_s, previous, language=None):
            found = super().read(features, size, offset_s, previous, language)
            kept = [s for s in found.segments if "quiet" not in s.text]
            return SimpleNamespace(**{**vars(found), "segments": kept})

    gap = np.zeros(int(0.6 * SR), np.float32)
    audio = np.concatenate((gap, say("loud words said first"), gap, say("a quiet voice at the back asked again today"), gap,
                            say("loud words said last"), gap))  # fmt: skip
    e = Engine(FakeSource(audio), Transcriber(FakeDecoder(), TranscribeOptions(language="en")), vad=FakeVad())
    e.inputs[0].settle = SettlePass(Skipping())
    e.start()
    assert e.wait(30)
    kept = e.transcript()
    assert [c.text for c in kept] == ["loud words said first", "a quiet voice at the back asked again today", "loud words said last"]
    assert all(c.settled for c in kept)
