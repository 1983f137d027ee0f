"""The transcription engine behind the routes: a small protocol and its faster-whisper form.

Everything here is blocking and runs in worker threads, never on the event loop.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .errors import UnsupportedMedia
from .model import SAMPLE_RATE, ModelInfo, load_whisper_model
from .settings import Settings

if TYPE_CHECKING:
    import numpy as np
    from faster_whisper import BatchedInferencePipeline, WhisperModel

Pipeline = Literal["sequential", "batched"]
DEFAULT_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass(frozen=True)
class TranscribeOptions:
    language: str | None = None
    initial_prompt: str | None = None
    word_timestamps: bool = False
    vad_filter: bool = False
    beam_size: int = 5
    temperature: float | None = None  # None: faster-whisper's fallback schedule


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    id: int
    seek: int
    start: float
    end: float
    text: str
    tokens: list[int]
    temperature: float
    avg_logprob: float
    compression_ratio: float
    no_speech_prob: float
    words: list[Word] | None = None


@dataclass(frozen=True)
class Transcription:
    text: str
    language: str
    language_probability: float
    duration: float
    segments: list[Segment] = field(default_factory=list)
    # Which faster-whisper path produced it (reported as the X-Whisper-Pipeline header).
    pipeline: Pipeline = "sequential"


class Transcriber(Protocol):
    """What the HTTP layer needs. Tests inject fakes that follow it."""

    def load(self) -> ModelInfo:
        """Load the model (blocking, idempotent) and describe it."""
        ...

    def transcribe(self, audio_path: str, options: TranscribeOptions) -> Transcription:
        """Decode and transcribe one file (blocking). Raises UnsupportedMedia for non-audio."""
        ...


_SEND_AUDIO = "send audio such as WAV, MP3, OGG, FLAC or M4A"


def _why_not_audio(path: str) -> UnsupportedMedia:
    """After decoding failed: say whether the container has no audio stream at all."""
    import av

    try:
        with av.open(path, mode="r", metadata_errors="ignore") as container:
            has_audio = bool(container.streams.audio)
            kind = getattr(container.format, "name", "unknown")
    except Exception:  # not even a container PyAV recognises
        has_audio = True
        kind = ""
    if not has_audio:
        return UnsupportedMedia(
            f"the uploaded file has no audio stream (detected format: {kind}); {_SEND_AUDIO}"
        )
    return UnsupportedMedia(f"the uploaded file could not be decoded as audio; {_SEND_AUDIO}")


def decode_audio_file(path: str) -> np.ndarray[Any, Any]:
    """16 kHz mono float32 samples, or UnsupportedMedia saying why the input is not audio.

    The file is opened once on the normal path; only a failed decode opens it again to tell
    "no audio stream" (e.g. a PNG named .mp3) from "undecodable"."""
    from faster_whisper.audio import decode_audio

    try:
        audio: np.ndarray[Any, Any] = decode_audio(path, sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many kinds for undecodable input
        raise _why_not_audio(path) from exc
    if audio.size == 0:
        raise UnsupportedMedia("the uploaded file contains no decodable audio samples")
    return audio


class WhisperTranscriber:
    """faster-whisper, with the batched pipeline for long audio."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._model: WhisperModel | None = None
        self._batched: BatchedInferencePipeline | None = None
        self._info: ModelInfo | None = None

    @property
    def model(self) -> WhisperModel | None:
        return self._model

    def load(self) -> ModelInfo:
        with self._lock:
            if self._info is None:
                from faster_whisper import BatchedInferencePipeline

                model, info = load_whisper_model(self._settings)
                self._model = model
                self._batched = BatchedInferencePipeline(model=model)
                self._info = info
            return self._info

    def _use_batched(self, duration: float) -> bool:
        s = self._settings
        return s.batch_size > 0 and duration >= s.batch_min_seconds

    def transcribe(self, audio_path: str, options: TranscribeOptions) -> Transcription:
        if self._model is None or self._batched is None:
            self.load()
        if self._model is None or self._batched is None:  # pragma: no cover - load raises
            raise RuntimeError("model not loaded")
        audio = decode_audio_file(audio_path)
        duration = audio.shape[0] / SAMPLE_RATE
        temperature = DEFAULT_TEMPERATURES if not options.temperature else options.temperature
        common: dict[str, Any] = {
            "language": options.language,
            "initial_prompt": options.initial_prompt,
            "word_timestamps": options.word_timestamps,
            "beam_size": options.beam_size,
            "temperature": temperature,
        }
        pipeline: Pipeline = "sequential"
        if self._use_batched(duration):
            # The batched pipeline cuts the audio into speech chunks with the VAD.
            pipeline = "batched"
            segments_iter, info = self._batched.transcribe(
                audio, batch_size=self._settings.batch_size, vad_filter=True, **common
            )
        else:
            segments_iter, info = self._model.transcribe(
                audio, vad_filter=options.vad_filter, **common
            )
        segments = [_segment(i, s) for i, s in enumerate(segments_iter)]
        return Transcription(
            text="".join(s.text for s in segments).strip(),
            language=str(info.language),
            language_probability=float(info.language_probability),
            duration=float(info.duration),
            segments=segments,
            pipeline=pipeline,
        )


def _segment(index: int, s: Any) -> Segment:
    words = None
    if s.words is not None:
        words = [
            Word(
                word=str(w.word),
                start=round(float(w.start), 3),
                end=round(float(w.end), 3),
                probability=float(w.probability),
            )
            for w in s.words
        ]
    return Segment(
        id=index,
        seek=int(s.seek),
        start=round(float(s.start), 3),
        end=round(float(s.end), 3),
        text=str(s.text),
        tokens=[int(t) for t in s.tokens],
        temperature=float(s.temperature or 0.0),
        avg_logprob=float(s.avg_logprob),
        compression_ratio=float(s.compression_ratio),
        no_speech_prob=float(s.no_speech_prob),
        words=words,
    )
