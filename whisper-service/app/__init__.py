"""emberflow whisper-service: FastAPI + faster-whisper transcription.

Importing this package makes the Hugging Face hub offline for the whole process (unless
WHISPER_ALLOW_DOWNLOAD is true), before faster-whisper or huggingface_hub are imported, so
that no code path can download a model behind the operator's back.
"""

import os

__version__ = "0.1.0"

_TRUTHY = {"1", "true", "yes", "on"}

if os.environ.get("WHISPER_ALLOW_DOWNLOAD", "").strip().lower() not in _TRUTHY:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
