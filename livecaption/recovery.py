"""After the session: the words a crash left undecoded, and a better transcript from the kept audio.

* recover_tail: a session that died has its final captions in the journal, and its audio
  in the spool up to about a second before the crash. The audio after the last caption
  goes through a session of its own (VAD, segmenter, transcriber: the live path, as fast
  as possible), and the captions it gives are appended to the journal.
* polish: the whole session audio read again by the settle pass over the recording (Whisper's
  long-form decoding, as an offline pass reads it), by the session's model or a bigger one.
  Caption times stay on the session timeline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from livecaption.audio.sources import ArraySource
from livecaption.captions import Caption, at_ms
from livecaption.config import SessionConfig
from livecaption.errors import CaptioningError, InputError, LivecaptionError
from livecaption.ids import SessionIds
from livecaption.samples import SR
from livecaption.session import build_session, load
from livecaption.settle.owners import owners, unread
from livecaption.settle.recording import settle_recording
from livecaption.speakers.relabel import KNOWN_S, by_voice, majority, settled_turns
from livecaption.storage.journal import SessionInfo, mark_recovered, read_events, transcript_of
from livecaption.storage.journal import load as load_session
from livecaption.storage.spool import read_spool

MIN_TAIL_S = 0.3  # less audio than this after the last caption holds no words


def _config(info: SessionInfo, model: str | None = None) -> SessionConfig:
    h = info.header
    return SessionConfig(
        model=model or h.get("model_arg") or None,
        language=h.get("language", "auto"),
        task=h.get("task", "transcribe"),
        journal=False,
        keep_audio=False,
        settle=False,  # restore() settles what needs it, once
    )


def recover_tail(
    info: SessionInfo,
    captions: list[Caption],
    log: Callable[[str], None] = lambda _m: None,
    ids: SessionIds | None = None,
) -> list[Caption]:
    """Captions for a crashed session's audio after its last final caption (`captions`, from the
    journal), for each input whose audio was kept, labelled as that input; empty without audio.
    Each has an id of its own from `ids`' recovered range (a settled caption can name it, and the
    person can edit it as any line)."""
    ids = ids or SessionIds()
    out: list[Caption] = []
    loaded = None
    for kept in info.inputs:
        if not kept.audio.is_file():
            continue
        mine = [c for c in captions if c.source == kept.source] if len(info.inputs) > 1 else captions
        start = max((c.end for c in mine), default=0.0)  # the end of this input's last final caption
        voices = bool(info.header.get("speakers")) and (kept.source != "mic" or len(info.inputs) == 1)
        # with speaker labels, the voices of the ten minutes before the tail come from the same read
        begin = max(0.0, start - KNOWN_S) if voices else start
        before = read_spool(kept.audio, begin)
        audio = before[round((start - begin) * SR) :]
        if len(audio) < MIN_TAIL_S * SR:
            continue
        who = f" ({kept.speaker})" if kept.speaker else ""
        log(f"transcribing {len(audio) / SR:.1f} s of kept audio{who} after the last caption")
        config = _config(info)
        loaded = loaded or load(config)
        session = build_session(config, loaded=loaded, source=ArraySource(audio))
        session.transcriber.continue_from(" ".join(c.text for c in mine))
        session.start()
        session.wait()
        found = [
            replace(
                c, start=at_ms(c.start + start), end=at_ms(c.end + start), id=0, source=kept.source, speaker=kept.speaker
            )
            for c in session.engine.captions
        ]
        if voices:  # the tail's speakers, by voice against the session's labelled captions before it
            from livecaption.speakers.encoder import SpeakerEncoder

            found = by_voice(found, mine, before, begin, SpeakerEncoder())
        out += found
    return [replace(c, id=ids.recovered()) for c in sorted(out, key=lambda c: c.start)]


def restore(which: str, log: Callable[[str], None] = lambda _m: None) -> tuple[SessionInfo, list[Caption]]:
    """A session's captions. For one that died, its tail recovered from the kept audio and the
    journal closed; for one that died or stopped before its settle pass caught up (a second Ctrl+C,
    the window closed twice), the rest settled from the kept audio and added to its journal."""
    info, captions = load_session(which)
    if not (info.crashed or info.finished):
        return info, captions  # still running: its own settle pass is at work
    tail: list[Caption] = []
    _, told, _ = read_events(info.path)  # ids apart from those it has: recovered, then settled late
    ids = SessionIds(e.id for e in told if isinstance(e, Caption))
    if info.crashed:
        try:
            tail = recover_tail(info, captions, log, ids)
        except LivecaptionError as exc:  # the captions in the journal are still good
            log(f"the words after the last caption could not be recovered: {exc}")
        if tail:
            log(f"recovered {sum(len(c.text.split()) for c in tail)} words spoken after the last caption")
    settled: list[Caption] = []
    if info.header.get("settle"):
        try:
            settled = settle_rest(info, captions + tail, log, ids)
        except LivecaptionError as exc:
            log(f"the rest of the session could not be settled: {exc}")
    if info.crashed or settled:
        mark_recovered(info, tail + settled)
    header, events, _ = read_events(info.path)  # the user's edits and names with what was added
    return info, transcript_of(header, events).kept()


def settle_rest(
    info: SessionInfo, captions: list[Caption], log: Callable[[str], None], ids: SessionIds | None = None
) -> list[Caption]:
    """Settled captions for each input's kept audio after its last settled caption, replacing the
    live captions there (a session that died before its settle pass caught up); their ids from `ids`."""
    ids = ids or SessionIds()
    from livecaption.whisper.longform import WindowReader  # faster-whisper loads when it is needed

    out: list[Caption] = []
    config = _config(info, info.header.get("settle_model") or None)  # the model its settle pass read with
    loaded = None
    skip = set(info.header.get("settle_skip", ()))  # a meeting's microphone, under its echo check
    for kept_input in info.inputs:
        if not kept_input.audio.is_file() or kept_input.source in skip:
            continue
        mine = [c for c in captions if c.source == kept_input.source]
        start = max((c.end for c in mine if c.settled), default=0.0)
        live = [c for c in mine if not c.settled and (c.start + c.end) / 2 >= start]
        if not live:
            continue
        audio = read_spool(kept_input.audio, start)
        log(f"settling {len(audio) / SR:.0f} s of kept audio the settle pass had not read yet")
        loaded = loaded or load(config)
        language = None if config.language == "auto" else config.language
        reader = WindowReader(loaded.model, language, _settle_task(config), config.beam_size)
        reader.word_times = _several_speakers(live)
        pieces = settle_recording(reader, audio, offset=round(start * SR), heard=live) or []
        lost = unread(live, " ".join(p.text for p in pieces))  # kept as heard: the reading skipped them
        live = [c for c in live if c not in lost]
        out += [replace(c, id=ids.settled_late(), settled=True, replaces=(c.id,)) for c in lost]
        ids_of = owners(live, [(p.start, p.end) for p in pieces])
        lang = reader.language or ""
        for p, owned in zip(pieces, ids_of, strict=True):
            heard = [c for c in mine if not c.settled and c.text and c not in lost and c.end > p.start and c.start < p.end]
            for t in settled_turns(p.start, p.end, p.text, heard, p.words, by_voice=False):  # no voices kept here
                out.append(Caption(at_ms(t.start), at_ms(t.end), t.text, True, p.language or lang, id=ids.settled_late(),
                                   source=kept_input.source, speaker=t.speaker or kept_input.speaker, settled=True,
                                   replaces=tuple(owned), unsure=t.unsure))  # fmt: skip
        if not pieces and live:  # nothing was said there after all
            out.append(Caption(start, start, "", True, lang, id=ids.settled_late(), source=kept_input.source,
                               speaker=majority(live) or kept_input.speaker, settled=True,
                               replaces=tuple(c.id for c in live)))  # fmt: skip
    return out


def polish(
    info: SessionInfo,
    model: str | None = None,
    on_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[Caption] | None:
    """The session's audio (each input's, labelled as it) transcribed again with whole-recording
    context; None when cancelled."""
    kept = [k for k in info.inputs if k.audio.is_file()]
    if not kept:
        raise InputError(
            f"session {info.id} has no kept audio to read again (audio is kept unless turned off, for "
            "7 days by default)"
        )
    from livecaption.whisper.longform import WindowReader  # faster-whisper loads when it is needed

    audios = [read_spool(k.audio) for k in kept]
    heard = load_session(info.id)[1]  # what the session's captions say: a check on a window read astray
    total = sum(len(a) for a in audios) or 1
    config = _config(info, model)
    loaded = load(config)
    language = None if config.language == "auto" else config.language
    out: list[Caption] = []
    done = 0
    for k, audio in zip(kept, audios, strict=True):

        def progress(f: float, before: int = done, n: int = len(audio)) -> None:
            if on_progress is not None:
                on_progress((before + f * n) / total)

        reader = WindowReader(loaded.model, language, _settle_task(config), config.beam_size)
        mine = [c for c in heard if c.source == k.source]
        reader.word_times = _several_speakers(mine)
        found = settle_recording(reader, audio, on_progress=progress, cancel=cancel, heard=mine)
        if found is None:
            return None
        done += len(audio)
        lang = reader.language or ""
        for p in found:  # each reading's speakers (and their marks) from the lines it reads again, cut by turns
            near = [c for c in mine if c.end > p.start and c.start < p.end]
            out += [Caption(t.start, t.end, t.text, True, p.language or lang, source=k.source,
                            speaker=t.speaker or k.speaker, unsure=t.unsure)
                    for t in settled_turns(p.start, p.end, p.text, near, p.words, by_voice=False)]  # fmt: skip
    if not out and total > SR:
        raise CaptioningError(f"no words were found in the {total / SR:.0f} s of audio of session {info.id}")
    return sorted(out, key=lambda c: c.start)


def _several_speakers(captions: list[Caption]) -> bool:
    """Whether a reading of these captions' audio needs its words' times: to cut it where the speaker changes."""
    return len({c.speaker for c in captions}) > 1


def _settle_task(config: SessionConfig) -> str:
    return "transcribe" if config.task == "both" else config.task  # a settled caption keeps its live translation
