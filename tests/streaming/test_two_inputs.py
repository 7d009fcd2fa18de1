"""Two inputs (microphone and system audio) through one engine, with fakes: fair service,
labels, unique ids, echo dropped, held microphone finals released."""

import itertools

import numpy as np
from fakes import FakeDecoder, FakeSource, FakeVad, say

from livecaption.captions import Label
from livecaption.samples import SR
from livecaption.streaming.engine import Engine, EngineListener
from livecaption.streaming.pump import Input
from livecaption.transcription.options import TranscribeOptions
from livecaption.transcription.policy import Transcriber


class Recorder(EngineListener):
    def __init__(self):
        self.captions, self.rejections, self.errors = [], [], []

    def on_caption(self, caption):
        self.captions.append(caption)

    def on_rejection(self, rejection):
        self.rejections.append(rejection)

    def on_error(self, error):
        self.errors.append(error)


def gap(seconds):
    return np.zeros(int(seconds * SR), np.float32)


def meeting(mic_audio, system_audio, echo=True, speed=4.0, decoder=None):
    rec = Recorder()
    decoder = decoder or FakeDecoder()

    def transcriber():
        return Transcriber(decoder, TranscribeOptions(language="en"))

    e = Engine(FakeSource(mic_audio, True, speed), transcriber(), rec, vad=FakeVad(), label=Label("mic", "You"),
               echo=echo)  # fmt: skip
    e.add(Input(FakeSource(system_audio, True, speed), transcriber(), Label("system", "Others"), vad=FakeVad()))
    e.start()
    assert e.wait(60)
    return e, rec


def test_each_caption_is_labelled_by_the_input_that_heard_it():
    you = np.concatenate((gap(1), say("good morning everyone"), gap(3), say("shall we start"), gap(2)))
    others = np.concatenate((gap(2.5), say("morning how are you"), gap(3), say("yes please go ahead"), gap(1)))
    e, rec = meeting(you, others)
    assert {(c.speaker, c.source) for c in e.captions} == {("Others", "system"), ("You", "mic")}
    mine = " ".join(c.text for c in e.captions if c.speaker == "You")
    theirs = " ".join(c.text for c in e.captions if c.speaker == "Others")
    assert mine == "good morning everyone shall we start"
    assert theirs == "morning how are you yes please go ahead"
    ids = [c.id for c in rec.captions if c.final and c.text]
    assert len(ids) == len(set(ids)) == 4  # partials and finals of two inputs never share an id
    assert not rec.errors


def test_both_inputs_talking_at_once_are_both_served():
    """Long speech on both at the same time: neither input waits for the other to stop."""
    words_a = " ".join(f"a{k}" for k in range(60))
    words_b = " ".join(f"b{k}" for k in range(60))
    e, rec = meeting(np.concatenate((say(words_a), gap(1))), np.concatenate((say(words_b), gap(1))),
                     decoder=FakeDecoder(delay_per_s=0.05))  # fmt: skip
    a = [c for c in rec.captions if c.source == "mic"]
    b = [c for c in rec.captions if c.source == "system"]
    # captions of each came while the other was still talking: interleaved, not one after the other
    order = [c.source for c in rec.captions if c.text]
    switches = sum(1 for x, y in itertools.pairwise(order) if x != y)
    assert a and b and switches >= 4, order
    assert "a59" in " ".join(c.text for c in e.captions) and "b59" in " ".join(c.text for c in e.captions)


def test_an_echo_is_captioned_once_as_others():
    """The microphone hears the loudspeaker: the same words, a little later."""
    speech = say("the budget was approved this morning")
    others = np.concatenate((gap(1), speech, gap(2)))
    you = np.concatenate((gap(1.02), speech, gap(2)))  # (fake speech: the level is the word)
    e, rec = meeting(you, others)
    assert [(c.speaker, c.text) for c in e.captions] == [("Others", "the budget was approved this morning")]
    assert [r.reason for r in rec.rejections] == ["echo of system audio (kept as Others)"]
    # the microphone's partials of the echo, if any were shown, are taken back
    shown = {c.id for c in rec.captions if c.source == "mic" and c.text}
    retracted = {c.id for c in rec.captions if c.source == "mic" and c.final and not c.text}
    assert shown <= retracted


def test_without_the_echo_check_both_copies_stay():
    speech = say("the budget was approved this morning")
    e, _ = meeting(np.concatenate((gap(1.02), speech, gap(2))), np.concatenate((gap(1), speech, gap(2))), echo=False)
    assert sorted(c.speaker for c in e.captions) == ["Others", "You"]


def test_the_transcriber_takes_the_oldest_waiting_work_of_either_input():
    """First come, first served across inputs: a busy microphone cannot starve system audio."""
    from livecaption.samples import Chunk

    def transcriber():
        return Transcriber(FakeDecoder(), TranscribeOptions(language="en"))

    e = Engine(FakeSource(gap(1), True), transcriber(), vad=FakeVad(), label=Label("mic", "You"))
    system = e.add(Input(FakeSource(gap(1), True), transcriber(), Label("system", "Others"), vad=FakeVad()))
    mic = e.inputs[0]
    for k in range(3):  # microphone chunks become ready at 1, 3, 5 s; system audio at 2, 4, 6 s
        mic.scheduler.add(Chunk(k * 4 * SR, say("a b"), True, (2 * k + 1) * SR))
        system.scheduler.add(Chunk(k * 4 * SR, say("c d"), True, (2 * k + 2) * SR))
    taken = [e._take() for _ in range(6)]
    assert [(inp.label.source, step.chunk.ready // SR) for inp, step in taken] == [
        ("mic", 1), ("system", 2), ("mic", 3), ("system", 4), ("mic", 5), ("system", 6)
    ]  # fmt: skip


def test_a_held_microphone_final_is_released_when_system_audio_goes_quiet():
    """System audio made a sound too short to be speech just as you stopped: no system caption
    follows to trigger the echo check, yet your words are shown at once, not at the end."""
    import time

    arrived = {}

    class Clock(Recorder):
        def on_caption(self, caption):
            super().on_caption(caption)
            if caption.final and caption.text:
                arrived[caption.source] = time.monotonic()

    you = np.concatenate((gap(1.0), say("hello there friends"), gap(6.0)))
    blip = np.concatenate((gap(1.7), np.full(int(0.1 * SR), 0.05, np.float32), gap(6.15)))
    rec = Clock()

    def transcriber():
        return Transcriber(FakeDecoder(), TranscribeOptions(language="en"))

    e = Engine(FakeSource(you, True, 2.0), transcriber(), rec, vad=FakeVad(), label=Label("mic", "You"))
    e.add(Input(FakeSource(blip, True, 2.0), transcriber(), Label("system", "Others"), vad=FakeVad()))
    e.start()
    assert e.wait(30)
    done = time.monotonic()
    assert [c.text for c in e.captions] == ["hello there friends"]
    assert done - arrived["mic"] > 1.5  # shown while 3+ s of (halved) input was still to come
