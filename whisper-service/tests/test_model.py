"""WHISPER_DEVICE=auto survives a GPU that CTranslate2 counts but cannot use.

No GPU is needed: the loader is injected (load_whisper_model(settings, loader=...)) and fails
the way a missing cuDNN / cuBLAS or an unsupported float16 does, at load or at first inference.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pytest

from app import model as model_module
from app.model import ModelLoadError, load_whisper_model
from app.settings import Settings


class _FakeCT2:
    is_multilingual = False


class _FakeModel:
    def __init__(self, device: str, fail_inference: str | None) -> None:
        self.device = device
        self.model = _FakeCT2()
        self.fail_inference = fail_inference
        self.warmups: list[int] = []

    def transcribe(self, audio: Any, **options: Any) -> tuple[Any, None]:
        assert isinstance(audio, np.ndarray) and not audio.any()  # silence
        self.warmups.append(int(audio.shape[0]))
        if self.fail_inference:
            raise RuntimeError(self.fail_inference)
        return iter(()), None


class _Loader:
    """Stands in for faster_whisper.WhisperModel; ``cuda_error`` fails the CUDA load."""

    def __init__(self, cuda_error: str | None = None, cuda_inference_error: str | None = None):
        self.cuda_error = cuda_error
        self.cuda_inference_error = cuda_inference_error
        self.calls: list[tuple[str, str]] = []
        self.models: list[_FakeModel] = []

    def __call__(self, source: str, *, device: str, compute_type: str, **_: Any) -> _FakeModel:
        self.calls.append((device, compute_type))
        if device == "cuda" and self.cuda_error:
            raise RuntimeError(self.cuda_error)
        failing = self.cuda_inference_error if device == "cuda" else None
        self.models.append(_FakeModel(device, failing))
        return self.models[-1]


@pytest.fixture(autouse=True)
def _one_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_module, "cuda_device_count", lambda: 1)


def test_auto_falls_back_to_cpu_when_cuda_load_fails(caplog: pytest.LogCaptureFixture) -> None:
    loader = _Loader(cuda_error="Library libcudnn_ops.so.9 is not found")
    with caplog.at_level(logging.WARNING, logger="whisper_service"):
        _, info = load_whisper_model(Settings(device="auto"), loader=loader)
    assert loader.calls == [("cuda", "float16"), ("cpu", "int8")]
    assert (info.device, info.compute_type) == ("cpu", "int8")
    assert info.fallback_reason and "libcudnn_ops" in info.fallback_reason
    assert any("falling back to the CPU" in r.getMessage() for r in caplog.records)
    assert any("libcudnn_ops" in r.getMessage() for r in caplog.records)


def test_auto_falls_back_when_the_warm_up_inference_fails() -> None:
    # Loading succeeds; the first inference is what hits the missing library / compute type.
    loader = _Loader(cuda_inference_error="CUBLAS_STATUS_NOT_SUPPORTED")
    settings = Settings(device="auto", compute_type="float16")
    _, info = load_whisper_model(settings, loader=loader)
    cuda_model, cpu_model = loader.models
    assert cuda_model.warmups == [4000]  # 0.25 s at 16 kHz, on the GPU only
    assert cpu_model.warmups == []
    assert loader.calls == [("cuda", "float16"), ("cpu", "int8")]  # the CPU's default type
    assert info.device == "cpu" and "CUBLAS_STATUS_NOT_SUPPORTED" in str(info.fallback_reason)


def test_a_working_gpu_is_used_and_warmed_up() -> None:
    loader = _Loader()
    _, info = load_whisper_model(Settings(device="auto"), loader=loader)
    assert loader.calls == [("cuda", "float16")]
    assert loader.models[0].warmups == [4000]
    assert (info.device, info.compute_type, info.fallback_reason) == ("cuda", "float16", None)


def test_explicit_cuda_does_not_fall_back() -> None:
    loader = _Loader(cuda_inference_error="float16 not supported on this device")
    with pytest.raises(ModelLoadError, match="on cuda: float16 not supported"):
        load_whisper_model(Settings(device="cuda"), loader=loader)
    assert loader.calls == [("cuda", "float16")]


def test_fallback_loads_the_real_model_on_cpu() -> None:
    from faster_whisper import WhisperModel

    def loader(source: str, *, device: str, **options: Any) -> Any:
        if device == "cuda":
            raise RuntimeError("CUDA driver version is insufficient")
        return WhisperModel(source, device=device, **options)

    model, info = load_whisper_model(Settings(device="auto"), loader=loader)
    assert (info.model, info.device, info.compute_type) == ("tiny.en", "cpu", "int8")
    assert model.model.device == "cpu"
