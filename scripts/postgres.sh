#!/usr/bin/env bash
# Start the local PostgreSQL cluster (Debian's package) on loopback and make a test role and database.
# Prints the SQLAlchemy URL to use; the tests read it from RADIO_SCHED_TEST_PG_URL.
set -euo pipefail
user=radio_sched
db=radio_sched_test
pass=radio_sched
port=5432
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"

cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [[ -z "$cluster" ]]; then
  echo "no PostgreSQL cluster found (install the postgresql package)" >&2
  exit 1
fi
read -r ver name <<<"$cluster"
port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
if ! pg_lsclusters --no-header | awk 'NR==1 {print $4}' | grep -q online; then
  $sudo pg_ctlcluster "$ver" "$name" start >&2
fi
as_pg() { $sudo -u postgres "$@" 2>/dev/null || su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }
if [[ $(id -u) -eq 0 ]]; then as_pg() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }; fi
for _ in $(seq 30); do as_pg psql -p "$port" -qtAc "select 1" >/dev/null 2>&1 && break; sleep 0.5; done
as_pg psql -p "$port" -qtAc "select 1 from pg_roles where rolname='$user'" | grep -q 1 ||
  as_pg psql -p "$port" -qc "create role $user login password '$pass' createdb" >&2
as_pg psql -p "$port" -qtAc "select 1 from pg_database where datname='$db'" | grep -q 1 ||
  as_pg psql -p "$port" -qc "create database $db owner $user" >&2
echo "postgresql+psycopg://$user:$pass@127.0.0.1:$port/$db"
