"""Caption ids (livecaption/ids.py): one allocator per session, each kind in its own range, the values
journals were always written with."""

import itertools
import threading

import pytest

from livecaption import ids
from livecaption.ids import RANGES, SessionIds


def test_the_ranges_do_not_overlap():
    for (a, (lo1, hi1)), (b, (lo2, hi2)) in itertools.combinations(RANGES.items(), 2):
        assert hi1 <= lo2 or hi2 <= lo1, (a, b)


@pytest.mark.parametrize("inputs", [1, 2, 3])
def test_ids_of_one_session_never_collide(inputs):
    """Every kind a session makes, from each of its allocators: the live ids of each input, the
    second parts of live finals split at a change of voice, settled, recovered and settled late."""
    made: dict[str, list[int]] = {kind: [] for kind in RANGES}
    for index in range(inputs):
        made["live"] += [ids.live(span, index, inputs) for span in range(1, 2001)]
    made["split"] = [ids.split(i) for i in made["live"]]
    session = SessionIds()
    made["settled"] = [session.settled() for _ in range(2000)]
    made["recovered"] = [session.recovered() for _ in range(2000)]
    made["settled late"] = [session.settled_late() for _ in range(2000)]
    every = [i for found in made.values() for i in found]
    assert len(every) == len(set(every))
    for kind, found in made.items():
        low, high = RANGES[kind]
        assert all(low <= i < high for i in found), kind
    # the last stretch an input can number still falls in the live range
    for index in range(inputs):
        last = (RANGES["live"][1] - 1 - index) // inputs
        assert ids.live(last, index, inputs) < RANGES["live"][1]
        assert ids.split(ids.live(last, index, inputs)) < RANGES["split"][1]


def test_the_values_journals_were_written_with():
    assert ids.live(3, 1, 2) == 7 and ids.live(3, 0, 1) == 3 and ids.live(0, 1, 2) == 0
    assert ids.split(7) == 7 + (1 << 40)
    session = SessionIds()
    assert session.settled() == (1 << 30) + 1 and session.settled() == (1 << 30) + 2
    assert session.recovered() == 1 << 29 and session.recovered() == (1 << 29) + 1
    assert session.settled_late() == (1 << 30) + (1 << 28)


def test_two_threads_never_take_the_same_id():
    session = SessionIds()
    taken: list[list[int]] = [[], []]

    def take(into: list[int]) -> None:
        into += [session.settled() for _ in range(5000)]

    threads = [threading.Thread(target=take, args=(t,)) for t in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(taken[0]) | set(taken[1])) == 10000



def test_a_session_read_back_goes_on_after_the_ids_it_has():
    """`export` settling a session's rest twice must not give a second reading the id of the first."""
    from livecaption.ids import SETTLED_LATE, SessionIds

    first = SessionIds()
    had = [first.settled_late() for _ in range(3)] + [5, 6]
    again = SessionIds(had)
    assert again.settled_late() == SETTLED_LATE + 3 and again.settled_late() not in had
