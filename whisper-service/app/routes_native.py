"""The service's own API: health, readiness, info, and POST /transcribe."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from . import __version__
from .formats import to_native
from .schemas import HealthOut, NativeForm, ReadyOut, TranscriptionOut, form_openapi
from .state import StateDep, pipeline_headers, transcribe_request
from .transcriber import TranscribeOptions

router = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Empty file or malformed body"},
    413: {"description": "Upload over WHISPER_MAX_UPLOAD_MB"},
    415: {"description": "Not decodable as audio"},
    422: {"description": "Invalid form field"},
    503: {"description": "Model not ready, or too many transcriptions (see Retry-After)"},
}


@router.get(
    "/health",
    tags=["ops"],
    response_model=HealthOut,
    responses={503: {"description": "The model failed to load: the process is of no use"}},
)
async def health(state: StateDep) -> HealthOut | JSONResponse:
    """Liveness: answers at once, whatever the model or the queue is doing. ``ok`` while the
    model loads and once it is loaded; ``503 error`` with the reason if loading failed."""
    if state.load_error is not None:
        return JSONResponse(
            {"status": "error", "reason": f"the model failed to load: {state.load_error}"},
            status_code=503,
        )
    return HealthOut(status="ok")


@router.get(
    "/ready",
    tags=["ops"],
    response_model=ReadyOut,
    responses={503: {"description": "Model loading or failed to load"}},
)
async def ready(state: StateDep) -> ReadyOut | JSONResponse:
    """Readiness: 503 until the model is loaded, then which model, device and compute type."""
    if state.model_info is None:
        loading = state.load_error is None
        headers = {"Retry-After": str(state.settings.retry_after_seconds)} if loading else None
        return JSONResponse(
            {
                "error": {
                    "code": "model_not_ready" if loading else "model_load_failed",
                    "message": "the model is loading"
                    if loading
                    else f"the model failed to load: {state.load_error}",
                }
            },
            status_code=503,
            headers=headers,
        )
    info = state.model_info
    return ReadyOut(
        status="ready", model=info.model, device=info.device, compute_type=info.compute_type
    )


@router.get("/info", tags=["ops"])
async def info(state: StateDep) -> dict[str, Any]:
    """Model, limits and current load."""
    s = state.settings
    model = state.model_info
    limiter = state.limiter
    status = "ready" if model is not None else "failed" if state.load_error else "loading"
    return {
        "service": "whisper-service",
        "version": __version__,
        "status": status,
        "load_error": state.load_error,
        "uptime_seconds": round(time.monotonic() - state.started_at, 3),
        "model": None
        if model is None
        else {
            "name": model.model,
            "path": model.path,
            "device": model.device,
            "compute_type": model.compute_type,
            "multilingual": model.multilingual,
            "fallback_reason": model.fallback_reason,
        },
        "limits": {
            "max_upload_mb": s.max_upload_mb,
            "max_concurrency": s.max_concurrency,
            "max_queue": s.max_queue,
            "batch_size": s.batch_size,
            "batch_min_seconds": s.batch_min_seconds,
        },
        "load": {
            "running": limiter.running if limiter else 0,
            "waiting": limiter.waiting if limiter else 0,
        },
        "endpoints": ["/transcribe", "/v1/audio/transcriptions"],
        "response_formats": ["json", "text", "srt", "vtt", "verbose_json"],
    }


def _options(form: NativeForm) -> TranscribeOptions:
    return TranscribeOptions(
        language=form.language,
        initial_prompt=form.initial_prompt or None,
        word_timestamps=form.word_timestamps,
        vad_filter=form.vad_filter,
        beam_size=form.beam_size,
    )


@router.post(
    "/transcribe",
    tags=["transcription"],
    response_model=TranscriptionOut,
    responses=_ERRORS,
    openapi_extra=form_openapi(NativeForm),
)
async def transcribe(request: Request, response: Response, state: StateDep) -> TranscriptionOut:
    """Transcribe the multipart ``file``; see the form fields for options.

    The ``X-Whisper-Pipeline`` header says which path ran: ``sequential`` or ``batched``."""
    form, result = await transcribe_request(request, state, NativeForm, _options)
    response.headers.update(pipeline_headers(result))
    return to_native(result, form.word_timestamps)
