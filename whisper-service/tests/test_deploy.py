"""docker-compose.yml runs the whisper-service on a CPU-only host; the GPU is an opt-in override.

No Docker engine is needed: the compose files are parsed, merged the way `docker compose -f a
-f b` merges mappings, their `${VAR:-default}` values are interpolated with an empty
environment, and the result must be a configuration the service accepts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.model import resolve_compute_type, resolve_device
from app.settings import Settings

SERVICE = Path(__file__).resolve().parents[1]
ROOT = SERVICE.parent
BASE = ROOT / "docker-compose.yml"
GPU_OVERRIDE = SERVICE / "docker-compose.gpu.yml"

_VAR = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def _merge(base: Any, override: Any) -> Any:
    """Compose's merge for what these files use: mappings merge key by key, the rest replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    return override


def _interpolate(value: str, env: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3) or ""
        if env.get(name):
            return env[name]
        if op == "?":
            raise AssertionError(f"{name} is required: {arg}")
        return arg if op == "-" else ""

    return _VAR.sub(one, value)


def _environment(service: dict[str, Any], env: dict[str, str]) -> dict[str, str]:
    raw = service.get("environment", {})
    assert isinstance(raw, dict)
    return {k: _interpolate(str(v), env) for k, v in raw.items()}


def _settings_from(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> Settings:
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    return Settings()


def _mentions_gpu(node: Any) -> bool:
    text = yaml.safe_dump(node).lower()
    return any(word in text for word in ("nvidia", "gpu", "devices:", "runtime:"))


def test_default_whisper_service_runs_on_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    whisper = _load(BASE)["services"]["whisper"]
    assert "profiles" not in whisper, "the default `docker compose up` must start it"
    assert not _mentions_gpu(whisper), whisper
    assert whisper["build"] == "./whisper-service"
    assert (ROOT / whisper["build"] / "Dockerfile").is_file()
    # With nothing set on the host, the service accepts what compose hands it: CPU, tiny.en.
    settings = _settings_from(monkeypatch, _environment(whisper, {}))
    assert (settings.device, settings.model, settings.compute_type) == ("cpu", "tiny.en", None)
    assert (settings.host, settings.port) == ("0.0.0.0", 8001)
    assert resolve_device(settings) == "cpu"
    assert resolve_compute_type(settings, "cpu") == "int8"


def test_gpu_reservation_is_opt_in_through_the_override(monkeypatch: pytest.MonkeyPatch) -> None:
    override = _load(GPU_OVERRIDE)
    assert set(override["services"]) == {"whisper"}
    assert not {"build", "image"} & set(override["services"]["whisper"]), "same image as CPU"
    merged = _merge(_load(BASE), override)["services"]["whisper"]
    assert merged["build"] == "./whisper-service"
    devices = merged["deploy"]["resources"]["reservations"]["devices"]
    assert devices == [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]
    variables = _environment(merged, {})
    assert variables["WHISPER_HOST"] == "0.0.0.0" and variables["WHISPER_PORT"] == "8001"
    settings = _settings_from(monkeypatch, variables)
    assert settings.device == "cuda"
    assert resolve_compute_type(settings, "cuda") == "float16"


def test_workers_reach_the_whisper_service_by_name() -> None:
    compose = _load(BASE)
    app_env = compose["x-app"]["environment"]
    url = app_env["WHISPER_SERVICE_URL"]
    host, port = re.fullmatch(r"http://([\w-]+):(\d+)", url).groups()  # type: ignore[union-attr]
    assert host == "whisper" and host in compose["services"]
    assert compose["services"]["whisper"]["environment"]["WHISPER_PORT"] == port


def test_image_is_cuda12_with_cudnn9() -> None:
    # ctranslate2 >= 4.5 needs CUDA 12 and cuDNN 9; nvidia/cuda's 12.x "-cudnn-" tags carry
    # cuDNN 9 (older ones were "-cudnn8-").
    dockerfile = (SERVICE / "Dockerfile").read_text()
    bases = re.findall(r"^FROM\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert len(bases) == 1, bases
    m = re.fullmatch(r"nvidia/cuda:12\.(\d+)\.\d+-cudnn(9?)-runtime-ubuntu[\d.]+", bases[0])
    assert m, bases[0]
    assert int(m.group(1)) >= 3


def test_image_healthcheck_is_readiness_with_time_to_load() -> None:
    # /health stays 200 while the model loads; /ready is 200 only with a loaded model, so a
    # failed load turns the container unhealthy instead of leaving it "healthy" forever.
    dockerfile = (SERVICE / "Dockerfile").read_text().replace("\\\n", " ")
    checks = re.findall(r"^HEALTHCHECK\s+(.*)$", dockerfile, flags=re.MULTILINE)
    assert len(checks) == 1, checks
    assert "/ready" in checks[0] and "/health" not in checks[0]
    start = re.search(r"--start-period=(\d+)s", checks[0])
    assert start and int(start.group(1)) >= 120, checks[0]
