#!/bin/sh
# Downloads what shard K of N needs, instead of the whole bucket:
#   1. every digest (all CloudTrail-Digest folders): small, and every shard plans with all of them, so that
#      each shard decides the same chains, bucket name and time range as one run;
#   2. the log folders of this shard only (cloudtrail-verify shard-of picks them from a listing of the
#      bucket's [prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION/ prefixes, so folders no digest names are
#      listed too);
#   3. the S3 metadata (head-object) of the digests whose signature nothing else on disk gives.
#
#   sync-shard.sh BUCKET DEST K/N|auto/N      (SYNC_PREFIX: only this key prefix)
set -eu
bucket="$1"
dest="$2"
shard="$3"
prefix="${SYNC_PREFIX:-}"
[ -n "$prefix" ] && prefix="${prefix%/}/"

# Immediate sub-prefixes of a prefix, one per line.
children() {
    aws s3api list-objects-v2 --bucket "$bucket" --prefix "$1" --delimiter / \
        --query 'CommonPrefixes[].Prefix' --output text | tr '\t' '\n' | grep -v '^None$' || true
}

aws s3 sync "s3://$bucket/$prefix" "$dest/$prefix" --only-show-errors --exclude '*' --include '*/CloudTrail-Digest/*'

folders="$(mktemp)"
for owner in $(children "${prefix}AWSLogs/"); do
    case "$owner" in
        */o-*/) accounts="$(children "$owner")" ;;   # an organization trail: AWSLogs/o-ID/ACCOUNT/
        *) accounts="$owner" ;;
    esac
    for account in $accounts; do
        for region in $(children "${account}CloudTrail/"); do
            echo "${region%/}" >>"$folders"
        done
    done
done
cloudtrail-verify shard-of --shard "$shard" <"$folders" | while read -r folder; do
    aws s3 sync "s3://$bucket/$folder/" "$dest/$folder/" --only-show-errors
    # The same account and region's Insights folder, if any: the run names it among the folders not checked.
    insight="${folder%/CloudTrail/*}/CloudTrail-Insight/${folder##*/}"
    aws s3 sync "s3://$bucket/$insight/" "$dest/$insight/" --only-show-errors
done
rm -f "$folders"

cloudtrail-verify signatures-needed "$dest" --bucket "$bucket" | while read -r key; do
    [ -s "$dest/$key.metadata.json" ] && continue
    aws s3api head-object --bucket "$bucket" --key "$key" >"$dest/$key.metadata.json.tmp"
    mv "$dest/$key.metadata.json.tmp" "$dest/$key.metadata.json"
done
