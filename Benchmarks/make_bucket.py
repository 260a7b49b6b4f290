#!/usr/bin/env python3
"""Write a signed CloudTrail benchmark bucket with the project's own generator (TestVectors/generate.py).

    make_bucket.py OUT throughput [--logs 1700] [--log-bytes 1500000] [--digests 72]
    make_bucket.py OUT scale      [--logs 1000000] [--digests 100000] [--chains 4]
    make_bucket.py OUT bigfile    [--log-bytes 4500000000]

OUT gets the layout of a test vector (docs/test-vectors.md): bucket/ (digests, their .metadata.json sidecars, logs),
keys/<region>.json, aws-s3-metadata.json, and an expected.json with only what the AWS CLI harness
(Tests/AgreementHarness/awscli_offline.py) needs (awsCli.runs) plus the counts; everything is valid.

Digests are built and signed with generate.py's Digest, Trail, PreparedLog and key('us-east-1-2025'). Log files are
made cheaply but realistically:

- throughput/bigfile: a pool of ~64 KiB segments of CloudTrail records (generate.make_record, plus the fields real
  records carry: principalId, accessKeyId, sessionContext, tlsDetails, additionalEventData) is compressed once, each
  segment as its own deflate blocks (level 6, ended with a sync flush: byte-aligned, no back-reference into another
  segment). A log file is a gzip header + one freshly compressed unique segment + pool segments in a per-file random
  order + a final block + CRC-32/ISIZE. Inflating it is exactly the work of inflating a zlib -6 gzip of the same
  text; the gzip ratio is about 8.5-9x. Only SHA-256 and CRC-32 of the text are computed per file.
- scale: 256 distinct tiny logs (one record each, ~700 bytes gzipped) reused by a million file names.

Run with an interpreter that has `cryptography` (.venv-awscli/bin/python has it).
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import string
import struct
import sys
import time
import zlib
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'TestVectors'))
import generate as g  # noqa: E402  (read-only use: records, trails, digests, keys, signing)

KEY_NAME = 'us-east-1-2025'
ALNUM = string.ascii_uppercase + string.digits
GZIP_HEADER = b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03'   # deflate, mtime 0, no name, level 6, Unix
SEGMENT_BYTES = 64 * 1024
POOL_SEGMENTS = 96
SCALE_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'eu-central-1', 'ap-northeast-1',
                 'ca-central-1', 'sa-east-1']


def log(message):
    print(f'make_bucket: {message}', file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# records

def record(rng, trail, event_time, i):
    r = g.make_record(rng, trail, event_time, 'data' if i % 3 == 0 else 'management')
    u = r['userIdentity']
    u['principalId'] = 'AROA' + ''.join(rng.choice(ALNUM) for _ in range(17)) + ':' + rng.choice(
        ['jdoe', 'orders-api', 'i-0%016x' % rng.getrandbits(64)])
    u['accessKeyId'] = 'ASIA' + ''.join(rng.choice(ALNUM) for _ in range(16))
    u['sessionContext'] = {
        'sessionIssuer': {'type': 'Role', 'principalId': u['principalId'].split(':')[0], 'arn': u['arn'],
                          'accountId': trail.account, 'userName': 'orders-api-lambda-role'},
        'attributes': {'creationDate': g.iso(event_time - timedelta(seconds=rng.randint(0, 43200))),
                       'mfaAuthenticated': 'false'}}
    r['tlsDetails'] = {'tlsVersion': 'TLSv1.3', 'cipherSuite': 'TLS_AES_128_GCM_SHA256',
                       'clientProvidedHostHeader': r['eventSource'].replace('amazonaws.com',
                                                                            trail.region + '.amazonaws.com')}
    if i % 3 == 0:   # S3 data events
        r['additionalEventData'] = {'SignatureVersion': 'SigV4', 'AuthenticationMethod': 'AuthHeader',
                                    'x-amz-id-2': '%024x' % rng.getrandbits(96),
                                    'bytesTransferredIn': rng.randint(0, 5000)}
    return g.log_json(r)


def deflate_blocks(data, final=False):
    """Raw deflate (level 6) of data on its own: ends byte-aligned (sync flush), or with BFINAL when final."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15, 8)
    return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


class SegmentPool:
    def __init__(self, rng, trail, start):
        self.plain, self.packed = [], []
        i = 0
        for _ in range(POOL_SEGMENTS):
            parts, size = [], 0
            while size < SEGMENT_BYTES:
                rec = b',' + record(rng, trail, start + timedelta(seconds=rng.randint(0, 3599)), i)
                parts.append(rec)
                size += len(rec)
                i += 1
            text = b''.join(parts)
            self.plain.append(text)
            self.packed.append(deflate_blocks(text))
        self.tail_plain = b']}'
        self.tail_packed = deflate_blocks(self.tail_plain, final=True)

    def ratio(self):
        return sum(map(len, self.plain)) / sum(map(len, self.packed))


def build_log(pool, rng, trail, event_time, target_bytes, write):
    """Writes one gzip log file through write(); returns (sha256 hex, uncompressed size, compressed size)."""
    head = b'{"Records":[' + record(rng, trail, event_time, rng.randrange(3))
    digest, crc, size, out = hashlib.sha256(), 0, 0, 0

    def piece(plain, packed):
        nonlocal crc, size, out
        digest.update(plain)
        crc = zlib.crc32(plain, crc)
        size += len(plain)
        write(packed)
        out += len(packed)

    write(GZIP_HEADER)
    out += len(GZIP_HEADER)
    piece(head, deflate_blocks(head))
    order = list(range(len(pool.plain)))
    while size < target_bytes:
        rng.shuffle(order)
        for k in order:
            if size >= target_bytes:
                break
            piece(pool.plain[k], pool.packed[k])
    piece(pool.tail_plain, pool.tail_packed)
    trailer = struct.pack('<II', crc, size & 0xFFFFFFFF)
    write(trailer)
    return digest.hexdigest(), size, out + len(trailer)


# ---------------------------------------------------------------------------------------------------------------
# bucket writing

class Writer:
    def __init__(self, out):
        self.out = os.path.abspath(out)
        self.bucket = os.path.join(self.out, 'bucket')
        self.made = set()
        self.s3_metadata = {}

    def path(self, key):
        path = os.path.join(self.bucket, key)
        folder = os.path.dirname(path)
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
        return path

    def put(self, key, data):
        with open(self.path(key), 'wb') as f:
            f.write(data)

    def digest(self, d):
        self.put(d.key, d.gz)
        head = {'AcceptRanges': 'bytes', 'ContentLength': len(d.gz), 'ContentType': 'application/json',
                'ContentEncoding': 'gzip',
                'Metadata': {'signature': d.signature, 'signature-algorithm': d.algorithm}}
        self.put(d.key + '.metadata.json', g.pretty(head, 4))
        self.s3_metadata[d.uri] = {'signature': d.signature, 'signature-algorithm': d.algorithm}


def keys_file(out, region, start, end):
    """keys/<region>.json with the generator's key; its validity window widened to cover the bucket."""
    k = g.key(KEY_NAME)
    entry = k.entry(False)
    entry['ValidityStartTime'] = start.isoformat()
    entry['ValidityEndTime'] = end.isoformat()
    path = os.path.join(out, 'keys', f'{region}.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(g.pretty({'PublicKeyList': [entry]}, 4))


def finish(out, w, mode, runs, counts):
    with open(os.path.join(out, 'aws-s3-metadata.json'), 'wb') as f:
        f.write(g.pretty(dict(sorted(w.s3_metadata.items()))))
    expected = {'name': f'benchmark-{mode}', 'description': 'benchmark bucket written by Benchmarks/make_bucket.py',
                'arguments': ['--public-keys', 'keys'], 'exitCode': 0, 'benchmark': counts,
                'awsCli': {'runs': runs, 'differences': []}}
    with open(os.path.join(out, 'expected.json'), 'wb') as f:
        f.write(g.pretty(expected))


def cli_run(trail, start, end):
    return {'trailArn': trail.arn, 'region': trail.region, 'startTime': g.iso(start.replace(minute=0, second=0)),
            'endTime': g.iso(end), 's3Bucket': trail.bucket, 's3Prefix': None, 'accountId': None,
            'organizationId': None}


def split(total, parts):
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


# ---------------------------------------------------------------------------------------------------------------
# modes

FIRST_END = g.T('2025-03-01T01:00:00Z')


def make_big_logs(out, logs, log_bytes, digests, seed):
    """throughput and bigfile: one trail in us-east-1, `digests` hourly digests listing `logs` logs of ~log_bytes."""
    rng = random.Random(seed)
    trail = g.mgmt_trail()
    signer = g.key(KEY_NAME)
    w = Writer(out)
    t0 = time.time()
    pool = SegmentPool(rng, trail, FIRST_END - g.HOUR)
    log(f'segment pool: {len(pool.plain)} x {SEGMENT_BYTES} B, gzip ratio {pool.ratio():.2f} ({time.time() - t0:.1f}s)')
    ends = g.hourly_ends(rng, FIRST_END, digests)
    prev, total_raw, total_gz = None, 0, 0
    for d_index, (end, n) in enumerate(zip(ends, split(logs, digests))):
        start = prev.end if prev else end - g.HOUR
        entries = []
        for _ in range(n):
            delivered = start + timedelta(seconds=rng.randint(61, int((end - start).total_seconds()) - 61))
            unique = ''.join(rng.choice(string.ascii_letters + string.digits) for _ in range(16))
            key = trail.log_key(delivered, unique)
            with open(w.path(key), 'wb') as f:
                sha, raw, packed = build_log(pool, rng, trail, delivered - timedelta(seconds=30), log_bytes, f.write)
            total_raw += raw
            total_gz += packed
            oldest = delivered - timedelta(seconds=rng.randint(300, 720))
            entries.append(g.PreparedLog(trail, delivered, unique, oldest, delivered - timedelta(seconds=30), b'', sha))
        entries.sort(key=lambda l: l.delivered)
        d = g.Digest(trail, start, end, entries, prev, signer)
        w.digest(d)
        prev = d
        if d_index % 10 == 9:
            log(f'{d_index + 1}/{digests} digests, {total_raw / 1e9:.2f} GB written ({time.time() - t0:.0f}s)')
    keys_file(out, trail.region, g.T('2025-01-01T00:00:00Z'), g.T('2025-07-01T00:00:00Z'))
    counts = {'logs': logs, 'digests': digests, 'uncompressedBytes': total_raw, 'compressedBytes': total_gz,
              'gzipRatio': round(total_raw / max(total_gz, 1), 3)}
    finish(out, w, 'big', [cli_run(trail, ends[0] - g.HOUR, ends[-1])], counts)
    log(f'done: {counts} in {time.time() - t0:.0f}s')


def tiny_logs(rng, trail):
    """256 distinct one-record logs: (gzip bytes, sha256 hex)."""
    found = []
    for i in range(256):
        raw = b'{"Records":[' + record(rng, trail, FIRST_END - timedelta(minutes=30), i) + b']}'
        found.append((g.gz(raw), g.sha256(raw)))
    return found


def scale_chain(job):
    """One region's chain for scale mode (run in a worker process): returns (s3 metadata, cli run, counts)."""
    out, region, logs, digests, seed = job
    rng = random.Random(seed)
    trail = g.mgmt_trail(region=region)
    signer = g.key(KEY_NAME)
    w = Writer(out)
    bodies = tiny_logs(rng, trail)
    ends = g.hourly_ends(rng, FIRST_END, digests, drift=False)
    prev, t0 = None, time.time()
    for d_index, (end, n) in enumerate(zip(ends, split(logs, digests))):
        start = prev.end if prev else end - g.HOUR
        entries = []
        for j in range(n):
            delivered = start + timedelta(seconds=61 + (j * 3473) % 3478)
            unique = '%016x' % rng.getrandbits(64)
            body, sha = bodies[rng.randrange(len(bodies))]
            entry = g.PreparedLog(trail, delivered, unique, delivered - timedelta(minutes=5),
                                  delivered - timedelta(seconds=30), b'', sha)
            w.put(entry.key, body)
            entries.append(entry)
        entries.sort(key=lambda l: l.delivered)
        d = g.Digest(trail, start, end, entries, prev, signer)
        w.digest(d)
        prev = d
        if d_index % 5000 == 4999:
            log(f'{region}: {d_index + 1}/{digests} digests ({time.time() - t0:.0f}s)')
    return w.s3_metadata, cli_run(trail, ends[0] - g.HOUR, ends[-1]), ends[-1]


def make_scale(out, logs, digests, chains, seed, workers):
    regions = SCALE_REGIONS[:chains]
    jobs = [(out, r, nl, nd, seed + i) for i, (r, nl, nd) in enumerate(zip(regions, split(logs, chains),
                                                                             split(digests, chains)))]
    t0 = time.time()
    with multiprocessing.Pool(workers) as p:
        results = p.map(scale_chain, jobs)
    w = Writer(out)
    runs = []
    last = FIRST_END
    for meta, run, end in results:
        w.s3_metadata.update(meta)
        runs.append(run)
        last = max(last, end)
    for r in regions:
        keys_file(out, r, FIRST_END - timedelta(days=2), last + timedelta(days=2))
    counts = {'logs': logs, 'digests': digests, 'chains': chains}
    finish(out, w, 'scale', runs, counts)
    log(f'done: {counts} in {time.time() - t0:.0f}s')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('out')
    p.add_argument('mode', choices=['throughput', 'scale', 'bigfile'])
    p.add_argument('--logs', type=int)
    p.add_argument('--log-bytes', type=int, help='uncompressed bytes per log (throughput, bigfile)')
    p.add_argument('--digests', type=int)
    p.add_argument('--chains', type=int, default=4, help='scale: regions (one chain each)')
    p.add_argument('--seed', type=int, default=20250301)
    p.add_argument('--workers', type=int, default=2)
    a = p.parse_args()
    if os.path.exists(os.path.join(a.out, 'expected.json')):
        sys.exit(f'make_bucket: {a.out} already holds a bucket; remove it first')
    os.makedirs(a.out, exist_ok=True)
    if a.mode == 'throughput':
        make_big_logs(a.out, a.logs or 1700, a.log_bytes or 1_500_000, a.digests or 72, a.seed)
    elif a.mode == 'bigfile':
        make_big_logs(a.out, 1, a.log_bytes or 4_500_000_000, 1, a.seed)
    else:
        make_scale(a.out, a.logs or 1_000_000, a.digests or 100_000, min(a.chains, len(SCALE_REGIONS)), a.seed,
                   a.workers)


if __name__ == '__main__':
    main()
