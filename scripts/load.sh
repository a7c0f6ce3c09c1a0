#!/usr/bin/env bash
# HTTP load benchmark (not a test): `aurora serve` on a catalogue of N synthetic services,
# driven on loopback by `aurora-loadgen` (closed loop, keep-alive connections).
#
#   scripts/load.sh [SERVICES] [SCENARIO] [CONNECTIONS] [SECONDS]
#   defaults: 100000 recommend 32 20          (SCENARIO: recommend | search | understand | mix)
#
# Prints the machine, the load generator's JSON summary and the server's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
SCENARIO="${2:-recommend}"
CONNS="${3:-32}"
SECS="${4:-20}"
WORK="${AURORA_LOAD_WORK:-$(mktemp -d)}"
PORT="${AURORA_LOAD_PORT:-18181}"

cargo build --release --quiet -p aurora-cli -p aurora-loadgen
BIN=target/release/aurora
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); date: $(date -u +%F)"

if [ ! -f "$WORK/aurora-data/aurora.db" ]; then
  "$BIN" bench-data --services "$N" --out "$WORK/data" | tail -n 1
  "$BIN" --data-dir "$WORK/aurora-data" --log-level warn import --no-vectors "$WORK/data" >/dev/null
fi
ISSUED=$("$BIN" --data-dir "$WORK/aurora-data" --log-level warn client add \
  --name "load generator $(date +%s)" --organization "Aurora benchmarks")
AUTH="$(echo "$ISSUED" | awk '/^client_id:/{print $2}'):$(echo "$ISSUED" | awk '/^client_secret:/{print $2}')"

"$BIN" --data-dir "$WORK/aurora-data" --log-level warn serve --no-bundled-data --no-vectors \
  --listen "127.0.0.1:$PORT" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.2; done
echo "ready; RSS after start: $(awk '/VmRSS/{print $2" "$3}' /proc/$pid/status)"

set +e
target/release/aurora-loadgen --addr "127.0.0.1:$PORT" --scenario "$SCENARIO" \
  --connections "$CONNS" --duration "$SECS" --auth "$AUTH"
status=$?
set -e
echo "server peak RSS: $(awk '/VmHWM/{print $2" "$3}' /proc/$pid/status)"
exit $status
