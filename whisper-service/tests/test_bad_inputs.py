"""Bad input gets a clear 4xx in the right error shape, and leaves no temporary file behind."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.transcriber import WhisperTranscriber

from .conftest import make_settings, wait_ready


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    pixels = b"".join(b"\x00" + b"\xff\x80\x00" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def _no_leftovers(upload_dir: Path) -> Iterator[None]:
    yield
    assert list(upload_dir.iterdir()) == [], "temporary upload left behind"


def _error(r: object, status: int, code: str) -> str:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    return str(body["error"]["message"])


def test_random_bytes_are_415(client: TestClient) -> None:
    r = client.post("/transcribe", files={"file": ("noise.mp3", os.urandom(20_000))})
    assert "could not be decoded as audio" in _error(r, 415, "unsupported_media")


def test_png_renamed_mp3_is_415(client: TestClient) -> None:
    r = client.post("/transcribe", files={"file": ("song.mp3", _png(), "audio/mpeg")})
    message = _error(r, 415, "unsupported_media")
    assert "no audio stream" in message and "png" in message


def test_empty_file_is_400(client: TestClient) -> None:
    r = client.post("/transcribe", files={"file": ("empty.wav", b"")})
    assert "empty" in _error(r, 400, "empty_file")


def test_missing_file_is_422(client: TestClient) -> None:
    r = client.post("/transcribe", data={"language": "en"}, files={"other": ("x", b"abc")})
    assert "file" in _error(r, 422, "validation_error")


def test_not_multipart_is_415(client: TestClient) -> None:
    r = client.post("/transcribe", json={"file": "/etc/passwd"})
    assert "multipart/form-data" in _error(r, 415, "unsupported_media")


def test_a_host_path_is_never_read(client: TestClient) -> None:
    # A path sent as the "file" field is taken as (non-audio) content, not opened.
    r = client.post("/transcribe", files={"file": (None, "/etc/passwd")})
    _error(r, 415, "unsupported_media")
    r = client.post("/transcribe", data={"file": "/etc/passwd"})  # url-encoded: no file part
    _error(r, 422, "validation_error")
    r = client.post("/transcribe", data={"path": "/etc/passwd"}, files={"file": ("x.wav", b"")})
    _error(r, 400, "empty_file")


@pytest.mark.parametrize(
    ("field", "value"),
    [("beam_size", "0"), ("beam_size", "many"), ("language", "xx"), ("word_timestamps", "maybe")],
)
def test_invalid_fields_are_422(client: TestClient, field: str, value: str) -> None:
    r = client.post("/transcribe", data={field: value}, files={"file": ("a.wav", b"RIFF")})
    assert field in _error(r, 422, "validation_error")


def test_openai_route_uses_openai_error_shape(client: TestClient) -> None:
    r = client.post(
        "/v1/audio/transcriptions",
        data={"model": "whisper-1", "response_format": "xml"},
        files={"file": ("a.wav", b"RIFF")},
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["param"] == "response_format" and error["type"] == "invalid_request_error"
    r = client.post("/v1/audio/transcriptions", files={"file": ("a.png", _png())})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media"
    r = client.post("/v1/audio/transcriptions", data={"model": "whisper-1"})
    assert r.status_code == 422 and r.json()["error"]["param"] == "file"
    r = client.post(
        "/v1/audio/transcriptions", data={"stream": "true"}, files={"file": ("a.wav", b"x")}
    )
    assert r.status_code == 400 and r.json()["error"]["param"] == "stream"


@pytest.fixture()
def small_limit_client(whisper: WhisperTranscriber, upload_dir: Path) -> Iterator[TestClient]:
    settings = make_settings(upload_dir, max_upload_mb=0.05)  # 52,428 bytes
    with TestClient(create_app(settings, whisper)) as client:
        wait_ready(client)
        yield client


def test_oversized_upload_is_413(small_limit_client: TestClient) -> None:
    r = small_limit_client.post("/transcribe", files={"file": ("big.wav", b"\0" * 60_000)})
    assert "upload limit" in _error(r, 413, "file_too_large")
    # Far over the limit: refused from Content-Length before the body is read.
    r = small_limit_client.post("/transcribe", files={"file": ("big.wav", b"\0" * 3_000_000)})
    _error(r, 413, "file_too_large")
    # A chunked body refused while it still streams in: tests/test_streaming.py (real uvicorn).


def test_only_the_first_file_part_counts(client: TestClient) -> None:
    files = [("file", ("a.wav", b"")), ("file", ("b.wav", b"x" * 200_000))]
    r = client.post("/transcribe", files=files)
    _error(r, 400, "empty_file")


def test_form_fields_are_capped_in_total_and_in_number(client: TestClient) -> None:
    audio = {"file": ("a.wav", b"RIFF")}
    # Each field under its own 64 KB cap, together over the 256 KB for all of them.
    many_kb = {f"note{i}": "x" * 60_000 for i in range(5)}
    r = client.post("/transcribe", data=many_kb, files=audio)
    assert "256 KB" in _error(r, 413, "form_too_large")
    r = client.post("/transcribe", data={"initial_prompt": "x" * 70_000}, files=audio)
    assert "64 KB" in _error(r, 413, "form_too_large")
    # Tiny fields, but too many of them (repeated names count each time).
    r = client.post("/transcribe", data={"beam_size": ["5"] * 65}, files=audio)
    assert "more than 64 fields" in _error(r, 413, "form_too_large")
    # Within both caps the request goes on (to the decoder, which refuses these bytes).
    r = client.post("/transcribe", data={"beam_size": ["5"] * 64}, files=audio)
    _error(r, 415, "unsupported_media")
