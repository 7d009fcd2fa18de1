"""Voices remembered by name: the store (embeddings only, forgetting deletes), and recognition with the real
encoder on real speech: people remembered from one stream named in a second of their other utterances, and
nobody else ever given a remembered name."""

import stat

import numpy as np
import pytest

from livecaption.captions import Caption
from livecaption.errors import LivecaptionError, StorageError
from livecaption.samples import SR, VAD_FRAME
from livecaption.speakers import voices
from livecaption.speakers.encoder import SpeakerEncoder
from livecaption.speakers.labeller import SpeakerLabeller


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(voices.VOICES_ENV, str(tmp_path / "voices"))
    return tmp_path / "voices"


def unit(n: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, 256)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_a_voice_is_kept_forgotten_and_holds_nothing_but_embeddings(folder):
    assert voices.remembered() == [] and voices.voices_dir() == folder
    kept = voices.remember("  Ana   María ", unit(30), 31.5)
    assert kept.name == "Ana María" and kept.path is not None and kept.path.parent == folder
    (back,) = voices.remembered()
    assert back.name == "Ana María" and back.seconds == 31.5 and back.saved == kept.saved
    np.testing.assert_array_equal(back.pieces, unit(30))
    assert voices.find("ana maría").path == back.path  # one person, however it is written
    # the file: the name, when, how much speech, and 256 numbers a piece; no audio, nothing to play back
    with np.load(kept.path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    assert set(arrays) == {"name", "saved", "seconds", "pieces"}
    assert arrays["pieces"].dtype == np.float32 and arrays["pieces"].shape == (30, 256)
    assert all(a.ndim == 0 for k, a in arrays.items() if k != "pieces")
    assert kept.path.stat().st_size < arrays["pieces"].nbytes + 2048  # 31 s of 16 kHz audio would be 1 MB
    assert stat.S_IMODE(kept.path.stat().st_mode) == 0o600  # the user's alone
    assert not [p for p in folder.iterdir() if p.suffix != ".npz"]  # no temporary file left behind
    # remembered again: the print grows, up to its cap, spread over all of it
    more = voices.remember("Ana María", unit(voices.MAX_PIECES, seed=1), 400.0)
    assert len(more.pieces) == voices.MAX_PIECES and more.seconds == 431.5 and more.path == kept.path
    voices.remember("Bo", unit(20, seed=2), 16.0)
    assert [v.name for v in voices.remembered()] == ["Ana María", "Bo"]
    # forgetting deletes the file at once
    gone = voices.forget("ana maría")
    assert gone.name == "Ana María" and not kept.path.exists()
    assert [v.name for v in voices.remembered()] == ["Bo"]
    with pytest.raises(LivecaptionError, match=r"no voice is remembered as 'Ana María' \(remembered: Bo\)"):
        voices.forget("Ana María")


def test_names_and_prints_it_refuses(folder):
    for name, said in (("  ", "give the person a name"), ("Speaker 2", "is a label, not a name"),
                       ("x" * 41, "at most 40 characters")):  # fmt: skip
        with pytest.raises(LivecaptionError, match=said):
            voices.remember(name, unit(10), 10.0)
    with pytest.raises(LivecaptionError, match=r"too little of Ana's voice to remember \(12 s of speech; about 15 s"):
        voices.remember("Ana", unit(10), 12.0)
    assert not folder.exists() or not list(folder.iterdir())
    # a damaged file is named, and left out of what sessions compare with
    folder.mkdir(exist_ok=True)
    (folder / "broken-0000.npz").write_bytes(b"not a voice")
    voices.remember("Bo", unit(20), 16.0)
    assert [v.name for v in voices.remembered()] == ["Bo"] and voices.damaged() == [folder / "broken-0000.npz"]
    with pytest.raises(StorageError, match="cannot be read"):
        voices.read(folder / "broken-0000.npz")
    assert voices.known_voices().names == ("Bo",)


# -- recognition, real voices ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def encoder():
    return SpeakerEncoder()


@pytest.fixture(scope="module")
def people(speech):
    """Each voice's utterances, halved: (first halves, second halves, people never remembered)."""
    from benchmarks import speakerset
    from livecaption.audio import read_audio

    where, speakerset.SHARED = speakerset.SHARED, speech.root  # the set the fixture found
    try:
        every = speakerset.voices()
    finally:
        speakerset.SHARED = where
    known = ("reader", "spontaneous", "address", "austen")
    first = {v: every[v][: len(every[v]) // 2] for v in known}
    second = {v: every[v][len(every[v]) // 2 :] for v in known}
    others = {v: every[v] for v in ("libri_1221", "libri_61", "libri_1089", "jfk")}
    korean = [(f"ko_test_{k:04d}.flac", read_audio(speech / f"ko_test_{k:04d}.flac")) for k in range(0, 24, 3)]
    others |= {name: [("", audio)] for name, audio in korean}  # Korean readers, each clip someone else
    return first, second, others


def conversation(material: dict, seconds: float, seed: int) -> tuple[np.ndarray, list[tuple[Caption, str]]]:
    """Turns of 1-3 utterances, each voice up to `seconds` of speech, 0.4-0.9 s apart: (audio, [(caption, who)])."""
    rng = np.random.default_rng(seed)
    pools = {v: list(clips) for v, clips in material.items()}
    spoken = dict.fromkeys(pools, 0.0)
    audio, lines, t, last = [np.zeros(SR // 2, np.float32)], [], 0.5, ""
    while True:
        left = [v for v in sorted(pools) if pools[v] and spoken[v] < seconds and v != last]
        if not left:
            break
        who = str(rng.choice(left))
        for _ in range(int(rng.integers(1, 4))):
            if not pools[who] or spoken[who] >= seconds:
                break
            text, clip = pools[who].pop(0)
            text = text or " ".join(["word"] * max(1, round(len(clip) / SR / 0.4)))  # the address has no text
            lines.append((Caption(t, t + len(clip) / SR, text, True, id=len(lines) + 1), who))
            pause = float(rng.uniform(0.4, 0.9))
            audio += [clip, np.zeros(int(pause * SR), np.float32)]
            t += len(clip) / SR + pause
            spoken[who] += len(clip) / SR
        last = who
    return np.concatenate(audio), lines


def label(labeller: SpeakerLabeller, audio: np.ndarray, lines) -> tuple[list[tuple[Caption, str]], list[str]]:
    """Each line labelled when it is final, with the audio fed up to its end as the pump feeds it (blocks of
    VAD frames, speech where the level is over -50 dBFS), a partial of its first 2 s before it: the finals
    with who said them, and the partials' labels."""
    finals, partials, fed = [], [], 0
    for caption, who in lines:
        end = min(len(audio), int((caption.end + 0.3) * SR)) // VAD_FRAME * VAD_FRAME
        for k in range(fed, end, VAD_FRAME * 16):
            block = audio[k : min(k + VAD_FRAME * 16, end)]
            probs = np.sqrt(np.mean(block.reshape(-1, VAD_FRAME) ** 2, axis=1)) > 0.003
            labeller.track.feed(k, block, probs.astype(float))
        fed = max(fed, end)
        partial = Caption(caption.start, min(caption.end, caption.start + 2.0), caption.text, False, id=-caption.id)
        partials += [p.speaker for p in labeller.label(partial)]
        finals += [(c, who) for c in labeller.label(caption)]
    return finals, partials


def words(finals) -> dict[str, list[str]]:
    """Who said it → the label of each of their words."""
    out: dict[str, list[str]] = {}
    for caption, who in finals:
        out.setdefault(who, []).extend([caption.speaker] * len(caption.text.split()))
    return out


def test_people_remembered_from_one_conversation_are_named_in_another_and_no_one_else_is(
    people, encoder, tmp_path, monkeypatch
):
    monkeypatch.setenv(voices.VOICES_ENV, str(tmp_path / "voices"))
    first, second, others = people
    # a first conversation, as a session labels it; each person remembered under their name from their label
    audio, lines = conversation(first, 45.0, seed=1)
    labeller_a = SpeakerLabeller(encoder)
    finals, _ = label(labeller_a, audio, lines)
    refused = []
    for who, labels in words(finals).items():
        most = max(set(labels), key=labels.count)
        pieces = labeller_a.pieces_of(most)
        assert pieces is not None
        try:
            voices.remember(who.title(), pieces, len(pieces) * 0.77)
        except LivecaptionError as exc:
            assert "too little of" in str(exc)
            refused.append(who)
    assert refused == ["austen"]  # her 10 s are too little to know her by: she is someone never remembered
    assert [v.name for v in voices.remembered()] == ["Address", "Reader", "Spontaneous"]
    known = voices.known_voices()

    # the same people's other utterances: each named right from their first line on, never as someone else
    audio, lines = conversation(second, 45.0, seed=2)
    finals, _ = label(SpeakerLabeller(encoder, known=known), audio, lines)
    for who, labels in words(finals).items():
        right = labels.count(who.title()) / len(labels)
        assert not set(labels) - {who.title()} & set(known.names), (who, labels)
        if who == "austen":
            continue
        if who == "spontaneous":  # whispers and laughs: those lines are "Speaker N" (benchmarks/README.md)
            assert right >= 0.7, (who, right, labels)
            continue
        assert right >= 0.9, (who, right, labels)
        assert next(c.speaker for c, w in finals if w == who) == who.title(), who  # from their first line

    # people never remembered: never a remembered name, final or partial
    audio, lines = conversation(others, 30.0, seed=3)
    labeller = SpeakerLabeller(encoder, known=known)
    finals, partials = label(labeller, audio, lines)
    said = {c.speaker for c, _ in finals} | set(partials)
    assert not said & set(known.names), said
    assert {c.speaker for c, _ in finals} <= {f"Speaker {n}" for n in range(1, 13)}


def test_off_unless_remembered_and_a_voice_not_there_changes_nothing(people, encoder, folder):
    """No voice remembered: recognition is off. Someone remembered who does not speak: the same labels."""
    from livecaption.speakers.from_session import embed_lines

    assert not voices.known_voices() and SpeakerLabeller(encoder, known=voices.known_voices()).known is None
    audio, lines = conversation(people[0], 20.0, seed=4)
    plain, _ = label(SpeakerLabeller(encoder), audio, lines)
    ben = [clip for _, clip in people[2]["libri_1221"]]  # 21 s of a reader who is not in the conversation
    voices.remember("Ben", embed_lines(ben, encoder), sum(len(c) for c in ben) / SR)
    known = voices.known_voices()
    assert known.names == ("Ben",)
    with_him, partials = label(SpeakerLabeller(encoder, known=known), audio, lines)
    assert [c.speaker for c, _ in with_him] == [c.speaker for c, _ in plain]
    assert "Ben" not in partials
    said = {c.speaker for c, _ in plain}
    assert said == {f"Speaker {n}" for n in range(1, len(said) + 1)}  # unknown voices, numbered
    # forgotten while a session runs: its labellers name no one so from then on
    voices.remember("Ruth", unit(20), 16.0)
    labeller = SpeakerLabeller(encoder, known=voices.known_voices())
    labeller.forget("Ben")
    assert labeller.known is not None and labeller.known.names == ("Ruth",)
    labeller.forget("Ruth")
    assert labeller.known is None
