#!/usr/bin/env bash
# Benchmarks/run.sh [throughput|bigfile|scale|all] [--runs N] [--no-cli]
#
# Builds cloudtrail-verify (release, scratch path .build-bench; with libisal-dev also the ISA-L build,
# --traits ISAL, scratch path .build-bench-isal) and Benchmarks/gunzip_sha256.c (zlib always, ISA-L
# and libdeflate when libisal-dev / libdeflate-dev are installed), writes the benchmark buckets into
# Benchmarks/.work/ (git-ignored) when absent, and runs Benchmarks/bench.py, which prints the tables.
#
#   throughput  1,700 logs, ~2.6 GB uncompressed: C limit (1 and 2 threads, each inflater), cloudtrail-verify
#               --jobs 1 and 2 (and its ISA-L build), AWS CLI validator offline (Tests/AgreementHarness/awscli_offline.py)
#   bigfile     one log of 4.5 GB uncompressed (> 4 GiB, so the gzip ISIZE wraps): peak RSS must stay flat
#   scale       10k/100k/1M tiny logs with 1k/10k/100k digests (4 chains): full run and list+plan only
#
# Environment: BENCH_WORK (default Benchmarks/.work), BENCH_SCALE_SIZES (default 10k,100k,1m).
# Optional packages for the C limit: apt-get install -y libisal-dev libdeflate-dev; peak RSS needs /usr/bin/time
# (apt-get install -y time).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$HERE")"
export BENCH_WORK="${BENCH_WORK:-$HERE/.work}"
MODE="${1:-all}"; shift || true
PY="$REPO/.venv-awscli/bin/python"
[ -x "$PY" ] || PY="$("$REPO/scripts/setup-awscli.sh")"
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time missing: apt-get install -y time" >&2; exit 2; }
mkdir -p "$BENCH_WORK"

echo "== building cloudtrail-verify (release)" >&2
(cd "$REPO" && swift build -c release --scratch-path .build-bench 2>&1 | tail -n 1) >&2
if pkg-config --exists libisal 2>/dev/null; then
  echo "== building cloudtrail-verify with ISA-L (release, --traits ISAL)" >&2
  (cd "$REPO" && swift build -c release --traits ISAL --scratch-path .build-bench-isal 2>&1 | tail -n 1) >&2
else
  echo "   (no ISA-L: apt-get install -y libisal-dev for the cloudtrail-verify (ISA-L) rows)" >&2
fi

echo "== building gunzip_sha256" >&2
FLAGS=(); LIBS=()
if [ -f /usr/include/isa-l/igzip_lib.h ]; then FLAGS+=(-DHAVE_ISAL); LIBS+=(-lisal); else
  echo "   (no ISA-L: apt-get install -y libisal-dev to measure it)" >&2; fi
if [ -f /usr/include/libdeflate.h ]; then FLAGS+=(-DHAVE_LIBDEFLATE); LIBS+=(-ldeflate); else
  echo "   (no libdeflate: apt-get install -y libdeflate-dev to measure it)" >&2; fi
cc -O2 -Wall -Wextra "${FLAGS[@]}" "$HERE/gunzip_sha256.c" -o "$BENCH_WORK/gunzip_sha256" \
   $(pkg-config --cflags --libs zlib libcrypto) "${LIBS[@]}" -lpthread

gen() {  # gen NAME ARGS...: write a bucket unless already there
  local name="$1"; shift
  if [ ! -f "$BENCH_WORK/$name/expected.json" ]; then
    echo "== generating $name" >&2
    rm -rf "$BENCH_WORK/$name"
    "$PY" "$HERE/make_bucket.py" "$BENCH_WORK/$name" "$@"
    rm -f "$BENCH_WORK/$name/logs.list"
  fi
}

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
run_mode() {
  case "$1" in
    throughput) gen throughput throughput
                python3 "$HERE/bench.py" throughput --json "$BENCH_WORK/result-throughput-$STAMP.json" "${@:2}" ;;
    bigfile)    gen bigfile bigfile
                python3 "$HERE/bench.py" bigfile --json "$BENCH_WORK/result-bigfile-$STAMP.json" "${@:2}" ;;
    scale)      sizes=""
                for s in ${BENCH_SCALE_SIZES:-10k 100k 1m}; do
                  case "$s" in
                    10k)  gen scale-10k scale --logs 10000 --digests 1000 ;;
                    100k) gen scale-100k scale --logs 100000 --digests 10000 ;;
                    1m)   gen scale-1m scale --logs 1000000 --digests 100000 ;;
                  esac
                  sizes="${sizes:+$sizes,}scale-$s"
                done
                python3 "$HERE/bench.py" scale --sizes "$sizes" --json "$BENCH_WORK/result-scale-$STAMP.json" "${@:2}" ;;
    *) echo "usage: run.sh [throughput|bigfile|scale|all] [--runs N] [--no-cli]" >&2; exit 2 ;;
  esac
}

echo "== machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ "$MODE" = all ]; then
  for m in throughput bigfile scale; do run_mode "$m" "$@"; done
else
  run_mode "$MODE" "$@"
fi
