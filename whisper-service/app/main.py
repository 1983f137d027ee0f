"""App factory: ``create_app(settings=None, transcriber=None)``.

The model loads in a background thread started by the lifespan, so ``/health`` answers and
``/ready`` is 503 while it loads. Run with ``python whisper-service/run.py`` or
``uvicorn --factory app.main:create_app`` from ``whisper-service/``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import __version__
from .errors import install_error_handlers
from .limiter import ConcurrencyLimiter
from .routes_native import router as native_router
from .routes_openai import router as openai_router
from .settings import Settings
from .state import ServiceState
from .transcriber import Transcriber, WhisperTranscriber

log = logging.getLogger("whisper_service")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: ServiceState = app.state.service
    s = state.settings
    state.limiter = ConcurrencyLimiter(s.max_concurrency, s.max_queue, s.retry_after_seconds)
    loader = threading.Thread(target=state.load_model, name="model-loader", daemon=True)
    loader.start()
    try:
        yield
    finally:
        state.limiter.shutdown()


def create_app(settings: Settings | None = None, transcriber: Transcriber | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="emberflow whisper-service",
        version=__version__,
        description="faster-whisper transcription: native API and OpenAI-compatible /v1.",
        lifespan=_lifespan,
    )
    app.state.service = ServiceState(
        settings=settings,
        transcriber=transcriber if transcriber is not None else WhisperTranscriber(settings),
    )
    install_error_handlers(app)
    app.include_router(native_router)
    app.include_router(openai_router)
    return app
