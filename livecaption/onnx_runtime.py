"""onnxruntime (Silero VAD's runtime, ours and faster-whisper's), with its telemetry off."""

from __future__ import annotations


def quiet_onnxruntime():
    """onnxruntime, with its telemetry off before any session exists: its native code otherwise
    reports usage events over the network (seen with strace; tests/cli/test_privacy.py)."""
    import onnxruntime

    onnxruntime.disable_telemetry_events()
    return onnxruntime
