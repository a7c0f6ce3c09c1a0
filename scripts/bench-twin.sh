#!/usr/bin/env bash
# Benchmark (not a test): a member service reading a person's consented twin attributes with
# an OAuth access token, `GET /api/v1/member/attributes`, at a fixed rate on loopback.
#
#   scripts/bench-twin.sh [RATE] [SECONDS] [CONNECTIONS]      defaults: 200 30 8
#
# Everything goes through the real flows of a release `aurora serve` on a fresh SQLite store:
# `aurora member add` registers the service; the person signs up, verifies the address from
# the mail outbox, signs in, stores age and municipality; the service sends the person to
# /oauth/authorize (PKCE S256), the person approves on the consent screen (the form POST the
# page makes), the service exchanges the code. Then `aurora-loadgen` reads at RATE requests/s
# (open loop: latency counts from each request's scheduled time). Every read also writes an
# access-log row, so this measures the write path too. Needs curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${1:-200}"
SECS="${2:-30}"
CONNS="${3:-8}"
WORK="$(mktemp -d)"
PORT="${AURORA_BENCH_PORT:-18282}"
URL="http://127.0.0.1:$PORT"
REDIRECT="http://127.0.0.1:9/callback"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

cargo build --release --quiet -p aurora-cli -p aurora-loadgen
BIN=target/release/aurora
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); date: $(date -u +%F)"

"$BIN" --data-dir "$WORK/data" --log-level warn member add --name-fi "Mittauspalvelu" \
  --name-sv "Mättjänsten" --name-en "Benchmark service" --organisation "Aurora benchmarks" \
  --redirect-uri "$REDIRECT" --scopes age,municipality_code --purposes service_delivery \
  >"$WORK/member.json"
CLIENT_ID=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["client_id"])' "$WORK/member.json")
CLIENT_SECRET=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["client_secret"])' "$WORK/member.json")

"$BIN" --data-dir "$WORK/data" --log-level warn serve --no-bundled-data --no-vectors \
  --listen "127.0.0.1:$PORT" --public-url "$URL" &
pid=$!
until curl -fs "$URL/readyz" >/dev/null 2>&1; do sleep 0.2; done

jar="$WORK/cookies"
json() { curl -fsS -b "$jar" -c "$jar" -H 'Content-Type: application/json' "$@"; }
EMAIL="bench-$(date +%s)@example.fi"
PASSWORD="correct horse battery staple $RANDOM"
json -X POST "$URL/api/v1/account/signup" -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
# The verification link is in the outbox (base64 UTF-8 body).
VERIFY=$(python3 - "$WORK/data/outbox" <<'PY'
import base64, email, pathlib, re, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.eml")):
    msg = email.message_from_bytes(path.read_bytes())
    body = msg.get_payload(decode=True).decode("utf-8")
    m = re.search(r"token=([A-Za-z0-9_-]{43})", body)
    if m:
        print(m.group(1))
        break
PY
)
json -X POST "$URL/api/v1/account/verify" -d "{\"token\":\"$VERIFY\"}" >/dev/null
json -X POST "$URL/api/v1/account/signin" -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
CSRF=$(json "$URL/api/v1/me/session" | python3 -c 'import json,sys;print(json.load(sys.stdin)["csrf_token"])')
json -X PUT -H "X-CSRF-Token: $CSRF" "$URL/api/v1/me/twin/age" -d '{"value":34}' >/dev/null
json -X PUT -H "X-CSRF-Token: $CSRF" "$URL/api/v1/me/twin/municipality_code" -d '{"value":"837"}' >/dev/null

VERIFIER=$(python3 -c 'import secrets;print(secrets.token_urlsafe(48))')
CHALLENGE=$(python3 -c 'import base64,hashlib,sys;print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode().rstrip("="))' "$VERIFIER")
PARAMS=(--data-urlencode response_type=code --data-urlencode "client_id=$CLIENT_ID"
  --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "scope=openid age municipality_code"
  --data-urlencode state=bench --data-urlencode nonce=bench-nonce
  --data-urlencode "code_challenge=$CHALLENGE" --data-urlencode code_challenge_method=S256)
curl -fsS -b "$jar" -G "$URL/oauth/authorize" "${PARAMS[@]}" >/dev/null   # the consent screen
LOCATION=$(curl -sS -o /dev/null -w '%{redirect_url}' -b "$jar" -X POST "$URL/oauth/authorize" \
  "${PARAMS[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode decision=approve)
CODE=$(python3 -c 'import sys,urllib.parse as u;print(u.parse_qs(u.urlparse(sys.argv[1]).query)["code"][0])' "$LOCATION")
ACCESS=$(curl -fsS -u "$CLIENT_ID:$CLIENT_SECRET" -X POST "$URL/oauth/token" \
  --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
  --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "code_verifier=$VERIFIER" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
echo "one read: $(curl -fsS -H "Authorization: Bearer $ACCESS" "$URL/api/v1/member/attributes" | head -c 200)"

set +e
AURORA_LOADGEN_BEARER="$ACCESS" target/release/aurora-loadgen --addr "127.0.0.1:$PORT" \
  --scenario member-attributes --rate "$RATE" --connections "$CONNS" --duration "$SECS" --warmup 2
status=$?
echo "server RSS at the end: $(awk '/VmRSS/{print $2" "$3}' /proc/$pid/status)"
exit $status
