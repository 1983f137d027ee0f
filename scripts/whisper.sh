#!/usr/bin/env bash
# Start the whisper-service (FastAPI + faster-whisper) from the repo-root virtualenv.
# Host/port: WHISPER_HOST (default 127.0.0.1), WHISPER_PORT (default 8001).
# Every other WHISPER_* variable is described in whisper-service/README.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$root/.venv/bin/python"
if [[ ! -x "$python" ]]; then
  echo "whisper-service: $python not found; run 'npm run setup' (or: python3 -m venv .venv &&" \
       ".venv/bin/pip install -r whisper-service/requirements.txt)" >&2
  exit 1
fi
export WHISPER_HOST="${WHISPER_HOST:-127.0.0.1}"
export WHISPER_PORT="${WHISPER_PORT:-8001}"
export PYTHONUNBUFFERED=1
exec "$python" "$root/whisper-service/run.py" "$@"
