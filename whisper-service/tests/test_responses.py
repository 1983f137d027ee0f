"""Response shapes that clients rely on, checked with the fake model (no decoding involved)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from fastapi.testclient import TestClient
from openai import OpenAI

from app.main import create_app

from .conftest import make_settings, wait_ready
from .fakes import GatedTranscriber

AUDIO = ("a.wav", b"RIFF-not-decoded-by-the-fake")
SEGMENT_KEYS = {"id", "start", "end", "text", "avg_logprob"}


@pytest.fixture()
def fake_client(upload_dir: Path) -> Iterator[tuple[TestClient, GatedTranscriber]]:
    fake = GatedTranscriber(delay=0)
    with TestClient(create_app(make_settings(upload_dir), fake)) as test_client:
        wait_ready(test_client)
        yield test_client, fake
    assert list(upload_dir.iterdir()) == []


def test_words_only_with_word_timestamps(fake_client: tuple[TestClient, GatedTranscriber]) -> None:
    client, _ = fake_client
    body = client.post("/transcribe", files={"file": AUDIO}).json()
    assert set(body) == {"text", "language", "language_probability", "duration_seconds", "segments"}
    assert set(body["segments"][0]) == SEGMENT_KEYS  # no "words": null
    body = client.post(
        "/transcribe", files={"file": AUDIO}, data={"word_timestamps": "true"}
    ).json()
    assert set(body["segments"][0]) == SEGMENT_KEYS | {"words"}
    assert body["segments"][0]["words"] == []  # asked for, none found: an empty list


def test_health_is_ok_while_loading_and_once_loaded(upload_dir: Path) -> None:
    fake = GatedTranscriber(loaded=False)
    with TestClient(create_app(make_settings(upload_dir), fake)) as client:
        r = client.get("/health")
        assert r.status_code == 200 and r.json() == {"status": "ok"}
        fake.loaded.set()
        wait_ready(client, timeout=5)
        assert client.get("/health").json() == {"status": "ok"}


def _sdk(client: TestClient) -> OpenAI:
    # TestClient is an httpx.Client, so the SDK talks to the app in-process.
    return OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=client)


@pytest.mark.parametrize("fmt", ["json", "text", "srt", "vtt"])
def test_granularities_need_verbose_json(
    fake_client: tuple[TestClient, GatedTranscriber], fmt: str
) -> None:
    client, fake = fake_client
    with pytest.raises(openai.BadRequestError) as caught:
        _sdk(client).audio.transcriptions.create(
            model="whisper-1", file=AUDIO, response_format=fmt, timestamp_granularities=["word"]
        )
    assert caught.value.status_code == 400
    body = caught.value.body
    assert isinstance(body, dict)
    assert body["param"] == "timestamp_granularities"
    assert body["type"] == "invalid_request_error"
    assert "requires response_format 'verbose_json'" in body["message"]
    # Without response_format the default is json: refused the same way (raw HTTP).
    r = client.post(
        "/v1/audio/transcriptions",
        data={"model": "whisper-1", "timestamp_granularities[]": "segment"},
        files={"file": AUDIO},
    )
    assert r.status_code == 400 and r.json()["error"]["param"] == "timestamp_granularities"
    assert fake.calls == 0


def test_granularities_with_verbose_json(fake_client: tuple[TestClient, GatedTranscriber]) -> None:
    client, fake = fake_client
    result = _sdk(client).audio.transcriptions.create(
        model="whisper-1",
        file=AUDIO,
        response_format="verbose_json",
        timestamp_granularities=["word"],
    )
    assert result.words == [] and fake.options[-1].word_timestamps is True
