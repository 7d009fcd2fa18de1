"""Errors meant for the user: one readable line, never a traceback.

Each kind carries the remedy the app offers for it (a button in the banner), so the
GUI never has to guess from the wording what would help.
"""

from __future__ import annotations

from enum import Enum


class Remedy(Enum):
    NONE = "none"
    REFRESH_DEVICES = "refresh devices"  # a microphone or sound server problem
    BUNDLED_MODEL = "use the bundled model"  # the chosen model is missing, broken or cannot download
    USE_CPU = "use the CPU"  # the GPU was asked for and is not usable
    ENGLISH = "caption in English"  # an English-only model was asked for another language or translation
    OPEN_RECORDING = "choose another recording"  # the input file cannot be read
    EXPORT_ELSEWHERE = "save elsewhere"  # a file could not be written
    RETRY = "try again"


class LivecaptionError(Exception):
    """A problem the user can fix. The message is shown as-is: what went wrong and what to do."""

    remedy = Remedy.NONE


class DeviceError(LivecaptionError):
    """No microphone, a device that went away, PortAudio or the sound server missing."""

    remedy = Remedy.REFRESH_DEVICES


class ModelError(LivecaptionError):
    """A model that is unknown, not a Whisper model, damaged, or cannot be fetched."""

    remedy = Remedy.BUNDLED_MODEL


class ComputeError(LivecaptionError):
    """The compute device asked for cannot run the model."""

    remedy = Remedy.USE_CPU


class LanguageError(LivecaptionError):
    """The model cannot do the language or task asked for."""

    remedy = Remedy.ENGLISH


class InputError(LivecaptionError):
    """A recording that is missing, empty or not audio."""

    remedy = Remedy.OPEN_RECORDING


class StorageError(LivecaptionError):
    """A transcript, journal or preference file that cannot be written or read."""

    remedy = Remedy.EXPORT_ELSEWHERE


class CaptioningError(LivecaptionError):
    """Something went wrong mid-session; the session and its captions go on."""
