"""Online clustering and change finding on made-up voices: the policy alone, in milliseconds."""

import numpy as np

from livecaption.captions import Caption
from livecaption.speakers.clusters import ClusterConfig, Clusters
from livecaption.speakers.turns import cut, split_text

RNG = np.random.default_rng(5)
BASE = np.maximum(RNG.normal(size=256), 0)


def voice_of(seed: int) -> np.ndarray:
    """A speaker's typical voice: their own part and a little of a shared one (GE2E embeddings come
    out of a ReLU: positive, many zeros)."""
    v = np.maximum(np.random.default_rng(seed).normal(size=256), 0) + 0.25 * BASE
    return v / np.linalg.norm(v)


def pieces(voice: np.ndarray, n: int) -> np.ndarray:
    """n 1.6 s pieces of that voice: each differs from it as real pieces of one speaker do."""
    p = voice + 1.5 * np.maximum(RNG.normal(size=(n, 256)), 0) / 16
    return p / np.linalg.norm(p, axis=1, keepdims=True)


A, B, C = voice_of(1), voice_of(2), voice_of(3)


def test_the_made_up_voices_sit_where_real_ones_do():
    # piece to piece: one speaker about 0.7, two speakers about 0.5, as measured on real speech
    a, b = pieces(A, 2), pieces(B, 1)
    assert 0.65 < a[0] @ a[1] < 0.8 and 0.4 < a[0] @ b[0] < 0.6


def test_two_voices_taking_turns_get_two_labels():
    cl = Clusters()
    labels = [cl.assign(pieces(v, 4), 3.5) for v in (A, B, A, B, A)]
    assert labels == [1, 2, 1, 2, 1]


def test_a_short_back_channel_founds_nobody_and_goes_to_the_closest():
    cl = Clusters()
    cl.assign(pieces(A, 4), 3.5)
    assert cl.assign(pieces(C, 1), 0.6) == 1  # "mm-hmm" from someone new: too little to found a speaker on
    assert len(cl.live()) == 1
    assert cl.assign(pieces(C, 3), 2.5) == 2  # once they say more, they are someone


def test_short_lines_from_a_new_voice_found_a_speaker_once_they_add_up():
    cl = Clusters()
    cl.assign(pieces(A, 4), 3.5)
    got = [cl.assign(pieces(B, 1), 0.9) for _ in range(3)]
    assert got == [1, 1, 2]  # the third short line brings the pool to 2.7 s of one voice


def test_a_merged_speaker_is_the_other_from_then_on():
    cl = Clusters()
    assert [cl.assign(pieces(v, 4), 3.5) for v in (A, B)] == [1, 2]
    cl.merge(2, 1)
    assert cl.find(2).index == 1 and [s.index for s in cl.live()] == [1]
    assert cl.assign(pieces(A, 4), 3.5) == 1


def test_no_more_speakers_than_the_limit():
    cl = Clusters(ClusterConfig(max_speakers=2))
    got = [cl.assign(pieces(v, 4), 3.5) for v in (A, B, C)]
    assert got[:2] == [1, 2] and got[2] in (1, 2)


def test_the_cut_falls_where_the_voice_changes():
    both = np.concatenate((pieces(A, 5), pieces(B, 3)))
    k, cross = cut(both)
    assert k == 5 and cross < ClusterConfig().same
    k, cross = cut(pieces(A, 8))
    assert cross > ClusterConfig().same  # one voice: whatever the best cut, both sides are the same speaker
    assert cut(pieces(A, 3)) is None  # too short to hold two turns


def test_text_is_cut_at_a_sentence_end_near_the_change():
    cap = Caption(10.0, 20.0, "I think we are done here. Yes, thank you all very much.")
    assert split_text(cap, 14.0) == ("I think we are done here.", "Yes, thank you all very much.")
    cap = Caption(10.0, 20.0, "one two three four five six seven eight nine ten")
    first, second = split_text(cap, 15.0)
    assert f"{first} {second}" == cap.text and 3 <= len(first.split()) <= 7
    assert split_text(Caption(0.0, 2.0, "hello"), 1.0) is None
