import itertools
import json
import os

import pytest
import srt

from livecaption.captions import Caption
from livecaption.errors import StorageError
from livecaption.storage.export import MAX_LINE, render, save, split_cues

LONG = (
    "God, as a direct consequence of the sin which man thus punished, had given her a lovely child, "
    "whose place was on that same dishonoured bosom to connect her parent for ever with the race."
)
CAPS = [
    Caption(0.5, 3.0, "Hello there, everyone."),
    Caption(2.8, 15.0, LONG),  # overlaps the previous one a little
    Caption(15.0, 15.0, "Ok."),  # zero length
    Caption(
        16.0,
        18.0,
        "몬터규는 자녀들이 사랑을 제대로 못 받고 크면 매우 심각한 결과가 초래된다는 결론을 내렸습니다",
        language="ko",
    ),
    Caption(18.0, 19.0, "partial", final=False),
]


def test_srt_is_valid_and_broadcast_shaped():
    text = render(CAPS, "srt")
    subs = list(srt.parse(text))
    assert [s.index for s in subs] == list(range(1, len(subs) + 1))
    assert len(subs) > 4  # the long caption became several cues
    last_end = None
    for s in subs:
        assert s.end > s.start
        if last_end is not None:
            assert s.start >= last_end, "cues overlap"
        last_end = s.end
        lines = s.content.split("\n")
        assert 1 <= len(lines) <= 2
        assert all(len(line) <= MAX_LINE for line in lines)
    assert "partial" not in text
    joined = " ".join(s.content.replace("\n", " ") for s in subs)
    assert "dishonoured bosom" in joined and "결론을" in joined
    assert text.count("-->") == len(subs)
    # times: HH:MM:SS,mmm
    assert "00:00:00,500 --> 00:00:03,000" in text


def test_long_caption_cues_split_its_span_in_order():
    cues = split_cues(CAPS[1])
    assert cues[0].start == CAPS[1].start and abs(cues[-1].end - CAPS[1].end) < 1e-9
    assert all(a.end <= b.start + 1e-9 for a, b in itertools.pairwise(cues))


def test_vtt_txt_json():
    vtt = render(CAPS, "vtt")
    assert vtt.startswith("WEBVTT\n\n") and "00:00:00.500 --> 00:00:03.000" in vtt
    txt = render(CAPS, "txt")
    assert txt.splitlines()[0] == "[00:00:00] Hello there, everyone."
    data = json.loads(render(CAPS, "json"))
    assert [c["text"] for c in data["captions"]][:1] == ["Hello there, everyone."]
    assert len(data["captions"]) == 4


def test_save_is_utf8_and_atomic(tmp_path, monkeypatch):
    p = save(CAPS, tmp_path / "out.srt")
    good = p.read_bytes()
    assert "결론을" in good.decode("utf-8")
    assert not list(tmp_path.glob(".*.tmp"))

    def full(fd):  # fault injection: the disk fills up while the new transcript is written
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageError, match="No space left"):
        save(CAPS[:1], p)
    assert p.read_bytes() == good  # the earlier save is whole: a failed save never truncates it
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.srt"]  # and leaves nothing behind


TALK = [
    Caption(1.0, 4.0, "Can everyone hear me?", source="mic", speaker="You"),
    Caption(3.5, 6.0, "Yes, loud and clear <mostly> & on time.", source="system", speaker="Others"),
    Caption(2.0, 3.0, "Good.", source="system", speaker="Others"),  # decoded later, said earlier
]


def test_labels_in_every_format():
    txt = render(TALK, "txt").splitlines()
    assert txt == [
        "[00:00:01] You: Can everyone hear me?",
        "[00:00:02] Others: Good.",
        "[00:00:03] Others: Yes, loud and clear <mostly> & on time.",
    ]
    subs = list(srt.parse(render(TALK, "srt")))
    assert [s.content.split(":")[0] for s in subs] == ["You", "Others", "Others"]
    # two speakers may overlap; one speaker's cues never do
    assert subs[0].end > subs[1].start and subs[1].end <= subs[2].start
    vtt = render(TALK, "vtt")
    assert "<v You>Can everyone hear me?" in vtt
    assert "<v Others>Yes, loud and clear &lt;mostly&gt; &amp; on time." in vtt
    data = json.loads(render(TALK, "json"))["captions"]
    assert [(c["source"], c["speaker"]) for c in data] == [("mic", "You"), ("system", "Others"), ("system", "Others")]
    # an unlabelled session's JSON has neither field
    assert "speaker" not in json.loads(render(CAPS, "json"))["captions"][0]


def test_labels_survive_the_journal(tmp_path):
    from livecaption.storage.journal import Journal, load

    j = Journal("Microphone + system audio", "tiny.en", folder=tmp_path)
    for c in TALK:
        j.append(c)
    j.close()
    _, caps = load("latest", tmp_path)
    in_time = sorted(TALK, key=lambda c: c.start)  # a transcript reads in time order
    assert [(c.source, c.speaker, c.text) for c in caps] == [(c.source, c.speaker, c.text) for c in in_time]


def test_a_speaker_whose_voice_is_unsure_is_marked_in_every_format():
    caps = [Caption(0.0, 2.0, "I think so.", speaker="Speaker 2", unsure=True),
            Caption(2.0, 4.0, "So do I.", speaker="Speaker 1")]  # fmt: skip
    assert render(caps, "txt").splitlines() == ["[00:00:00] Speaker 2 (?): I think so.", "[00:00:02] Speaker 1: So do I."]
    assert [s.content for s in srt.parse(render(caps, "srt"))] == ["Speaker 2 (?): I think so.", "Speaker 1: So do I."]
    vtt = render(caps, "vtt")
    assert "<v.unsure Speaker 2>I think so." in vtt and "<v Speaker 1>So do I." in vtt
    assert [c.get("unsure", False) for c in json.loads(render(caps, "json"))["captions"]] == [True, False]
    # every cue of a long unsure caption says so; an unlabelled caption has no mark to carry
    assert all(c.lines[0].startswith("Speaker 2 (?): ") for c in split_cues(Caption(0, 10, LONG, speaker="Speaker 2", unsure=True)))
    assert render([Caption(0, 1, "Hello.", unsure=True)], "txt") == "[00:00:00] Hello.\n"


def test_every_cue_of_a_long_labelled_caption_says_who():
    cues = split_cues(Caption(0.0, 10.0, LONG, speaker="Others"))
    assert len(cues) == 3 and all(c.lines[0].startswith("Others: ") for c in cues)
    assert all(len(line) <= MAX_LINE for c in cues for line in c.lines)
    assert " ".join(" ".join(c.lines) for c in cues).replace("Others: ", "") == LONG  # no word lost


BOTH = [
    Caption(1.0, 6.0, "몬터규는 자녀들이 사랑을 제대로 못 받고 크면 매우 심각한 결과가 초래된다는 결론을 내렸습니다", language="ko",
            translation="Montague concluded that children who grow up without proper love suffer serious consequences."),
    Caption(7.0, 9.0, "And the questions come at the end.", language="en"),  # English: nothing to translate
]  # fmt: skip


def test_original_and_translation_in_every_format(tmp_path):
    subs = list(srt.parse(render(BOTH, "srt")))
    said = " ".join(s.content for s in subs)
    assert "몬터규는" in said and "Montague concluded" in said and said.rstrip().endswith("at the end.")
    first = next(s for s in subs if "몬터규는" in s.content)
    lines = first.content.split("\n")
    assert lines[0].startswith("몬터규는") and any(x.startswith("Montague") for x in lines[1:])  # under the original
    assert all(len(x) <= MAX_LINE for s in subs for x in s.content.split("\n"))
    vtt = render(BOTH, "vtt")
    assert "<i>Montague concluded" in vtt and "<i>And the" not in vtt
    txt = render(BOTH, "txt").splitlines()
    assert txt[0].startswith("[00:00:01] 몬터규는") and txt[1].strip().startswith("Montague concluded")
    assert txt[2].startswith("[00:00:07] And the questions")
    data = json.loads(render(BOTH, "json"))["captions"]
    assert data[0]["translation"].startswith("Montague") and data[0]["language"] == "ko"
    assert "translation" not in data[1] and data[1]["language"] == "en"
    rows = [json.loads(x) for x in render(BOTH, "jsonl").splitlines()]
    assert rows == data
    from livecaption.storage.journal import Journal, load

    j = Journal("Microphone", "base", folder=tmp_path)
    for c in BOTH:
        j.append(c)
    j.close()
    _, caps = load("latest", tmp_path)
    assert [(c.text, c.translation, c.language) for c in caps] == [(c.text, c.translation, c.language) for c in BOTH]
