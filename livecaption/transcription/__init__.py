"""The commit policy: which audio to decode, with what context, and when words become final.

Pure Python over a `Decoder` (decoder.py); the Whisper back-end lives in livecaption.whisper.
"""
