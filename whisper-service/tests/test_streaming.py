"""Streaming uploads against the real uvicorn server, over raw sockets.

Starlette's TestClient hands the app the whole body at once, so it can prove neither that the
413 comes while the body still streams in, nor what happens when the client vanishes halfway.
These tests speak HTTP/1.1 over a socket and control every byte that is (not) sent.
"""

from __future__ import annotations

import json
import logging
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.main import create_app

from .conftest import make_settings, serve, wait_ready
from .fakes import GatedTranscriber

BOUNDARY = "emberflow-stream-test"
LIMIT_MB = 0.05  # 52,428 bytes
LIMIT = int(LIMIT_MB * 1024 * 1024)
CHUNK = 32 * 1024
PLANNED = 16 * 1024 * 1024  # the body the client would send if nobody stopped it: 320x the limit
ALLOWED = LIMIT + 16 * CHUNK  # the 413 must come within the limit plus a few chunks (3.5%)


def _file_part_head(name: str = "big.wav") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()


def _request_head(host: str, extra: str) -> bytes:
    return (
        f"POST /transcribe HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{extra}\r\n"
    ).encode()


def _connect(url: str) -> tuple[socket.socket, str]:
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    return sock, parts.netloc


def _chunk(data: bytes) -> bytes:
    """One HTTP/1.1 chunk of a ``Transfer-Encoding: chunked`` body."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _read_response(sock: socket.socket, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    sock.settimeout(timeout)
    raw = b""
    while b"\r\n\r\n" not in raw:
        data = sock.recv(65536)
        assert data, f"connection closed before a response: {raw!r}"
        raw += data
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        data = sock.recv(65536)
        assert data, "connection closed inside the response body"
        body += data
    return status, headers, body[:length]


def _wait_for(predicate: object, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.01)


@pytest.fixture()
def small_limit_url(upload_dir: Path) -> Iterator[str]:
    """uvicorn with a 52 KB upload limit; the fake model is never reached by these uploads."""
    fake = GatedTranscriber()
    with serve(create_app(make_settings(upload_dir, max_upload_mb=LIMIT_MB), fake)) as url:
        with httpx.Client(base_url=url) as http:
            wait_ready(http)
        yield url
    assert fake.calls == 0


def test_oversized_chunked_upload_is_413_while_streaming(
    small_limit_url: str, upload_dir: Path
) -> None:
    """No Content-Length, so only the streaming check can refuse it; the client keeps sending
    and reads the 413 while most of its body (and its closing boundary) was never sent."""
    sock, host = _connect(small_limit_url)
    with sock:
        sock.sendall(_request_head(host, "Transfer-Encoding: chunked\r\n"))
        sock.sendall(_chunk(_file_part_head()))
        sent = 0
        while not select.select([sock], [], [], 0.0 if sent <= LIMIT else 1.0)[0]:
            # Before the limit, send on; past it, give the server a moment to answer each chunk
            # (so a slow shared CPU cannot make the count run ahead of what the server read).
            assert sent < ALLOWED, f"no answer after {sent} of {PLANNED} bytes"
            sock.sendall(_chunk(b"\1" * CHUNK))
            sent += CHUNK
        status, _, body = _read_response(sock)
    assert status == 413, body
    assert json.loads(body)["error"]["code"] == "file_too_large"
    assert LIMIT < sent <= ALLOWED, sent
    _wait_for(lambda: list(upload_dir.iterdir()) == [], timeout=5)


def test_declared_oversized_upload_is_413_before_the_body(
    small_limit_url: str, upload_dir: Path
) -> None:
    """A Content-Length far over the limit is refused from the headers: no body byte is sent."""
    sock, host = _connect(small_limit_url)
    with sock:
        sock.sendall(_request_head(host, f"Content-Length: {PLANNED}\r\n"))
        status, _, body = _read_response(sock)
    assert status == 413 and json.loads(body)["error"]["code"] == "file_too_large"
    assert list(upload_dir.iterdir()) == []


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _logs(*names: str) -> Iterator[list[logging.LogRecord]]:
    """INFO and up from the named loggers (attach after uvicorn configured its logging)."""
    handler = _Records()
    loggers = [(logging.getLogger(name), logging.getLogger(name).level) for name in names]
    for logger, _ in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield handler.records
    finally:
        for logger, level in loggers:
            logger.removeHandler(handler)
            logger.setLevel(level)


def test_disconnect_during_upload_removes_the_temp_file(upload_dir: Path) -> None:
    """Headers and part of the multipart body, then the socket closes: the spool file goes."""
    fake = GatedTranscriber()
    with serve(create_app(make_settings(upload_dir), fake)) as url:
        with httpx.Client(base_url=url) as http:
            wait_ready(http)
        with _logs("uvicorn.error", "whisper_service") as records:
            sock, host = _connect(url)
            with sock:
                sock.sendall(_request_head(host, f"Content-Length: {4 * 1024 * 1024}\r\n"))
                sock.sendall(_file_part_head("half.wav") + b"\2" * (256 * 1024))
                # The upload is being spooled: its temporary file exists in WHISPER_TMP_DIR.
                _wait_for(lambda: len(list(upload_dir.iterdir())) == 1, timeout=5)
                sock.shutdown(socket.SHUT_RDWR)
            _wait_for(lambda: list(upload_dir.iterdir()) == [], timeout=5)
            _wait_for(lambda: any("disconnected" in r.getMessage() for r in records))
            # ...and so is its queue place (taken before the body was read).
            load = httpx.get(f"{url}/info").json()["load"]
            assert load == {"running": 0, "waiting": 0}
        # A vanished client is no server error: no traceback, no "Exception in ASGI application".
        assert [r.getMessage() for r in records if r.levelno >= logging.WARNING] == []
        # The service is unharmed: the model was never called, the next upload works.
        assert fake.calls == 0
        fake.release.set()
        r = httpx.post(f"{url}/transcribe", files={"file": ("a.wav", b"RIFF")}, timeout=10)
        assert r.status_code == 200 and fake.calls == 1
    assert list(upload_dir.iterdir()) == []


def test_full_queue_is_503_before_the_body_is_read(upload_dir: Path) -> None:
    """Admission comes first: with every slot and queue place taken, a new request gets its 503
    from the headers alone (its 4 MB body is announced but never sent) and spools nothing."""
    fake = GatedTranscriber()
    settings = make_settings(upload_dir, max_concurrency=1, max_queue=1, retry_after_seconds=7)
    with serve(create_app(settings, fake)) as url:
        http = httpx.Client(base_url=url, timeout=30)
        wait_ready(http)
        results: list[httpx.Response] = []

        def post() -> None:
            results.append(http.post("/transcribe", files={"file": ("a.wav", b"RIFF")}))

        first = threading.Thread(target=post)
        first.start()
        assert fake.started.acquire(timeout=10)  # running
        second = threading.Thread(target=post)
        second.start()
        _wait_for(lambda: http.get("/info").json()["load"]["waiting"] == 1)  # queued
        spooled = sorted(upload_dir.iterdir())
        assert len(spooled) == 2
        sock, host = _connect(url)
        with sock:
            sock.sendall(_request_head(host, f"Content-Length: {4 * 1024 * 1024}\r\n"))
            status, headers, body = _read_response(sock, timeout=5)
        assert status == 503 and headers["retry-after"] == "7", body
        assert json.loads(body)["error"]["code"] == "overloaded"
        assert sorted(upload_dir.iterdir()) == spooled  # nothing of the refused body on disk
        fake.release.set()
        first.join(10)
        second.join(10)
        assert [r.status_code for r in results] == [200, 200]
        # Every place is given back, also by requests that failed before transcription.
        r = http.post("/transcribe", files={"file": ("a.wav", b"")})
        assert r.status_code == 400
        load = http.get("/info").json()["load"]
        assert load == {"running": 0, "waiting": 0}
        http.close()
    assert list(upload_dir.iterdir()) == []
