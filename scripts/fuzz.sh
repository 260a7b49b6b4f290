#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers with the toolchain's libFuzzer (see Fuzz/README.md).
#
#   scripts/fuzz.sh [TARGET...] [--seconds N] [--jobs J] [--ref GIT-REV] [--build-only]
#
# Targets: digest-json digest-gzip log-gzip key-file sidecar s3-key inflate-differential (default: all).
# inflate-differential needs ISA-L (apt-get install -y libisal-dev): it is built against a second copy of the
# library compiled with -DCLOUDTRAIL_ISAL and linked with -lisal, and left out of "all" when libisal is missing.
#   --seconds N    run each target for N seconds (default 600)
#   --jobs J       run J fuzzers at once (default 1)
#   --ref REV      fuzz the library as committed at REV (git archive) instead of the working tree
#   --build-only   build the fuzzers and stop
#
# Everything is built and run under .build-fuzz/ (never .build/). Each run works on a
# copy of the committed corpus in .build-fuzz/corpus/<target>, so the repository is not
# rewritten; crashing inputs are copied to Fuzz/Crashes/<target>/ and the script exits 1.
# Extra libFuzzer flags can be passed in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-detect_leaks=0).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
OUT="$ROOT/.build-fuzz"

ALL_TARGETS=(digest-json digest-gzip log-gzip key-file sidecar s3-key inflate-differential)

entry_file() {
    case "$1" in
        digest-json) echo FuzzDigestJSON.swift ;;
        digest-gzip) echo FuzzDigestGzip.swift ;;
        log-gzip) echo FuzzLogGzip.swift ;;
        key-file) echo FuzzKeyFile.swift ;;
        sidecar) echo FuzzSidecar.swift ;;
        s3-key) echo FuzzS3Key.swift ;;
        inflate-differential) echo FuzzInflateDifferential.swift ;;
        *) return 1 ;;
    esac
}

max_len() {
    case "$1" in
        digest-json | digest-gzip | log-gzip | inflate-differential) echo 65536 ;;
        key-file) echo 8192 ;;
        sidecar) echo 4096 ;;
        s3-key) echo 1024 ;;
    esac
}

dictionary() {
    case "$1" in
        digest-json | sidecar) echo "$ROOT/Fuzz/Dictionaries/json.dict" ;;
        key-file) echo "$ROOT/Fuzz/Dictionaries/key-file.dict" ;;
        s3-key) echo "$ROOT/Fuzz/Dictionaries/s3-key.dict" ;;
        *) echo "" ;;
    esac
}

seconds=600
jobs=1
ref=""
build_only=0
targets=()
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --seconds=*) seconds="${1#*=}"; shift ;;
        --jobs) jobs="$2"; shift 2 ;;
        --jobs=*) jobs="${1#*=}"; shift ;;
        --ref) ref="$2"; shift 2 ;;
        --ref=*) ref="${1#*=}"; shift ;;
        --build-only) build_only=1; shift ;;
        -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *)
            entry_file "$1" >/dev/null || { echo "fuzz.sh: unknown target $1 (known: ${ALL_TARGETS[*]})" >&2; exit 2; }
            targets+=("$1"); shift ;;
    esac
done
# Targets compiled against the ISA-L build of the library (GzipInflater's igzip backend).
needs_isal() { [[ "$1" == inflate-differential ]]; }
have_isal() { pkg-config --exists libisal 2>/dev/null && [[ -f "$(pkg-config --variable=includedir libisal)/isa-l/igzip_lib.h" ]]; }
if ((${#targets[@]} == 0)); then
    for target in "${ALL_TARGETS[@]}"; do
        if needs_isal "$target" && ! have_isal; then
            echo "fuzz.sh: skipping $target (no libisal: apt-get install -y libisal-dev)" >&2
            continue
        fi
        targets+=("$target")
    done
fi
for target in "${targets[@]}"; do
    if needs_isal "$target" && ! have_isal; then
        echo "fuzz.sh: $target needs ISA-L: apt-get install -y libisal-dev" >&2
        exit 2
    fi
done
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --seconds needs a whole number" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --jobs needs a positive number" >&2; exit 2; }

if [[ -x /opt/swift/usr/bin/swiftc ]] && ! command -v swiftc >/dev/null; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
SWIFTC="${SWIFTC:-swiftc}"
if [[ -z "${ASAN_SYMBOLIZER_PATH:-}" ]]; then
    symbolizer="$(dirname "$(command -v "$SWIFTC")")/llvm-symbolizer"
    [[ -x "$symbolizer" ]] || symbolizer="$(command -v llvm-symbolizer || true)"
    [[ -n "$symbolizer" ]] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
fi

mkdir -p "$OUT/logs"
# Let libFuzzer/ASan report traps (Swift precondition failures are SIGILL): the Swift
# runtime's own backtracer would otherwise run first and trip ASan in its helper thread.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

# --- Build -----------------------------------------------------------------------------
# The library is compiled once, from a snapshot (so edits made meanwhile cannot break the
# build half-way), with -enable-testing: the entry files `@testable import` it to reach
# internal parsers. Every object gets libFuzzer coverage and AddressSanitizer.
src="$OUT/src"
rm -rf "$src"
mkdir -p "$src/Sources"
if [[ -n "$ref" ]]; then
    git archive "$ref" Sources | tar -x -C "$src"
    echo "fuzz.sh: building the library as of $(git rev-parse --short "$ref")"
else
    cp -R Sources/CloudTrailVerify Sources/CCloudTrailOpenSSL Sources/CCloudTrailZlib Sources/CCloudTrailSystem "$src/Sources/"
    if [[ -d Sources/CCloudTrailISAL ]]; then cp -R Sources/CCloudTrailISAL "$src/Sources/"; fi
    echo "fuzz.sh: building the library from the working tree"
fi
includes=(-I "$src/Sources/CCloudTrailOpenSSL" -I "$src/Sources/CCloudTrailZlib" -I "$src/Sources/CCloudTrailSystem")
common=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -use-ld=lld "${includes[@]}")
library_sources=()
while IFS= read -r file; do library_sources+=("$file"); done < <(find "$src/Sources/CloudTrailVerify" -name '*.swift' | sort)
want_plain=0
want_isal=0
for target in "${targets[@]}"; do
    if needs_isal "$target"; then want_isal=1; else want_plain=1; fi
done
# build_library SUFFIX [FLAGS...]: CloudTrailVerify${SUFFIX}.o and modules${SUFFIX}/. The plain build is the
# default one (zlib only); "-isal" adds the ISAL trait's define, so GzipInflater has both backends.
build_library() {
    local suffix="$1"
    shift
    mkdir -p "$OUT/modules$suffix"
    if ! "$SWIFTC" "${common[@]}" "$@" -enable-testing -module-name CloudTrailVerify -whole-module-optimization \
            -emit-module -emit-module-path "$OUT/modules$suffix/CloudTrailVerify.swiftmodule" \
            -c "${library_sources[@]}" -o "$OUT/CloudTrailVerify$suffix.o" >"$OUT/logs/build-library$suffix.log" 2>&1; then
        cat "$OUT/logs/build-library$suffix.log" >&2
        echo "fuzz.sh: the library${suffix:+ ($suffix)} did not build" >&2
        exit 1
    fi
}
((want_plain)) && build_library ""
((want_isal)) && build_library -isal -D CLOUDTRAIL_ISAL -I "$src/Sources/CCloudTrailISAL"
for target in "${targets[@]}"; do
    module="Fuzz_${target//-/_}"
    library=("$OUT/CloudTrailVerify.o" -I "$OUT/modules" -lcrypto -lz)
    if needs_isal "$target"; then
        library=("$OUT/CloudTrailVerify-isal.o" -I "$OUT/modules-isal" -I "$src/Sources/CCloudTrailISAL" -lcrypto -lz -lisal)
    fi
    if ! "$SWIFTC" "${common[@]}" -module-name "$module" \
            "Fuzz/Targets/$(entry_file "$target")" "${library[@]}" \
            -o "$OUT/fuzz-$target" >"$OUT/logs/build-$target.log" 2>&1; then
        cat "$OUT/logs/build-$target.log" >&2
        echo "fuzz.sh: fuzzer $target did not build" >&2
        exit 1
    fi
done
echo "fuzz.sh: built ${targets[*]} into .build-fuzz/"
((build_only)) && exit 0

# --- Run -------------------------------------------------------------------------------
run_one() {
    local target="$1"
    local corpus="$OUT/corpus/$target" artifacts="$OUT/artifacts/$target" log="$OUT/logs/$target.log"
    rm -rf "$corpus" "$artifacts"
    mkdir -p "$corpus" "$artifacts"
    if [[ -d "Fuzz/Corpus/$target" ]]; then cp -R "Fuzz/Corpus/$target/." "$corpus/"; fi
    local flags=(-max_total_time="$seconds" -max_len="$(max_len "$target")" -rss_limit_mb=2048
                 -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/")
    local dict
    dict="$(dictionary "$target")"
    [[ -n "$dict" && -f "$dict" ]] && flags+=(-dict="$dict")
    # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
    "$OUT/fuzz-$target" "${flags[@]}" ${FUZZ_FLAGS:-} "$corpus" >"$log" 2>&1
}

summarize() {
    local target="$1" status="$2" log="$OUT/logs/$1.log"
    local executions final result
    executions="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)"
    final="$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[^ ]+' || true)"
    if ((status == 0)); then
        result="ok"
    else
        if grep -q 'ERROR: LeakSanitizer' "$log"; then result="LEAK"
        elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then result="TIMEOUT"
        elif grep -q 'out-of-memory' "$log"; then result="OUT-OF-MEMORY"
        elif grep -q 'ERROR: AddressSanitizer' "$log"; then result="CRASH ($(grep -m1 -oE 'AddressSanitizer: [a-z-]+' "$log"))"
        else result="CRASH (exit $status)"
        fi
        local saved="Fuzz/Crashes/$target"
        if compgen -G "$OUT/artifacts/$target/*" >/dev/null; then
            mkdir -p "$saved"
            cp "$OUT/artifacts/$target/"* "$saved/"
            cp "$log" "$saved/$(basename "$(ls -t "$OUT/artifacts/$target/" | head -1)").log"
            result="$result, input saved in $saved/"
        fi
        result="$result, log .build-fuzz/logs/$target.log"
    fi
    printf '%-12s %12s execs  %-40s %s\n' "$target" "${executions:-?}" "${final:-no coverage line}" "$result"
}

echo "fuzz.sh: running ${targets[*]} for ${seconds}s each, $jobs at a time"
declare -A pids=()
declare -A statuses=()
for target in "${targets[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do sleep 1; done
    run_one "$target" &
    pids[$target]=$!
done
for target in "${targets[@]}"; do
    if wait "${pids[$target]}"; then statuses[$target]=0; else statuses[$target]=$?; fi
done

failed=0
for target in "${targets[@]}"; do
    summarize "$target" "${statuses[$target]}"
    ((statuses[$target] == 0)) || failed=1
done
exit "$failed"
