"""OpenAI-compatible ``POST /v1/audio/transcriptions`` (official SDKs work unchanged)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from .errors import BadRequest
from .formats import to_openai_json, to_srt, to_text, to_verbose_json, to_vtt
from .schemas import OpenAIForm, form_openapi
from .state import StateDep, pipeline_headers, transcribe_request
from .transcriber import TranscribeOptions

router = APIRouter(prefix="/v1")


def _options(form: OpenAIForm) -> TranscribeOptions:
    if form.stream:
        raise BadRequest("streaming transcription is not supported; omit 'stream'", param="stream")
    if form.timestamp_granularities and form.response_format != "verbose_json":
        # As OpenAI answers: granularities are only honoured in verbose_json, never ignored.
        raise BadRequest(
            "'timestamp_granularities' requires response_format 'verbose_json'",
            param="timestamp_granularities",
        )
    words = "word" in form.timestamp_granularities
    return TranscribeOptions(
        language=form.language,
        initial_prompt=form.prompt or None,
        word_timestamps=words,
        temperature=form.temperature or None,
    )


@router.post(
    "/audio/transcriptions",
    tags=["openai"],
    openapi_extra=form_openapi(OpenAIForm),
    responses={
        200: {
            "description": "json / verbose_json as JSON; text / srt / vtt as text/plain",
            "content": {"application/json": {}, "text/plain": {}},
        }
    },
)
async def create_transcription(request: Request, state: StateDep) -> Response:
    form, result = await transcribe_request(request, state, OpenAIForm, _options)
    fmt = form.response_format
    headers = pipeline_headers(result)
    body: dict[str, Any]
    if fmt == "text":
        return PlainTextResponse(to_text(result), headers=headers)
    if fmt == "srt":
        return PlainTextResponse(to_srt(result), headers=headers)
    if fmt == "vtt":
        return PlainTextResponse(to_vtt(result), headers=headers)
    if fmt == "verbose_json":
        body = to_verbose_json(result, form.timestamp_granularities)
    else:
        body = to_openai_json(result)
    return JSONResponse(body, headers=headers)
