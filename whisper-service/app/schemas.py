"""Request form models (validated by declared constraints) and native response models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .languages import normalize_language

ResponseFormat = Literal["json", "text", "srt", "vtt", "verbose_json"]
Granularity = Literal["word", "segment"]


class _Form(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @field_validator("language", mode="before", check_fields=False)
    @classmethod
    def _language(cls, value: object) -> object:
        return normalize_language(value) if isinstance(value, str) else value


class NativeForm(_Form):
    """Form fields of ``POST /transcribe`` (besides ``file``)."""

    language: str | None = Field(None, description="ISO-639-1 code; omit to auto-detect.")
    initial_prompt: str | None = Field(None, max_length=4000)
    word_timestamps: bool = False
    vad_filter: bool = False
    beam_size: int = Field(5, ge=1, le=20)


class OpenAIForm(_Form):
    """Form fields of ``POST /v1/audio/transcriptions`` (besides ``file``)."""

    model: str = Field("whisper-1", min_length=1, max_length=200)
    language: str | None = None
    prompt: str | None = Field(None, max_length=4000)
    response_format: ResponseFormat = "json"
    temperature: float = Field(0.0, ge=0.0, le=1.0)
    timestamp_granularities: list[Granularity] = Field(default_factory=list, max_length=2)
    stream: bool = False


class WordOut(BaseModel):
    word: str
    start: float
    end: float
    probability: float


class SegmentOut(BaseModel):
    id: int
    start: float
    end: float
    text: str
    avg_logprob: float
    # Omitted from the JSON (not null) unless word_timestamps was asked for.
    words: list[WordOut] | None = Field(
        None,
        exclude_if=lambda words: words is None,
        description="Present only with word_timestamps=true.",
    )


class TranscriptionOut(BaseModel):
    text: str
    language: str
    language_probability: float
    duration_seconds: float
    segments: list[SegmentOut]


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    status: Literal["ready"]
    model: str
    device: str
    compute_type: str


def form_values(fields: dict[str, list[str]], lists: tuple[str, ...] = ()) -> dict[str, object]:
    """Multipart fields as model input: last value wins, ``name[]``/repeated names for lists."""
    values: dict[str, object] = {}
    for key, items in fields.items():
        name = key[:-2] if key.endswith("[]") else key
        if name in lists:
            current = values.setdefault(name, [])
            if isinstance(current, list):
                current.extend(items)
        elif items:
            values[name] = items[-1]
    return values


def form_openapi(model: type[BaseModel]) -> dict[str, object]:
    """An OpenAPI requestBody for a multipart form: ``file`` plus the model's fields."""
    schema = model.model_json_schema()
    props = dict(schema.get("properties", {}))
    props["file"] = {"type": "string", "format": "binary", "description": "The audio file."}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": props}
                }
            },
        }
    }
