"""Per-app service state, its injectable dependencies, and the shared upload→transcript flow."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from .errors import NotReady
from .languages import language_name
from .limiter import ConcurrencyLimiter
from .model import ModelInfo
from .schemas import form_values
from .settings import Settings
from .transcriber import TranscribeOptions, Transcriber, Transcription
from .uploads import receive_upload, require_file

log = logging.getLogger("whisper_service")

FormT = TypeVar("FormT", bound=BaseModel)

PIPELINE_HEADER = "X-Whisper-Pipeline"  # "sequential" or "batched": the path that ran


@dataclass
class ServiceState:
    settings: Settings
    transcriber: Transcriber
    limiter: ConcurrencyLimiter | None = None
    model_info: ModelInfo | None = None
    load_error: str | None = None
    started_at: float = field(default_factory=time.monotonic)

    def load_model(self) -> None:
        """Blocking; runs in the loader thread started by the lifespan."""
        began = time.monotonic()
        try:
            info = self.transcriber.load()
        except Exception as exc:
            self.load_error = str(exc)
            log.error("model failed to load: %s", exc)
            return
        self.model_info = info
        log.info(
            "model %s ready on %s (%s) in %.1f s",
            info.model,
            info.device,
            info.compute_type,
            time.monotonic() - began,
        )

    def require_ready(self) -> ConcurrencyLimiter:
        if self.load_error is not None:
            raise NotReady(f"the model failed to load: {self.load_error}")
        if self.model_info is None or self.limiter is None:
            raise NotReady(
                "the model is still loading; retry shortly",
                headers={"Retry-After": str(self.settings.retry_after_seconds)},
            )
        return self.limiter


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


def _transcribe_then_remove(
    transcriber: Transcriber, path: str, options: TranscribeOptions
) -> Transcription:
    try:
        return transcriber.transcribe(path, options)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def validate_form(model: type[FormT], fields: dict[str, list[str]]) -> FormT:
    lists = tuple(
        name
        for name, info in model.model_fields.items()
        if getattr(info.annotation, "__origin__", None) is list
    )
    try:
        return model.model_validate(form_values(fields, lists))
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from exc


def check_language(info: ModelInfo | None, language: str | None) -> None:
    """An English-only model (``*.en``) cannot honour another language: a 422, never a quiet
    English transcript (faster-whisper itself would just switch to "en")."""
    if info is None or info.multilingual or language in (None, "en"):
        return
    message = (
        f"the loaded model {info.model!r} is English-only and cannot transcribe "
        f"{language_name(str(language)).title()} ({language!r}); send language 'en' or omit it, "
        "or run a multilingual model (WHISPER_MODEL, e.g. 'small' or 'large-v3')"
    )
    raise RequestValidationError(
        [{"type": "value_error", "loc": ("body", "language"), "msg": message, "input": language}]
    )


def pipeline_headers(result: Transcription) -> dict[str, str]:
    return {PIPELINE_HEADER: result.pipeline}


async def transcribe_request(
    request: Request,
    state: ServiceState,
    form_model: type[FormT],
    to_options: Callable[[FormT], TranscribeOptions],
) -> tuple[FormT, Transcription]:
    """Take a queue place, stream the upload, validate the form, transcribe off the loop.

    The place is reserved before a single body byte is read (503 at once when full) and given
    back in every case; the temp file is always removed."""
    limiter = state.require_ready()
    with limiter.admit() as ticket:
        settings = state.settings
        upload = await receive_upload(request, settings.max_upload_bytes, settings.tmp_dir)
        try:
            form = validate_form(form_model, upload.fields)
            path = require_file(upload)
            options = to_options(form)
            check_language(state.model_info, options.language)
            transcriber = state.transcriber
            result = await ticket.run(lambda: _transcribe_then_remove(transcriber, path, options))
            return form, result
        finally:
            upload.remove()
