from livecaption.captions import Caption
from livecaption.settle.owners import owners


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
