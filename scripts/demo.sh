#!/usr/bin/env bash
# The main job end to end on the embedded defaults (set-up included): a Hà Tĩnh month.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p work
cd work
../.venv/bin/radio-sched init --preset ha-tinh-2024
../.venv/bin/radio-sched stations list --district 436
