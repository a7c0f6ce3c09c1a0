#!/usr/bin/env bash
# Foundation benchmarks (not tests): import of N synthetic services into SQLite and PostgreSQL,
# and cold start of `aurora serve` with the bundled data until /readyz answers 200.
#
#   scripts/bench.sh [SERVICES]            # default 100000
#   PG_URL=postgres://postgres@127.0.0.1:5432/test scripts/bench.sh
#
# Creates (and drops) the database aurora_bench on the PostgreSQL server. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
PG_BASE="${PG_URL%/*}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet -p aurora-cli
BIN=target/release/aurora
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); date: $(date -u +%F)"

"$BIN" bench-data --services "$N" --out "$WORK/data" | tail -n 2

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

echo "import into SQLite (fresh): $(t "$BIN" --data-dir "$WORK/sqlite" import "$WORK/data") s"
echo "re-import into SQLite (0 changes): $(t "$BIN" --data-dir "$WORK/sqlite" import "$WORK/data") s"

if psql "$PG_URL" -qc 'select 1' >/dev/null 2>&1; then
  psql "$PG_URL" -qc 'drop database if exists aurora_bench' >/dev/null
  psql "$PG_URL" -qc 'create database aurora_bench' >/dev/null
  echo "import into PostgreSQL (fresh): $(t "$BIN" --database-url "$PG_BASE/aurora_bench" import "$WORK/data") s"
  echo "re-import into PostgreSQL (0 changes): $(t "$BIN" --database-url "$PG_BASE/aurora_bench" import "$WORK/data") s"
  psql "$PG_URL" -qc 'drop database if exists aurora_bench' >/dev/null
else
  echo "PostgreSQL not reachable at $PG_URL: skipped"
fi

# Cold start: empty data dir, process start → /readyz 200 (bundled dataset loaded).
PORT=18080
for run in 1 2 3; do
  rm -rf "$WORK/cold"
  s=$(date +%s.%N)
  "$BIN" --data-dir "$WORK/cold" --log-level warn serve --listen "127.0.0.1:$PORT" &
  pid=$!
  until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.01; done
  e=$(date +%s.%N)
  echo "cold start to ready, run $run: $(echo "$e - $s" | bc) s"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
