"""The only package that imports faster-whisper and CTranslate2: model loading and decoding."""
