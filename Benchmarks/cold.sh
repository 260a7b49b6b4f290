#!/usr/bin/env bash
# Cold-cache runs: drops the page cache before each run (needs root), then times cloudtrail-verify with and
# without --no-read-ahead, alternating, ROUNDS times. Usage: Benchmarks/cold.sh NAME [ROUNDS]
# NAME is a bucket made by make_bucket.py under Benchmarks/.work (e.g. scale-100k). The binary is
# $BENCH_TOOL, else .build-bench/release/cloudtrail-verify.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name="${1:?usage: Benchmarks/cold.sh NAME [ROUNDS]}"
rounds="${2:-2}"
bucket="Benchmarks/.work/$name"
tool="${BENCH_TOOL:-.build-bench/release/cloudtrail-verify}"
[ -x "$tool" ] || { echo "no $tool: swift build -c release --scratch-path .build-bench" >&2; exit 2; }
[ -w /proc/sys/vm/drop_caches ] || { echo "dropping the page cache needs root" >&2; exit 2; }
for round in $(seq 1 "$rounds"); do
    for mode in off on; do
        extra=()
        [ "$mode" = off ] && extra=(--no-read-ahead)
        sync
        echo 3 > /proc/sys/vm/drop_caches
        /usr/bin/time -f "$name cold read-ahead=$mode round=$round: %e s wall, %U s user, %S s sys, %M KB peak RSS" \
            "$tool" validate "$bucket/bucket" --public-keys "$bucket/keys" --quiet --jobs 2 "${extra[@]}" >/dev/null
    done
done
