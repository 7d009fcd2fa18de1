"""livecaption: live, offline speech captions with Whisper."""

__version__ = "0.1.0"
