"""Which language each stretch of speech is in: the codes Whisper knows, the set a session allows,
and the per-stretch choice (switch on clear evidence, keep the current language otherwise)."""
