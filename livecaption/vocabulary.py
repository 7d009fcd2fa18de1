"""A session's vocabulary (the profile's context and words to boost), and words learned while it runs.

The live transcriber and the settle pass each read `SessionVocabulary.terms` before a pass: an
immutable value swapped under a lock, so a word the user teaches reaches both from their next pass on,
without either thread touching the other's state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from livecaption.corrections import BARE_WORD, sounds_like
from livecaption.storage.userconfig import UserConfig, Vocabulary

DEFAULT_PROFILE = "default"  # the profile in use when none is chosen (the app's and the command line's)


@dataclass(frozen=True)
class Terms:
    prompt: str = ""  # context text before what was said
    hotwords: str = ""  # words to boost, the learned ones included


class SessionVocabulary:
    def __init__(self, prompt: str = "", hotwords: str = "") -> None:
        self._lock = threading.Lock()
        self._terms = Terms(prompt.strip(), hotwords.strip())
        self.version = 0  # bumped by each change: a reader compares it with the one it last used

    @property
    def terms(self) -> Terms:
        with self._lock:
            return self._terms

    def learn(self, words: list[str]) -> Terms:
        """`words` join the words to boost (those it has already are not added twice)."""
        with self._lock:
            merged = Vocabulary(hotwords=self._terms.hotwords, words=list(words)).all_hotwords
            if merged != self._terms.hotwords:
                self._terms = replace(self._terms, hotwords=merged)
                self.version += 1
            return self._terms


def heard(hotwords: str, text: str) -> str:
    """The words to boost that `text` has, or has something that sounds like (a misreading): a settle
    window boosts only those. Words to boost change how the whole window is read, and in windows
    without them that costs words elsewhere (benchmarks/README.md, "Teaching a word")."""
    said = BARE_WORD.findall(text)
    wanted = [w.strip() for w in hotwords.split(",") if w.strip()]
    return ", ".join(w for w in wanted if any(sounds_like(p, s) for p in w.split() for s in said))


def saved(profile: str = "") -> Vocabulary:
    """The vocabulary profile as saved (empty if there is none of that name)."""
    return UserConfig.load().profiles.get(profile or DEFAULT_PROFILE, Vocabulary())


def learn(words: list[str], profile: str = "") -> Vocabulary:
    """`words` saved in the vocabulary profile (created if new): the next session knows them."""
    config = UserConfig.load()
    name = profile or DEFAULT_PROFILE
    saved = config.profiles.get(name, Vocabulary())
    have = {w.lower() for w in saved.words}
    saved = replace(saved, words=saved.words + [w for w in dict.fromkeys(words) if w.lower() not in have])
    config.profiles[name] = saved
    config.save()
    return saved


def forget(word: str, profile: str = "") -> Vocabulary:
    """A learned word taken out of the profile."""
    config = UserConfig.load()
    name = profile or DEFAULT_PROFILE
    saved = config.profiles.get(name, Vocabulary())
    saved = replace(saved, words=[w for w in saved.words if w.lower() != word.lower()])
    if name in config.profiles:
        config.profiles[name] = saved
        config.save()
    return saved
