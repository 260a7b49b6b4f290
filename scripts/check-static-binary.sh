#!/usr/bin/env bash
# The binary the container images copy (deploy/Containerfile) must run on its own: a release build with
# --static-swift-stdlib whose only dynamic dependencies are the C and C++ runtimes (libc, libm, libstdc++,
# libgcc_s, and the loader and vDSO), libcrypto and libz; no Swift runtime library. It is then copied to a
# scratch folder and run on a copy of TestVectors/clean-multi-day placed outside the checkout.
#
#   scripts/check-static-binary.sh [SCRATCH_PATH]     (default .build-static)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scratch="${1:-.build-static}"

started=$SECONDS
swift build -c release --static-swift-stdlib --product cloudtrail-verify --scratch-path "$scratch" 2>&1 | tail -n 1
echo "static release build: $((SECONDS - started)) s"
binary="$scratch/release/cloudtrail-verify"

echo "== ldd $binary"
ldd "$binary"
# Each line: "name => path (address)" or "path (address)"; the name is what must be allowed.
unexpected="$(ldd "$binary" | awk '{ print $1 }' | grep -Ev '^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|/lib/ld-linux-aarch64\.so\.1|libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libcrypto\.so\.[0-9.]+|libz\.so\.1)$' || true)"
if [[ -n "$unexpected" ]]; then
    echo "dynamic dependencies outside the allowed set (C and C++ runtimes, libcrypto, libz):" >&2
    echo "$unexpected" >&2
    exit 1
fi
if ldd "$binary" | grep -Eiq 'swift|libFoundation|libdispatch|libBlocksRuntime|libicu'; then
    echo "a Swift runtime library is still dynamic" >&2
    exit 1
fi

echo "== runs from a folder outside the checkout, on a bucket outside the checkout"
elsewhere="$(mktemp -d /tmp/ctv-static.XXXXXX)"
trap 'rm -rf "$elsewhere"' EXIT
cp "$binary" "$elsewhere/cloudtrail-verify"
cp -R TestVectors/clean-multi-day "$elsewhere/vector"
(
    cd "$elsewhere/vector"
    # No Swift toolchain on the library path: what the container has.
    env -i PATH=/usr/bin:/bin "$elsewhere/cloudtrail-verify" validate bucket --public-keys keys --format json -o "$elsewhere/report.json"
)
python3 - "$elsewhere/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
summary = report["summary"]
assert summary["exitCode"] == 0 and summary["digests"]["valid"] > 0 and summary["logFiles"]["valid"] > 0, summary
print(f"valid: {summary['digests']['valid']} digests, {summary['logFiles']['valid']} log files")
PY
echo "static binary: ok"
