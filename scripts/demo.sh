#!/usr/bin/env bash
# The main job end to end on the embedded defaults (set-up included): a Hà Tĩnh month in work/.
# Extra arguments go to 'radio-sched demo' (e.g. --district 436 --jobs 2, or --preset ha-tinh-2025
# for today's two-tier province in work25/); in English:
# RADIO_SCHED_LANG=en bash scripts/demo.sh
# Run it again and it reuses what is there (database, speech, audio library, schedules, bundles).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Each story has its own folder: work/ for ha-tinh-2024 (the default), work25/ for ha-tinh-2025.
folder=work
for arg in "$@"; do
  if [[ "$arg" == *ha-tinh-2025* ]]; then folder=work25; fi
done
mkdir -p "$folder"
cd "$folder"
exec ../.venv/bin/radio-sched demo "$@"
