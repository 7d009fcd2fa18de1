"""Audio in: sources that write into a ring buffer, device listing, recordings."""

from livecaption.audio.files import probe_file, read_audio
from livecaption.audio.portaudio import InputDevice, find_input_device, list_input_devices
from livecaption.audio.sources import AudioSource, FileSource, MicrophoneSource

__all__ = [
    "AudioSource",
    "FileSource",
    "InputDevice",
    "MicrophoneSource",
    "find_input_device",
    "list_input_devices",
    "probe_file",
    "read_audio",
]
