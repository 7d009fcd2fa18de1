"""Converts resemblyzer's GE2E speaker encoder (`pretrained.pt`) to the NumPy file the app ships.

    pip download resemblyzer==0.1.4 --no-deps -d /tmp/rz && python tools/ge2e_convert.py /tmp/rz/Resemblyzer-0.1.4-py3-none-any.whl

Reads torch's legacy serialisation (a pickle whose tensors point into raw storages that follow it)
with the standard library, so neither the conversion nor the app needs torch. Writes
livecaption/speakers/ge2e.npz (float32 weights and the 40-band mel filterbank) and prints its SHA-256
for livecaption/speakers/README.md.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "livecaption" / "speakers" / "ge2e.npz"
DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64}


class _Storage:
    def __init__(self, kind: str, key: str, size: int) -> None:
        self.kind, self.key, self.size = kind, key, size


class _Tensor:
    def __init__(self, storage: _Storage, offset: int, shape: tuple, stride: tuple) -> None:
        self.storage, self.offset, self.shape, self.stride = storage, offset, tuple(shape), tuple(stride)


def _rebuild_tensor_v2(storage, offset, shape, stride, *_):
    return _Tensor(storage, offset, shape, stride)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch" and name in DTYPES:
            return name
        if module == "collections" and name == "OrderedDict":
            from collections import OrderedDict

            return OrderedDict
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in the checkpoint")

    def persistent_load(self, pid):
        _, kind, key, _location, size, _view = pid
        return _Storage(kind, key, size)


def read_legacy(data: bytes) -> dict[str, np.ndarray]:
    f = io.BytesIO(data)
    for _ in range(3):  # magic number, protocol version, system info
        pickle.load(f)
    checkpoint = _Unpickler(f).load()
    keys = pickle.load(f)
    raw: dict[str, np.ndarray] = {}
    kinds = {}
    for t in checkpoint["model_state"].values():
        kinds[t.storage.key] = t.storage.kind
    for key in keys:
        (n,) = struct.unpack("<q", f.read(8))
        dtype = np.dtype(DTYPES[kinds.get(key, "FloatStorage")])
        raw[key] = np.frombuffer(f.read(n * dtype.itemsize), dtype)
    out = {}
    for name, t in checkpoint["model_state"].items():
        flat = raw[t.storage.key]
        item = flat.itemsize
        out[name] = np.lib.stride_tricks.as_strided(flat[t.offset :], t.shape, [s * item for s in t.stride]).copy()
    return out


def mel_filterbank(sr: int = 16000, n_fft: int = 400, n_mels: int = 40) -> np.ndarray:
    """Slaney-style mel filters normalised by band width (librosa.filters.mel's defaults)."""

    def hz_to_mel(f):
        f = np.asarray(f, float)
        lin = f / (200.0 / 3)
        logstep = np.log(6.4) / 27.0
        return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / logstep, lin)

    def mel_to_hz(m):
        m = np.asarray(m, float)
        logstep = np.log(6.4) / 27.0
        return np.where(m >= 15.0, 1000.0 * np.exp(logstep * (m - 15.0)), m * (200.0 / 3))

    fft_freqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    weights = np.zeros((n_mels, len(fft_freqs)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as z:
        state = read_legacy(z.read("resemblyzer/pretrained.pt"))
    arrays = {name.replace(".", "_"): a.astype(np.float32) for name, a in state.items()}
    arrays["mel"] = mel_filterbank()
    np.savez_compressed(OUT, **arrays)
    for name, a in sorted(arrays.items()):
        print(f"{name:24} {a.shape}")
    print(OUT.relative_to(ROOT), hashlib.sha256(OUT.read_bytes()).hexdigest())


if __name__ == "__main__":
    main(sys.argv[1])
