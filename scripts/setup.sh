#!/usr/bin/env bash
# Set up radio-sched on a fresh Debian machine: the system packages it needs and a virtual environment.
# Usage: scripts/setup.sh [--test]   (--test adds what the test suite needs: Chromium, PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."

want=(ffmpeg espeak-ng sox)          # ffmpeg brings ffprobe, which pydub needs for MP3
if [[ "${1:-}" == "--test" ]]; then
  want+=(chromium chromium-driver postgresql liquidsoap)   # liquidsoap: the bundles' phat.liq is checked and played
fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> installing system packages: ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating the virtual environment .venv"
  python3 -m venv .venv
fi
stamp=.venv/.installed
if [[ ! -f $stamp || setup.cfg -nt $stamp || pyproject.toml -nt $stamp ]]; then
  echo "==> installing Python packages"
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test,postgres]' 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -c "import radio_sched, ortools, pydub, sqlalchemy" # fail loudly if the install did not take
  touch "$stamp"
fi
