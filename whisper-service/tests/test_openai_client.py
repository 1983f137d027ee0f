"""The official openai SDK against the running service, in every response format."""

from __future__ import annotations

from pathlib import Path

import jiwer
import openai
import pytest
from openai import OpenAI

from .speech import REFERENCE, normalize
from .test_speech import MAX_WER


@pytest.fixture(scope="module")
def sdk(live_url: str) -> OpenAI:
    return OpenAI(base_url=f"{live_url}/v1", api_key="not-needed", max_retries=0, timeout=120)


def _close_enough(text: str) -> bool:
    return bool(jiwer.wer(normalize(REFERENCE), normalize(text)) < MAX_WER)


def test_json(sdk: OpenAI, clips: dict[str, Path]) -> None:
    with clips["mp3"].open("rb") as fh:
        result = sdk.audio.transcriptions.create(model="whisper-1", file=fh)
    assert _close_enough(result.text), result.text


def test_text(sdk: OpenAI, clips: dict[str, Path]) -> None:
    with clips["wav"].open("rb") as fh:
        result = sdk.audio.transcriptions.create(
            model="whisper-1", file=fh, response_format="text", language="en"
        )
    assert isinstance(result, str)
    assert _close_enough(result), result


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_subtitles(sdk: OpenAI, clips: dict[str, Path], fmt: str) -> None:
    with clips["ogg"].open("rb") as fh:
        result = sdk.audio.transcriptions.create(model="whisper-1", file=fh, response_format=fmt)
    assert isinstance(result, str)
    assert "-->" in result
    assert result.startswith("WEBVTT") == (fmt == "vtt")


def test_verbose_json_with_words(sdk: OpenAI, clips: dict[str, Path]) -> None:
    with clips["wav"].open("rb") as fh:
        result = sdk.audio.transcriptions.create(
            model="whisper-1",
            file=fh,
            response_format="verbose_json",
            timestamp_granularities=["word", "segment"],
            prompt="A meditation video.",
            temperature=0.0,
        )
    assert result.language == "english"
    assert 9.0 < result.duration < 16.0
    assert _close_enough(result.text)
    assert result.segments and result.segments[0].start < result.segments[-1].end
    assert result.words and len(result.words) >= 20
    assert all(w.start <= w.end <= result.duration + 0.05 for w in result.words)


def test_verbose_json_segments_only(sdk: OpenAI, clips: dict[str, Path]) -> None:
    with clips["wav"].open("rb") as fh:
        result = sdk.audio.transcriptions.create(
            model="whisper-1", file=fh, response_format="verbose_json"
        )
    assert result.segments
    assert result.words is None


def test_sdk_sees_openai_errors(sdk: OpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        sdk.audio.transcriptions.create(model="whisper-1", file=("a.wav", b"RIFF"), temperature=3.0)
    body = caught.value.body
    assert isinstance(body, dict)
    assert body["param"] == "temperature"
    assert body["type"] == "invalid_request_error"
