"""Shared fixtures: the real tiny.en model (loaded once), speech clips, app clients, servers."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.main import create_app
from app.settings import Settings
from app.transcriber import WhisperTranscriber

from .speech import REFERENCE, convert, synthesize, tools_missing


def make_settings(tmp_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"tmp_dir": str(tmp_dir), "device": "cpu", **overrides}
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def whisper() -> WhisperTranscriber:
    """The bundled tiny.en model, loaded once for the whole session."""
    transcriber = WhisperTranscriber(Settings(device="cpu"))
    transcriber.load()
    return transcriber


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The reference sentences as WAV, MP3 and OGG."""
    missing = tools_missing()
    if missing:
        pytest.skip(missing)
    folder = tmp_path_factory.mktemp("speech")
    wav = synthesize(REFERENCE, folder / "speech.wav")
    return {"wav": wav, "mp3": convert(wav, "mp3"), "ogg": convert(wav, "ogg")}


@pytest.fixture()
def upload_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


def wait_ready(client: TestClient | httpx.Client, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/ready").status_code == 200:
            return
        time.sleep(0.02)
    raise AssertionError("service did not become ready")


@pytest.fixture()
def client(whisper: WhisperTranscriber, upload_dir: Path) -> Iterator[TestClient]:
    """In-process client for an app using the shared real model."""
    app = create_app(make_settings(upload_dir), whisper)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        wait_ready(test_client)
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run ``app`` under a real uvicorn server on a free port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise AssertionError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_url(
    whisper: WhisperTranscriber, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A real HTTP server (uvicorn on a free port) with the shared model."""
    app = create_app(make_settings(tmp_path_factory.mktemp("live-uploads")), whisper)
    with serve(app) as url:
        with httpx.Client(base_url=url) as http:
            wait_ready(http)
        yield url
