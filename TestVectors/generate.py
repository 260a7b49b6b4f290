#!/usr/bin/env python3
"""Write the cloudtrail-verify test vectors (see docs/test-vectors.md).

    python3 TestVectors/generate.py            # rewrite every vector in place
    python3 TestVectors/generate.py --out DIR  # write them somewhere else (CI compares)

Every vector is a small, signed copy of a CloudTrail S3 bucket plus the verdicts a validator must reach
(expected.json). The verdicts are written from what this script did to the bucket, never by running a validator.

Output is byte-for-byte reproducible: the throw-away RSA keys are created once and kept in generator-keys/
(beside this script), every vector has its own seeded random.Random, gzip headers carry mtime 0 and no file name,
all times are fixed, and JSON is written with a fixed key order.
"""

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import random
import re
import shutil
import string
import struct
import sys
import uuid
import zlib
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

HERE = os.path.dirname(os.path.abspath(__file__))
KEY_DIR = os.path.join(HERE, 'generator-keys')
UTC = timezone.utc
HOUR = timedelta(hours=1)


# ---------------------------------------------------------------------------------------------------------------
# small helpers

def T(text):
    """'2025-03-01T17:09:41Z' -> aware datetime"""
    return datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=UTC)


def iso(t):
    return t.strftime('%Y-%m-%dT%H:%M:%SZ')


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode='wb', mtime=0, filename='') as f:
        f.write(data)
    return buf.getvalue()


def java_json(obj):
    """Compact JSON the way CloudTrail's Java serializer writes digests: no spaces, '/' escaped as '\\/'."""
    return json.dumps(obj, separators=(',', ':')).replace('/', '\\/').encode('utf-8')


def log_json(obj):
    """Compact JSON as in CloudTrail log files (raw UTF-8, slashes not escaped)."""
    return json.dumps(obj, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def pretty(obj, indent=2):
    return (json.dumps(obj, indent=indent, ensure_ascii=False) + '\n').encode('utf-8')


# ---------------------------------------------------------------------------------------------------------------
# keys

# name -> (ValidityStartTime, ValidityEndTime)
KEY_SPECS = {
    'us-east-1-2025': (T('2025-01-01T00:00:00Z'), T('2025-07-01T00:00:00Z')),
    'us-east-1-2024': (T('2024-06-01T00:00:00Z'), T('2024-12-01T00:00:00Z')),
    'us-east-1-rotation-old': (T('2025-02-13T00:00:00Z'), T('2025-03-15T06:00:00Z')),
    'us-east-1-rotation-new': (T('2025-03-14T18:00:00Z'), T('2025-04-13T18:00:00Z')),
    'us-west-2-2025': (T('2025-01-01T00:00:00Z'), T('2025-07-01T00:00:00Z')),
    'eu-west-1-2025': (T('2025-01-01T00:00:00Z'), T('2025-07-01T00:00:00Z')),
    'rogue': (T('2025-01-01T00:00:00Z'), T('2025-07-01T00:00:00Z')),  # never published in any keys file
    # key-expired-mid-chain: A retires at 10:00, B takes over from 09:00 (one hour of overlap)
    'us-east-1-expiring-a': (T('2025-03-06T00:00:00Z'), T('2025-03-06T10:00:00Z')),
    'us-east-1-expiring-b': (T('2025-03-06T09:00:00Z'), T('2025-04-05T09:00:00Z')),
    # backfill-digests: valid when the backfill digests were generated (April), not at their digestEndTime (March)
    'us-east-1-backfill': (T('2025-04-02T00:00:00Z'), T('2025-05-02T00:00:00Z')),
}
_KEYS = {}


class Key:
    def __init__(self, name):
        self.name = name
        self.start, self.end = KEY_SPECS[name]
        path = os.path.join(KEY_DIR, name + '.pem')
        if os.path.exists(path):
            with open(path, 'rb') as f:
                self.private = serialization.load_pem_private_key(f.read(), password=None)
        else:
            os.makedirs(KEY_DIR, exist_ok=True)
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            with open(path, 'wb') as f:
                f.write(self.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
        self.der = self.private.public_key().public_bytes(serialization.Encoding.DER,
                                                          serialization.PublicFormat.PKCS1)
        self.fingerprint = hashlib.md5(self.der).hexdigest()

    def sign(self, data):
        return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256()).hex()

    def entry(self, epoch):
        def fmt(t):
            return float(t.timestamp()) if epoch else t.isoformat()
        return {'Value': base64.b64encode(self.der).decode('ascii'), 'ValidityStartTime': fmt(self.start),
                'ValidityEndTime': fmt(self.end), 'Fingerprint': self.fingerprint}


def key(name):
    if name not in _KEYS:
        _KEYS[name] = Key(name)
    return _KEYS[name]


# ---------------------------------------------------------------------------------------------------------------
# trails, logs, digests

class Trail:
    def __init__(self, account, name, home_region, bucket, region=None, prefix='', org=None, owner=None):
        self.account = account          # account whose files these are (member account for org trails)
        self.owner = owner or account   # account that owns the trail
        self.name = name
        self.home_region = home_region
        self.region = region or home_region
        self.bucket = bucket
        self.prefix = prefix            # '' or 'audit/prod/'
        self.org = org

    @property
    def arn(self):
        return f'arn:aws:cloudtrail:{self.home_region}:{self.owner}:trail/{self.name}'

    def _base(self, kind):
        org = self.org + '/' if self.org else ''
        return f'{self.prefix}AWSLogs/{org}{self.account}/{kind}/{self.region}/'

    def digest_key(self, end, backfill=False):
        return (self._base('CloudTrail-Digest') + end.strftime('%Y/%m/%d/') +
                f'{self.account}_CloudTrail-Digest_{self.region}_{self.name}_{self.home_region}_'
                f'{end.strftime("%Y%m%dT%H%M%SZ")}{"_backfill" if backfill else ""}.json.gz')

    @property
    def log_folder(self):
        """The account-and-region log folder (the coverage scope), without a trailing slash."""
        return self._base('CloudTrail').rstrip('/')

    def log_key(self, delivered, unique):
        return (self._base('CloudTrail') + delivered.strftime('%Y/%m/%d/') +
                f'{self.account}_CloudTrail_{self.region}_{delivered.strftime("%Y%m%dT%H%MZ")}_{unique}.json.gz')


USER_AGENTS = [
    'aws-cli/2.24.10 md/awscrt#0.23.8 ua/2.1 os/linux#6.8.0-1021-aws md/arch#x86_64 lang/python#3.12.9 '
    'md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off',
    'Boto3/1.37.1 md/Botocore#1.37.1 ua/2.1 os/linux#5.10.233-244.914.amzn2.x86_64 md/arch#x86_64 '
    'lang/python#3.12.9 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.37.1',
    'AWS Internal',
    'aws-sdk-java/2.30.21 Linux/5.10.233 OpenJDK_64-Bit_Server_VM/21.0.6+7-LTS Java/21.0.6 vendor/Amazon.com_Inc. '
    'io/sync http/Apache cfg/retry-mode/standard',
]


def _identity(rng, account):
    who = rng.choice([
        ('IAMUser', f'arn:aws:iam::{account}:user/alice'),
        ('IAMUser', f'arn:aws:iam::{account}:user/deploy-bot'),
        ('AssumedRole', f'arn:aws:sts::{account}:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c0a3e9f/jdoe'),
        ('AssumedRole', f'arn:aws:sts::{account}:assumed-role/orders-api-lambda-role/orders-api'),
    ])
    return {'type': who[0], 'arn': who[1], 'accountId': account}


def _management_event(rng, trail, event_time):
    region = trail.region
    choice = rng.randrange(7)
    if choice == 0:
        return ('ec2.amazonaws.com', 'DescribeInstances',
                {'instancesSet': {}, 'filterSet': {'items': [{'name': 'instance-state-name',
                                                              'valueSet': {'items': [{'value': 'running'}]}}]}},
                None)
    if choice == 1:
        return ('s3.amazonaws.com', 'GetBucketAcl',
                {'bucketName': trail.bucket, 'Host': f'{trail.bucket}.s3.{region}.amazonaws.com', 'acl': ''}, None)
    if choice == 2:
        return ('iam.amazonaws.com', 'ListRoles', {'maxItems': 100, 'pathPrefix': '/service-role/'}, None)
    if choice == 3:
        return ('sts.amazonaws.com', 'GetCallerIdentity', None, None)
    if choice == 4:
        return ('kms.amazonaws.com', 'DescribeKey', {'keyId': 'alias/aws/s3'}, None)
    if choice == 5:
        return ('logs.amazonaws.com', 'CreateLogStream',
                {'logGroupName': '/aws/lambda/orders-api',
                 'logStreamName': event_time.strftime('%Y/%m/%d/[$LATEST]') + '%032x' % rng.getrandbits(128)},
                None)
    return ('ssm.amazonaws.com', 'GetParameter', {'name': '/prod/zahlungsdienst/größe', 'withDecryption': False},
            None)


def _data_event(rng, trail, event_time):
    obj = rng.choice(['exports/2025/03/orders.csv', 'uploads/invoice-1042.pdf', 'reports/daily/summary.json'])
    name = rng.choice(['GetObject', 'PutObject', 'HeadObject'])
    return ('s3.amazonaws.com', name,
            {'bucketName': 'orders-data-prod', 'Host': f'orders-data-prod.s3.{trail.region}.amazonaws.com',
             'key': obj},
            {'x-amz-server-side-encryption': 'AES256'} if name == 'PutObject' else None)


def make_record(rng, trail, event_time, kind):
    source, name, params, response = (_data_event if kind == 'data' else _management_event)(rng, trail, event_time)
    return {
        'eventVersion': '1.11',
        'userIdentity': _identity(rng, trail.account),
        'eventTime': iso(event_time),
        'eventSource': source,
        'eventName': name,
        'awsRegion': trail.region,
        'sourceIPAddress': rng.choice(['203.0.113.%d' % rng.randint(2, 250), '198.51.100.%d' % rng.randint(2, 250),
                                       'AWS Internal']),
        'userAgent': rng.choice(USER_AGENTS),
        'requestParameters': params,
        'responseElements': response,
        'requestID': str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        'eventID': str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        'readOnly': name.startswith(('Get', 'List', 'Describe', 'Head')),
        'eventType': 'AwsApiCall',
        'managementEvent': kind != 'data',
        'recipientAccountId': trail.account,
        'eventCategory': 'Data' if kind == 'data' else 'Management',
    }


class LogFile:
    def __init__(self, trail, delivered, raw, unique, oldest, newest):
        self.trail = trail
        self.delivered = delivered
        self.key = trail.log_key(delivered, unique)
        self.raw = raw
        self.gz = gz(raw)
        self.oldest = oldest
        self.newest = newest

    @property
    def uri(self):
        return f's3://{self.trail.bucket}/{self.key}'

    def entry(self, hash_value=None):
        return {'s3Bucket': self.trail.bucket, 's3Object': self.key, 'hashValue': hash_value or sha256(self.raw),
                'hashAlgorithm': 'SHA-256', 'newestEventTime': iso(self.newest), 'oldestEventTime': iso(self.oldest)}


class PreparedLog(LogFile):
    """A log whose gzip bytes and hash were made elsewhere (too big to hold inflated, or deliberately broken)."""

    def __init__(self, trail, delivered, unique, oldest, newest, gz_bytes, hash_value):
        self.trail = trail
        self.delivered = delivered
        self.key = trail.log_key(delivered, unique)
        self.raw = None
        self.gz = gz_bytes
        self.hash_value = hash_value
        self.oldest = oldest
        self.newest = newest

    def entry(self, hash_value=None):
        return super().entry(hash_value or self.hash_value)


GZIP_HEADER = b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff'   # what gz() writes: deflate, mtime 0, no name, level 9


def gz_stream(pieces):
    """gzip of the concatenated (bytes, repeat) pieces without ever holding the inflated bytes: returns the gzip
    file, the hex SHA-256, the CRC-32 and the length of the inflated bytes."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    out, digest, crc, size = [GZIP_HEADER], hashlib.sha256(), 0, 0
    for data, repeat in pieces:
        for _ in range(repeat):
            out.append(deflate.compress(data))
            digest.update(data)
            crc = zlib.crc32(data, crc)
            size += len(data)
    out.append(deflate.flush())
    out.append(struct.pack('<II', crc, size & 0xFFFFFFFF))
    return b''.join(out), digest.hexdigest(), crc, size


def make_log(rng, trail, delivered, kind):
    n = rng.randint(1, 3)
    times = sorted(delivered - timedelta(seconds=rng.randint(40, 720)) for _ in range(n))
    records = [make_record(rng, trail, t, kind) for t in times]
    unique = ''.join(rng.choice(string.ascii_letters + string.digits) for _ in range(16))
    return LogFile(trail, delivered, log_json({'Records': records}), unique, times[0], times[-1])


def make_logs(rng, trail, start, end, count, kind):
    """count logs delivered inside [start, end) (their minute-precision name times too)."""
    span = int((end - start).total_seconds())
    offsets = sorted(rng.randint(61, span - 61) for _ in range(count))
    return [make_log(rng, trail, start + timedelta(seconds=off), kind) for off in offsets]


class Digest:
    def __init__(self, trail, start, end, logs, prev, signer, algorithm='SHA256withRSA', key_override=None):
        self.trail = trail
        self.start = start
        self.end = end
        self.logs = logs
        self.prev = prev
        self.signer = signer
        self.algorithm = algorithm
        self.key = key_override or trail.digest_key(end)
        self.fields = self.build_fields(logs)
        self.seal()

    @property
    def uri(self):
        return f's3://{self.trail.bucket}/{self.key}'

    def build_fields(self, logs, hash_overrides=None):
        hash_overrides = hash_overrides or {}
        prev = self.prev
        return {
            'awsAccountId': self.trail.account,
            'digestStartTime': iso(self.start),
            'digestEndTime': iso(self.end),
            'digestS3Bucket': self.trail.bucket,
            'digestS3Object': self.key,
            'digestPublicKeyFingerprint': self.signer.fingerprint,
            'digestSignatureAlgorithm': self.algorithm,
            'newestEventTime': iso(max(l.newest for l in logs)) if logs else None,
            'oldestEventTime': iso(min(l.oldest for l in logs)) if logs else None,
            'previousDigestS3Bucket': prev.trail.bucket if prev else None,
            'previousDigestS3Object': prev.key if prev else None,
            'previousDigestHashValue': sha256(prev.raw) if prev else None,
            'previousDigestHashAlgorithm': 'SHA-256' if prev else None,
            'previousDigestSignature': prev.signature if prev else None,
            'logFiles': [l.entry(hash_overrides.get(l.key)) for l in logs],
        }

    def seal(self, sign=True):
        """Serialize, gzip and (unless sign=False, i.e. an edit after delivery) sign the current fields."""
        self.raw = java_json(self.fields)
        self.gz = gz(self.raw)
        if sign:
            f = self.fields
            to_sign = '\n'.join([f['digestEndTime'], f['digestS3Bucket'] + '/' + f['digestS3Object'],
                                 sha256(self.raw), f['previousDigestSignature'] or 'null'])
            self.signature = self.signer.sign(to_sign.encode('utf-8'))

    def seal_raw(self, raw, end_time_text=None):
        """Replace the uncompressed bytes with hand-made (hostile) JSON and sign them validly: the string to sign
        is built from self.fields (what a last-value-wins JSON reader sees) unless end_time_text overrides
        digestEndTime's text (for a digest whose digestEndTime is not a string)."""
        self.raw = raw
        self.gz = gz(raw)
        f = self.fields
        to_sign = '\n'.join([end_time_text or f['digestEndTime'], f['digestS3Bucket'] + '/' + f['digestS3Object'],
                             sha256(raw), f['previousDigestSignature'] or 'null'])
        self.signature = self.signer.sign(to_sign.encode('utf-8'))


def hourly_ends(rng, first_end, count, drift=True):
    """Digest end times: hourly, drifting by a second now and then (as real ones do) unless drift=False."""
    ends = [first_end]
    for _ in range(count - 1):
        ends.append(ends[-1] + HOUR + timedelta(seconds=rng.choice([0, 0, 0, 1, 2]) if drift else 0))
    return ends


def log_time(key):
    """The delivery minute in a log file's name (ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_...), or None."""
    parts = key.split('/')
    i = parts.index('CloudTrail')
    head = f'{parts[i - 1]}_CloudTrail_{parts[i + 1]}_'
    name = parts[-1]
    if not name.startswith(head) or not name.endswith('.json.gz'):
        return None
    try:
        return datetime.strptime(name[len(head):len(head) + 14], '%Y%m%dT%H%MZ').replace(tzinfo=UTC)
    except ValueError:
        return None


def folder_day(key):
    try:
        return datetime.strptime('/'.join(key.split('/')[-4:-1]), '%Y/%m/%d').replace(tzinfo=UTC)
    except ValueError:
        return None


DIGEST_KEY_RE = re.compile(r'^(?:.*/)?AWSLogs/(?:o-[^/]+/)?(?P<acct>\d{12})/CloudTrail-Digest/(?P<region>[^/]+)/'
                           r'\d{4}/\d\d/\d\d/(?P=acct)_CloudTrail-Digest_(?P=region)_.+_[^_/]+_\d{8}T\d{6}Z'
                           r'(?:_backfill)?\.json\.gz$')
# [prefix/]AWSLogs/[o-org/]ACCOUNT/KIND/REGION/rest: the tree an object lies in (rest None: not in a region folder)
LOG_TREE_RE = re.compile(r'^(?P<scope>(?P<base>(?:.*/)?AWSLogs/(?:o-[^/]+/)?\d{12})/(?P<kind>CloudTrail|CloudTrail-Digest|'
                         r'CloudTrail-Insight)(?:/(?P<region>[^/]+))?)(?:/(?P<rest>.+))?$', re.S)


def key_time(key):
    """The end time in a digest key (YYYYMMDDTHHMMSSZ)."""
    stamp = key.rsplit('_', 2)[-1] if key.endswith('_backfill.json.gz') else key.rsplit('_', 1)[-1]
    return datetime.strptime(stamp[:16], '%Y%m%dT%H%M%SZ').replace(tzinfo=UTC)


def is_utf8(key):
    try:
        os.fsencode(key).decode('utf-8')
        return True
    except UnicodeDecodeError:
        return False


def display_key(key):
    """The key as the validator prints it: printable UTF-8 as it is, else invalid bytes, control characters
    and '%' percent-encoded."""
    raw = os.fsencode(key)
    try:
        text = raw.decode('utf-8')
        if not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in text):
            return text
    except UnicodeDecodeError:
        pass
    out, i = [], 0
    while i < len(raw):
        b = raw[i]
        if b < 0x80:
            out.append(f'%{b:02X}' if b < 0x20 or b == 0x7f or b == 0x25 else chr(b))
            i += 1
            continue
        n = 4 if b >= 0xf0 else 3 if b >= 0xe0 else 2 if b >= 0xc0 else 1
        try:
            c = raw[i:i + n].decode('utf-8')
            if len(c) == 1 and not 0x80 <= ord(c) <= 0x9f:
                out.append(c)
                i += n
                continue
        except UnicodeDecodeError:
            pass
        out.append(f'%{b:02X}')
        i += 1
    return ''.join(out)


def scope_of_digest_key(key):
    """The log folder (coverage scope) of the folder a digest key lies in."""
    parts = key.split('/')
    i = parts.index('CloudTrail-Digest')
    return '/'.join(parts[:i] + ['CloudTrail', parts[i + 1]])


# ---------------------------------------------------------------------------------------------------------------
# a vector

class Vector:
    def __init__(self, name, description, seed):
        self.name = name
        self.description = description
        self.rng = random.Random(seed)
        self.arguments = ['--public-keys', 'keys']
        self.strict = False
        self.objects = {}        # object key -> bytes (the bucket)
        self.sidecars = {}       # digest object key -> (signature, algorithm, extra metadata)  (.metadata.json)
        self.s3_metadata = {}    # s3 uri -> metadata S3 holds for the digest object
        self.contents = {}       # digest object key -> Digest whose fields the file holds (readable digests only)
        self.unreadable = set()  # digest object keys whose bytes no strict reader parses
        self.digests = {}        # s3 uri -> (status, reason)
        self.logs = {}           # s3 uri -> (status, reason, note)
        self.extra_logs = []     # (uri, status, reason, note): a second entry for a log listed by two digests
        self.gaps = []           # (log folder, older digest's key time, newer digest's start, explanations)
        self.runs = []
        self.differences = []
        self.key_files = {}      # region -> (list of Key, epoch?)
        self.outside = {}        # path relative to the vector folder, outside bucket/ -> bytes (planted by an attacker)
        self.links = {}          # object key -> relative symbolic link target (written with os.symlink)
        self.extra_files = {}    # path relative to the vector folder -> bytes (e.g. trail-status.json)
        self.unselected = set()  # digest object keys of chains the vector's filters leave out
        self.checked_scopes = None  # log folders the filters let the run check (None: every one)
        self.valid_elsewhere = []  # logs refused() leaves alone: another digest proves them (a log listed twice)
        self.gap_differences = []  # gaps we report and the AWS CLI does not: {'start', 'end', 'why'}

    # building ----------------------------------------------------------------------------------------------
    def chain(self, trail, first_end, counts, signer, first_start=None, signers=None, algorithms=None,
              kind='management', sidecars=True, before=None, after=None, drift=True, backfill_generated=None):
        """An unbroken digest chain, one digest per entry of counts (number of logs in that hour).

        before(i, start, end, logs) may return a changed list of logs for digest i; after(i, d) may change digest i
        (its fields and bytes, re-signing it) before the next digest records its hash and signature.
        backfill_generated: a chain of _backfill digests, generated (and signed) at that time."""
        signers = signers or {}
        algorithms = algorithms or {}
        ends = hourly_ends(self.rng, first_end, len(counts), drift)
        digests = []
        prev = None
        for i, (end, count) in enumerate(zip(ends, counts)):
            start = prev.end if prev else (first_start or end - HOUR)
            logs = make_logs(self.rng, trail, start, end, count, kind)
            if before:
                logs = before(i, start, end, logs)
            d = Digest(trail, start, end, logs, prev, signers.get(i, signer), algorithms.get(i, 'SHA256withRSA'),
                       key_override=trail.digest_key(end, backfill=True) if backfill_generated else None)
            if after:
                after(i, d)
            digests.append(d)
            prev = d
        extra = {'backfill-generation-timestamp': iso(backfill_generated)} if backfill_generated else None
        for d in digests:
            self.add_digest(d, sidecar=sidecars, metadata=extra)
            for log in d.logs:
                self.add_log(log)
        return digests

    def add_digest(self, d, sidecar=True, metadata=None, key=None, bucket=None):
        """Store d (at key in bucket, default its own) with its S3 metadata (plus metadata) and, unless
        sidecar=False, a sidecar."""
        key = key or d.key
        uri = f's3://{bucket or d.trail.bucket}/{key}'
        self.objects[key] = d.gz
        self.contents[key] = d
        self.s3_metadata[uri] = dict({'signature': d.signature, 'signature-algorithm': d.algorithm}, **(metadata or {}))
        if sidecar:
            self.sidecars[key] = (d.signature, d.algorithm, metadata or {})
        self.digests[uri] = ('valid', None)

    def add_log(self, log):
        self.objects[log.key] = log.gz
        self.logs[log.uri] = ('valid', None, None)

    def unlisted_logs(self, trail, start, end, count, kind='management'):
        """Logs delivered while no digest was being written: in the bucket, listed by nothing."""
        logs = make_logs(self.rng, trail, start, end, count, kind)
        for log in logs:
            self.objects[log.key] = log.gz
        return logs

    def garble(self, key, data):
        """Replace a digest object's bytes with something no strict reader parses."""
        self.objects[key] = data
        self.unreadable.add(key)

    def logs_of(self, d, status, reason):
        for log in d.logs:
            self.logs[log.uri] = (status, reason, None)

    def forget_logs_of(self, d):
        for log in d.logs:
            del self.logs[log.uri]

    def remove_digest_object(self, d):
        del self.objects[d.key]
        del self.contents[d.key]
        self.sidecars.pop(d.key, None)
        del self.s3_metadata[d.uri]

    def rename_digest_object(self, d, new_key):
        """Move a digest file (and its sidecar and S3 metadata) to new_key; returns the new s3 uri."""
        new_uri = f's3://{d.trail.bucket}/{new_key}'
        self.objects[new_key] = self.objects.pop(d.key)
        self.contents[new_key] = self.contents.pop(d.key)
        self.sidecars[new_key] = self.sidecars.pop(d.key)
        self.s3_metadata[new_uri] = self.s3_metadata.pop(d.uri)
        return new_uri

    def off_chain(self, uri, reason, d, why):
        """A digest the walk never reaches: invalid for reason, its logs unverified, and the AWS CLI never sees it."""
        self.digests[uri] = ('invalid', reason)
        for log in d.logs:
            # A log the chain already judged is reported once, from the chain; the rest cannot be proven.
            if log.uri not in self.logs:
                self.logs[log.uri] = ('unverified', 'digest_invalid', None)
        self.differ(uri, 'invalid', 'not_reported', why)

    def inferred_missing(self, trail, ends, why):
        """Digests inferred missing (never in the bucket): status missing, the AWS CLI does not report them."""
        for end in ends:
            uri = f's3://{trail.bucket}/{trail.digest_key(end)}'
            assert uri not in self.digests
            self.digests[uri] = ('missing', 'not_found')
            self.differ(uri, 'missing', 'not_reported', why)

    def gap(self, trail, older_end, newer_start, explanations=()):
        self.gaps.append((trail.log_folder, older_end, newer_start, list(explanations)))

    def keys(self, region, names, epoch=False):
        self.key_files[region] = ([key(n) for n in names], epoch)

    def run(self, trail, *chains):
        digests = [d for c in chains for d in c]
        start = min(d.start for d in digests).replace(minute=0, second=0)
        end = max(d.end for d in digests)
        org = trail.org is not None
        self.runs.append({'trailArn': trail.arn, 'region': trail.region, 'startTime': iso(start),
                          'endTime': iso(end), 's3Bucket': None if org else trail.bucket,
                          's3Prefix': trail.prefix.rstrip('/') or None,
                          'accountId': trail.account if org else None, 'organizationId': trail.org})

    def differ(self, uri, ours, aws_cli, why):
        self.differences.append({'s3Uri': uri, 'ours': ours, 'awsCli': aws_cli, 'why': why})

    # coverage ----------------------------------------------------------------------------------------------
    def unreferenced(self):
        """(uri, status, reason, note) of every entry of a log folder in scope that nothing accounts for.

        An entry is accounted for when a readable digest of a validated chain lists it, or (counted, not
        reported) when a digest of a trail the filters leave out does. The window of a folder is the span of
        its readable digests, or, for a folder no chain covers, the span of all of them. An entry is in the
        window by its name's delivery minute; when the name's date and its day folder disagree, or the name is
        not CloudTrail's, its day folder counts too (in the window if either place puts it there). Reasons, in
        order: unrecognized_name, date_mismatch, no_digest_chain, delivered_during_gap, digest_unreadable
        (status unverified: in the hour before a digest-named file that cannot be read), not_in_any_digest."""
        spans, listed, other_listed, chain_scopes, unreadable = {}, set(), set(), set(), {}
        for k in self.objects:
            if DIGEST_KEY_RE.match(k) and k not in self.unselected:
                chain_scopes.add(scope_of_digest_key(k))
        for k, d in self.contents.items():
            if k not in self.objects or k in self.unreadable:
                continue
            if k in self.unselected:
                other_listed.update((e['s3Bucket'], e['s3Object']) for e in d.fields['logFiles'])
                continue
            f = d.fields
            scope = scope_of_digest_key(k)
            start, end = T(f['digestStartTime']), T(f['digestEndTime'])
            lo, hi = spans.get(scope, (start, end))
            spans[scope] = (min(lo, start), max(hi, end))
            listed.update((e['s3Bucket'], e['s3Object']) for e in f['logFiles'])
        for k in self.unreadable:
            if k in self.objects and DIGEST_KEY_RE.match(k):
                t = key_time(k)
                unreadable.setdefault(scope_of_digest_key(k), []).append((t - timedelta(seconds=3900), t))
        run = (min(a for a, _ in spans.values()), max(b for _, b in spans.values())) if spans else None
        bucket = self.bucket_name()
        found = []
        for k in sorted(set(self.objects) | set(self.links), key=lambda x: os.fsencode(x)):
            m = LOG_TREE_RE.match(k)
            if not m or m['kind'] != 'CloudTrail' or m['rest'] is None:
                continue
            scope = m['scope']
            if self.checked_scopes is not None and scope not in self.checked_scopes:
                continue
            start, end = spans.get(scope, run)
            t, day = log_time(k), folder_day(k)
            disagree = t is not None and day is not None and t.date() != day.date()
            by_name = t is not None and t >= start and t + timedelta(seconds=59) <= end
            by_day = day is not None and start.replace(hour=0, minute=0, second=0) <= day <= end
            if t is None:
                inside = by_day if day is not None else True
            else:
                inside = (by_name or by_day) if disagree else by_name
            if not inside or (bucket, k) in listed or (bucket, k) in other_listed:
                continue
            if t is None or not is_utf8(k):
                reason = 'unrecognized_name'
            elif disagree:
                reason = 'date_mismatch'
            elif scope not in chain_scopes:
                reason = 'no_digest_chain'
            elif any(g[0] == scope and g[1] < t < g[2] for g in self.gaps):
                reason = 'delivered_during_gap'
            elif any(a <= t <= b for a, b in unreadable.get(scope, [])):
                reason = 'digest_unreadable'
            else:
                reason = 'not_in_any_digest'
            found.append((f's3://{bucket}/{display_key(k)}', 'unverified' if reason == 'digest_unreadable' else 'unreferenced',
                          reason, None))
        return found

    def object_findings(self):
        """(uri, status, reason) of every entry in a CloudTrail tree that is neither a digest, the sidecar of a
        digest beside it, nor in a log region folder."""
        bucket = self.bucket_name()
        present = set(self.objects) | set(self.links) | {k + '.metadata.json' for k in self.sidecars}
        found = []
        for k in sorted(present, key=lambda x: os.fsencode(x)):
            m = LOG_TREE_RE.match(k)
            if m and m['kind'] == 'CloudTrail-Digest':
                if DIGEST_KEY_RE.match(k):
                    continue
                base = k[:-len('.metadata.json')] if k.endswith('.metadata.json') else None
                if base is not None and DIGEST_KEY_RE.match(base):
                    if base in present:
                        continue
                    found.append((f's3://{bucket}/{display_key(k)}', 'invalid', 'orphan_sidecar'))
                    continue
                found.append((f's3://{bucket}/{display_key(k)}', 'invalid', 'unexpected_object'))
            elif m and m['rest'] is None:
                found.append((f's3://{bucket}/{display_key(k)}', 'invalid', 'unexpected_object'))
        return found

    def bucket_name(self):
        names = {u.split('/')[2] for u in self.s3_metadata}
        assert len(names) == 1, names
        return names.pop()

    # writing -----------------------------------------------------------------------------------------------
    def expected(self):
        digests = [{'s3Uri': u, 'status': s, 'reason': r} for u, (s, r) in sorted(self.digests.items())]
        entries = [(u, s, r, n) for u, (s, r, n) in self.logs.items()] + self.extra_logs + self.unreferenced()
        assert len({e[0] for e in entries if e[1] == 'unreferenced'} & set(self.logs)) == 0
        logs = [{'s3Uri': u, 'status': s, 'reason': r, 'note': n}
                for u, s, r, n in sorted(entries, key=lambda e: (e[0], e[1], e[2] or '', e[3] or ''))]
        objects = [{'s3Uri': u, 'status': s, 'reason': r} for u, s, r in self.object_findings()]
        ok = all(e['status'] == 'valid' for e in digests) and not objects and all(
            e['status'] == 'valid' or (e['reason'] == 'delivered_during_gap' and not self.strict) for e in logs)
        gaps = [{'start': iso(a), 'end': iso(b), 'explanations': x} for _, a, b, x in sorted(self.gaps, key=lambda g: g[1])]
        return {
            'name': self.name,
            'description': self.description,
            'arguments': self.arguments,
            'exitCode': 0 if ok else 1,
            'digests': digests,
            'logFiles': logs,
            'gaps': gaps,
            'objects': objects,
            'awsCli': dict({'runs': self.runs, 'differences': sorted(self.differences, key=lambda d: d['s3Uri'])},
                           **({'gapDifferences': self.gap_differences} if self.gap_differences else {})),
        }

    def head_object(self, k):
        """The sidecar of digest object k: `aws s3api head-object` output holding its S3 metadata."""
        signature, algorithm, extra = self.sidecars[k]
        head = {'AcceptRanges': 'bytes', 'ContentLength': len(self.objects[k]), 'ContentType': 'application/json',
                'ContentEncoding': 'gzip',
                'Metadata': dict({'signature': signature, 'signature-algorithm': algorithm}, **extra)}
        return pretty(head, 4)

    def write(self, out):
        root = os.path.join(out, self.name)
        if os.path.exists(root):
            shutil.rmtree(root)
        files = {}
        for k, data in self.objects.items():
            files['bucket/' + k] = data
        for k in self.sidecars:
            files['bucket/' + k + '.metadata.json'] = self.head_object(k)
        for region, (ks, epoch) in self.key_files.items():
            files[f'keys/{region}.json'] = pretty({'PublicKeyList': [k.entry(epoch) for k in ks]}, 4)
        files['aws-s3-metadata.json'] = pretty(dict(sorted(self.s3_metadata.items())))
        files['expected.json'] = pretty(self.expected())
        files.update(self.extra_files)
        for rel, data in self.outside.items():
            assert not rel.startswith('bucket/') and rel not in files
            files[rel] = data
        for rel in list(files) + ['bucket/' + k for k in self.links]:
            # every file lands where its name says: no key of the bucket may climb out of it
            parts = rel.split('/')
            assert all(p not in ('', '.', '..') for p in parts) and '\\' not in rel and '%' not in rel, rel
        for rel in sorted(files):
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'wb') as f:
                f.write(files[rel])
        for k, target in sorted(self.links.items()):
            path = os.path.join(root, 'bucket', k)
            assert 'bucket/' + k not in files
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(target, path)
            assert os.path.exists(path), f'{k} -> {target} dangles'


# ---------------------------------------------------------------------------------------------------------------
# the vectors

ACCOUNT = '111122223333'
BUCKET = 'aws-cloudtrail-logs-111122223333-3f8a2b1c'
MAIN = 'us-east-1-2025'


def mgmt_trail(**kw):
    args = dict(account=ACCOUNT, name='management-events', home_region='us-east-1', bucket=BUCKET)
    args.update(kw)
    return Trail(**args)


def simple(name, description, seed, first_end, counts, epoch=False, **chain_kw):
    v = Vector(name, description, seed)
    trail = mgmt_trail()
    chain = v.chain(trail, T(first_end), counts, key(MAIN), **chain_kw)
    v.keys('us-east-1', [MAIN], epoch)
    v.run(trail, chain)
    return v, trail, chain


def tampered_bytes(raw):
    doc = json.loads(raw)
    doc['Records'][0]['sourceIPAddress'] = '192.0.2.66'
    doc['Records'][0]['userIdentity']['arn'] = doc['Records'][0]['userIdentity']['arn'].rsplit('/', 1)[0] + '/mallory'
    out = log_json(doc)
    assert out != raw
    return out


def v_clean_multi_day():
    rng = random.Random(101)
    counts = [rng.choice([1, 1, 2, 2, 3]) for _ in range(30)]
    for i in (8, 9, 11, 12):      # quiet night hours: digests with no log files
        counts[i] = 0
    v, _, _ = simple('clean-multi-day', 'A clean bucket: one trail, 30 hourly digests across midnight '
                     '(2025-03-01 to 2025-03-02), a few hours without log files. Everything is valid.',
                     1, '2025-03-01T17:09:41Z', counts)
    return v


def v_empty_hours():
    v, _, _ = simple('empty-hours', 'A short chain where most hours delivered no log file (logFiles: []). '
                     'Keys file in AWS CLI v1 format (epoch seconds).', 2, '2025-03-03T02:14:07Z',
                     [1, 0, 0, 0, 1, 0], epoch=True)
    return v


def v_tampered_log():
    v, trail, c = simple('tampered-log', 'One log file was edited after delivery and re-gzipped.', 3,
                         '2025-03-04T10:21:55Z', [2, 1, 3, 2, 1])
    log = c[2].logs[1]
    v.objects[log.key] = gz(tampered_bytes(log.raw))
    v.logs[log.uri] = ('invalid', 'hash_mismatch', None)
    return v


def v_deleted_log():
    v, trail, c = simple('deleted-log', 'One log file listed by a digest was deleted.', 4,
                         '2025-03-05T06:33:12Z', [1, 2, 2, 1])
    log = c[1].logs[0]
    del v.objects[log.key]
    v.logs[log.uri] = ('missing', 'not_found', None)
    return v


def v_corrupt_gzip_log():
    v, trail, c = simple('corrupt-gzip-log', "One log file's gzip CRC-32 trailer was flipped: the deflate data "
                         "inflates but the stream fails its check.", 5, '2025-03-06T13:02:48Z', [2, 1, 2, 1])
    log = c[2].logs[0]
    data = bytearray(log.gz)
    for i in range(len(data) - 8, len(data) - 4):
        data[i] ^= 0xFF
    v.objects[log.key] = bytes(data)
    v.logs[log.uri] = ('invalid', 'invalid_format', None)
    return v


def v_trailing_data_log():
    v, trail, c = simple('trailing-data-log', 'One log file has bytes appended after the end of its gzip stream.',
                         6, '2025-03-07T19:45:30Z', [1, 2, 1, 2])
    log = c[1].logs[1]
    v.objects[log.key] = log.gz + b'appended-after-delivery\n'
    v.logs[log.uri] = ('invalid', 'trailing_data', None)
    return v


def v_uncompressed_log():
    v, trail, c = simple('uncompressed-log', 'One log file is stored already decompressed (plain JSON under its '
                         '.json.gz name); its hash is right.', 7, '2025-03-08T04:17:26Z', [2, 1, 2, 1])
    log = c[1].logs[0]
    v.objects[log.key] = log.raw
    v.logs[log.uri] = ('valid', None, 'stored_uncompressed')
    v.differ(log.uri, 'valid', 'invalid', 'The AWS CLI always gunzips a log and reports "invalid format" for one '
             'stored decompressed; we hash the stored bytes when they are not gzip, and they match the digest.')
    return v


def v_deleted_digest():
    v, trail, c = simple('deleted-digest', 'A digest in the middle of the chain (and its sidecar) was deleted; the '
                         'walk continues with the next older digest. Its logs stay in the bucket, listed by nothing: '
                         'not_in_any_digest.', 8, '2025-03-09T08:52:03Z',
                         [1, 2, 1, 2, 1, 1])
    d = c[3]
    v.remove_digest_object(d)
    v.digests[d.uri] = ('missing', 'not_found')
    v.forget_logs_of(d)   # its log files are still in the bucket, listed by nothing left: unreferenced
    return v


def v_modified_digest():
    v, trail, c = simple('modified-digest', 'A log file was edited and the hashValue in the middle digest listing it '
                         'was updated to match (digest re-gzipped, S3 signature unchanged): the digest signature '
                         'fails and its logs cannot be trusted.', 9, '2025-03-10T15:27:44Z', [1, 2, 2, 1, 2])
    d = c[2]
    log = d.logs[1]
    edited = tampered_bytes(log.raw)
    v.objects[log.key] = gz(edited)
    d.fields = d.build_fields(d.logs, {log.key: sha256(edited)})
    d.seal(sign=False)
    v.objects[d.key] = d.gz
    v.digests[d.uri] = ('invalid', 'signature_failed')
    v.logs_of(d, 'unverified', 'digest_invalid')
    return v


def v_garbled_digest():
    v, trail, c = simple('garbled-digest', 'Three digests whose content is unusable: an S3 error page saved in '
                         'place of the gzip file, a gzip of truncated JSON, and a digest missing '
                         'digestPublicKeyFingerprint. Their logs, listed by nothing readable, are '
                         'not_in_any_digest.', 10,
                         '2025-03-11T01:38:19Z', [1, 1, 2, 1, 2, 1, 1])
    truncated, error_page, no_fingerprint = c[1], c[3], c[5]
    v.garble(truncated.key, gz(truncated.raw[:len(truncated.raw) // 2]))
    v.garble(error_page.key, (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>'
        b'<RequestId>9K3BZQ7W2M8XJ4TN</RequestId><HostId>Yx5f0gM3n0vXr2kT8q1uL6cJp9sD4aHwE7bZ</HostId></Error>'))
    fields = dict(no_fingerprint.fields)
    del fields['digestPublicKeyFingerprint']
    v.garble(no_fingerprint.key, gz(java_json(fields)))
    for d in (truncated, error_page, no_fingerprint):
        v.digests[d.uri] = ('invalid', 'invalid_format')
        v.forget_logs_of(d)
    return v


def v_moved_digest():
    v, trail, c = simple('moved-digest', 'A middle digest and its sidecar were renamed to a key with an earlier '
                         'timestamp in the same folder: the original key is missing and the renamed file has been '
                         'moved.', 11, '2025-03-12T09:05:52Z', [2, 1, 2, 1, 1])
    d = c[2]
    new_key = trail.digest_key(d.end - timedelta(minutes=23, seconds=5))
    assert c[1].key < new_key < d.key and new_key.rsplit('/', 1)[0] == d.key.rsplit('/', 1)[0]
    new_uri = v.rename_digest_object(d, new_key)
    v.digests[d.uri] = ('missing', 'not_found')
    v.digests[new_uri] = ('invalid', 'moved')
    v.logs_of(d, 'unverified', 'digest_invalid')
    return v


def trail_call_log(rng, trail, delivered, event_time, arn, ip, enable, event='UpdateTrail'):
    """A log holding an UpdateTrail call that turns log file validation on or off (or, with event, a StopLogging or
    StartLogging call), after one ordinary record."""
    user = {'type': 'IAMUser', 'principalId': 'AIDA' + ''.join(rng.choice(string.ascii_uppercase + string.digits)
                                                                for _ in range(17)),
            'arn': arn, 'accountId': trail.account, 'userName': arn.rsplit('/', 1)[1]} if ':user/' in arn else \
        {'type': 'AssumedRole', 'arn': arn, 'accountId': trail.account}
    call = {
        'eventVersion': '1.11',
        'userIdentity': user,
        'eventTime': iso(event_time),
        'eventSource': 'cloudtrail.amazonaws.com',
        'eventName': event,
        'awsRegion': trail.home_region,
        'sourceIPAddress': ip,
        'userAgent': USER_AGENTS[0],
        'requestParameters': {'name': trail.name, 'enableLogFileValidation': enable} if event == 'UpdateTrail'
        else {'name': trail.arn},
        'responseElements': {'name': trail.name, 's3BucketName': trail.bucket, 'includeGlobalServiceEvents': True,
                             'isMultiRegionTrail': True, 'trailARN': trail.arn, 'logFileValidationEnabled': enable,
                             'isOrganizationTrail': False} if event == 'UpdateTrail' else None,
        'requestID': str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        'eventID': str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        'readOnly': False,
        'eventType': 'AwsApiCall',
        'managementEvent': True,
        'recipientAccountId': trail.account,
        'eventCategory': 'Management',
    }
    other_time = event_time - timedelta(seconds=rng.randint(20, 200))
    records = [make_record(rng, trail, other_time, 'management'), call]
    unique = ''.join(rng.choice(string.ascii_letters + string.digits) for _ in range(16))
    log = LogFile(trail, delivered, log_json({'Records': records}), unique, other_time, event_time)
    explanation = {'eventName': event, 'eventTime': iso(event_time), 'userArn': arn, 'sourceIPAddress': ip}
    return log, explanation


MALLORY = 'arn:aws:iam::111122223333:user/mallory'
JDOE = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c0a3e9f/jdoe'


def _gap_chains(v, trail, first_end, reenabled, unlisted):
    """Two chains with validation off between them: mallory turned it off (UpdateTrail, in a log the last digest
    before the gap lists), jdoe turned it back on (in a log the first digest after it lists); `unlisted` logs were
    delivered meanwhile. Returns the chains and the two explanations, oldest first."""
    explanations = []

    def disable(i, start, end, logs):     # the last digest before the gap lists the call that turned validation off
        if i != 3:
            return logs
        delivered = end - timedelta(minutes=2, seconds=51)
        log, why = trail_call_log(v.rng, trail, delivered, delivered - timedelta(minutes=4, seconds=12), MALLORY,
                                  '203.0.113.7', False)
        explanations.append(why)
        return logs + [log]

    def enable(i, start, end, logs):      # the first digest after it lists the call that turned it back on
        if i != 0:
            return logs
        log, why = trail_call_log(v.rng, trail, start + timedelta(minutes=4, seconds=37),
                                  reenabled - timedelta(seconds=2), JDOE, '198.51.100.23', True)
        explanations.append(why)
        return [log] + logs

    a = v.chain(trail, first_end, [1, 2, 1, 1], key(MAIN), before=disable)
    v.unlisted_logs(trail, a[-1].end, reenabled, unlisted)
    b = v.chain(trail, reenabled + HOUR, [2, 1, 1], key(MAIN), first_start=reenabled, before=enable)
    assert [e['eventTime'] for e in explanations] == sorted(e['eventTime'] for e in explanations)
    return a, b, explanations


def _validation_gap(name, description, seed, strict=False):
    v = Vector(name, description, seed)
    trail = mgmt_trail()
    a, b, explanations = _gap_chains(v, trail, T('2025-03-13T01:09:41Z'), T('2025-03-13T07:42:18Z'), 3)
    v.gap(trail, a[-1].end, b[0].start, explanations)
    v.keys('us-east-1', [MAIN])
    v.run(trail, a, b)
    if strict:
        v.strict = True
        v.arguments = v.arguments + ['--strict']
    return v


def v_validation_disabled_gap():
    return _validation_gap('validation-disabled-gap', 'Log file validation was off for about three hours: logs were '
                           'still delivered, no digests were. mallory turned validation off (UpdateTrail, in a log the '
                           'last digest before the gap lists); jdoe turned it back on (in a log the first digest '
                           'after the gap lists). The first digest after re-enabling has null previous* fields and '
                           'starts at the re-enable time. One gap; the three logs delivered meanwhile are '
                           'unreferenced/delivered_during_gap, a warning: exit 0.', 12)


def _zeros(count):
    """A JSON array of count zeros: a few bytes of gzip per thousand values."""
    return b'[' + b'0,' * (count - 1) + b'0]'


def v_json_bomb():
    v = Vector('json-bomb', 'Small gzip files that inflate to tens of MB of tiny JSON values, which a reader building '
               'a tree would pay for in gigabytes. Two digests of the chain before a gap are replaced: one by 30 MB of '
               '[0,0,...] (15,000,000 values, over the 500,000-value limit), one by 40 MB of it (over the 32 MiB '
               'inflated-digest limit); both invalid_format, their logs not_in_any_digest, and the walk goes on to '
               'the older digest. Two logs delivered during the gap hold a CloudTrail call followed by zeros: one of '
               '2 MB (1,000,000 values, all but the call let go as they are read), one of 70 MB whose call is a '
               'StopLogging in the gap window; it is over the 48 MiB limit for a log parsed for explanations, so it '
               'explains nothing (the reason goes to the caller). The gap keeps its two real explanations.', 39)
    trail = mgmt_trail()
    a, b, explanations = _gap_chains(v, trail, T('2025-03-30T01:09:41Z'), T('2025-03-30T07:42:18Z'), 2)
    for d, values in ((a[1], 15_000_000), (a[2], 20_000_000)):
        v.garble(d.key, gz(_zeros(values)))
        v.digests[d.uri] = ('invalid', 'invalid_format')
        v.forget_logs_of(d)

    def call(name, event_time):
        return java_json({'eventVersion': '1.11', 'eventTime': iso(event_time), 'eventSource': 'cloudtrail.amazonaws.com',
                          'eventName': name, 'awsRegion': trail.home_region, 'sourceIPAddress': '203.0.113.66',
                          'userIdentity': {'type': 'IAMUser', 'arn': MALLORY, 'accountId': trail.account},
                          'requestParameters': {'name': trail.name}})

    for minutes, name, values in ((53, 'DescribeTrails', 1_000_000), (97, 'StopLogging', 35_000_000)):
        delivered = a[-1].end + timedelta(minutes=minutes, seconds=14)
        unique = ''.join(v.rng.choice(string.ascii_letters + string.digits) for _ in range(16))
        raw = b'{"Records":[' + call(name, delivered - timedelta(minutes=3)) + b',' + _zeros(values)[1:] + b'}'
        log = PreparedLog(trail, delivered, unique, delivered, delivered, gz(raw), sha256(raw))
        v.objects[log.key] = log.gz
    v.gap(trail, a[-1].end, b[0].start, explanations)
    v.keys('us-east-1', [MAIN])
    v.run(trail, a, b)
    return v


def v_gap_strict():
    return _validation_gap('gap-strict', 'validation-disabled-gap run with --strict: the logs delivered during the '
                           'gap (listed by no digest) cannot be proven, and --strict makes that fail the run (exit 1).',
                           30, strict=True)


def v_key_rotation():
    v = Vector('key-rotation', 'The region key rotated mid-chain: two us-east-1 keys with overlapping validity; '
               'digests up to 05:09 are signed with the old key, later ones with the new key. Keys file in AWS CLI '
               'v1 format (epoch seconds).', 13)
    trail = mgmt_trail()
    old, new = key('us-east-1-rotation-old'), key('us-east-1-rotation-new')
    c = v.chain(trail, T('2025-03-15T01:09:41Z'), [1, 2, 1, 1, 2, 1, 2], old, signers={5: new, 6: new})
    assert all(k.start <= d.end <= k.end for d in c for k in [d.signer])
    v.keys('us-east-1', ['us-east-1-rotation-old', 'us-east-1-rotation-new'], epoch=True)
    v.run(trail, c)
    return v


def _one_bad_signer(name, description, seed, first_end, signer, reason, key_names, epoch=False):
    v = Vector(name, description, seed)
    trail = mgmt_trail()
    c = v.chain(trail, T(first_end), [1, 2, 2, 1, 1], key(MAIN), signers={2: key(signer)})
    v.keys('us-east-1', key_names, epoch)
    v.run(trail, c)
    v.digests[c[2].uri] = ('invalid', reason)
    v.logs_of(c[2], 'unverified', 'digest_invalid')
    return v


def v_unknown_fingerprint():
    return _one_bad_signer('unknown-fingerprint', 'One digest is signed (correctly) with a key that no keys file '
                           'lists; its digestPublicKeyFingerprint is that key\'s.', 14, '2025-03-16T11:48:36Z',
                           'rogue', 'unknown_fingerprint', [MAIN])


def v_key_outside_validity():
    return _one_bad_signer('key-outside-validity', 'One digest is signed with a key that is in the keys file but '
                           'whose validity window ended in 2024. Keys file in AWS CLI v1 format (epoch seconds).',
                           15, '2025-03-17T22:03:09Z', 'us-east-1-2024', 'key_not_valid_at_time',
                           [MAIN, 'us-east-1-2024'], epoch=True)


def v_key_other_region():
    v = Vector('key-other-region', 'A us-west-2 trail; one digest is signed with a key that only keys/us-east-1.json '
               'lists (keys/us-west-2.json holds the right us-west-2 key).', 16)
    trail = mgmt_trail(home_region='us-west-2')
    c = v.chain(trail, T('2025-03-18T05:56:21Z'), [2, 1, 1, 2, 1], key('us-west-2-2025'), signers={2: key(MAIN)})
    v.keys('us-east-1', [MAIN])
    v.keys('us-west-2', ['us-west-2-2025'])
    v.run(trail, c)
    v.digests[c[2].uri] = ('invalid', 'key_wrong_region')
    v.logs_of(c[2], 'unverified', 'digest_invalid')
    return v


def v_wrong_signature_algorithm():
    v, trail, c = simple('wrong-signature-algorithm', 'One digest says SHA1withRSA in its S3 metadata and in '
                         'digestSignatureAlgorithm (its signature is in fact a correct SHA256withRSA one).', 17,
                         '2025-03-19T16:31:58Z', [1, 1, 2, 1, 2], algorithms={2: 'SHA1withRSA'})
    d = c[2]
    v.digests[d.uri] = ('invalid', 'unsupported_signature_algorithm')
    v.logs_of(d, 'unverified', 'digest_invalid')
    v.differ(d.uri, 'invalid', 'valid', 'The AWS CLI ignores the signature algorithm and always verifies '
             'RSA-SHA256; we refuse a digest that declares an algorithm other than SHA256withRSA.')
    for log in d.logs:
        v.differ(log.uri, 'unverified', 'valid', 'Listed by a digest we reject for its declared signature '
                 'algorithm; the AWS CLI accepts that digest.')
    return v


def v_no_metadata():
    v, trail, c = simple('no-metadata', 'A plain `aws s3 sync` copy: no sidecars. Every digest but the newest is '
                         'verified with the signature its successor records; the newest cannot be verified.', 18,
                         '2025-03-20T03:12:40Z', [1, 2, 1, 1, 2], sidecars=False)
    d = c[-1]
    v.digests[d.uri] = ('unverified', 'signature_unavailable')
    v.logs_of(d, 'unverified', 'digest_unverified')
    v.differ(d.uri, 'unverified', 'valid', 'S3 metadata was lost in the download; we refuse to call the newest '
             'digest valid. The AWS CLI reads the signature from S3.')
    for log in d.logs:
        v.differ(log.uri, 'unverified', 'valid', 'Listed only by the newest digest, whose signature was lost in '
                 'the download; the AWS CLI reads it from S3.')
    return v


def v_previous_hash_mismatch():
    v, trail, c = simple('previous-hash-mismatch', 'A digest was replaced by one validly signed for the same key and '
                         'time that omits one log file (its sidecar matches), but the next digest still records the '
                         "original's hash and signature. The log it omits is not_in_any_digest.", 19, '2025-03-21T12:44:15Z', [1, 2, 3, 1, 2])
    d = c[2]
    kept = [d.logs[0], d.logs[2]]    # d.logs[1] stays in the bucket, listed by nothing now
    original_logs = d.logs
    d.fields = d.build_fields(kept)
    d.seal()
    d.logs = kept
    v.add_digest(d)
    v.digests[d.uri] = ('invalid', 'previous_hash_mismatch')
    del v.logs[original_logs[1].uri]
    v.logs_of(d, 'unverified', 'digest_invalid')
    v.differ(d.uri, 'invalid', 'valid', "The AWS CLI does not compare the successor's previousDigestHashValue with "
             'the digest it links to; we do, and the replacement does not match.')
    for log in kept:
        v.differ(log.uri, 'unverified', 'valid', 'Listed by a replaced digest (previous-hash mismatch) that the AWS '
                 'CLI accepts.')
    return v


def v_org_trail():
    v = Vector('org-trail', 'An organization trail owned by management account 999988887777; the bucket holds '
               "member account 111122223333's files under AWSLogs/o-a1b2c3d4e5/.", 20)
    trail = Trail(account=ACCOUNT, owner='999988887777', name='org-trail', home_region='us-east-1',
                  bucket='aws-cloudtrail-logs-999988887777-7c1d9e4a', org='o-a1b2c3d4e5')
    c = v.chain(trail, T('2025-03-22T07:19:03Z'), [2, 1, 2, 1], key(MAIN))
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_s3_prefix():
    v = Vector('s3-prefix', 'The trail writes under the key prefix audit/prod/.', 21)
    trail = mgmt_trail(prefix='audit/prod/')
    c = v.chain(trail, T('2025-03-23T18:58:47Z'), [1, 2, 1, 2], key(MAIN))
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_multi_region():
    v = Vector('multi-region', 'A multi-region trail (home us-east-1) with digest chains in us-east-1 and eu-west-1, '
               'each region signed with its own key.', 22)
    common = dict(account='444455556666', name='management-events', home_region='us-east-1',
                  bucket='aws-cloudtrail-logs-444455556666-5e6f7a8b')
    east, west = Trail(**common), Trail(region='eu-west-1', **common)
    a = v.chain(east, T('2025-03-24T09:11:26Z'), [2, 1, 1, 2], key(MAIN))
    b = v.chain(west, T('2025-03-24T09:37:50Z'), [1, 2, 1, 1], key('eu-west-1-2025'))
    v.keys('us-east-1', [MAIN])
    v.keys('eu-west-1', ['eu-west-1-2025'])
    v.run(east, a)
    v.run(west, b)
    return v


def v_two_trails():
    v = Vector('two-trails', 'Two trails in one bucket, same account and region: management-events and '
               'data.events_prod-1 (a name with dot, underscore and hyphen). One data-event log was tampered with.',
               23)
    mgmt = mgmt_trail()
    data = mgmt_trail(name='data.events_prod-1')
    a = v.chain(mgmt, T('2025-03-25T14:08:33Z'), [1, 2, 1, 1], key(MAIN))
    b = v.chain(data, T('2025-03-25T14:26:09Z'), [2, 1, 3, 1], key(MAIN), kind='data')
    log = b[2].logs[1]
    v.objects[log.key] = gz(tampered_bytes(log.raw))
    v.logs[log.uri] = ('invalid', 'hash_mismatch', None)
    v.keys('us-east-1', [MAIN])
    v.run(mgmt, a)
    v.run(data, b)
    return v



# --- hardening: hostile paths, hostile JSON, huge logs ---------------------------------------------------------

ESCAPE = '../' * 8    # from a day folder (7 levels below bucket/) to the vector folder, just outside bucket/
ENCODED_ESCAPE = '%2e%2e/%2E%2E/%2e%2E/%2E%2e/' * 2   # the same climb percent-encoded, in every letter case


def outside_path(key):
    """Where bucket/KEY lands once '..' is resolved, relative to the vector folder; it must be outside bucket/."""
    rel = os.path.normpath(os.path.join('bucket', key))
    assert not rel.startswith(('bucket/', '..')) and rel != 'bucket', rel
    return rel


def v_path_escape_log():
    v = Vector('path-escape-log', 'A validly signed digest lists a log whose s3Object climbs out of the bucket with '
               '".." segments; a file whose contents hash to the listed value waits where the key would resolve '
               '(outside-secret.json.gz beside bucket/), so a validator that joins keys to paths naively calls it '
               'valid. The digest is valid; that log is unsafe_path and is never opened.', 24)
    trail = mgmt_trail()
    escaped = []

    def before(i, start, end, logs):
        if i != 2:
            return logs
        log = make_log(v.rng, trail, start + timedelta(minutes=37, seconds=12), 'management')
        log.key = log.key.rsplit('/', 1)[0] + '/' + ESCAPE + 'outside-secret.json.gz'
        escaped.append(log)
        return logs + [log]

    c = v.chain(trail, T('2025-03-05T09:26:44Z'), [1, 2, 1, 2], key(MAIN), before=before)
    log, = escaped
    assert log in c[2].logs and log.key.startswith('AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/05/../')
    del v.objects[log.key]
    v.outside[outside_path(log.key)] = log.gz
    v.logs[log.uri] = ('invalid', 'unsafe_path', None)
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_path_escape_symlink():
    v = Vector('path-escape-symlink', 'Two listed logs lead outside bucket/ to files whose contents hash to the '
               'listed values (outside-bucket/): one log in bucket/ is a relative symbolic link to such a file, and '
               'another log is listed (in a validly signed digest) under a key whose ".." segments are '
               'percent-encoded (%2e%2e, %2E%2E, ...). Both are unsafe_path; every digest is valid.', 25)
    trail = mgmt_trail()
    encoded = []

    def before(i, start, end, logs):
        if i != 2:
            return logs
        log = make_log(v.rng, trail, start + timedelta(minutes=44, seconds=5), 'management')
        folder, name = log.key.rsplit('/', 1)
        log.key = folder + '/' + ENCODED_ESCAPE + 'outside-bucket/' + name
        encoded.append(log)
        return logs + [log]

    c = v.chain(trail, T('2025-03-26T03:51:17Z'), [1, 2, 2, 1], key(MAIN), before=before)
    linked = c[1].logs[1]
    folder, name = linked.key.rsplit('/', 1)
    target = ESCAPE + 'outside-bucket/' + name
    v.outside[outside_path(folder + '/' + target)] = v.objects.pop(linked.key)
    v.links[linked.key] = target
    v.logs[linked.uri] = ('invalid', 'unsafe_path', None)
    v.differ(linked.uri, 'invalid', 'valid', 'The log in the bucket copy is a symbolic link to a file outside it. '
             'The AWS CLI only ever reads S3 (the agreement harness serves it the bytes behind the link, as a naive '
             'upload or copy would) and the hash matches; we refuse to follow a link out of the bucket copy.')
    log, = encoded
    decoded = log.key.replace('%2e', '.').replace('%2E', '.')
    del v.objects[log.key]
    v.outside[outside_path(decoded)] = log.gz
    v.logs[log.uri] = ('invalid', 'unsafe_path', None)
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_linked_sidecars():
    v, trail, c = simple('linked-sidecars', 'Two digests\' sidecars are symbolic links to valid head-object '
                         'documents holding their true signatures: the second digest\'s leads outside bucket/ '
                         '(outside-bucket/), the newest\'s to a file inside bucket/ (planted/). A sidecar is never '
                         'read through a link: the second digest is still valid, proven by the signature its '
                         'successor records (signature source next_digest); the newest has no other source and is '
                         'unverified (signature_unavailable), with the logs it lists.', 38,
                         '2025-03-29T05:17:33Z', [1, 2, 1, 2])
    d, newest = c[1], c[-1]
    folder, name = d.key.rsplit('/', 1)
    target = ESCAPE + 'outside-bucket/' + name + '.metadata.json'
    v.outside[outside_path(folder + '/' + target)] = v.head_object(d.key)
    del v.sidecars[d.key]
    v.links[d.key + '.metadata.json'] = target
    folder, name = newest.key.rsplit('/', 1)
    planted = 'planted/' + name + '.metadata.json'
    v.objects[planted] = v.head_object(newest.key)
    del v.sidecars[newest.key]
    v.links[newest.key + '.metadata.json'] = os.path.relpath(planted, folder)
    v.digests[newest.uri] = ('unverified', 'signature_unavailable')
    v.logs_of(newest, 'unverified', 'digest_unverified')
    v.differ(newest.uri, 'unverified', 'valid', 'Its sidecar in the bucket copy is a symbolic link, which we refuse '
             'to follow, so its signature is lost. The AWS CLI reads the signature from S3.')
    for log in newest.logs:
        v.differ(log.uri, 'unverified', 'valid', 'Listed only by the newest digest, whose sidecar is a symbolic link '
                 'we do not follow; the AWS CLI reads its signature from S3.')
    return v


def v_path_escape_previous_digest():
    v = Vector('path-escape-previous-digest', 'A validly signed digest\'s previousDigestS3Object climbs out of the '
               'bucket with ".." segments (to a digest-shaped key timestamped between the real previous digest and '
               'itself). That link target is unsafe_path and is never opened; the walk carries on with the next '
               'older digest on disk, and everything else is valid.', 26)
    trail = mgmt_trail()
    bad = []

    def after(i, d):
        if i != 3:
            return
        fake = trail.digest_key(d.prev.end + timedelta(minutes=31, seconds=7))
        d.fields['previousDigestS3Object'] = d.key.rsplit('/', 1)[0] + '/' + ESCAPE + fake
        d.seal()
        bad.append(d)

    c = v.chain(trail, T('2025-03-27T16:12:09Z'), [2, 1, 2, 1, 2], key(MAIN), after=after)
    d, = bad
    assert c[2].key < trail.digest_key(d.prev.end + timedelta(minutes=31, seconds=7)) < d.key
    outside_path(d.fields['previousDigestS3Object'])
    v.digests[f's3://{trail.bucket}/{d.fields["previousDigestS3Object"]}'] = ('invalid', 'unsafe_path')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_hostile_digest_json():
    v = Vector('hostile-digest-json', 'Five digests in one chain hold JSON that a strict reader refuses, each '
               'validly signed over its bytes and with its sidecar: two digestS3Object members that disagree (the '
               'last one names the file itself), a 100,000-level nested array in newestEventTime (gzip keeps it '
               'tiny), invalid UTF-8 (an overlong encoding of "..") in a log\'s s3Object, digestEndTime as epoch '
               'seconds (a number), and logFiles as an object ({}). All five are invalid_format and their logs are '
               'not_in_any_digest. Python\'s json keeps the last duplicate and accepts {} as an empty listing, so the AWS '
               'CLI calls those two valid; it rejects the others (the deep nesting through a RecursionError, the '
               'number through a TypeError from its date parser, both caught). A non-empty logFiles object would '
               'make the CLI raise a TypeError out of its own error handler and stop (exit 255), so this vector '
               'uses the empty one.', 27)
    trail = mgmt_trail()
    hostile = {}

    def after(i, d):
        f = d.fields
        if i == 1:      # duplicate keys that disagree
            decoy = trail.digest_key(d.end - timedelta(days=1))
            d.seal_raw(b'{"digestS3Object":' + java_json(decoy) + b',' + java_json(f)[1:])
        elif i == 3:    # 100,000 nested arrays
            f['newestEventTime'] = '@NEST@'
            d.seal_raw(_replace_once(java_json(f), b'"@NEST@"', b'[' * 100000 + b']' * 100000))
        elif i == 5:    # invalid UTF-8: 0xC0 0xAE is an overlong "."
            folder, name = f['logFiles'][0]['s3Object'].rsplit('/', 1)
            f['logFiles'][0]['s3Object'] = folder + '/@DOTS@/' + name
            d.seal_raw(_replace_once(java_json(f), b'@DOTS@', b'\xc0\xae\xc0\xae'))
        elif i == 6:    # logFiles as an object
            assert f['logFiles'] == []
            d.seal_raw(_replace_once(java_json(f), b'"logFiles":[]', b'"logFiles":{}'))
        elif i == 7:    # a required string as a number
            epoch = str(int(d.end.timestamp()))
            f['digestEndTime'] = '@END@'
            d.seal_raw(_replace_once(java_json(f), b'"@END@"', epoch.encode()), end_time_text=epoch)
        else:
            return
        hostile[i] = d

    c = v.chain(trail, T('2025-03-28T05:33:52Z'), [2, 0, 1, 2, 1, 1, 0, 2, 1], key(MAIN), after=after)
    for i, d in sorted(hostile.items()):
        v.unreadable.add(d.key)
        v.digests[d.uri] = ('invalid', 'invalid_format')
        v.forget_logs_of(d)
    assert len(hostile[3].gz) < 4000 and len(hostile[3].raw) > 200000
    v.differ(hostile[1].uri, 'invalid', 'valid', 'Two digestS3Object members: Python\'s json keeps the last, which '
             'names the file itself, and the signature covers the bytes, so the AWS CLI accepts it; readers that '
             'keep the first would see another key. We refuse duplicate keys.')
    v.differ(hostile[6].uri, 'invalid', 'valid', 'logFiles is an object ({}), not an array: the AWS CLI only tests '
             'it for emptiness and accepts the digest; we refuse a logFiles that is not an array.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def _replace_once(data, old, new):
    assert data.count(old) == 1, old
    return data.replace(old, new)


BOMB_FILLER_MIB = 190   # deflate tops out near 1030:1, so 190 MiB of spaces is what fits in under 200,000 bytes


def v_gzip_bomb_log():
    v = Vector('gzip-bomb-log', f'Two logs listed by valid digests are gzip files far smaller than their contents: '
               f'one ({BOMB_FILLER_MIB} MiB of spaces inside a valid {{"Records":[...]}} document, under 200 KB '
               f'compressed) is intact and hashes right, so it is valid (it is hashed while streaming, in constant '
               f'memory); the other promises 64 MiB (its trailer says so) but has an invalid deflate block half '
               f'way through, so it is invalid_format.', 28)
    trail = mgmt_trail()
    made = {}

    def prepared(start, minutes, filler_mib, broken):
        delivered = start + timedelta(minutes=minutes, seconds=17)
        event_time = delivered - timedelta(seconds=v.rng.randint(40, 300))
        head = b'{"Records":[' + log_json(make_record(v.rng, trail, event_time, 'management'))
        unique = ''.join(v.rng.choice(string.ascii_letters + string.digits) for _ in range(16))
        filler = b' ' * (1 << 20)
        if not broken:
            data, hash_value, _, size = gz_stream([(head, 1), (filler, filler_mib), (b']}', 1)])
            assert size > filler_mib << 20 and len(data) <= 200000, len(data)
        else:
            # first half, then a block header with the reserved type 3 (byte-aligned after a full flush), then the
            # second half and a trailer carrying the CRC-32 and length of the whole document
            _, hash_value, crc, size = gz_stream([(head, 1), (filler, filler_mib), (b']}', 1)])
            deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
            first = [deflate.compress(head)] + [deflate.compress(filler) for _ in range(filler_mib // 2)]
            first.append(deflate.flush(zlib.Z_FULL_FLUSH))
            second = [deflate.compress(filler) for _ in range(filler_mib - filler_mib // 2)]
            second += [deflate.compress(b']}'), deflate.flush()]
            data = GZIP_HEADER + b''.join(first) + b'\x07' + b''.join(second) + struct.pack('<II', crc, size)
        return PreparedLog(trail, delivered, unique, event_time, event_time, data, hash_value)

    def before(i, start, end, logs):
        if i == 1:
            made['bomb'] = prepared(start, 23, BOMB_FILLER_MIB, False)
            return logs + [made['bomb']]
        if i == 2:
            made['broken'] = prepared(start, 41, 64, True)
            return logs + [made['broken']]
        return logs

    c = v.chain(trail, T('2025-03-29T11:08:26Z'), [1, 1, 2, 1], key(MAIN), before=before)
    v.logs[made['broken'].uri] = ('invalid', 'invalid_format', None)
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_key_expired_mid_chain():
    v = Vector('key-expired-mid-chain', 'us-east-1 rotated keys on 2025-03-06: key A is valid 00:00-10:00 and key B '
               'from 09:00. The chain runs 08:xx-13:xx; the digest ending 12:0x is signed with key A, two hours after '
               'A was retired: key_not_valid_at_time. The AWS CLI asks ListPublicKeys for the whole range, gets A '
               'too, and accepts that digest and its logs.', 29)
    trail = mgmt_trail()
    a, b = key('us-east-1-expiring-a'), key('us-east-1-expiring-b')
    c = v.chain(trail, T('2025-03-06T09:04:18Z'), [2, 1, 2, 1, 1], b, signers={0: a, 3: a})
    d = c[3]
    assert d.end.hour == 12 and not a.start <= d.end <= a.end
    assert all(x.signer.start <= x.end <= x.signer.end for x in c if x is not d) and c[0].start.hour == 8
    v.keys('us-east-1', ['us-east-1-expiring-a', 'us-east-1-expiring-b'])
    v.run(trail, c)
    v.digests[d.uri] = ('invalid', 'key_not_valid_at_time')
    v.logs_of(d, 'unverified', 'digest_invalid')
    v.differ(d.uri, 'invalid', 'valid', 'Signed with key A after A\'s validity ended (10:00). The AWS CLI loads '
             'every key valid at some point of the whole run and only looks the fingerprint up; we check the key '
             'was valid at this digest\'s digestEndTime.')
    for log in d.logs:
        v.differ(log.uri, 'unverified', 'valid', 'Listed by a digest signed with a key that had expired; the AWS CLI '
                 'accepts that digest.')
    return v

# --- findings the AWS CLI cannot make: unreferenced logs, off-chain digests, runs of missing digests ------------

def v_injected_log():
    v = Vector('injected-log', 'Files in the log folder that no digest lists: a log named like CloudTrail\'s and '
               'delivered inside the validated span, fabricated and dropped in (not_in_any_digest); a listed log '
               'renamed (its listed name is missing/not_found, the renamed copy not_in_any_digest); a file not named '
               'like a log in a day folder of the span (judged by its day folder: not_in_any_digest). Not reported: '
               'a log-named file delivered hours before the first digest (outside the span) and a .metadata.json '
               'sidecar beside a log. The AWS CLI only reads what digests list.', 31)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-03T10:14:26Z'), [2, 1, 2, 1, 2], key(MAIN))
    fake = make_log(v.rng, trail, c[3].start + timedelta(minutes=21, seconds=9), 'management')
    v.objects[fake.key] = fake.gz
    log = c[1].logs[0]
    unique = ''.join(v.rng.choice(string.ascii_letters + string.digits) for _ in range(16))
    renamed = log.key.rsplit('_', 1)[0] + '_' + unique + '.json.gz'
    v.objects[renamed] = v.objects.pop(log.key)
    v.logs[log.uri] = ('missing', 'not_found', None)
    odd = trail.log_folder + c[2].end.strftime('/%Y/%m/%d/') + 'exfil-staging.json.gz'
    v.objects[odd] = gz(b'{"Records":[]}')
    early = make_log(v.rng, trail, c[0].start - timedelta(hours=3, minutes=2), 'management')
    v.objects[early.key] = early.gz
    sidecar = c[4].logs[0]
    v.objects[sidecar.key + '.metadata.json'] = pretty({'AcceptRanges': 'bytes', 'ContentLength': len(sidecar.gz),
                                                        'ContentType': 'application/json', 'Metadata': {}}, 4)
    assert log_time(early.key) < c[0].start and folder_day(odd) <= c[2].end
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_replayed_digest():
    v = Vector('replayed-digest', 'Two digest files the chain never links to: a byte-identical copy of the second '
               'digest stored under a new digest-shaped key between the fifth and sixth (duplicate; it lists the same '
               'logs, which the chain proves valid and the copy reports again as unverified), and a copy of another '
               'account\'s digest (444455556666) stored in this chain\'s folder under this trail\'s name '
               '(moved: its content names its real location). Both invalid; the AWS CLI never reads them.', 32)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-04T03:27:51Z'), [1, 2, 1, 2, 1, 2, 1], key(MAIN))
    dup_key = trail.digest_key(c[4].end + timedelta(minutes=26, seconds=40))
    assert c[4].key < dup_key < c[5].key
    v.add_digest(c[1], key=dup_key)
    dup_uri = f's3://{trail.bucket}/{dup_key}'
    v.off_chain(dup_uri, 'duplicate', c[1], 'A byte-identical copy of a chain digest under another name; no digest '
                'links to it, so the AWS CLI never reads it. We judge every digest file the walk passed by.')
    other = Trail(account='444455556666', name='management-events', home_region='us-east-1',
                  bucket='aws-cloudtrail-logs-444455556666-5e6f7a8b')
    o0 = Digest(other, c[1].start + timedelta(minutes=7), c[1].end + timedelta(minutes=7, seconds=13),
                make_logs(v.rng, other, c[1].start + timedelta(minutes=7), c[1].end + timedelta(minutes=7), 1,
                          'management'), None, key(MAIN))
    o1 = Digest(other, o0.end, o0.end + HOUR, make_logs(v.rng, other, o0.end, o0.end + HOUR, 2, 'management'), o0,
                key(MAIN))
    moved_key = trail.digest_key(c[2].end + timedelta(minutes=33, seconds=5))
    assert c[2].key < moved_key < c[3].key and o1.end < c[3].end
    v.add_digest(o1, key=moved_key, bucket=trail.bucket)
    v.off_chain(f's3://{trail.bucket}/{moved_key}', 'moved', o1, 'Another account\'s digest copied into this '
                'chain\'s folder under a new name; no digest links to it, so the AWS CLI never reads it.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_forked_chain():
    v = Vector('forked-chain', 'A second validly signed digest at its own correct key (between the third and fourth '
               'digests) claims the third digest as its predecessor, as the fourth does; no digest links to it. It '
               'lists a log no chain digest lists (in the bucket). Both branches are fork (invalid): the fourth digest '
               'and the second one; the logs each lists alone are unverified. The AWS CLI never reads the second '
               'branch and calls the fourth digest valid.', 33)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-05T14:03:37Z'), [2, 1, 2, 1, 2, 1], key(MAIN))
    forged = make_log(v.rng, trail, c[2].end + timedelta(minutes=12, seconds=44), 'management')
    v.objects[forged.key] = forged.gz
    fork = Digest(trail, c[2].end, c[2].end + timedelta(minutes=41, seconds=13), [forged], c[2], key(MAIN))
    assert c[2].key < fork.key < c[3].key and c[3].fields['previousDigestS3Object'] == c[2].key
    v.add_digest(fork)
    v.off_chain(fork.uri, 'fork', fork, 'A second digest claiming the same predecessor as a chain digest; no digest '
                'links to it, so the AWS CLI never reads it.')
    # Both branches of a fork are reported: the chain's branch too, its logs (which the fork does not list) unverified.
    refused(v, c[3], 'fork', 'One branch of a fork: another validly signed digest claims the same predecessor. The '
            'CLI follows the link it finds and never sees the other branch.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_unlinked_digest():
    v = Vector('unlinked-digest', 'A validly signed digest at its own correct key between the fourth and fifth '
               'digests, with null previous* fields, that no digest links to. It lists one log (in the bucket) that '
               'no chain digest lists. The digest is off_chain (invalid), its log unverified; the AWS CLI never '
               'reads it.', 34)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-06T20:51:08Z'), [1, 2, 1, 2, 1, 2], key(MAIN))
    extra = make_log(v.rng, trail, c[3].end + timedelta(minutes=9, seconds=2), 'management')
    v.objects[extra.key] = extra.gz
    d = Digest(trail, c[3].end, c[3].end + timedelta(minutes=29, seconds=31), [extra], None, key(MAIN))
    assert c[3].key < d.key < c[4].key
    v.add_digest(d)
    v.off_chain(d.uri, 'off_chain', d, 'A validly signed digest that no digest links to; the AWS CLI never reads '
                'it. We judge every digest file the walk passed by.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_deleted_digest_run():
    v = Vector('deleted-digest-run', 'Three consecutive digests (and sidecars) deleted from an hourly chain without '
               'drift: the newest of them is missing/not_found through the link; the two before it are inferred '
               'missing from the hourly cadence (their keys: the missing key\'s time minus one and two hours, which '
               'are the deleted keys). Their logs stay in the bucket, listed by nothing: not_in_any_digest.', 35)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-07T05:18:44Z'), [1, 2, 1, 2, 2, 1, 2, 1], key(MAIN), drift=False)
    for d in c[3:6]:
        v.remove_digest_object(d)
        v.forget_logs_of(d)
        del v.digests[d.uri]
    v.digests[c[5].uri] = ('missing', 'not_found')
    inferred = [c[5].end - k * HOUR for k in (1, 2)]
    assert [trail.digest_key(t) for t in inferred] == [c[4].key, c[3].key]
    v.inferred_missing(trail, inferred, 'Inferred from the hourly cadence between a missing digest and the next '
                       'older one on disk; the AWS CLI only reports the digest a link names.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_truncated_tail():
    v = Vector('truncated-tail', 'The two newest digests of a clean, drift-free chain were deleted (their logs stay, '
               'but are delivered after the newest remaining digest\'s end, outside the validated span, so not '
               'reported). trail-status.json (aws cloudtrail get-trail-status, CLI v2) says the last digest was '
               'delivered four minutes after the deleted newest digest\'s end: the digests due hourly after the '
               'newest remaining one up to then are inferred missing.', 36)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-08T11:36:21Z'), [1, 2, 1, 2, 1, 2, 1], key(MAIN), drift=False)
    for d in c[5:]:
        v.remove_digest_object(d)
        v.forget_logs_of(d)
        del v.digests[d.uri]
    newest = c[4].end
    latest_digest = c[6].end + timedelta(minutes=4, milliseconds=482)
    latest_log = max(l.delivered for l in c[6].logs) + timedelta(milliseconds=117)
    n = int((latest_digest - newest).total_seconds() // 3600)
    inferred = [newest + k * HOUR for k in range(1, n + 1)]
    assert n == 2 and [trail.digest_key(t) for t in inferred] == [c[5].key, c[6].key]
    v.inferred_missing(trail, inferred, 'Inferred from get-trail-status\'s LatestDigestDeliveryTime: digests due '
                       'after the newest on disk; the AWS CLI only reads what is in the bucket.')
    v.extra_files['trail-status.json'] = pretty({
        'IsLogging': True,
        'LatestDeliveryTime': latest_log.isoformat(),
        'StartLoggingTime': '2025-02-11T16:20:05.118000+00:00',
        'LatestDigestDeliveryTime': latest_digest.isoformat(),
        'LatestDeliveryAttemptTime': latest_log.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'LatestNotificationAttemptTime': '',
        'LatestNotificationAttemptSucceeded': '',
        'LatestDeliveryAttemptSucceeded': latest_log.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'TimeLoggingStarted': '2025-02-11T16:20:05Z',
        'TimeLoggingStopped': '',
    }, 4)
    v.arguments = v.arguments + ['--trail-status', 'trail-status.json']
    v.keys('us-east-1', [MAIN])
    v.run(trail, c[:5])
    return v


def v_backfill_digests():
    generated = T('2025-04-02T09:15:27Z')
    v = Vector('backfill-digests', 'A standard chain of seven digests plus a backfill chain (_backfill.json.gz) for '
               'hours two to four of it, listing logs of those hours that the standard digests left out. The '
               f'backfill digests were generated on {iso(generated)} (backfill-generation-timestamp in their S3 '
               'metadata) and signed with a key valid then but not at their digestEndTime; all valid. A fourth '
               'backfill digest (for hour five, linked to the third) lacks backfill-generation-timestamp: '
               'invalid_format, its logs unverified.', 37)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-03-31T00:47:12Z'), [2, 1, 2, 1, 2, 1, 2], key(MAIN))
    signer = key('us-east-1-backfill')
    prev, backfill = None, []
    for i, count in zip((1, 2, 3, 4), (2, 1, 2, 1)):
        logs = make_logs(v.rng, trail, c[i].start, c[i].end, count, 'management')
        d = Digest(trail, c[i].start, c[i].end, logs, prev, signer,
                   key_override=trail.digest_key(c[i].end, backfill=True))
        assert not signer.start <= d.end <= signer.end and signer.start <= generated <= signer.end
        v.add_digest(d, metadata={'backfill-generation-timestamp': iso(generated)} if i != 4 else None)
        for log in logs:
            v.add_log(log)
        backfill.append(d)
        prev = d
    bad = backfill[-1]
    v.digests[bad.uri] = ('invalid', 'invalid_format')
    v.logs_of(bad, 'unverified', 'digest_invalid')
    v.keys('us-east-1', [MAIN, 'us-east-1-backfill'])
    v.run(trail, c, backfill)
    return v


# ---------------------------------------------------------------------------------------------------------------
# issue 16: what the signature covers. Each digest below is validly signed by the published key over content that
# does not make sense where it was found; the finding lands on that digest and its authentic neighbours stay valid.

def refused(v, d, reason, why, cli_logs=None, uri=None):
    """d is invalid for reason (its logs unverified); the AWS CLI, which does not check this, calls it valid and
    judges its logs by their hashes (cli_logs: log uri -> the CLI's verdict when it is not 'valid')."""
    uri = uri or d.uri
    v.digests[uri] = ('invalid', reason)
    v.differ(uri, 'invalid', 'valid', why)
    seen = set()
    for log in d.logs:
        if log.uri in seen or any(l is log for l in v.valid_elsewhere):
            continue
        seen.add(log.uri)
        v.logs[log.uri] = ('unverified', 'digest_invalid', None)
        v.differ(log.uri, 'unverified', (cli_logs or {}).get(log.uri, 'valid'),
                 f'Listed by a digest the AWS CLI accepts and we refuse ({reason}).')


def v_unsupported_hash_algorithm():
    v = Vector('unsupported-hash-algorithm', 'Three validly signed digests whose labels are not SHA-256: one lists a '
               'log whose hashAlgorithm is "SHA-1" (its hashValue is still the SHA-256), one says '
               'previousDigestHashAlgorithm "MD5", one lists a log whose hashValue is a SHA-1 (40 hex digits) under '
               'hashAlgorithm "SHA-256". All three are unsupported_hash_algorithm, their logs unverified; their '
               'neighbours stay valid. The AWS CLI ignores the labels and always uses SHA-256.', 38)
    trail = mgmt_trail()
    sha1_log = {}

    def after(i, d):
        f = d.fields
        if i == 1:
            f['logFiles'][0]['hashAlgorithm'] = 'SHA-1'
        elif i == 3:
            f['previousDigestHashAlgorithm'] = 'MD5'
        elif i == 4:
            f['logFiles'][1]['hashValue'] = hashlib.sha1(d.logs[1].raw).hexdigest()
            sha1_log['uri'] = d.logs[1].uri
        else:
            return
        d.seal()

    c = v.chain(trail, T('2025-04-09T02:11:36Z'), [2, 1, 2, 1, 2, 1], key(MAIN), after=after)
    refused(v, c[1], 'unsupported_hash_algorithm', 'A log\'s hashAlgorithm is SHA-1: the CLI hashes with SHA-256 '
            'whatever the label says.')
    refused(v, c[3], 'unsupported_hash_algorithm', 'previousDigestHashAlgorithm is MD5: the CLI never reads it.')
    refused(v, c[4], 'unsupported_hash_algorithm', 'A log\'s hashValue is not a SHA-256: the CLI compares it with '
            'the SHA-256 of the log and calls the digest valid.', {sha1_log['uri']: 'invalid'})
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_digest_name_time():
    v = Vector('digest-name-time', 'Four validly signed digests whose times do not fit: one stored (and naming '
               'itself) under a key one minute later than its digestEndTime, one in the date folder of the day '
               'before its end, one whose digestStartTime is after its digestEndTime, and the newest, which spans '
               'three hours. All time_mismatch, their logs unverified; the authentic digests around them stay valid. '
               'The AWS CLI reads times from the key and never compares them with the content.', 39)
    trail = mgmt_trail()

    def after(i, d):
        f = d.fields
        if i == 1:      # the date folders say the day before
            d.key = trail.digest_key(d.end).replace(d.end.strftime('/%Y/%m/%d/'),
                                                      (d.end - timedelta(days=1)).strftime('/%Y/%m/%d/'))
        elif i == 2:    # the name says a minute later
            d.key = trail.digest_key(d.end + timedelta(minutes=1))
        elif i == 4:
            f['digestStartTime'] = iso(d.end + timedelta(minutes=5))
        elif i == 6:
            f['digestStartTime'] = iso(d.end - 3 * HOUR)
        else:
            return
        f['digestS3Object'] = d.key
        d.seal()

    c = v.chain(trail, T('2025-04-10T08:40:17Z'), [1, 2, 1, 2, 1, 2, 1], key(MAIN), after=after)
    for i, why in ((1, 'The date folders are the day before digestEndTime\'s.'),
                   (2, 'The key\'s timestamp is a minute after digestEndTime.'),
                   (4, 'digestStartTime is after digestEndTime.'),
                   (6, 'The digest spans three hours.')):
        refused(v, c[i], 'time_mismatch', why + ' The AWS CLI does not compare the key with the content.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_digest_wrong_place():
    v = Vector('digest-wrong-place', 'Three validly signed digests that do not belong where they are: one says '
               'awsAccountId 444455556666 in the folder of 111122223333, one also lists a log (in the bucket) from '
               'the us-west-2 log folder, one lists the sidecar of its predecessor. All wrong_place, their logs '
               'unverified; the neighbours stay valid. The AWS CLI checks none of this (it fails to gunzip the '
               'sidecar, so it calls that entry invalid).', 40)
    trail = mgmt_trail()
    west = mgmt_trail(region='us-west-2')
    listed = {}

    def after(i, d):
        f = d.fields
        if i == 1:
            f['awsAccountId'] = '444455556666'
        elif i == 3:
            stray = make_log(v.rng, west, d.start + timedelta(minutes=17, seconds=5), 'management')
            v.objects[stray.key] = stray.gz
            d.logs = d.logs + [stray]
            f['logFiles'] = [l.entry() for l in d.logs]
            listed['stray'] = stray
        elif i == 4:
            sidecar = d.prev.key + '.metadata.json'
            f['logFiles'].append({'s3Bucket': trail.bucket, 's3Object': sidecar, 'hashValue': sha256(b''),
                                  'hashAlgorithm': 'SHA-256', 'newestEventTime': f['newestEventTime'],
                                  'oldestEventTime': f['oldestEventTime']})
            listed['sidecar'] = f's3://{trail.bucket}/{sidecar}'
        else:
            return
        d.seal()

    c = v.chain(trail, T('2025-04-11T13:05:52Z'), [2, 1, 2, 1, 2, 1], key(MAIN), after=after)
    refused(v, c[1], 'wrong_place', 'awsAccountId is another account\'s.')
    refused(v, c[3], 'wrong_place', 'It lists a log of another region\'s folder.')
    refused(v, c[4], 'wrong_place', 'It lists a sidecar, not a log.')
    v.logs[listed['sidecar']] = ('unverified', 'digest_invalid', None)
    v.differ(listed['sidecar'], 'unverified', 'invalid', 'A sidecar listed as a log: the CLI cannot gunzip it; we '
             'refuse the digest that lists it.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_log_listed_twice():
    v = Vector('log-listed-twice', 'Validly signed digests that list a log more than once: the second digest lists '
               'one log twice (same hash); the fourth (c3) also lists a log delivered in the fifth\'s hour, which '
               'the fifth lists too (the log belongs to the fifth, so the fourth is wrong); the sixth lists a log of '
               'the fifth\'s hour again (the sixth is wrong). Each wrong digest is '
               'log_listed_twice and its logs unverified (a log listed twice is reported twice); the digests that '
               'list their own logs stay valid. The AWS CLI checks the hashes of every entry only.', 41)
    trail = mgmt_trail()
    early = {}

    def before(i, start, end, logs):
        if i == 1:
            return logs + [logs[0]]
        if i == 3:
            # delivered just after this hour, with events from before its end (as a late log's are)
            early['log'] = make_log(v.rng, trail, end + timedelta(minutes=1, seconds=5), 'management')
            early['log'].oldest, early['log'].newest = end - timedelta(minutes=3), end - timedelta(minutes=2)
            return logs + [early['log']]
        if i == 4:
            return logs + [early['log']]
        return logs

    def after(i, d):
        if i == 5:
            older = d.prev.logs[0]
            f = d.fields
            f['logFiles'].append(older.entry())
            f['oldestEventTime'] = iso(min(T(f['oldestEventTime']), older.oldest))
            d.seal()

    c = v.chain(trail, T('2025-04-12T19:27:03Z'), [2, 1, 2, 1, 2, 1, 1], key(MAIN), before=before, after=after)
    v.valid_elsewhere = [early['log']]
    refused(v, c[1], 'log_listed_twice', 'It lists a log twice.')
    v.extra_logs.append((c[1].logs[0].uri, 'unverified', 'digest_invalid', None))
    refused(v, c[3], 'log_listed_twice', 'It lists a log of the next hour, which the next digest lists too.')
    v.extra_logs.append((early['log'].uri, 'unverified', 'digest_invalid', None))
    refused(v, c[5], 'log_listed_twice', 'It lists a log of the hour before again.')
    v.extra_logs.append((c[4].logs[0].uri, 'unverified', 'digest_invalid', None))
    v.differ(c[4].logs[0].uri, 'unverified', 'valid', 'Listed again by a digest we refuse (we report that entry '
             'first); the CLI calls both entries valid.')
    v.valid_elsewhere = []
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_uppercase_hex():
    v = Vector('uppercase-hex', 'A clean chain written with upper-case hex: one digest lists its logs\' hashValue in '
               'upper case, one writes previousDigestHashValue and previousDigestSignature in upper case (and is '
               'signed over them as written), one names its key\'s fingerprint in upper case, and one\'s signature metadata is upper case. Everything is valid. The '
               'AWS CLI compares log hashes case-sensitively and calls those logs invalid.', 42)
    trail = mgmt_trail()

    def after(i, d):
        f = d.fields
        if i == 1:
            for entry in f['logFiles']:
                entry['hashValue'] = entry['hashValue'].upper()
        elif i == 2:
            f['digestPublicKeyFingerprint'] = f['digestPublicKeyFingerprint'].upper()
        elif i == 3:
            f['previousDigestHashValue'] = f['previousDigestHashValue'].upper()
            f['previousDigestSignature'] = f['previousDigestSignature'].upper()
        else:
            return
        d.seal()

    c = v.chain(trail, T('2025-04-13T04:58:44Z'), [2, 1, 2, 1, 2], key(MAIN), after=after)
    d = c[4]
    v.sidecars[d.key] = (d.signature.upper(), d.algorithm, {})
    v.s3_metadata[d.uri]['signature'] = d.signature.upper()
    for log in c[1].logs:
        v.differ(log.uri, 'valid', 'invalid', 'Its hashValue is written in upper case: the CLI compares hex '
                 'case-sensitively; we compare values.')
    v.differ(c[2].uri, 'valid', 'invalid', 'Its digestPublicKeyFingerprint is written in upper case: the CLI looks '
             'the key up case-sensitively ("public key not found"); we compare values.')
    for log in c[2].logs:
        v.differ(log.uri, 'valid', 'not_reported', 'Listed by the digest whose key the CLI does not find; it never '
                 'reads its logs.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_padded_signature():
    v = Vector('padded-signature', 'The newest digest\'s signature metadata (sidecar and S3) has a zero byte in '
               'front: 257 bytes for a 2048-bit key. It is malformed_signature, its logs unverified. The AWS CLI '
               'refuses it too (signature verification failed).', 43)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-14T11:22:09Z'), [1, 2, 1, 2], key(MAIN))
    d = c[-1]
    v.sidecars[d.key] = ('00' + d.signature, d.algorithm, {})
    v.s3_metadata[d.uri]['signature'] = '00' + d.signature
    v.digests[d.uri] = ('invalid', 'malformed_signature')
    v.logs_of(d, 'unverified', 'digest_invalid')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_digest_overlap():
    v = Vector('digest-overlap', 'A validly signed digest that starts ten minutes before its predecessor ended (it '
               'links to it correctly). It is overlap, its logs unverified; its predecessor stays valid. The AWS CLI '
               'does not compare the times of neighbouring digests.', 44)
    trail = mgmt_trail()

    def after(i, d):
        if i == 3:
            d.fields['digestStartTime'] = iso(d.start - timedelta(minutes=10))
            d.seal()

    c = v.chain(trail, T('2025-04-15T06:31:50Z'), [2, 1, 2, 1, 2, 1], key(MAIN), after=after)
    refused(v, c[3], 'overlap', 'It starts before its predecessor ended.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_event_times():
    v = Vector('event-times', 'Three validly signed digests whose event times do not fit: one lists a log whose '
               'oldestEventTime is after its newestEventTime, one a log with an event ten minutes after the '
               'digest\'s end, one a log whose oldest event is three days before the digest\'s start (the digests\' '
               'own event times follow their logs\'). All implausible_event_times, their logs unverified. The AWS CLI '
               'never reads event times.', 45)
    trail = mgmt_trail()

    def before(i, start, end, logs):
        log = logs[0]
        if i == 1:
            log.oldest, log.newest = log.newest + timedelta(seconds=30), log.oldest
        elif i == 3:
            log.newest = end + timedelta(minutes=10)
        elif i == 4:
            log.oldest = start - timedelta(days=3)
        return logs

    c = v.chain(trail, T('2025-04-16T15:14:27Z'), [2, 1, 2, 1, 2, 1], key(MAIN), before=before)
    refused(v, c[1], 'implausible_event_times', 'A log\'s oldest event is after its newest.')
    refused(v, c[3], 'implausible_event_times', 'A log\'s newest event is after the digest\'s end.')
    refused(v, c[4], 'implausible_event_times', 'A log\'s oldest event is three days before the digest\'s start.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_link_mismatch():
    v = Vector('link-mismatch', 'Two validly signed digests whose link does not carry their predecessor\'s '
               'identity: one records the predecessor\'s hash but the signature of the digest before it; one records '
               'the predecessor\'s signature but a wrong hash. Both are link_mismatch, their logs unverified; the '
               'authentic predecessors stay valid (not previous_hash_mismatch). The AWS CLI takes the predecessor\'s '
               'signature from its metadata and never compares the hash.', 46)
    trail = mgmt_trail()

    def after(i, d):
        f = d.fields
        if i == 2:
            f['previousDigestSignature'] = d.prev.prev.signature
        elif i == 5:
            f['previousDigestHashValue'] = sha256(d.prev.raw + b'\n')
        else:
            return
        d.seal()

    c = v.chain(trail, T('2025-04-17T21:45:33Z'), [1, 2, 1, 2, 1, 2, 1], key(MAIN), after=after)
    refused(v, c[2], 'link_mismatch', 'previousDigestSignature is not the predecessor\'s signature.')
    refused(v, c[5], 'link_mismatch', 'previousDigestHashValue is not the predecessor\'s hash.')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_spliced_chain():
    v = Vector('spliced-chain', 'Two trails of one account and region. A validly signed digest of the first trail '
               'links to a digest of the second trail\'s chain (a splice), bypassing its real predecessor. It is '
               'splice, its logs unverified; the authentic digests it bypasses stay valid, and the second trail\'s '
               'chain is unaffected. The AWS CLI follows the splice into the other chain and never reads the '
               'bypassed digests.', 47)
    a = mgmt_trail()
    b = mgmt_trail(name='data-events')
    cb = v.chain(b, T('2025-04-18T00:19:10Z'), [1, 2, 1, 2, 1], key(MAIN), kind='data')

    def after(i, d):
        if i == 3:
            d.prev = cb[1]
            d.fields = d.build_fields(d.logs)
            d.seal()

    ca = v.chain(a, T('2025-04-18T03:07:55Z'), [2, 1, 2, 1, 2], key(MAIN), after=after)
    refused(v, ca[3], 'splice', 'Its link leads into another trail\'s chain; the CLI follows it.')
    assert cb[1].end < ca[0].end
    for d in ca[:3]:
        v.differ(d.uri, 'valid', 'not_reported', 'Bypassed by the splice: the CLI follows the link into the other '
                 'chain, whose start is older than this one, and never reads it.')
        for log in d.logs:
            v.differ(log.uri, 'valid', 'not_reported', 'Listed by a digest the splice bypasses; the CLI never '
                     'reads it.')
    v.keys('us-east-1', [MAIN])
    v.run(a, ca)
    v.run(b, cb)
    return v


def _planted(name, description, seed, first_end, counts, deleted, junk_at, trail_status=False):
    v = Vector(name, description, seed)
    trail = mgmt_trail()
    c = v.chain(trail, T(first_end), counts, key(MAIN), drift=False)
    for run in deleted:
        for i in run:
            d = c[i]
            v.remove_digest_object(d)
            v.forget_logs_of(d)
            del v.digests[d.uri]
    for i in junk_at:
        v.garble(c[i].key, gz(b'{"not":"a digest"}'))
        v.digests[c[i].uri] = ('invalid', 'invalid_format')
    return v, trail, c


def v_planted_digest_junk():
    v, trail, c = _planted(
        'planted-digest-junk', 'Three runs of three deleted digests in an hourly chain without drift, each with junk '
        '(gzip of a JSON object that is not a digest) placed under one deleted digest\'s name: the newest of the '
        'first run, the middle of the second, the oldest of the third. The junk is invalid_format; every other '
        'deleted hour is still reported (missing, inferred from the hourly cadence), whether the walk reaches it '
        'through a link or passes the junk. Their logs stay in the bucket: not_in_any_digest.', 48,
        '2025-04-19T00:36:12Z', [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1], [(2, 3, 4), (6, 7, 8), (10, 11, 12)],
        (4, 7, 10))
    why = 'Inferred from the hourly cadence around a file at a deleted digest\'s name; the AWS CLI only reports ' \
          'the digest a link names.'
    v.digests[c[12].uri] = ('missing', 'not_found')   # named by the link of c[13]
    v.digests[c[8].uri] = ('missing', 'not_found')    # named by the link of c[9]
    v.inferred_missing(trail, [c[11].end], why)       # between missing c[12] and the junk at c[10]
    v.inferred_missing(trail, [c[6].end], why)        # between the junk at c[7] and c[5]
    v.inferred_missing(trail, [c[3].end, c[2].end], why)   # between the junk at c[4] and c[1]
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_planted_digest_junk_tail():
    v, trail, c = _planted(
        'planted-digest-junk-tail', 'The three newest digests of a drift-free chain were deleted and junk placed '
        'under the newest one\'s name; trail-status.json says the last digest was delivered four minutes after '
        'that name\'s time. The junk is invalid_format and the two deleted digests below it are still inferred '
        'missing. Their logs, delivered after the newest remaining digest\'s end, are outside the validated span.',
        49, '2025-04-20T09:12:45Z', [1, 2, 1, 2, 1, 2, 1, 2], [(5, 6, 7)], (7,))
    v.inferred_missing(trail, [c[6].end, c[5].end], 'Inferred from the hourly cadence below a file at the newest '
                       'deleted digest\'s name; the AWS CLI only reads what is in the bucket.')
    latest = c[7].end + timedelta(minutes=4, milliseconds=211)
    v.extra_files['trail-status.json'] = pretty({
        'IsLogging': True,
        'LatestDeliveryTime': (max(l.delivered for l in c[7].logs) + timedelta(milliseconds=93)).isoformat(),
        'StartLoggingTime': '2025-02-11T16:20:05.118000+00:00',
        'LatestDigestDeliveryTime': latest.isoformat(),
        'LatestDeliveryAttemptTime': c[7].end.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'LatestNotificationAttemptTime': '',
        'LatestNotificationAttemptSucceeded': '',
        'LatestDeliveryAttemptSucceeded': c[7].end.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'TimeLoggingStarted': '2025-02-11T16:20:05Z',
        'TimeLoggingStopped': '',
    }, 4)
    v.arguments = v.arguments + ['--trail-status', 'trail-status.json']
    v.keys('us-east-1', [MAIN])
    v.run(trail, c[:5] + [c[7]])
    return v



def v_digest_tiling_hole():
    v = Vector('digest-tiling-hole', 'A validly signed digest that links to its predecessor but starts twenty minutes '
               'after the predecessor ended (its logs lie in its own span). Both digests are valid; the twenty '
               'minutes between them are a gap, since no digest vouches for them. The AWS CLI only reports gaps at '
               'chain starts.', 50)
    trail = mgmt_trail()
    hole = timedelta(minutes=20)

    def before(i, start, end, logs):
        return make_logs(v.rng, trail, start + hole, end, len(logs), 'management') if i == 3 else logs

    def after(i, d):
        if i == 3:
            d.start = d.start + hole
            d.fields = d.build_fields(d.logs)
            d.seal()

    c = v.chain(trail, T('2025-04-21T16:50:24Z'), [2, 1, 2, 1, 2], key(MAIN), before=before, after=after)
    v.gap(trail, c[2].end, c[3].start)
    v.gap_differences.append({'start': iso(c[2].end), 'end': iso(c[3].start),
                              'why': 'A hole between two linked digests: the CLI only reports gaps at chain starts.'})
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_fork_named_newest():
    v = Vector('fork-named-newest', 'A second validly signed digest claims the same predecessor as the newest digest '
               'of the chain, and its name is newer than that digest: the walk starts at it. Both branches are fork '
               '(invalid). It lists one log of the chain\'s newest hour (same hash) and one log of its own: the shared '
               'log is proven by either branch (reported twice, valid), the logs only one branch lists are '
               'unverified. The AWS CLI follows the newer branch and never reads the other.', 51)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-22T08:26:47Z'), [2, 1, 2, 1, 3], key(MAIN))
    head = c[4]
    own = make_log(v.rng, trail, head.end + timedelta(minutes=7, seconds=12), 'management')
    v.add_log(own)
    fork = Digest(trail, c[3].end, head.end + timedelta(minutes=20), [head.logs[0], own], c[3], key(MAIN))
    assert head.key < fork.key
    v.add_digest(fork)
    v.digests[fork.uri] = ('invalid', 'fork')
    v.differ(fork.uri, 'invalid', 'valid', 'One branch of a fork, named newest: the CLI starts there and calls it '
             'valid.')
    v.logs[own.uri] = ('unverified', 'digest_invalid', None)
    v.differ(own.uri, 'unverified', 'valid', 'Listed only by one branch of a fork.')
    v.digests[head.uri] = ('invalid', 'fork')
    v.differ(head.uri, 'invalid', 'not_reported', 'The other branch of the fork: no digest links to it, so the CLI '
             'never reads it.')
    for log in head.logs[1:]:
        v.logs[log.uri] = ('unverified', 'digest_invalid', None)
    v.extra_logs.append((head.logs[0].uri, 'valid', None, None))
    v.keys('us-east-1', [MAIN])
    v.run(trail, c + [fork])
    return v


def v_planted_unsigned_digest():
    v, trail, c = _planted(
        'planted-unsigned-digest', 'Two runs of three deleted digests in a drift-free chain, each with an unsigned '
        'digest (well-formed, no S3 metadata, no sidecar, no logs) planted under the middle deleted name, reached '
        'after the missing newest one: one with null previous* fields (it would pose as a chain start), one linking '
        'past the oldest deleted digest. Both are unverified (signature_unavailable); the deleted hour below each '
        'is still inferred missing, and no gap is reported for the fake chain start.', 52,
        '2025-04-23T13:04:58Z', [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2], [(2, 3, 4), (7, 8, 9)], ())
    why = 'Inferred from the hourly cadence below an unsigned digest at a deleted digest\'s name; the AWS CLI ' \
          'only reports the digest a link names.'
    for i, prev in ((3, None), (8, c[6])):
        fake = Digest(trail, c[i].end - HOUR, c[i].end, [], prev, key(MAIN))
        assert fake.key == c[i].key
        v.objects[fake.key] = fake.gz
        v.contents[fake.key] = fake
        v.digests[fake.uri] = ('unverified', 'signature_unavailable')
        v.differ(fake.uri, 'unverified', 'invalid', 'No signature anywhere (no metadata, no valid successor): the CLI '
                 'calls it invalid; we cannot prove it either way.')
    v.digests[c[4].uri] = ('missing', 'not_found')
    v.digests[c[9].uri] = ('missing', 'not_found')
    v.inferred_missing(trail, [c[2].end, c[7].end], why)
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v

# --- every object accounted for (inventory, accounting) --------------------------------------------------------

def v_unaccounted_objects():
    v = Vector('unaccounted-objects', 'Entries in CloudTrail trees that are neither digests nor logs: a text file in '
               'a digest day folder (unexpected_object), a .metadata.json sidecar with no digest beside it '
               '(orphan_sidecar), a file directly in the CloudTrail/ folder outside any region folder '
               '(unexpected_object), and in a log day folder a file whose name is not UTF-8 (unreferenced/'
               'unrecognized_name, shown percent-encoded). A file under another service\'s folder '
               '(AWSLogs/ACCOUNT/Config/) is counted, not judged. The AWS CLI reads only what digests list.', 41)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-10T08:12:05Z'), [2, 1, 2], key(MAIN))
    v.objects[trail._base('CloudTrail-Digest') + c[1].end.strftime('%Y/%m/%d/') + 'notes.txt'] = b'copied by hand\n'
    ghost = trail.digest_key(c[2].end + HOUR)
    v.objects[ghost + '.metadata.json'] = pretty({'Metadata': {'signature': '00', 'signature-algorithm': 'SHA256withRSA'}}, 4)
    v.objects[f'AWSLogs/{ACCOUNT}/CloudTrail/stray.json.gz'] = gz(b'{"Records":[]}')
    v.objects[trail.log_folder + c[1].end.strftime('/%Y/%m/%d/') + os.fsdecode(b'\xff\xfe-staging.json.gz')] = \
        gz(b'{"Records":[]}')
    v.objects[f'AWSLogs/{ACCOUNT}/Config/us-east-1/2025/04/10/ConfigSnapshot.json.gz'] = gz(b'{}')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def _orphan_log_folders(name, description, seed, region_filter=False):
    v = Vector(name, description, seed)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-11T09:20:44Z'), [1, 2, 1, 2], key(MAIN))
    # eu-west-1: the trail's digests there are all gone; its logs are still in the copy
    west = mgmt_trail(region='eu-west-1')
    v.unlisted_logs(west, c[0].start + timedelta(minutes=5), c[-1].end - timedelta(minutes=5), 3)
    # an account no digest names, delivering into the same bucket
    other = mgmt_trail(account='444455556666', region='ap-south-1')
    v.unlisted_logs(other, c[1].start, c[2].end, 2)
    # outside the run's span: not reported
    v.unlisted_logs(west, c[0].start - timedelta(hours=6), c[0].start - timedelta(hours=5), 1)
    # CloudTrail Insights logs: not a folder digests cover, so not checked
    v.objects[f'AWSLogs/{ACCOUNT}/CloudTrail-Insight/us-east-1/2025/04/11/'
              f'{ACCOUNT}_CloudTrail-Insight_us-east-1_20250411T0930Z_abcdefghijklmnop.json.gz'] = gz(b'{"Records":[]}')
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    if region_filter:
        v.arguments = v.arguments + ['--region', 'us-east-1']
        v.checked_scopes = {trail.log_folder}
    return v


def v_orphan_log_folders():
    return _orphan_log_folders(
        'orphan-log-folders', 'Log folders no digest chain covers: eu-west-1 of the same account (its digests all '
        'gone) and ap-south-1 of an account no digest names. Their logs delivered within the span the chains cover '
        'are unreferenced/no_digest_chain; one delivered hours before it is not reported. A CloudTrail-Insight '
        'folder is named as not checked. The AWS CLI reads only what digests list.', 42)


def v_orphan_log_folders_filtered():
    return _orphan_log_folders(
        'orphan-log-folders-filtered', 'orphan-log-folders run with --region us-east-1: the eu-west-1 and '
        'ap-south-1 folders are left out by the filter, named in the summary as not checked, and nothing is '
        'reported (exit 0).', 42, region_filter=True)


def v_multi_region_trail_file():
    v = Vector('multi-region-trail-file', 'A multi-region trail (--trail trail.json, IsMultiRegionTrail true) with '
               'a chain in us-east-1 only; us-west-2 holds its logs but no digest: with the trail narrowing the run, '
               'that region\'s folder is still the trail\'s, so its logs are unreferenced/no_digest_chain.', 43)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-13T11:02:17Z'), [1, 1, 2], key(MAIN))
    west = mgmt_trail(region='us-west-2')
    v.unlisted_logs(west, c[0].start + timedelta(minutes=3), c[-1].end - timedelta(minutes=3), 2)
    v.extra_files['trail.json'] = pretty({'trailList': [{
        'Name': trail.name, 'S3BucketName': trail.bucket, 'IncludeGlobalServiceEvents': True,
        'IsMultiRegionTrail': True, 'HomeRegion': trail.home_region, 'TrailARN': trail.arn,
        'LogFileValidationEnabled': True, 'HasCustomEventSelectors': False, 'HasInsightSelectors': False,
        'IsOrganizationTrail': False}]}, 4)
    v.arguments = v.arguments + ['--trail', 'trail.json']
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_log_date_mismatch():
    v = Vector('log-date-mismatch', 'Logs whose name\'s date disagrees with their day folder: a copy of a listed log '
               'renamed to a 2024 delivery time but left in its 2025 day folder (inside the span by its folder), and '
               'a log named inside the span but put in a 2019 day folder (inside by its name). A validator that '
               'reads only the name, or only the folder, passes one of them over; both are unreferenced/'
               'date_mismatch.', 44)
    trail = mgmt_trail()
    c = v.chain(trail, T('2025-04-12T06:40:12Z'), [2, 1, 2], key(MAIN))
    log = c[1].logs[0]
    renamed = log.key.replace('_20250412T', '_20240412T')
    assert renamed != log.key and folder_day(renamed) == folder_day(log.key)
    v.objects[renamed] = v.objects[log.key]
    fake = make_log(v.rng, trail, c[2].start + timedelta(minutes=7), 'management')
    moved = trail.log_folder + '/2019/01/01/' + fake.key.rsplit('/', 1)[1]
    v.objects[moved] = fake.gz
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


def v_unproven_gap_explanation():
    v = Vector('unproven-gap-explanation', 'A gap of about three hours whose "explanation" sits only in log files no '
               'digest lists: a fabricated StopLogging before it and StartLogging after it, dropped into the log '
               'folder (an attacker deleting digests would plant such a story). Gap explanations cite only logs this '
               'run proved, so the gap is unexplained (a warning; the claims are reported apart, as unproven). The '
               'planted logs are unreferenced: delivered_during_gap for the one inside the gap, not_in_any_digest '
               'for the one in a validated hour.', 45)
    trail = mgmt_trail()
    a = v.chain(trail, T('2025-04-14T01:11:10Z'), [1, 2, 1], key(MAIN))
    restart = a[-1].end + timedelta(hours=3, minutes=10)
    b = v.chain(trail, restart + HOUR, [1, 2], key(MAIN), first_start=restart)
    stop, _ = trail_call_log(v.rng, trail, a[-1].end + timedelta(minutes=6), a[-1].end + timedelta(minutes=1),
                             MALLORY, '203.0.113.7', None, event='StopLogging')
    start, _ = trail_call_log(v.rng, trail, b[0].start + timedelta(minutes=12), b[0].start - timedelta(minutes=1),
                              MALLORY, '203.0.113.7', None, event='StartLogging')
    for log in (stop, start):
        v.objects[log.key] = log.gz
    v.gap(trail, a[-1].end, b[0].start, [])
    v.keys('us-east-1', [MAIN])
    v.run(trail, a, b)
    return v


def v_shared_log_folder():
    v = Vector('shared-log-folder', 'Two trails deliver into one account and region log folder (log names carry no '
               'trail name); the run validates one (--trail-arn management-events). The other trail\'s logs are '
               'listed by its digests on disk: counted as belonging to a trail not validated in this run, never '
               '"listed by no digest". One log that no digest on disk lists is unreferenced/not_in_any_digest.', 46)
    mgmt = mgmt_trail()
    data = mgmt_trail(name='data.events_prod-1')
    a = v.chain(mgmt, T('2025-04-15T10:05:33Z'), [1, 2, 1], key(MAIN))
    b = v.chain(data, T('2025-04-15T10:21:09Z'), [2, 1, 2], key(MAIN), kind='data')
    for d in b:
        del v.digests[d.uri]
        v.forget_logs_of(d)
        v.unselected.add(d.key)
    fake = make_log(v.rng, mgmt, a[1].start + timedelta(minutes=17), 'management')
    v.objects[fake.key] = fake.gz
    v.arguments = v.arguments + ['--trail-arn', mgmt.arn]
    v.keys('us-east-1', [MAIN])
    v.run(mgmt, a)
    return v


def v_unicode_prefix():
    v = Vector('unicode-prefix', 'A trail under the key prefix "audit-café/" (é precomposed, NFC). A copy of one of '
               'its logs sits under "audit-cafe\u0301/" (e + combining acute, NFD): a different S3 key that Swift\'s '
               'String equality would call equal. Compared as bytes it lies in a folder no chain covers: '
               'unreferenced/no_digest_chain.', 47)
    trail = mgmt_trail(prefix='audit-caf\u00e9/')
    c = v.chain(trail, T('2025-04-16T03:33:21Z'), [1, 2, 1], key(MAIN))
    log = c[1].logs[1]
    twin = log.key.replace('audit-caf\u00e9/', 'audit-cafe\u0301/', 1)
    assert twin != log.key
    v.objects[twin] = v.objects[log.key]
    v.keys('us-east-1', [MAIN])
    v.run(trail, c)
    return v


VECTORS = [
    v_clean_multi_day, v_empty_hours, v_tampered_log, v_deleted_log, v_corrupt_gzip_log, v_trailing_data_log,
    v_uncompressed_log, v_deleted_digest, v_modified_digest, v_garbled_digest, v_moved_digest,
    v_validation_disabled_gap, v_key_rotation, v_unknown_fingerprint, v_key_outside_validity, v_key_other_region,
    v_wrong_signature_algorithm, v_no_metadata, v_previous_hash_mismatch, v_org_trail, v_s3_prefix, v_multi_region,
    v_two_trails, v_path_escape_log, v_path_escape_symlink, v_linked_sidecars, v_path_escape_previous_digest,
    v_hostile_digest_json, v_json_bomb,
    v_gzip_bomb_log, v_key_expired_mid_chain, v_gap_strict, v_injected_log, v_replayed_digest, v_forked_chain,
    v_unlinked_digest, v_deleted_digest_run, v_truncated_tail, v_backfill_digests,
    v_unaccounted_objects, v_orphan_log_folders, v_orphan_log_folders_filtered, v_multi_region_trail_file,
    v_log_date_mismatch, v_unproven_gap_explanation, v_shared_log_folder, v_unicode_prefix,
    v_unsupported_hash_algorithm, v_digest_name_time, v_digest_wrong_place, v_log_listed_twice, v_uppercase_hex,
    v_padded_signature, v_digest_overlap, v_event_times, v_link_mismatch, v_spliced_chain, v_planted_digest_junk,
    v_planted_digest_junk_tail, v_digest_tiling_hole, v_fork_named_newest, v_planted_unsigned_digest,
]

# The real us-east-1 key from the AWS CLI's own example (awscli/examples/cloudtrail/list-public-keys.rst),
# copied verbatim (rst indentation and CRLF line ends removed; the trailing spaces after commas are the original's).
REAL_WORLD_KEYS = '\n'.join([
    '{',
    '  "PublicKeyList": [',
    '      {',
    '         "ValidityStartTime": 1453076702.0, ',
    '         "ValidityEndTime": 1455668702.0, ',
    '         "Value": "MIIBCgKCAQEAlSS3cl92HDycr/MTj0moOhas8habjrraXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEcEPHYoIYMbgfSw7KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1PfyP/8HwrCtR3FX5OANtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iuiAKkipEHWmUl8/P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj7UqdhvOXoBISp9t/EXYuePGEtBdrKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB", ',
    '         "Fingerprint": "7f3f401420072e50a65a141430817ab3"',
    '     }',
    '  ]',
    '}',
]) + '\n'


class SpkiKey:
    """A generator key published the way AWS's user-guide ListPublicKeys sample shows one: its Value is the DER
    SubjectPublicKeyInfo, and its Fingerprint (which the digests it signs name) is the MD5 of those bytes."""

    def __init__(self, base):
        self.base = base
        self.start, self.end = base.start, base.end
        self.der = base.private.public_key().public_bytes(serialization.Encoding.DER,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo)
        self.fingerprint = hashlib.md5(self.der).hexdigest()
        assert self.fingerprint != base.fingerprint

    def sign(self, data):
        return self.base.sign(data)


def v_key_spki_value():
    v = Vector('key-spki-value', 'Keys file in the shape of AWS\'s user-guide ListPublicKeys sample: the list is '
               '"publicKeyList", times are numeric strings; the old key\'s Value is a DER SubjectPublicKeyInfo whose '
               'Fingerprint is the MD5 of those bytes. Digests 0-2 name the key by that fingerprint, 3-4 by the MD5 '
               'of its PKCS#1 form (the same key), 5-6 are signed with the new key, given as PKCS#1 with lower-case '
               'field names and ISO-8601 times with an offset. Everything is valid. The AWS CLI reads a Value only '
               'as PKCS#1, so it is not run on this vector.', 41)
    trail = mgmt_trail()
    old, new = key('us-east-1-rotation-old'), key('us-east-1-rotation-new')
    spki = SpkiKey(old)
    c = v.chain(trail, T('2025-03-15T01:09:41Z'), [1, 2, 1, 1, 2, 1, 2], spki, signers={3: old, 4: old, 5: new, 6: new})
    assert all(k.start <= d.end <= k.end for d in c for k in [d.signer])
    keys = {'publicKeyList': [
        {'ValidityStartTime': '%.1f' % spki.start.timestamp(), 'ValidityEndTime': '%.1f' % spki.end.timestamp(),
         'Value': base64.b64encode(spki.der).decode('ascii'), 'Fingerprint': spki.fingerprint},
        {'validityStartTime': new.start.astimezone(timezone(timedelta(hours=2))).isoformat(),
         'validityEndTime': iso(new.end), 'value': base64.b64encode(new.der).decode('ascii'),
         'fingerprint': new.fingerprint},
    ]}
    v.extra_files['keys/us-east-1.json'] = pretty(keys, 4)
    why = 'the AWS CLI loads a key Value only as PKCS#1 (rsa.PublicKey.load_pkcs1), so this SubjectPublicKeyInfo key stops it'
    for d in c:
        v.differ(d.uri, 'valid', 'not_reported', why)
        for log in d.logs:
            v.differ(log.uri, 'valid', 'not_reported', why)
    return v


VECTORS.append(v_key_spki_value)


def write_real_world(out):
    entry = json.loads(REAL_WORLD_KEYS)['PublicKeyList'][0]
    assert hashlib.md5(base64.b64decode(entry['Value'])).hexdigest() == entry['Fingerprint']
    path = os.path.join(out, 'real-world', 'list-public-keys.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(REAL_WORLD_KEYS.encode('ascii'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=HERE, help='folder to write the vectors to (default: beside this script)')
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for make in VECTORS:
        v = make()
        v.write(args.out)
        e = v.expected()
        print(f'{v.name}: {len(e["digests"])} digests, {len(e["logFiles"])} logs, exit {e["exitCode"]}')
    write_real_world(args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
