"""The one transcript (livecaption/transcript.py): every event kind, with made-up captions, in milliseconds."""

import dataclasses
import json
from dataclasses import replace

import pytest

from livecaption.captions import Caption
from livecaption.transcript import Edit, Rename, Transcript, event_of, replay


def live(i, start, text, final=True, source="", speaker=""):
    return Caption(start, start + 1.0, text, final, id=i, source=source, speaker=speaker)


def settled(i, start, text, replaces, source="", speaker=""):
    return Caption(start, start + 2.0, text, id=i, source=source, speaker=speaker, settled=True,
                   replaces=tuple(replaces))  # fmt: skip


def texts(t: Transcript) -> list[str]:
    return [c.text for c in t.rows]


def test_a_partial_is_replaced_by_its_final_and_an_empty_final_takes_it_back():
    t = Transcript()
    t.apply(live(1, 0, "hel", final=False))
    rev = t.apply(live(1, 0, "hello there"))
    assert texts(t) == ["hello there"] and [op.kind for op in rev.ops] == ["change"]
    t.apply(live(2, 2, "uh", final=False))
    rev = t.apply(live(2, 2, ""))
    assert texts(t) == ["hello there"] and [op.kind for op in rev.ops] == ["remove"]
    assert [c.text for c in t.kept()] == ["hello there"]


def test_a_settled_reading_takes_the_place_of_the_live_rows_it_names():
    t = Transcript({""})
    for i in range(1, 4):
        t.apply(live(i, 2 * i, f"live {i}"))
    assert all(t.pending(c) for c in t.rows)
    rev = t.apply(settled(100, 2, "settled one and two", [1, 2]))
    assert texts(t) == ["settled one and two", "live 3"]
    assert dict(rev.forwarded) == {1: 100, 2: 100}
    assert not t.pending(t.rows[0]) and t.pending(t.rows[1])
    t.apply(settled(101, 6, "", [3]))  # heard nothing there: the live text goes
    assert texts(t) == ["settled one and two"]


def test_settled_readings_out_of_order_go_in_time_order():
    t = Transcript()
    t.apply(settled(101, 10, "later", []))
    t.apply(settled(100, 2, "earlier", []))
    assert texts(t) == ["earlier", "later"]
    assert [c.text for c in t.kept()] == ["earlier", "later"]


def test_an_input_without_a_settle_pass_keeps_its_live_finals():
    """A meeting whose microphone has no settle pass: its live finals are the kept text."""
    t = Transcript({"system"})
    t.apply(live(1, 0, "my own words", source="mic", speaker="You"))
    t.apply(live(2, 1, "their words", source="system", speaker="Others"))
    t.apply(settled(100, 1, "their words, settled", [2], source="system", speaker="Others"))
    t.apply(settled(101, 0, "an echo read again", [1], source="mic", speaker="You"))  # not applied
    assert [c.labelled() for c in t.kept()] == ["You: my own words", "Others: their words, settled"]
    assert not t.pending(t.rows[0])


def test_a_rename_changes_the_rows_and_the_captions_still_to_come():
    t = Transcript()
    t.apply(live(1, 0, "hi", speaker="Speaker 1"))
    t.apply(settled(100, 0, "hi there", [1], speaker="Speaker 1"))  # rename after settle
    rev = t.apply(Rename("Speaker 1", "Ana"))
    assert [c.speaker for c in rev.changed] == ["Ana"] and t.rows[0].speaker == "Ana"
    t.apply(live(2, 3, "more", speaker="Speaker 1"))  # in flight when she was named
    t.apply(Rename("Ana", "Ana María"))
    assert [c.speaker for c in t.rows] == ["Ana María", "Ana María"]
    assert t.speakers() == ["Ana María"]


def test_an_edit_stands_and_a_settled_reading_does_not_replace_it():
    t = Transcript({""})
    t.apply(live(1, 0, "we met Buluru today"))
    t.apply(live(2, 2, "and then we left"))
    t.apply(Edit("", 1, "we met Boolooroo today"))
    assert t.edited(t.rows[0])
    t.apply(settled(100, 0, "we met Buluru today and then we left", [1, 2]))
    assert texts(t) == ["we met Boolooroo today", "and then we left"]
    assert not any(t.pending(c) for c in t.rows)  # read, and settled around the edit
    t.apply(live(1, 0, "we met Buluru today"))  # a late live final of the line: ignored
    assert texts(t)[0] == "we met Boolooroo today"


def test_an_edit_taken_back_shows_the_line_as_its_input_told_it_last():
    t = Transcript({"system"})
    t.apply(live(1, 0, "we met Buluru", final=False, source="system"))
    assert t.apply(Edit("system", 1, "we met Boolooroo")).ops == ()  # a partial is not the user's yet
    t.apply(live(1, 0, "we met Buluru", source="system"))
    rev = t.apply(Edit("system", 1, "we met  Boolooroo "))
    assert [op.kind for op in rev.ops] == ["change"] and texts(t) == ["we met Boolooroo"]
    t.apply(replace(live(1, 0, "we met Buluru today", source="system"), end=3.0))  # the line told again
    assert texts(t) == ["we met Boolooroo"] and t.rows[0].end == 3.0  # its other fields, the user's text
    t.apply(Rename("Speaker 1", "Ana"))
    t.apply(Edit("system", 1, "we met Boolooroo today"))  # a second edit
    t.apply(Edit("system", 1, "we met Boolooroo"))  # its undo is the text before it
    assert texts(t) == ["we met Boolooroo"] and t.edited(t.rows[0])
    t.apply(Edit("system", 1, ""))  # the first edit's undo
    assert texts(t) == ["we met Buluru today"] and not t.edited(t.rows[0])
    assert t.rows[0].final and t.pending(t.rows[0])  # a live final again, that the settle pass may read
    assert t.apply(Edit("system", 1, "")).ops == ()  # nothing to take back
    assert t.apply(Edit("system", 9, "no such line")).ops == ()


def test_an_edit_of_a_settled_line_and_a_rename_after_it():
    t = Transcript({""})
    t.apply(live(1, 0, "hello Buluru", speaker="Speaker 1"))
    t.apply(settled(100, 0, "Hello, Buluru.", [1], speaker="Speaker 1"))
    t.apply(Edit("", 100, "Hello, Boolooroo."))
    t.apply(Rename("Speaker 1", "Ana"))
    assert [c.labelled() for c in t.kept()] == ["Ana: Hello, Boolooroo."]
    t.apply(Edit("", 100, ""))
    assert [c.labelled() for c in t.kept()] == ["Ana: Hello, Buluru."]  # its own words, its new name


def test_a_settled_reading_told_again_changes_in_place_and_keeps_an_edit():
    t = Transcript({""})
    t.apply(live(1, 0, "hello there", speaker="Speaker 1"))
    t.apply(live(2, 2, "and you", speaker="Speaker 3"))
    first = settled(100, 0, "Hello there.", [1], speaker="Speaker 1")
    t.apply(first)
    t.apply(settled(101, 2, "And you?", [2], speaker="Speaker 3"))
    t.apply(Edit("", 101, "And you, Ana?"))
    rev = t.apply(replace(settled(101, 2, "And you?", [2]), speaker="Speaker 1"))  # the voices settled: one person
    assert [op.kind for op in rev.ops] == ["change"]
    assert [c.labelled() for c in t.kept()] == ["Speaker 1: Hello there.", "Speaker 1: And you, Ana?"]
    t.apply(Rename("Speaker 1", "Ana"))
    t.apply(first)  # told again with the label it had: the name given stands
    assert [c.labelled() for c in t.kept()] == ["Ana: Hello there.", "Ana: And you, Ana?"] and len(t.rows) == 2


def test_captions_cannot_be_changed_after_they_are_made():
    c = live(1, 0, "hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.text = "changed"  # type: ignore[misc]


def test_a_journal_read_back_gives_the_transcript_the_session_had():
    events = [live(1, 0, "one", final=False, source="system"), live(1, 0, "one", source="system"),
              live(2, 1, "mine", source="mic", speaker="You"), live(3, 2, "two", source="system", speaker="Speaker 1"),
              replace(settled(100, 0, "one and two", [1, 3], source="system", speaker="Speaker 1"), unsure=True),
              Rename("Speaker 1", "Ana"), Edit("mic", 2, "my words")]  # fmt: skip
    at_the_time = replay(events, {"system"})
    lines = [json.dumps({"type": "caption", **e.to_dict()} if isinstance(e, Caption) else
                        {"type": "rename", "from": e.old, "to": e.new} if isinstance(e, Rename) else
                        e.to_dict()) for e in events]  # fmt: skip
    read_back = replay([e for line in lines if (e := event_of(json.loads(line))) is not None], {"system"})
    assert read_back.kept() == at_the_time.kept()
    assert [c.labelled() for c in read_back.kept()] == ["Ana (?): one and two", "You: my words"]
    assert [c.unsure for c in read_back.kept()] == [True, False]  # a voice unsure stays marked
