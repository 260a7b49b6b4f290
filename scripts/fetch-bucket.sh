#!/usr/bin/env bash
# Downloads a CloudTrail bucket (or one prefix of it) so that cloudtrail-verify can validate it offline.
#
#   scripts/fetch-bucket.sh BUCKET DEST [--prefix P] [--regions r1,r2] [--profile X]
#
# It uses only the AWS CLI (v1 or v2) and does three things:
#   1. aws s3 sync s3://BUCKET[/P] DEST[/P]
#      DEST mirrors the bucket: an object key is a path below DEST.
#   2. For every digest file (*CloudTrail-Digest*.json.gz) under DEST[/P]:
#        aws s3api head-object --bucket BUCKET --key KEY > DEST/KEY.metadata.json
#      `aws s3 sync` drops S3 object metadata, and the digest's signature lives only there
#      (x-amz-meta-signature). The sidecar keeps it; cloudtrail-verify reads Metadata.signature from it.
#   3. For each region (--regions, or every region folder found under .../CloudTrail-Digest/):
#        aws cloudtrail list-public-keys --region R --start-time <oldest digest's day> > DEST-keys/R.json
#      Keys go to a folder next to DEST: "${DEST%/}-keys/" (bucket-copy -> bucket-copy-keys/).
#      Without --start-time, ListPublicKeys returns only the current key, which cannot check older digests.
#
# Re-running is safe: `aws s3 sync` downloads only what changed, and every sidecar and key file is rewritten
# (written to a temporary name first, then renamed). The sync never deletes local files, so sidecars survive.
# FETCH_JOBS (default 8) sets how many head-object calls run at once.
set -euo pipefail

usage() {
    echo "usage: $(basename "$0") BUCKET DEST [--prefix P] [--regions r1,r2] [--profile X]" >&2
    exit 2
}

bucket=""
dest=""
prefix=""
regions_arg=""
profile=""

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix)   [ $# -ge 2 ] || usage; prefix="$2"; shift 2 ;;
        --regions)  [ $# -ge 2 ] || usage; regions_arg="$2"; shift 2 ;;
        --profile)  [ $# -ge 2 ] || usage; profile="$2"; shift 2 ;;
        -h|--help)  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*)         echo "$(basename "$0"): unknown option $1" >&2; usage ;;
        *)
            if [ -z "$bucket" ]; then bucket="$1"
            elif [ -z "$dest" ]; then dest="$1"
            else echo "$(basename "$0"): unexpected argument $1" >&2; usage
            fi
            shift ;;
    esac
done
[ -n "$bucket" ] && [ -n "$dest" ] || usage

command -v aws >/dev/null 2>&1 || { echo "$(basename "$0"): the AWS CLI (aws) is not on PATH" >&2; exit 1; }

bucket="${bucket#s3://}"
bucket="${bucket%/}"
dest="${dest%/}"
[ -n "$dest" ] || dest="/"
# The prefix without leading or trailing slashes ("audit/prod/" -> "audit/prod").
while [ "${prefix#/}" != "$prefix" ]; do prefix="${prefix#/}"; done
while [ "${prefix%/}" != "$prefix" ]; do prefix="${prefix%/}"; done
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

# 1. The objects.
mkdir -p "$local_dir"
echo "==> ${aws_cmd[*]} s3 sync $source_uri $local_dir"
"${aws_cmd[@]}" s3 sync "$source_uri" "$local_dir" --only-show-errors

# 2. Each digest's S3 metadata (its signature), as a head-object sidecar.
digest_list="$(mktemp)"
trap 'rm -f "$digest_list"' EXIT
find "$local_dir" -type f -name '*CloudTrail-Digest*.json.gz' | LC_ALL=C sort > "$digest_list"
digest_count="$(wc -l < "$digest_list" | tr -d ' ')"
if [ "$digest_count" -eq 0 ]; then
    echo "$(basename "$0"): no digest files (*CloudTrail-Digest*.json.gz) under $local_dir;" \
         "is log file validation enabled for the trail, and is the prefix right?" >&2
    exit 1
fi

echo "==> ${aws_cmd[*]} s3api head-object for $digest_count digest files -> <digest>.metadata.json"
export FETCH_BUCKET="$bucket" FETCH_DEST="$dest"
# Each call gets the key (the path below DEST) as its last argument, after the aws command words.
while IFS= read -r path; do
    printf '%s\0' "${path#"$dest"/}"
done < "$digest_list" | xargs -0 -n 1 -P "${FETCH_JOBS:-8}" bash -c '
    key="${!#}"
    set -- "${@:1:$#-1}"
    sidecar="$FETCH_DEST/$key.metadata.json"
    tmp="$sidecar.tmp.$$"
    if "$@" s3api head-object --bucket "$FETCH_BUCKET" --key "$key" > "$tmp"; then
        mv -f "$tmp" "$sidecar"
    else
        rm -f "$tmp"
        echo "head-object failed for s3://$FETCH_BUCKET/$key" >&2
        exit 1
    fi
' _ "${aws_cmd[@]}" || {
    echo "$(basename "$0"): some head-object calls failed (see above); re-run to retry" >&2
    exit 1
}

# 3. The public keys, per region.
if [ -n "$regions_arg" ]; then
    IFS=',' read -r -a regions <<< "$regions_arg"
else
    regions=()
    while IFS= read -r region; do
        [ -n "$region" ] && regions+=("$region")
    done < <(sed -n 's#.*/CloudTrail-Digest/\([^/]*\)/.*#\1#p' "$digest_list" | LC_ALL=C sort -u)
fi
if [ "${#regions[@]}" -eq 0 ]; then
    echo "$(basename "$0"): no regions given or found under CloudTrail-Digest/" >&2
    exit 1
fi

# The day of the oldest digest (its key's timestamp is its end time), as YYYY-MM-DDT00:00:00Z.
oldest_day() {
    sed -n 's#.*_\([0-9]\{8\}\)T[0-9]\{6\}Z\(_backfill\)\{0,1\}\.json\.gz$#\1#p' | LC_ALL=C sort | head -n 1 |
        sed 's#^\(....\)\(..\)\(..\)$#\1-\2-\3T00:00:00Z#'
}
all_oldest="$(oldest_day < "$digest_list")"

mkdir -p "$keys_dir"
for region in "${regions[@]}"; do
    region="$(echo "$region" | tr -d '[:space:]')"
    [ -n "$region" ] || continue
    start="$(grep "/CloudTrail-Digest/$region/" "$digest_list" | oldest_day || true)"
    [ -n "$start" ] || start="$all_oldest"
    echo "==> ${aws_cmd[*]} cloudtrail list-public-keys --region $region --start-time $start > $keys_dir/$region.json"
    tmp="$keys_dir/.$region.json.tmp.$$"
    if "${aws_cmd[@]}" cloudtrail list-public-keys --region "$region" --start-time "$start" --output json > "$tmp"; then
        mv -f "$tmp" "$keys_dir/$region.json"
    else
        rm -f "$tmp"
        echo "$(basename "$0"): list-public-keys failed for $region" >&2
        exit 1
    fi
done

echo
echo "Done: bucket copy in $dest, $digest_count digest metadata sidecars, public keys in $keys_dir/ (${regions[*]})."
echo "Next:"
if [ -n "$prefix" ]; then
    echo "  cloudtrail-verify validate $dest --public-keys $keys_dir --bucket $bucket --s3-prefix $prefix"
else
    echo "  cloudtrail-verify validate $dest --public-keys $keys_dir --bucket $bucket"
fi
