"""The `language` field: honoured when the model can, a clear 422 when it cannot.

The default model, tiny.en, is English-only: it cannot detect or transcribe another language
(faster-whisper would silently switch to "en"), so real-speech detection can only ever say "en"
(tests/test_speech.py). Multilingual behaviour is checked through a fake that reports itself as
multilingual, so the HTTP layer's handling of the field is what is tested here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app

from .conftest import make_settings, wait_ready
from .fakes import GatedTranscriber

AUDIO = ("a.wav", b"RIFF-not-decoded-by-the-fake")
NOT_AUDIO = ("a.wav", b"RIFF")


def test_the_default_model_is_english_only(client: TestClient) -> None:
    model = client.get("/info").json()["model"]
    assert model["name"] == "tiny.en" and model["multilingual"] is False


@pytest.mark.parametrize("language", ["de", "German", "fr"])
def test_other_language_on_english_only_model_is_422(client: TestClient, language: str) -> None:
    # The real tiny.en; the check comes before decoding, so the non-audio bytes never matter.
    r = client.post("/transcribe", data={"language": language}, files={"file": NOT_AUDIO})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_error"
    message = error["message"]
    assert message.startswith("language: ") and "English-only" in message, message
    assert "tiny.en" in message and "WHISPER_MODEL" in message
    assert ("German" if language != "fr" else "French") in message


def test_other_language_on_english_only_model_is_422_on_v1(client: TestClient) -> None:
    r = client.post(
        "/v1/audio/transcriptions",
        data={"model": "whisper-1", "language": "es"},
        files={"file": NOT_AUDIO},
    )
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["param"] == "language" and error["type"] == "invalid_request_error"
    assert "English-only" in error["message"] and "Spanish" in error["message"]


def test_english_is_accepted_by_english_only_model(client: TestClient) -> None:
    # Past the language check, the bytes reach the decoder (and are refused as non-audio).
    for value in ("en", "English", ""):
        r = client.post("/transcribe", data={"language": value}, files={"file": NOT_AUDIO})
        assert r.status_code == 415, (value, r.text)


@pytest.fixture()
def multilingual(upload_dir: Path) -> Iterator[tuple[TestClient, GatedTranscriber]]:
    fake = GatedTranscriber(multilingual=True, delay=0)
    with TestClient(create_app(make_settings(upload_dir), fake)) as test_client:
        wait_ready(test_client)
        yield test_client, fake
    assert list(upload_dir.iterdir()) == []


def test_language_is_honoured_by_a_multilingual_model(
    multilingual: tuple[TestClient, GatedTranscriber],
) -> None:
    client, fake = multilingual
    r = client.post("/transcribe", data={"language": "German"}, files={"file": AUDIO})
    assert r.status_code == 200, r.text
    assert r.json()["language"] == "de"
    r = client.post("/transcribe", files={"file": AUDIO})  # omitted: the model detects
    assert r.status_code == 200, r.text
    r = client.post(
        "/v1/audio/transcriptions",
        data={"model": "whisper-1", "language": "fr", "response_format": "verbose_json"},
        files={"file": AUDIO},
    )
    assert r.status_code == 200, r.text
    assert r.json()["language"] == "french"
    assert [o.language for o in fake.options] == ["de", None, "fr"]


def test_unknown_language_is_422_whatever_the_model(
    multilingual: tuple[TestClient, GatedTranscriber],
) -> None:
    client, fake = multilingual
    r = client.post("/transcribe", data={"language": "klingon"}, files={"file": AUDIO})
    assert r.status_code == 422
    assert "unsupported language" in r.json()["error"]["message"]
    assert fake.calls == 0
