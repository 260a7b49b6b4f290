#!/bin/sh
# Submits the shards as one AWS Batch array job (AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE
# give each child its shard) and the merge as a job that waits for the whole array.
#
#   deploy/aws-batch/submit.sh QUEUE SHARDS
#
# Register the definitions once: aws batch register-job-definition --cli-input-json file://shard-job-definition.json
# (and merge-job-definition.json). SHARDS here overrides the definitions' SHARDS variable.
set -eu
queue="$1"
shards="$2"
shards_job="$(aws batch submit-job --job-name cloudtrail-verify-shards --job-queue "$queue" \
    --job-definition cloudtrail-verify-shard --array-properties "size=$shards" \
    --container-overrides "environment=[{name=SHARDS,value=$shards}]" --query jobId --output text)"
merge_job="$(aws batch submit-job --job-name cloudtrail-verify-merge --job-queue "$queue" \
    --job-definition cloudtrail-verify-merge --depends-on "jobId=$shards_job" \
    --container-overrides "environment=[{name=SHARDS,value=$shards}]" --query jobId --output text)"
echo "shards: $shards_job (array of $shards); merge: $merge_job"
