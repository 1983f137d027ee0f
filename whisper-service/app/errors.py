"""Error types and the handlers that turn them into JSON error bodies.

Native routes answer ``{"error": {"code", "message"}}``; the OpenAI-compatible ``/v1`` routes
answer OpenAI's shape ``{"error": {"message", "type", "param", "code"}}``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

log = logging.getLogger("whisper_service")


class ApiError(Exception):
    """An error with an HTTP status, a stable machine code and a human message."""

    status_code = 500
    code = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.headers = headers or {}


class EmptyUpload(ApiError):
    status_code = 400
    code = "empty_file"


class UploadTooLarge(ApiError):
    status_code = 413
    code = "file_too_large"


class FormTooLarge(UploadTooLarge):
    """The non-file form fields are too big or too many (per field, in total, in number)."""

    code = "form_too_large"


class UnsupportedMedia(ApiError):
    status_code = 415
    code = "unsupported_media"


class BadRequest(ApiError):
    status_code = 400
    code = "bad_request"


class Overloaded(ApiError):
    status_code = 503
    code = "overloaded"


class NotReady(ApiError):
    status_code = 503
    code = "model_not_ready"


def _is_openai(request: Request) -> bool:
    return request.url.path.startswith("/v1/")


def _openai_type(status: int) -> str:
    return "invalid_request_error" if status < 500 else "server_error"


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    *,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any]
    if _is_openai(request):
        body = {
            "error": {
                "message": message,
                "type": _openai_type(status),
                "param": param,
                "code": code,
            }
        }
    else:
        body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def describe_validation(errors: Sequence[Any]) -> tuple[str, str | None]:
    """One readable sentence and the offending field for a list of pydantic errors."""
    parts: list[str] = []
    param: str | None = None
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "form")]
        field = ".".join(loc) or "request"
        param = param or field
        parts.append(f"{field}: {err.get('msg', 'invalid value')}")
    return "; ".join(parts) or "invalid request", param


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, ApiError):  # pragma: no cover - registered for ApiError only
        raise exc
    if exc.status_code >= 500:
        log.warning("%s: %s", exc.code, exc.message)
    return error_response(
        request, exc.status_code, exc.code, exc.message, param=exc.param, headers=exc.headers
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    message, param = describe_validation(errors)
    return error_response(request, 422, "validation_error", message, param=param)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):  # pragma: no cover
        raise exc
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(
        request,
        exc.status_code,
        code,
        str(exc.detail),
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _client_gone(request: Request, exc: Exception) -> Response:
    # Not a server error: the client went away mid-upload (the spool file is already removed).
    log.info("client disconnected during %s %s; upload discarded", request.method, request.url.path)
    return Response(status_code=400)  # nobody is left to read it


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "internal_error", "internal error while transcribing")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(Exception, _unexpected)
