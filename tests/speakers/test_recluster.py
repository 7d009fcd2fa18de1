"""The session's voices sorted again (livecaption/speakers/recluster.py), on made-up embeddings: fast."""

import numpy as np
import pytest

from livecaption.speakers.recluster import Unit, doubtful, recluster

RNG = np.random.default_rng(7)


def voice(centre: np.ndarray, n: int, spread: float = 0.5) -> np.ndarray:
    pieces = centre + spread * RNG.standard_normal((n, len(centre))) / np.sqrt(len(centre))
    return pieces / np.linalg.norm(pieces, axis=1, keepdims=True)


def unit(i: int, pieces: np.ndarray, label: int) -> Unit:
    return Unit(i, 2.0 * i, 2.0 * i + 1.5, pieces.sum(axis=0), len(pieces), label)


def centres(k: int, dim: int = 64) -> list[np.ndarray]:
    c = RNG.standard_normal((k, dim))
    return list(c / np.linalg.norm(c, axis=1, keepdims=True))


def test_one_person_split_in_two_labels_is_joined_and_a_line_given_the_wrong_person_moves():
    ana, ben = centres(2)
    laughing = ana * 0.9 + 0.1 * centres(1)[0]  # Ana's voice changes: the live path heard a new speaker
    units = [unit(i, voice(ana, 4), 1) for i in range(6)] + [unit(6 + i, voice(ben, 4), 2) for i in range(6)]
    units += [unit(20 + i, voice(laughing, 3), 3) for i in range(3)]
    units += [unit(30, voice(ben, 1), 1)]  # Ben's first short line went to whoever was closest
    groups = recluster(units, named={})
    assert {groups[u.id] for u in units if u.id < 6 or 20 <= u.id < 30} == {1}  # Ana is one label: 1
    assert {groups[u.id] for u in units if 6 <= u.id < 12} == {2} and groups[30] == 2


def test_people_the_user_named_apart_are_never_joined_and_distinct_people_stay_apart():
    ana, ben, cy = centres(3)
    units = [unit(i, voice(ana, 4), 1) for i in range(4)] + [unit(10 + i, voice(ana, 4), 2) for i in range(4)]
    units += [unit(20 + i, voice(ben, 4), 3) for i in range(4)] + [unit(30 + i, voice(cy, 2), 4) for i in range(2)]
    assert len(set(recluster(units, named={}).values())) == 3  # labels 1 and 2 are one voice: joined
    kept = recluster(units, named={1: "Ana", 2: "Anna"})  # the user said they are two people
    assert len(set(kept.values())) == 4 and kept[0] == 1 and kept[10] == 2
    assert recluster([], named={}) == {}


def test_a_remembered_voice_takes_in_no_other_label_and_no_line():
    """Only its voice print names a line after a remembered person (the live guard), not the sorting."""
    ana, ben = centres(2)
    units = [unit(i, voice(ana, 4), 1) for i in range(4)] + [unit(10, voice(ana, 2), 2)]  # a short split of Ana
    units += [unit(20 + i, voice(ben, 4), 3) for i in range(3)] + [unit(30, voice(ana, 2), 3)]  # Ana's line under 3
    assert recluster(units, named={})[10] == 1 and recluster(units, named={})[30] == 1
    kept = recluster(units, named={1: "Ana"}, fixed=frozenset({1}))
    assert kept[10] == 2 and kept[30] == 2 and {kept[i] for i in range(4)} == {1}  # together, not named Ana


def test_a_line_between_two_voices_is_unsure_and_the_clear_lines_are_not():
    ana, ben = centres(2)
    between = (ana + ben) / np.linalg.norm(ana + ben)  # a voice as close to Ana's as to Ben's
    units = [unit(i, voice(ana, 4), 1) for i in range(5)] + [unit(10 + i, voice(ben, 4), 2) for i in range(5)]
    units += [unit(20, voice(between, 3, spread=0.2), 1)]
    groups = recluster(units, named={})
    assert doubtful(units, groups) == frozenset({20})
    alone = [unit(30, voice(between, 3), 3)]  # a label of one line: nobody else's voice in its group
    assert doubtful(units + alone, {**groups, 30: 3}) == frozenset({20})


@pytest.mark.parametrize(("ahead", "marked"), [(0.05, True), (0.12, False)])
def test_a_line_is_unsure_when_its_own_voice_is_less_than_the_margin_ahead_of_another(ahead, marked):
    """Its closeness to its own group less its closeness to the next: 0.05 is unsure, 0.12 is not."""
    ana, ben = np.eye(64)[:2]
    theta = np.arccos(ahead / np.sqrt(2)) - np.pi / 4  # cos θ − sin θ = ahead
    tilted = np.cos(theta) * ana + np.sin(theta) * ben
    units = [unit(i, np.tile(ana, (4, 1)), 1) for i in range(5)] + [unit(10 + i, np.tile(ben, (4, 1)), 2) for i in range(5)]
    units.append(unit(20, np.tile(tilted, (2, 1)), 1))
    groups = recluster(units, named={})
    assert groups[20] == 1 and doubtful(units, groups) == (frozenset({20}) if marked else frozenset())
