#!/usr/bin/env bash
# Run the whole test suite (set-up included): SQLite always, PostgreSQL too when it can be started.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if [[ -z "${RADIO_SCHED_TEST_PG_URL:-}" ]]; then
  if url=$(bash scripts/postgres.sh); then
    export RADIO_SCHED_TEST_PG_URL="$url"
  else
    echo "PostgreSQL could not be started: its tests will be skipped" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
