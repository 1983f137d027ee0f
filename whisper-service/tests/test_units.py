"""Small pure parts: subtitle timestamps, form parsing, settings, model resolution, decoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.errors import UnsupportedMedia
from app.formats import to_srt, to_verbose_json, to_vtt
from app.model import ModelLoadError, bundled_model_dir, resolve_compute_type, resolve_model
from app.schemas import OpenAIForm, form_values
from app.settings import Settings
from app.transcriber import Segment, Transcription, Word, decode_audio_file


def _result() -> Transcription:
    seg = Segment(
        id=0,
        seek=0,
        start=3661.5,
        end=3662.0456,
        text=" Hello -->\n\n world",
        tokens=[1, 2],
        temperature=0.0,
        avg_logprob=-0.2,
        compression_ratio=1.1,
        no_speech_prob=0.01,
        words=[Word(" Hello", 3661.5, 3661.7, 0.9), Word(" world", 3661.8, 3662.0, 0.8)],
    )
    return Transcription("Hello world", "en", 1.0, 3662.1, [seg])


def test_subtitle_timestamps_and_cue_text() -> None:
    assert to_srt(_result()) == "1\n01:01:01,500 --> 01:01:02,046\nHello ->\nworld\n"
    assert to_vtt(_result()) == "WEBVTT\n\n01:01:01.500 --> 01:01:02.046\nHello ->\nworld\n"


def test_verbose_json_granularities() -> None:
    both = to_verbose_json(_result(), ["word", "segment"])
    assert both["language"] == "english"
    assert both["words"] == [
        {"word": "Hello", "start": 3661.5, "end": 3661.7},
        {"word": "world", "start": 3661.8, "end": 3662.0},
    ]
    assert "words" not in to_verbose_json(_result(), [])
    assert "segments" not in to_verbose_json(_result(), ["word"])


def test_form_values_lists_and_names() -> None:
    values = form_values(
        {"timestamp_granularities[]": ["word", "segment"], "language": ["English"]},
        ("timestamp_granularities",),
    )
    form = OpenAIForm.model_validate(values)
    assert form.timestamp_granularities == ["word", "segment"]
    assert form.language == "en"
    with pytest.raises(ValidationError):
        OpenAIForm.model_validate({"timestamp_granularities": ["char"]})


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHISPER_PORT", "9123")
    monkeypatch.setenv("WHISPER_MAX_QUEUE", "3")
    s = Settings()
    assert (s.port, s.max_queue, s.host, s.model) == (9123, 3, "127.0.0.1", "tiny.en")
    monkeypatch.setenv("WHISPER_MAX_CONCURRENCY", "0")
    with pytest.raises(ValidationError):
        Settings()


def test_empty_variables_mean_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    # docker-compose.yml passes ${WHISPER_MODEL:-} etc.: an empty value must not be a model "".
    for name in ("WHISPER_MODEL", "WHISPER_COMPUTE_TYPE", "WHISPER_PORT", "WHISPER_TMP_DIR"):
        monkeypatch.setenv(name, "")
    s = Settings()
    assert (s.model, s.compute_type, s.port, s.tmp_dir) == ("tiny.en", None, 8001, None)


def test_model_resolution(tmp_path: Path) -> None:
    bundled = bundled_model_dir()
    assert bundled is not None and (bundled / "model.bin").is_file()
    assert resolve_model(Settings()) == str(bundled)
    with pytest.raises(ModelLoadError):
        resolve_model(Settings(model=str(tmp_path)))
    with pytest.raises(ModelLoadError):
        resolve_model(Settings(model="./nowhere"))
    assert resolve_compute_type(Settings(), "cpu") == "int8"
    assert resolve_compute_type(Settings(), "cuda") == "float16"
    assert resolve_compute_type(Settings(compute_type="int8_float16"), "cuda") == "int8_float16"


def test_the_hub_is_offline() -> None:
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_tmp_dir_must_exist_and_be_writable(tmp_path: Path) -> None:
    assert Settings(tmp_dir=str(tmp_path)).tmp_dir == str(tmp_path)
    assert list(tmp_path.iterdir()) == []  # the write probe leaves nothing behind
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    unwritable = "/proc"  # not writable even by root
    for bad in (str(tmp_path / "missing"), str(not_a_dir), unwritable):
        with pytest.raises(ValidationError, match=r"WHISPER_TMP_DIR=.* must be an existing"):
            Settings(tmp_dir=bad)


def test_tmp_dir_is_checked_at_start_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WHISPER_TMP_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ValidationError, match="tmp_dir"):
        Settings()


def _wav(path: Path, seconds: float = 0.2) -> Path:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * int(16_000 * seconds))
    return path


def test_decode_opens_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import av

    opened: list[str] = []
    real_open = av.open

    def counting_open(file: str, *args: object, **kwargs: object) -> object:
        opened.append(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(av, "open", counting_open)
    audio = decode_audio_file(str(_wav(tmp_path / "a.wav")))
    assert audio.shape == (3200,) and len(opened) == 1
    # Only a failed decode looks again, to say why.
    opened.clear()
    text = tmp_path / "notes.mp3"
    text.write_bytes(b"not audio at all " * 100)
    with pytest.raises(UnsupportedMedia, match="could not be decoded as audio"):
        decode_audio_file(str(text))
    assert len(opened) == 2
