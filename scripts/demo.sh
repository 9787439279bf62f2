#!/usr/bin/env bash
# The main job end to end on the embedded defaults (set-up included): a Hà Tĩnh month in work/.
# Extra arguments go to 'radio-sched demo' (e.g. --district 436 --jobs 2); in English:
# RADIO_SCHED_LANG=en bash scripts/demo.sh
# Run it again and it reuses what is there (database, speech, audio library, schedules, bundles).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p work
cd work
exec ../.venv/bin/radio-sched demo "$@"
