"""Streaming multipart reader: the file part goes straight to a temporary file.

The size limit is enforced while the body streams in (and up front from Content-Length), so an
oversized upload is refused after at most ``limit`` bytes, never after buffering all of it.
Only the part named ``file`` is kept; nothing is ever read from a path the client names.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field

import anyio
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from .errors import BadRequest, EmptyUpload, FormTooLarge, UnsupportedMedia, UploadTooLarge

FIELD_LIMIT = 64 * 1024  # bytes per non-file field
FIELDS_TOTAL_LIMIT = 256 * 1024  # bytes of all non-file fields of one request together
MAX_FIELDS = 64  # non-file fields per request (repeated names count each time)
FORM_OVERHEAD = 1024 * 1024  # allowance for fields and multipart framing
FLUSH_AT = 1024 * 1024


@dataclass
class Upload:
    path: str | None = None
    filename: str | None = None
    content_type: str | None = None
    size: int = 0
    has_file: bool = False
    fields: dict[str, list[str]] = field(default_factory=dict)

    def remove(self) -> None:
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)


class _PartCollector:
    """Callbacks for python-multipart's MultipartParser; writes are deferred to a thread."""

    def __init__(self, upload: Upload, limit: int) -> None:
        self.upload = upload
        self.limit = limit
        self.pending = bytearray()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._name: str | None = None
        self._is_file = False
        self._value = bytearray()
        self._seen_file = False
        self._fields_bytes = 0
        self._fields_count = 0

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self._headers.clear()
        self._name, self._is_file = None, False
        self._value.clear()

    def header_end(self) -> None:
        key = bytes(self._header_field).decode("latin-1").strip().lower()
        self._headers[key] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", b""))
        raw_name = params.get(b"name")
        self._name = raw_name.decode("utf-8", "replace") if raw_name is not None else None
        filename = params.get(b"filename")
        self._is_file = self._name == "file" and not self._seen_file
        if filename is not None and not self._is_file:
            self._name = None  # another file part: its bytes are skipped, never stored
        if self._is_file:
            self._seen_file = True
            self.upload.has_file = True
            self.upload.filename = (
                filename.decode("utf-8", "replace") if filename is not None else None
            )
            ctype = self._headers.get("content-type")
            self.upload.content_type = ctype.decode("latin-1") if ctype else None

    def part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._is_file:
            self.upload.size += len(chunk)
            if self.upload.size > self.limit:
                raise UploadTooLarge(
                    f"the file exceeds the upload limit of {self.limit / 1048576:g} MB "
                    "(WHISPER_MAX_UPLOAD_MB)"
                )
            self.pending.extend(chunk)
        elif self._name is not None:
            self._value.extend(chunk)
            self._fields_bytes += len(chunk)
            if len(self._value) > FIELD_LIMIT:
                raise FormTooLarge(f"form field {self._name!r} is larger than 64 KB")
            if self._fields_bytes > FIELDS_TOTAL_LIMIT:
                raise FormTooLarge("the form fields together are larger than 256 KB")

    def part_end(self) -> None:
        if not self._is_file and self._name is not None:
            self._fields_count += 1
            if self._fields_count > MAX_FIELDS:
                raise FormTooLarge(f"the form has more than {MAX_FIELDS} fields")
            value = bytes(self._value).decode("utf-8", "replace")
            self.upload.fields.setdefault(self._name, []).append(value)
        self._is_file = False


async def receive_upload(request: Request, limit: int, tmp_dir: str | None) -> Upload:
    """Stream the multipart body; the caller must call ``Upload.remove()`` (in ``finally``)."""
    ctype, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if ctype == b"application/x-www-form-urlencoded":
        # A form without any file part: the audio is missing, the usual 422.
        require_file(Upload())
    if ctype != b"multipart/form-data" or not boundary:
        raise UnsupportedMedia(
            "the request body must be multipart/form-data with the audio in a 'file' field"
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise UploadTooLarge(
            f"the request ({int(declared)} bytes) exceeds the upload limit of "
            f"{limit / 1048576:g} MB (WHISPER_MAX_UPLOAD_MB)"
        )
    upload = Upload()
    fd, path = tempfile.mkstemp(prefix="whisper-upload-", dir=tmp_dir)
    upload.path = path
    try:
        with os.fdopen(fd, "wb") as fh:
            collector = _PartCollector(upload, limit)
            parser = MultipartParser(
                boundary,
                collector.callbacks(),  # type: ignore[arg-type]
            )
            received = 0
            async for chunk in request.stream():
                received += len(chunk)
                if received > limit + FORM_OVERHEAD:
                    raise UploadTooLarge(
                        f"the request exceeds the upload limit of {limit / 1048576:g} MB "
                        "(WHISPER_MAX_UPLOAD_MB)"
                    )
                try:
                    parser.write(chunk)
                except FormParserError as exc:
                    raise BadRequest(f"malformed multipart body: {exc}") from exc
                if len(collector.pending) >= FLUSH_AT:
                    data = bytes(collector.pending)
                    collector.pending.clear()
                    await anyio.to_thread.run_sync(fh.write, data)
            parser.finalize()
            if collector.pending:
                await anyio.to_thread.run_sync(fh.write, bytes(collector.pending))
    except BaseException:
        upload.remove()
        raise
    return upload


def require_file(upload: Upload) -> str:
    """The temp path of the non-empty ``file`` part; 422 when missing, 400 when empty."""
    if not upload.has_file or upload.path is None:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body", "file"), "msg": "Field required", "input": None}]
        )
    if upload.size == 0:
        raise EmptyUpload("the uploaded file is empty")
    return upload.path
