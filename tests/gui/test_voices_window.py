"""Remembered voices in the app (pytest-qt): Session → Speakers… "Remember this voice" for a named speaker, from
a stopped session's kept audio and from a running session's labeller; Session → Settings… lists the remembered
people and Forget deletes one at once. Every control has an accessible name."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from livecaption.captions import Caption
from livecaption.gui.main_window import MainWindow
from livecaption.gui.open_session import show_session
from livecaption.gui.session_settings import SessionSettingsDialog
from livecaption.gui.speakers import SpeakersDialog
from livecaption.samples import SR
from livecaption.speakers import voices
from livecaption.storage.journal import Journal, load
from livecaption.storage.spool import AudioSpool, audio_path


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVECAPTION_SESSIONS", str(tmp_path / "sessions"))
    monkeypatch.setenv(voices.VOICES_ENV, str(tmp_path / "voices"))
    return tmp_path


@pytest.fixture(scope="module")
def hifi(speech):
    """The Hi-Fi TTS reader's clips (one person, many utterances)."""
    from livecaption.audio import read_audio

    index = json.loads((speech.root / "clips.json").read_text(encoding="utf-8"))
    return [read_audio(speech / c["file"].removeprefix("clips/")) for c in index if "6097" in c.get("licence", "")]


def kept_session(parts: list[tuple[np.ndarray, str]], keep_audio: bool = True) -> Journal:
    """A stopped session with labelled lines (Speaker 1, 2… in order of appearance) and its audio kept beside it."""
    journal = Journal("", "tiny.en")
    spool = AudioSpool(audio_path(journal.path, 0)) if keep_audio else None
    t, labels = 0.5, {}
    for k, (audio, who) in enumerate(parts):
        if spool is not None:
            spool.write(round(t * SR), audio)
        labels.setdefault(who, f"Speaker {len(labels) + 1}")
        journal.append(Caption(t, t + len(audio) / SR, f"line {k + 1}", id=k + 1, speaker=labels[who]))
        t += len(audio) / SR + 0.8
    if spool is not None:
        spool.close()
    journal.close()
    return journal


def window(qtbot) -> MainWindow:
    win = MainWindow()
    win.automation = True
    qtbot.addWidget(win)
    win.show()
    return win


def unnamed(dlg: QWidget) -> list[str]:
    return [type(w).__name__ for w in dlg.findChildren(QWidget)
            if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isVisible() and not w.accessibleName()]  # fmt: skip


def speakers_dialog(qtbot, win: MainWindow) -> SpeakersDialog:
    dlg = SpeakersDialog(win)
    qtbot.addWidget(dlg)
    dlg.open()  # modal, as Session → Speakers… opens it: the window's own keys (Space starts and stops) wait
    qtbot.waitExposed(dlg)
    return dlg


def name_and_remember(qtbot, dlg: SpeakersDialog, label: str, name: str) -> None:
    """Types the name over the label and ticks Remember this voice with the keyboard, as a person does."""
    field = next(f for lb, f, _ in dlg.rows if lb == label)
    box = dlg.remember[label]
    assert not box.isEnabled()  # "Speaker 2" is no name to remember anyone by
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, name)
    assert box.isEnabled()
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()


def test_a_named_speaker_is_remembered_from_the_kept_audio_and_forgotten_in_settings(home, hifi, speech, qtbot):
    from livecaption.audio import read_audio

    journal = kept_session([(a, "reader") for a in hifi[:10]] + [(read_audio(speech / "jfk.flac"), "jfk")])
    win = window(qtbot)
    assert show_session(win, load(journal.id)[0])
    dlg = speakers_dialog(qtbot, win)
    assert list(dlg.remember) == ["Speaker 1", "Speaker 2"] and unnamed(dlg) == []
    assert dlg.remember["Speaker 1"].accessibleName() == "Remember Speaker 1's voice"
    name_and_remember(qtbot, dlg, "Speaker 1", "Ruth")
    dlg.apply()
    qtbot.waitUntil(lambda: "Remembered Ruth's voice" in win.statusBar().currentMessage(), timeout=60_000)
    assert win.model.speakers() == ["Ruth", "Speaker 2"]
    (ruth,) = voices.remembered()
    assert ruth.name == "Ruth" and len(ruth.pieces) >= 10 and ruth.path is not None and ruth.path.is_file()

    settings = SessionSettingsDialog(win.settings, win)
    qtbot.addWidget(settings)
    settings.show()
    assert list(settings.voices.rows) == ["Ruth"] and unnamed(settings.voices) == []
    forget = settings.voices.rows["Ruth"]
    assert forget.accessibleName() == "Forget Ruth's voice"
    forget.setFocus()
    qtbot.keyClick(forget, Qt.Key.Key_Space)
    assert not ruth.path.exists() and voices.remembered() == []  # at once, before any Save
    assert settings.voices.rows == {} and settings.voices.note.text() == "Forgot Ruth's voice."
    settings.reject()
    assert voices.remembered() == []


def test_without_kept_audio_the_banner_says_why(home, hifi, qtbot):
    journal = kept_session([(a, "reader") for a in hifi[:4]], keep_audio=False)
    win = window(qtbot)
    assert show_session(win, load(journal.id)[0])
    dlg = speakers_dialog(qtbot, win)
    name_and_remember(qtbot, dlg, "Speaker 1", "Ruth")
    dlg.apply()
    qtbot.waitUntil(lambda: win.banner.isVisible(), timeout=30_000)
    assert f"session {journal.id} kept no audio" in win.banner.label.text()
    assert voices.remembered() == []


@pytest.fixture
def speakers_on():
    """Session → Settings → Speakers ticked for this test alone (the app's settings outlive a window)."""
    from livecaption.gui import settings as cfg

    saved = cfg.settings()
    saved.setValue("session/speakers", True)
    yield
    saved.remove("session/speakers")
    saved.sync()


@pytest.mark.model  # a running session with the real model
def test_a_voice_is_remembered_from_the_running_session(home, hifi, qtbot, tmp_path, speakers_on):
    from conftest import write_wav

    from livecaption.gui.voices import running_voice

    gap = np.zeros(int(0.6 * SR), np.float32)
    talk = write_wav(tmp_path / "ruth.wav", np.concatenate([x for a in hifi[:16] for x in (gap, a)]))
    win = window(qtbot)
    win.input_file, win.realtime = str(talk), True
    win.start()
    qtbot.waitUntil(lambda: win.engine is not None and max((c.end for c in win.engine.captions), default=0) > 25,
                    timeout=120_000)  # fmt: skip (enough of her voice to remember: about 15 s of speech)
    assert win.model.speakers() == ["Speaker 1"]
    dlg = speakers_dialog(qtbot, win)
    name_and_remember(qtbot, dlg, "Speaker 1", "Ruth")
    dlg.apply()
    assert running_voice(win.engine, "Ruth") is not None  # the labeller's pieces, already embedded
    qtbot.waitUntil(lambda: "Remembered Ruth's voice" in win.statusBar().currentMessage(), timeout=10_000)
    assert [v.name for v in voices.remembered()] == ["Ruth"]
    with qtbot.waitSignal(win.bridge.finished, timeout=120_000):
        win.stop()
