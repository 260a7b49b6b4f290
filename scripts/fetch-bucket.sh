#!/usr/bin/env bash
# Downloads a CloudTrail bucket (or one prefix of it) so that cloudtrail-verify can validate it offline.
#
#   scripts/fetch-bucket.sh BUCKET DEST [--prefix P] [--regions r1,r2] [--profile X] [--quiet]
#
# It uses the AWS CLI (v1 or v2) and does three things:
#   1. aws s3 sync s3://BUCKET[/P] DEST[/P]
#      DEST mirrors the bucket: an object key is a path below DEST.
#   2. aws s3api head-object --bucket BUCKET --key KEY > DEST/KEY.metadata.json
#      only for the digests whose signature nothing else on disk gives: `aws s3 sync` drops S3 metadata,
#      where each digest's signature lives, but the next digest's previousDigestSignature repeats it.
#      `cloudtrail-verify signatures-needed` lists the rest: the newest digest of each chain, the last
#      one before each gap, backfill digests. A digest whose sidecar exists is never asked for again.
#      Without cloudtrail-verify (on PATH, or $CLOUDTRAIL_VERIFY) every digest without a sidecar is asked for.
#   3. For each region (--regions, or every region folder found under .../CloudTrail-Digest/):
#        aws cloudtrail list-public-keys --region R --start-time <oldest digest's day> > DEST-keys/R.json
#      Keys go to a folder next to DEST: DEST-keys/ (bucket-copy -> bucket-copy-keys/).
#      Without --start-time, ListPublicKeys returns only the current key, which cannot check older digests.
#
# Each head-object and list-public-keys call is tried 3 times (waiting 1 s, then 2 s). A call that still
# fails is skipped, the rest go on, and the run ends with a summary of what is missing and exit status 1.
# Re-running is safe and cheap: `aws s3 sync` downloads only what changed, and only new chain ends are asked for.
# Files are written under a temporary name first, then renamed. The sync never deletes local files.
# --quiet hides the sync's own progress. FETCH_JOBS (default 8) sets how many head-object calls run at once,
# FETCH_RETRY_DELAY (default 1) the seconds of the first wait between tries.
set -euo pipefail

name="$(basename "$0")"
usage() {
    echo "usage: $name BUCKET DEST [--prefix P] [--regions r1,r2] [--profile X] [--quiet]" >&2
    exit 2
}

# A path or word as the shell reads it back: left alone when it is plain, else in single quotes.
quote() {
    case "$1" in
        '' | *[!A-Za-z0-9_./:=@%+,-]*) printf "'%s'" "${1//\'/\'\\\'\'}" ;;
        *) printf '%s' "$1" ;;
    esac
}

bucket=""
dest=""
prefix=""
regions_arg=""
profile=""
quiet=0

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix)   [ $# -ge 2 ] || usage; prefix="$2"; shift 2 ;;
        --regions)  [ $# -ge 2 ] || usage; regions_arg="$2"; shift 2 ;;
        --profile)  [ $# -ge 2 ] || usage; profile="$2"; shift 2 ;;
        -q|--quiet) quiet=1; shift ;;
        -h|--help)  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*)         echo "$name: unknown option $1" >&2; usage ;;
        *)
            if [ -z "$bucket" ]; then bucket="$1"
            elif [ -z "$dest" ]; then dest="$1"
            else echo "$name: unexpected argument $(quote "$1")" >&2; usage
            fi
            shift ;;
    esac
done
[ -n "$bucket" ] && [ -n "$dest" ] || usage

command -v aws >/dev/null 2>&1 || { echo "$name: the AWS CLI (aws) is not on PATH" >&2; exit 1; }

bucket="${bucket#s3://}"
while [ "${bucket%/}" != "$bucket" ]; do bucket="${bucket%/}"; done
case "$bucket" in
    '') usage ;;
    */*) echo "$name: BUCKET is a bucket name; give the prefix with --prefix (found $(quote "$bucket"))" >&2; exit 2 ;;
esac
# The prefix without leading or trailing slashes ("audit/prod/" -> "audit/prod").
while [ "${prefix#/}" != "$prefix" ]; do prefix="${prefix#/}"; done
while [ "${prefix%/}" != "$prefix" ]; do prefix="${prefix%/}"; done

# DEST as an absolute path without trailing slashes, so "." or "copy/" give a keys folder beside it
# ("./-keys" or "copy/-keys" would be wrong) and the printed paths work from any folder.
mkdir -p -- "$dest"
dest="$(cd -- "$dest" && pwd)"
if [ "$dest" = "/" ]; then
    echo "$name: DEST cannot be / (the keys would go to /-keys)" >&2
    exit 2
fi
keys_dir="${dest}-keys"

aws_cmd=(aws)
if [ -n "$profile" ]; then aws_cmd+=(--profile "$profile"); fi

if [ -n "$prefix" ]; then
    source_uri="s3://$bucket/$prefix"
    local_dir="$dest/$prefix"
else
    source_uri="s3://$bucket"
    local_dir="$dest"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed_sync=0
: > "$work/failed-keys"
failed_regions=()

# 1. The objects.
mkdir -p -- "$local_dir"
echo "==> [1/3] aws s3 sync $(quote "$source_uri") $(quote "$local_dir")"
sync_args=()
if [ "$quiet" -eq 1 ]; then sync_args+=(--only-show-errors); fi
if ! "${aws_cmd[@]}" s3 sync "$source_uri" "$local_dir" "${sync_args[@]+"${sync_args[@]}"}"; then
    # Go on: what did arrive can still get its signatures and keys; the summary says the sync failed.
    failed_sync=1
    echo "$name: aws s3 sync failed (see above); going on with what was downloaded" >&2
fi

find "$local_dir" -type f -name '*CloudTrail-Digest*.json.gz' -print0 > "$work/digests"
digest_count="$(tr -cd '\0' < "$work/digests" | wc -c | tr -d ' ')"
if [ "$digest_count" -eq 0 ]; then
    echo "$name: no digest files (*CloudTrail-Digest*.json.gz) under $(quote "$local_dir");" \
         "is log file validation enabled for the trail, and is the prefix right?" >&2
    exit 1
fi

# 2. The S3 metadata (signature) of the digests nothing else on disk vouches for.
verifier="${CLOUDTRAIL_VERIFY:-}"
if [ -z "$verifier" ]; then verifier="$(command -v cloudtrail-verify || true)"; fi
if [ -n "$verifier" ]; then
    echo "==> [2/3] $(quote "$verifier") signatures-needed: which of the $digest_count digests need their own S3 metadata"
    needed_args=(signatures-needed "$dest" --null)
    if [ -n "$prefix" ]; then needed_args+=(--s3-prefix "$prefix"); fi
    if ! "$verifier" "${needed_args[@]}" > "$work/needed"; then
        echo "$name: $(quote "$verifier") signatures-needed failed (see above); asking for every digest without a sidecar" >&2
        verifier=""
    fi
else
    echo "==> [2/3] cloudtrail-verify is not on PATH (nor \$CLOUDTRAIL_VERIFY): asking for every digest without a sidecar" >&2
fi
if [ -z "$verifier" ]; then
    while IFS= read -r -d '' path; do
        printf '%s\0' "${path#"$dest"/}"
    done < "$work/digests" > "$work/needed"
fi
# Never ask again for a digest whose sidecar exists.
: > "$work/calls"
while IFS= read -r -d '' key; do
    [ -e "$dest/$key.metadata.json" ] || printf '%s\0' "$key" >> "$work/calls"
done < "$work/needed"
call_count="$(tr -cd '\0' < "$work/calls" | wc -c | tr -d ' ')"
echo "==> ${aws_cmd[*]} s3api head-object for $call_count of $digest_count digests -> <digest>.metadata.json"

export FETCH_BUCKET="$bucket" FETCH_DEST="$dest" FETCH_FAILED="$work/failed-keys" FETCH_RETRY_DELAY="${FETCH_RETRY_DELAY:-1}"
# Each call gets the key as its last argument, after the aws command words. It never fails xargs:
# a key still failing after 3 tries is written to $FETCH_FAILED and the others go on.
[ "$call_count" -eq 0 ] || xargs -0 -n 1 -P "${FETCH_JOBS:-8}" bash -c '
    key="${!#}"
    set -- "${@:1:$#-1}"
    sidecar="$FETCH_DEST/$key.metadata.json"
    tmp="$sidecar.tmp.$$"
    for attempt in 1 2 3; do
        if "$@" s3api head-object --bucket "$FETCH_BUCKET" --key "$key" > "$tmp"; then
            mv -f "$tmp" "$sidecar"
            echo "    s3://$FETCH_BUCKET/$key"
            exit 0
        fi
        rm -f "$tmp"
        if [ "$attempt" -lt 3 ]; then
            echo "    head-object failed for s3://$FETCH_BUCKET/$key (try $attempt of 3); retrying" >&2
            sleep "$(( FETCH_RETRY_DELAY * attempt ))"
        fi
    done
    echo "    head-object failed 3 times for s3://$FETCH_BUCKET/$key; going on" >&2
    printf "%s\n" "$key" >> "$FETCH_FAILED"
' _ "${aws_cmd[@]}" < "$work/calls"

# 3. The public keys, per region.
regions=()
if [ -n "$regions_arg" ]; then
    IFS=',' read -r -a listed <<< "$regions_arg"
    for region in "${listed[@]}"; do
        region="$(printf '%s' "$region" | tr -d '[:space:]')"
        [ -n "$region" ] && regions+=("$region")
    done
else
    while IFS= read -r region; do
        [ -n "$region" ] && regions+=("$region")
    done < <(tr '\0' '\n' < "$work/digests" | sed -n 's#.*/CloudTrail-Digest/\([^/]*\)/.*#\1#p' | LC_ALL=C sort -u)
fi
if [ "${#regions[@]}" -eq 0 ]; then
    echo "$name: no regions given or found under CloudTrail-Digest/" >&2
    exit 1
fi

# The day of the oldest digest (its key's timestamp is its end time), as YYYY-MM-DDT00:00:00Z.
oldest_day() {
    sed -n 's#.*_\([0-9]\{8\}\)T[0-9]\{6\}Z\(_backfill\)\{0,1\}\.json\.gz$#\1#p' | LC_ALL=C sort | head -n 1 |
        sed 's#^\(....\)\(..\)\(..\)$#\1-\2-\3T00:00:00Z#'
}
all_oldest="$(tr '\0' '\n' < "$work/digests" | oldest_day)"

echo "==> [3/3] ${aws_cmd[*]} cloudtrail list-public-keys for ${#regions[@]} region(s) -> $(quote "$keys_dir/")<region>.json"
mkdir -p -- "$keys_dir"
for region in "${regions[@]}"; do
    start="$(tr '\0' '\n' < "$work/digests" | grep -F "/CloudTrail-Digest/$region/" | oldest_day || true)"
    [ -n "$start" ] || start="$all_oldest"
    tmp="$keys_dir/.$region.json.tmp.$$"
    fetched=0
    for attempt in 1 2 3; do
        if "${aws_cmd[@]}" cloudtrail list-public-keys --region "$region" --start-time "$start" --output json > "$tmp"; then
            mv -f "$tmp" "$keys_dir/$region.json"
            fetched=1
            echo "    $region (keys valid since $start) -> $(quote "$keys_dir/$region.json")"
            break
        fi
        rm -f "$tmp"
        if [ "$attempt" -lt 3 ]; then
            echo "    list-public-keys failed for $region (try $attempt of 3); retrying" >&2
            sleep "$(( FETCH_RETRY_DELAY * attempt ))"
        fi
    done
    if [ "$fetched" -eq 0 ]; then
        echo "    list-public-keys failed 3 times for $region; going on" >&2
        failed_regions+=("$region")
    fi
done

failed_keys="$(wc -l < "$work/failed-keys" | tr -d ' ')"
echo
echo "Bucket copy: $(quote "$dest") ($digest_count digest files; $(( call_count - failed_keys )) metadata sidecars fetched now)"
echo "Public keys: $(quote "$keys_dir/") (${regions[*]})"
status=0
if [ "$failed_sync" -eq 1 ]; then
    echo "MISSING: aws s3 sync $(quote "$source_uri") failed: some objects may not have been downloaded" >&2
    status=1
fi
if [ "$failed_keys" -gt 0 ]; then
    echo "MISSING: the S3 metadata (signature) of $failed_keys digest(s); they will be UNVERIFIED:" >&2
    LC_ALL=C sort "$work/failed-keys" | sed "s#^#    s3://$bucket/#" >&2
    status=1
fi
if [ "${#failed_regions[@]}" -gt 0 ]; then
    echo "MISSING: the public keys of ${failed_regions[*]}; chains of those regions cannot be validated" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "$name: incomplete (see MISSING above); re-run to fetch only what is missing" >&2
fi
echo "Next:"
next="  cloudtrail-verify validate $(quote "$dest") --public-keys $(quote "$keys_dir") --bucket $(quote "$bucket")"
if [ -n "$prefix" ]; then next+=" --s3-prefix $(quote "$prefix")"; fi
echo "$next"
exit "$status"
