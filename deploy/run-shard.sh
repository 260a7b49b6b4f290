#!/bin/sh
# One shard of a run, as a batch engine starts it (Slurm array task, Kubernetes Indexed Job pod, AWS Batch
# array child): optionally download this shard's share (SYNC_BUCKET set), validate it with --shard auto/N,
# and write its JSON report to $REPORTS/shard-K.json for the merge step.
#
# Environment:
#   SHARDS        N, the number of shards (required: Kubernetes gives only the index).
#   ROOT          the bucket copy (default /bucket): a shared read-only volume, or where SYNC_BUCKET goes.
#   KEYS          the public keys, a file or folder (default /keys).
#   REPORTS       where reports go (default /reports), a volume the merge step sees.
#   SYNC_BUCKET   when set: download this bucket's digests and this shard's log folders to ROOT first
#                 (sync-shard.sh; SYNC_PREFIX for one prefix).
#   CHECKPOINTS   when set: a folder (on a volume that outlives the job) where this shard keeps checkpoint-K.json;
#                 INCREMENTAL=1 then verifies only digests newer than it.
#   EXTRA_ARGS    more validate options, e.g. "--start-time 2025-01-01T00:00:00Z --end-time 2025-12-31T23:59:59Z".
# Exit status: 0 the report was written (it may hold findings: the merge gives the verdict); else the shard failed.
set -eu
: "${SHARDS:?set SHARDS to the number of shards}"
root="${ROOT:-/bucket}"
keys="${KEYS:-/keys}"
reports="${REPORTS:-/reports}"
index="${SLURM_ARRAY_TASK_ID:-${JOB_COMPLETION_INDEX:-${AWS_BATCH_JOB_ARRAY_INDEX:-}}}"
: "${index:?no shard index in the environment (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX)}"
if [ -n "${SYNC_BUCKET:-}" ]; then
    sync-shard.sh "$SYNC_BUCKET" "$root" "auto/$SHARDS"
fi
mkdir -p "$reports"
set --
if [ -n "${CHECKPOINTS:-}" ]; then
    mkdir -p "$CHECKPOINTS"
    set -- --checkpoint "$CHECKPOINTS/checkpoint-$index.json"
    if [ "${INCREMENTAL:-0}" = 1 ]; then set -- "$@" --incremental; fi
fi
status=0
# shellcheck disable=SC2086 # EXTRA_ARGS is a list of options.
cloudtrail-verify validate "$root" --public-keys "$keys" --shard "auto/$SHARDS" --quiet \
    --format json -o "$reports/shard-$index.json" "$@" ${EXTRA_ARGS:-} || status=$?
# 1 is findings: a result the merge reports, not a failed task. 2 is "could not run".
[ "$status" -le 1 ]
