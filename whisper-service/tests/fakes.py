"""A controllable stand-in for the model, injected through create_app(transcriber=...)."""

from __future__ import annotations

import threading

from app.model import ModelInfo
from app.transcriber import Segment, TranscribeOptions, Transcription


class GatedTranscriber:
    """load() waits for ``loaded``; transcribe() waits for ``release`` (or ``delay``).

    It records the options of every call and answers in the language it was asked for."""

    def __init__(
        self, *, loaded: bool = True, delay: float | None = None, multilingual: bool = False
    ) -> None:
        self.loaded = threading.Event()
        if loaded:
            self.loaded.set()
        self.release = threading.Event()
        self.delay = delay
        self.started = threading.Semaphore(0)
        self.finished = threading.Event()
        self.calls = 0
        self.multilingual = multilingual
        self.options: list[TranscribeOptions] = []
        self._lock = threading.Lock()

    def load(self) -> ModelInfo:
        self.loaded.wait()
        return ModelInfo(
            model="fake",
            path="-",
            device="cpu",
            compute_type="int8",
            multilingual=self.multilingual,
        )

    def transcribe(self, audio_path: str, options: TranscribeOptions) -> Transcription:
        with self._lock:
            self.calls += 1
            self.options.append(options)
        self.started.release()
        self.release.wait(timeout=self.delay if self.delay is not None else 30)
        self.finished.set()
        segment = Segment(
            id=0,
            seek=0,
            start=0.0,
            end=1.0,
            text=" fake",
            tokens=[1],
            temperature=0.0,
            avg_logprob=-0.1,
            compression_ratio=1.0,
            no_speech_prob=0.0,
        )
        return Transcription(
            text="fake",
            language=options.language or "en",
            language_probability=1.0,
            duration=1.0,
            segments=[segment],
        )
