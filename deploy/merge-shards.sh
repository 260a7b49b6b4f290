#!/bin/sh
# The merge step: every shard's report in $REPORTS (default /reports) into one report, HTML and JSON.
# Exit status: merge's (0 valid, 1 findings, 2 a shard missing, given twice, or not from the same run).
set -eu
reports="${REPORTS:-/reports}"
: "${SHARDS:?set SHARDS to the number of shards}"
files=""
i=0
while [ "$i" -lt "$SHARDS" ]; do
    files="$files $reports/shard-$i.json"
    i=$((i + 1))
done
status=0
# shellcheck disable=SC2086 # one word per report path
cloudtrail-verify merge $files --format json -o "$reports/merged.json" || status=$?
[ "$status" -le 1 ] || exit "$status"
cloudtrail-verify merge $files --format html -o "$reports/merged.html" || true
cloudtrail-verify merge $files --format text >"$reports/merged.txt" 2>&1 || true
exit "$status"
