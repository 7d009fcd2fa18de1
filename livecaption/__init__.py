"""livecaption: live, offline speech captions with Whisper."""

import os

__version__ = "0.1.0"

# onnxruntime (Silero VAD's runtime) sends usage telemetry from a native thread, DNS first,
# about 9 s after it starts, unless this is set before it is imported; its Python switch
# (disable_telemetry_events) did not stop it. tests/cli/test_privacy.py traces for it.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

# numpy's BLAS on one thread (threads.py), set before numpy loads; Whisper's big buffers kept in the
# heap, not mapped again for every pass (heap.py), set before any thread starts.
from livecaption.heap import keep_buffers
from livecaption.threads import blas_env

blas_env()
keep_buffers()
