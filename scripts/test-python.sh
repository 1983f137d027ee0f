#!/usr/bin/env bash
# Lint, type-check and test the Python parts (whisper-service, bench/whisper_rtf.py).
# Needs the repo-root .venv (scripts/setup.sh) and espeak-ng + ffmpeg for the speech tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PYTHONDONTWRITEBYTECODE=1
venv="$root/.venv/bin"
if [[ ! -x "$venv/python" ]]; then
  echo "test-python: .venv missing; run scripts/setup.sh first" >&2
  exit 1
fi
echo "== ruff"
"$venv/ruff" check --no-cache whisper-service bench/*.py
echo "== mypy"
"$venv/mypy" --config-file whisper-service/pyproject.toml --cache-dir=/dev/null \
  whisper-service/app whisper-service/run.py
echo "== pytest"
"$venv/pytest" whisper-service/tests -q -p no:cacheprovider "$@"
