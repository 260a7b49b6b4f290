#!/usr/bin/env python3
"""Independent check of the committed vectors: re-derive every verdict from the bucket bytes and keys/*.json alone
(no generator internals) and compare with expected.json. Also checks that every sidecar signature verifies (or is
expected to fail) and that every log hash matches (or is expected not to).

Untrusted input is read the way the validator must read it: a key that could lead outside bucket/ (a "." or ".."
or empty segment, an absolute key, a backslash, a percent-encoded dot, slash or backslash, or a symbolic link that
resolves outside bucket/ or to nothing) is unsafe_path and never opened; a sidecar that is a symbolic link is never
read (the digest then has no signature from metadata); digest JSON is parsed strictly (duplicate
keys, nesting deeper than 64 levels, invalid UTF-8, lone surrogates and wrong types are invalid_format), digests over
16 MiB compressed or 32 MiB inflated or holding more than 500,000 JSON values are invalid_format, and logs are inflated and hashed as a stream.

    python3 TestVectors/selfcheck.py [DIR]
"""

import base64
import hashlib
import json
import os
import re
import sys
import zlib
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

DIGEST_RE = re.compile(r'^(?P<prefix>(?:.*/)?)AWSLogs/(?:(?P<org>o-[a-z0-9]+)/)?(?P<acct>\d{12})/CloudTrail-Digest/'
                       r'(?P<region>[a-z0-9-]+)/\d{4}/\d\d/\d\d/(?P=acct)_CloudTrail-Digest_(?P=region)_'
                       r'(?P<rest>.+)_(?P<ts>\d{8}T\d{6}Z)(?P<backfill>_backfill)?\.json\.gz$')
HOUR = 3600
# [prefix/]AWSLogs/[o-org/]ACCOUNT/KIND/REGION/rest, for any object in a CloudTrail tree (rest None: not below a region)
TREE_RE = re.compile(r'^(?P<scope>(?:.*/)?AWSLogs/(?:o-[^/]+/)?(?P<acct>\d{12})/(?P<kind>CloudTrail|CloudTrail-Digest|'
                     r'CloudTrail-Insight)(?:/(?P<region>[^/]+))?)(?:/(?P<rest>.+))?$', re.S)


def shown(key):
    """How the validator prints a key: printable UTF-8 as it is; otherwise bytes that are not UTF-8, control
    characters and '%' as %XX."""
    raw = os.fsencode(key)
    try:
        text = raw.decode('utf-8')
        if all(ord(c) >= 0x20 and not 0x7f <= ord(c) <= 0x9f for c in text):
            return text
    except UnicodeDecodeError:
        pass
    out, i = '', 0
    while i < len(raw):
        for n in (4, 3, 2):
            chunk = raw[i:i + n]
            try:
                c = chunk.decode('utf-8')
            except UnicodeDecodeError:
                continue
            if len(c) == 1 and ord(c) >= 0xa0 and len(chunk) == n:
                out, i = out + c, i + n
                break
        else:
            b = raw[i]
            out += f'%{b:02X}' if b < 0x20 or b == 0x25 or b >= 0x7f else chr(b)
            i += 1
    return out
GAP_EVENTS = {'StopLogging', 'DeleteTrail', 'UpdateTrail', 'StartLogging', 'CreateTrail'}
EXPLANATION_MARGIN = 2 * HOUR
REQUIRED_STRINGS = ['digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object',
                    'digestPublicKeyFingerprint']
OPTIONAL_STRINGS = ['awsAccountId', 'digestSignatureAlgorithm', 'previousDigestSignature', 'previousDigestS3Bucket',
                    'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm',
                    'newestEventTime', 'oldestEventTime']
LOG_REQUIRED_STRINGS = ['s3Bucket', 's3Object', 'hashValue']
LOG_OPTIONAL_STRINGS = ['hashAlgorithm', 'oldestEventTime', 'newestEventTime']
MAX_DIGEST_FILE = 16 << 20
MAX_DIGEST_JSON = 32 << 20
MAX_DEPTH = 64
MAX_VALUES = 500_000          # scalars, arrays, objects and member names in one JSON document
LOG_MAX_FILE = 256 << 20      # a log read for explanations: on disk,
LOG_MAX_SCANNED = 1 << 30     # inflated and searched for a CloudTrail call,
LOG_MAX_PARSED = 48 << 20     # inflated and parsed, when it may hold one
LOG_MARKERS = (b'cloudtrail.amazonaws.com', b'\\u')
CHUNK = 1 << 20


class Unsafe(Exception):
    pass


def key_problem(key):
    """Why a key must not be joined below bucket/, or None."""
    if not key:
        return 'empty key'
    if key.startswith('/'):
        return 'absolute key'
    if '\0' in key:
        return 'NUL in key'
    low = key.lower()
    if '%2e' in low or '%2f' in low or '%5c' in low:
        return 'percent-encoded dot or slash'
    if '\\' in key:
        return 'backslash'
    if any(seg in ('', '.', '..') for seg in key.split('/')):
        return 'empty, "." or ".." segment'
    return None


def resolve(broot, key):
    """bucket/KEY as a path, or raise Unsafe; a path that does not exist is returned as is (not found)."""
    problem = key_problem(key)
    if problem:
        raise Unsafe(problem)
    path = os.path.join(broot, *key.split('/'))
    if os.path.lexists(path):
        if not os.path.exists(path):
            raise Unsafe('dangling symbolic link')
        if not os.path.realpath(path).startswith(os.path.realpath(broot) + os.sep):
            raise Unsafe('symbolic link leads outside the bucket copy')
    return path


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError('duplicate key')
    return dict(pairs)


def _max_depth(text):
    """Deepest [ / { nesting, outside strings; computed without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == '\\':
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in '[{':
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ']}':
            depth -= 1
    return deepest


def _value_count(value):
    """Values in a parsed document as the strict reader counts them: each scalar, array, object and member name."""
    count, pending = 0, [value]
    while pending:
        v = pending.pop()
        count += 1
        if isinstance(v, dict):
            count += len(v)
            pending.extend(v.values())
        elif isinstance(v, list):
            pending.extend(v)
    return count


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _is_time(text):
    try:
        datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ')
        return True
    except ValueError:
        return False


def parse_digest(raw):
    """(inflated bytes, dict) of a digest file, or raise ValueError: the strict reading."""
    if len(raw) > MAX_DIGEST_FILE:
        raise ValueError('file too big')
    z = zlib.decompressobj(31)
    try:
        inflated = z.decompress(raw, MAX_DIGEST_JSON + 1)
    except zlib.error as e:
        raise ValueError(str(e))
    if len(inflated) > MAX_DIGEST_JSON or not z.eof or z.unused_data:
        raise ValueError('too big, truncated, or trailing data')
    text = inflated.decode('utf-8')                  # strict: invalid UTF-8 raises (a ValueError)
    if _max_depth(text) > MAX_DEPTH:
        raise ValueError('nested too deep')
    d = json.loads(text, object_pairs_hook=_no_duplicates)
    if _value_count(d) > MAX_VALUES:
        raise ValueError('more than 500,000 values')
    for string in _strings(d):
        string.encode('utf-8')                       # a lone surrogate (\ud800) raises (a ValueError)
    if not isinstance(d, dict):
        raise ValueError('not an object')
    for f in REQUIRED_STRINGS:
        if not isinstance(d.get(f), str):
            raise ValueError(f'{f} absent or not a string')
    if not (_is_time(d['digestStartTime']) and _is_time(d['digestEndTime'])):
        raise ValueError('bad time')
    for f in OPTIONAL_STRINGS:
        if d.get(f) is not None and not isinstance(d[f], str):
            raise ValueError(f'{f} not a string')
    if 'previousDigestSignature' not in d or not isinstance(d.get('logFiles'), list):
        raise ValueError('previousDigestSignature absent, or logFiles not an array')
    for lf in d['logFiles']:
        if not isinstance(lf, dict) or not all(isinstance(lf.get(f), str) for f in LOG_REQUIRED_STRINGS) or \
                any(lf.get(f) is not None and not isinstance(lf[f], str) for f in LOG_OPTIONAL_STRINGS):
            raise ValueError('bad logFiles entry')
    return inflated, d


def parse_time(v):
    if isinstance(v, (int, float)):
        return datetime.fromtimestamp(v, timezone.utc)
    try:
        return datetime.fromtimestamp(float(v), timezone.utc)   # a key time as a numeric string ("1436317441.0")
    except ValueError:
        return datetime.fromisoformat(v.replace('Z', '+00:00'))


def _field(obj, name):
    """A key file's member in any letter case (AWS's user-guide sample writes "publicKeyList")."""
    found = [value for k, value in obj.items() if k.lower() == name.lower()]
    assert len(found) <= 1, f'{name} given twice'
    return found[0] if found else None


def load_keys(vdir):
    """region -> fingerprint -> (key, start, end). A Value may be PKCS#1 or SubjectPublicKeyInfo DER; its key answers
    to the MD5 of the bytes given and to the MD5 of its PKCS#1 and SubjectPublicKeyInfo forms."""
    keys = {}
    for name in os.listdir(os.path.join(vdir, 'keys')):
        region = name[:-5]
        with open(os.path.join(vdir, 'keys', name)) as f:
            for k in _field(json.load(f), 'PublicKeyList'):
                der = base64.b64decode(_field(k, 'Value'))
                assert hashlib.md5(der).hexdigest() == _field(k, 'Fingerprint')
                try:
                    pub = _load_pkcs1(der)
                except ValueError:
                    pub = serialization.load_der_public_key(der)
                pkcs1 = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
                spki = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
                entry = (pub, parse_time(_field(k, 'ValidityStartTime')), parse_time(_field(k, 'ValidityEndTime')))
                for fingerprint in {hashlib.md5(der).hexdigest(), hashlib.md5(pkcs1).hexdigest(),
                                    hashlib.md5(spki).hexdigest()}:
                    keys.setdefault(region, {})[fingerprint] = entry
    return keys


def _load_pkcs1(der):
    pem = b'-----BEGIN RSA PUBLIC KEY-----\n' + base64.encodebytes(der) + b'-----END RSA PUBLIC KEY-----\n'
    return serialization.load_pem_public_key(pem)


def ts_key(key):
    return DIGEST_RE.match(key).group('ts')


def ts_time(ts):
    return datetime.strptime(ts, '%Y%m%dT%H%M%SZ').replace(tzinfo=timezone.utc)


def iso_ts(ts):
    return datetime.strptime(ts, '%Y%m%dT%H%M%SZ').strftime('%Y-%m-%dT%H:%M:%SZ')


def iso(t):
    return t.strftime('%Y-%m-%dT%H:%M:%SZ')


def with_time(key, t):
    """A digest key with its end time (file name and YYYY/MM/DD folders) replaced by t."""
    m = DIGEST_RE.match(key)
    org = m['org'] + '/' if m['org'] else ''
    return (f"{m['prefix']}AWSLogs/{org}{m['acct']}/CloudTrail-Digest/{m['region']}/{t.strftime('%Y/%m/%d')}/"
            f"{m['acct']}_CloudTrail-Digest_{m['region']}_{m['rest']}_{t.strftime('%Y%m%dT%H%M%SZ')}"
            f"{m['backfill'] or ''}.json.gz")


def read_records(path):
    """Records of a log file (gzip or plain JSON), or [] when it is not one, holds no CloudTrail call (neither
    cloudtrail.amazonaws.com nor a \\u escape that could spell it), or is over a limit: at most 256 MiB on disk,
    1 GiB inflated, and 48 MiB inflated when it holds a CloudTrail call and is therefore parsed."""
    try:
        if os.path.getsize(path) > LOG_MAX_FILE:
            return []
        with open(path, 'rb') as f:
            raw = f.read()
        if raw[:2] != b'\x1f\x8b':
            data = raw
        else:
            z, pieces, total = zlib.decompressobj(31), [], 0
            piece = z.decompress(raw, CHUNK)
            while piece:
                total += len(piece)
                if total > LOG_MAX_SCANNED:
                    return []
                if total <= LOG_MAX_PARSED + CHUNK:
                    pieces.append(piece)
                piece = z.decompress(z.unconsumed_tail, CHUNK)
            if not z.eof:
                return []
            data = b''.join(pieces)
        if not any(m in data for m in LOG_MARKERS) or len(data) > LOG_MAX_PARSED:
            return []
        records = json.loads(data).get('Records')
        return records if isinstance(records, list) else []
    except (ValueError, zlib.error, AttributeError, OSError):
        return []


def explanations(files, scope, trail_names, start, end):
    """CloudTrail calls recorded in the scope's logs within two hours of a gap that switch logging or validation."""
    found = []
    for key, path in files.items():
        if not key.startswith(scope + '/') or key.endswith('.metadata.json') or os.path.islink(path):
            continue
        for r in read_records(path):
            if not isinstance(r, dict) or r.get('eventSource') != 'cloudtrail.amazonaws.com' or \
                    r.get('eventName') not in GAP_EVENTS or r.get('errorCode'):
                continue
            params = r.get('requestParameters') or {}
            if params.get('name') is not None and params['name'].rsplit('/', 1)[-1] not in trail_names:
                continue
            if r['eventName'] in ('UpdateTrail', 'CreateTrail') and \
                    not isinstance(params.get('enableLogFileValidation'), bool):
                continue
            t = parse_time(r['eventTime'])
            if (start - t).total_seconds() <= EXPLANATION_MARGIN and (t - end).total_seconds() <= EXPLANATION_MARGIN:
                found.append((t, {'eventName': r['eventName'], 'eventTime': r['eventTime'],
                                  'userArn': (r.get('userIdentity') or {}).get('arn'),
                                  'sourceIPAddress': r.get('sourceIPAddress')}))
    return [e for _, e in sorted(found, key=lambda x: x[0])]


# ---------------------------------------------------------------------------------------------------------------
# what the signature does not prove (issue 16): each returns a reason or None

SHA256_HEX = re.compile(r'[0-9a-fA-F]{64}')
MAX_SPAN = 90 * 60            # digests are hourly
MIN_LINKED_SPAN = 30 * 60     # a digest that continues a chain covers about an hour
MAX_EVENT_LEAD = 24 * HOUR    # events may precede a digest's start, but not by more than a day


def labels_ok(d):
    if d.get('previousDigestHashValue') is not None or d.get('previousDigestHashAlgorithm') is not None:
        if d.get('previousDigestHashAlgorithm') != 'SHA-256' or \
                not SHA256_HEX.fullmatch(d.get('previousDigestHashValue') or ''):
            return False
    return all(lf.get('hashAlgorithm') == 'SHA-256' and SHA256_HEX.fullmatch(lf['hashValue'])
               for lf in d['logFiles'])


def time_problem(d, key):
    start, end = parse_time(d['digestStartTime']), parse_time(d['digestEndTime'])
    if not start < end:
        return 'time_mismatch'
    m = DIGEST_RE.match(key)
    if m:
        if m['ts'] != end.strftime('%Y%m%dT%H%M%SZ') or ''.join(key.split('/')[-4:-1]) != end.strftime('%Y%m%d'):
            return 'time_mismatch'
    span = (end - start).total_seconds()
    if span > MAX_SPAN or (d.get('previousDigestS3Object') is not None and span < MIN_LINKED_SPAN):
        return 'time_mismatch'
    return None


def place_problem(d, key):
    m = DIGEST_RE.match(key)
    if not m:
        return None
    if d.get('awsAccountId') != m['acct']:
        return 'wrong_place'
    org = m['org'] + '/' if m['org'] else ''
    folder = f"{m['prefix']}AWSLogs/{org}{m['acct']}/CloudTrail/{m['region']}/"
    name = re.compile(rf"\d{{4}}/\d\d/\d\d/{m['acct']}_CloudTrail_{re.escape(m['region'])}_[^/]*\.json\.gz")
    for lf in d['logFiles']:
        if key_problem(lf['s3Object']):
            continue   # judged on the log itself: unsafe_path
        if lf['s3Bucket'] != d['digestS3Bucket'] or not lf['s3Object'].startswith(folder) or \
                not name.fullmatch(lf['s3Object'][len(folder):]):
            return 'wrong_place'
    return None


def event_problem(d):
    start, end = parse_time(d['digestStartTime']), parse_time(d['digestEndTime'])

    def times(o, n):
        if o is None and n is None:
            return True, None
        if o is None or n is None or not _is_time(o) or not _is_time(n):
            return False, None
        o, n = parse_time(o), parse_time(n)
        ok = o <= n and n <= end and (start - o).total_seconds() <= MAX_EVENT_LEAD
        return ok, (o, n)

    ok, own = times(d.get('oldestEventTime'), d.get('newestEventTime'))
    if not ok:
        return 'implausible_event_times'
    lo = hi = None
    for lf in d['logFiles']:
        ok, t = times(lf.get('oldestEventTime'), lf.get('newestEventTime'))
        if not ok:
            return 'implausible_event_times'
        if t:
            lo, hi = min(lo or t[0], t[0]), max(hi or t[1], t[1])
    if own and lo and (own[0] > lo or own[1] < hi):
        return 'implausible_event_times'
    return None


def repeat_problem(d):
    listed = [(lf['s3Bucket'], lf['s3Object']) for lf in d['logFiles']]
    return 'log_listed_twice' if len(set(listed)) != len(listed) else None


def log_delivery(key, acct, region):
    m = re.match(rf'{acct}_CloudTrail_{re.escape(region)}_(\d{{8}}T\d{{4}}Z)', key.rsplit('/', 1)[-1])
    return datetime.strptime(m[1], '%Y%m%dT%H%MZ').replace(tzinfo=timezone.utc) if m else None


def check_vector(vdir):
    exp = json.load(open(os.path.join(vdir, 'expected.json')))
    args = exp['arguments']
    strict = '--strict' in args
    trail_status = None
    if '--trail-status' in args:
        trail_status = json.load(open(os.path.join(vdir, args[args.index('--trail-status') + 1])))
    bucket_name = exp['digests'][0]['s3Uri'].split('/')[2]
    broot = os.path.join(vdir, 'bucket')
    files = {}
    for dp, _, fs in os.walk(broot):
        for f in fs:
            files[os.path.relpath(os.path.join(dp, f), broot)] = os.path.join(dp, f)
    keys = load_keys(vdir)
    chains = {}
    for k in files:
        m = DIGEST_RE.match(k)
        if m:
            chains.setdefault((m['prefix'], m['org'], m['acct'], m['region'], m['rest'], bool(m['backfill'])),
                              []).append(k)
    digests, logs, gaps = [], [], []     # digests: (uri, status, reason); logs: (uri, status, reason, note)
    spans, listed = {}, set()            # log folder -> [earliest digestStartTime, latest digestEndTime]; (bucket, key)
    unreadable = {}                      # log folder -> end times of digest files that exist but cannot be read
    stats = {'sig_ok': 0, 'hash_ok': 0}
    uri = lambda k: f's3://{bucket_name}/{k}'

    def read_digest(path):
        with open(path, 'rb') as f:
            raw = f.read()
        try:
            return parse_digest(raw)
        except ValueError:
            return None, None

    # the filters: --region and --trail-arn narrow the chains walked; --trail (a multi-region trail) and
    # --trail-arn narrow the log folders checked to theirs
    regions = [args[i + 1] for i, a in enumerate(args) if a == '--region']
    trail_name = args[args.index('--trail-arn') + 1].rsplit('/', 1)[1] if '--trail-arn' in args else None
    other_listed = set()
    for (prefix, org, acct, region, rest, backfill) in list(chains):
        if (regions and region not in regions) or (trail_name and rest.rsplit('_', 1)[0] != trail_name):
            for k in chains.pop((prefix, org, acct, region, rest, backfill)):
                d = read_digest(files[k])[1] if os.path.isfile(files[k]) else None
                if d is not None:
                    other_listed.update((lf['s3Bucket'], lf['s3Object']) for lf in d['logFiles'])
    checked = None
    if regions or trail_name:
        checked = {f"{p}AWSLogs/{o + '/' if o else ''}{a}/CloudTrail/{r}" for (p, o, a, r, _, _) in chains}

    for (prefix, org, acct, region, rest, backfill), on_disk in chains.items():
        on_disk.sort(key=ts_key)
        scope = f"{prefix}AWSLogs/{org + '/' if org else ''}{acct}/CloudTrail/{region}"
        visited, owners, claims = set(), {}, {}   # owners: sha256 of content -> key; claims: predecessor -> claimant
        oldest = None

        def parsed(d):
            s, e = parse_time(d['digestStartTime']), parse_time(d['digestEndTime'])
            lo, hi = spans.get(scope, (s, e))
            spans[scope] = (min(lo, s), max(hi, e))
            listed.update((lf['s3Bucket'], lf['s3Object']) for lf in d['logFiles'])

        def older_than(ts):
            cands = [k for k in on_disk if ts_key(k) < ts and k not in visited]
            return cands[-1] if cands else None

        def infer(cur, older):
            """A run of deleted digests: one per hour between cur and the next older digest on disk."""
            if older is None:
                return
            t, o = ts_time(ts_key(cur)), ts_time(ts_key(older))
            hours = round((t - o).total_seconds() / HOUR)
            for k in range(1, hours):
                digests.append((uri(with_time(cur, datetime.fromtimestamp(t.timestamp() - k * HOUR, timezone.utc))),
                                'missing', 'not_found'))

        def judge(cur, successor):
            """(verdict, digest dict or None, inflated bytes, own signature hex or None) of the digest at key cur;
            successor: (digest dict, valid?) of the newer digest that linked to it, or None."""
            try:
                path = resolve(broot, cur)
            except Unsafe:
                # present (or not), never opened: what it lists is unknown
                unreadable.setdefault(scope, []).append(ts_time(ts_key(cur)))
                return ('invalid', 'unsafe_path'), None, None, None
            if not os.path.isfile(path):
                return ('missing', 'not_found'), None, None, None
            inflated, d = read_digest(path)
            verdict, own = None if d is not None else ('invalid', 'invalid_format'), None
            if d is None:
                unreadable.setdefault(scope, []).append(ts_time(ts_key(cur)))
            side = None
            sidecar = path + '.metadata.json'
            # a sidecar is never read through a symbolic link (wherever it leads): it is then no signature source
            if os.path.isfile(sidecar) and not os.path.islink(sidecar):
                side = json.load(open(sidecar))['Metadata']
            if not verdict and (d['digestS3Bucket'] != bucket_name or d['digestS3Object'] != cur):
                verdict = ('invalid', 'moved')
            if not verdict and (d.get('digestSignatureAlgorithm') != 'SHA256withRSA' or
                                (side and side['signature-algorithm'] != 'SHA256withRSA')):
                verdict = ('invalid', 'unsupported_signature_algorithm')
            if not verdict and not labels_ok(d):
                verdict = ('invalid', 'unsupported_hash_algorithm')
            signed_at, tolerance = (parse_time(d['digestEndTime']) if d else None), 0
            if not verdict and backfill:
                # a backfill digest is signed when generated: the key must be valid within an hour of that time
                generated = (side or {}).get('backfill-generation-timestamp')
                if generated is None:
                    verdict = ('invalid', 'invalid_format')
                else:
                    signed_at, tolerance = parse_time(generated), HOUR
            if not verdict:
                fp = d['digestPublicKeyFingerprint']
                entry = keys.get(region, {}).get(fp.lower())
                if not entry:
                    other = any(fp.lower() in ks for r, ks in keys.items() if r != region)
                    verdict = ('invalid', 'key_wrong_region' if other else 'unknown_fingerprint')
                elif not ((entry[1] - signed_at).total_seconds() <= tolerance and
                          (signed_at - entry[2]).total_seconds() <= tolerance):
                    verdict = ('invalid', 'key_not_valid_at_time')
            if not verdict:
                sig = side['signature'] if side else (successor[0]['previousDigestSignature'] if successor else None)
                trusted = side is not None or (successor is not None and successor[1])
                if sig is None:
                    verdict = ('unverified', 'signature_unavailable')
                elif trusted and (not re.fullmatch(r'(?:[0-9a-fA-F]{2})*', sig) or
                                  len(sig) // 2 != entry[0].key_size // 8):
                    verdict = ('invalid', 'malformed_signature')
                else:
                    to_sign = '\n'.join([d['digestEndTime'], d['digestS3Bucket'] + '/' + d['digestS3Object'],
                                         hashlib.sha256(inflated).hexdigest(),
                                         d['previousDigestSignature'] or 'null']).encode()
                    try:
                        entry[0].verify(bytes.fromhex(sig), to_sign, padding.PKCS1v15(), hashes.SHA256())
                        stats['sig_ok'] += 1
                        own = sig
                    except (InvalidSignature, ValueError):
                        verdict = ('invalid', 'signature_failed')
            if not verdict and successor and successor[1] and \
                    successor[0]['previousDigestHashValue'].lower() != hashlib.sha256(inflated).hexdigest():
                verdict = ('invalid', 'previous_hash_mismatch')
            if not verdict:
                reason = time_problem(d, cur) or place_problem(d, cur) or event_problem(d) or repeat_problem(d)
                verdict = ('invalid', reason) if reason else None
            return verdict or ('valid', None), d, inflated, (own if side is not None else None)

        def against_chain(d, cur):
            """Checks of a valid digest against the chain: (reason or None, judgement of its predecessor to reuse)."""
            prev_bucket, prev_key = d.get('previousDigestS3Bucket'), d.get('previousDigestS3Object')
            if prev_key is not None and not key_problem(prev_key) and DIGEST_RE.match(prev_key):
                m = DIGEST_RE.match(prev_key)
                if prev_bucket != bucket_name or (m['prefix'], m['org'], m['acct'], m['region'], m['rest'],
                                                  bool(m['backfill'])) != chain_id:
                    return 'splice', None
            # a fork, whatever the names: another validly signed digest claims the same predecessor
            for k in claims_all.get((prev_bucket, prev_key), []) if prev_key is not None else []:
                if k == cur:
                    continue
                (status, _), other, _, _ = judge(k, None)
                if status == 'valid':
                    theirs = {(o['s3Bucket'], o['s3Object'], o['hashValue'].lower()) for o in other['logFiles']}
                    fork_shared.clear()
                    fork_shared.update((lf['s3Bucket'], lf['s3Object']) for lf in d['logFiles']
                                       if (lf['s3Bucket'], lf['s3Object'], lf['hashValue'].lower()) in theirs)
                    return 'fork', None
            # a log another validly signed digest lists too: wrong here when not delivered during this span
            for lf in d['logFiles']:
                for k in listers.get((lf['s3Bucket'], lf['s3Object']), []):
                    if k == cur or judge(k, None)[0][0] != 'valid':
                        continue
                    t = log_delivery(lf['s3Object'], acct, region)
                    if t is None or (parse_time(d['digestStartTime']) - t).total_seconds() > 59 or \
                            t > parse_time(d['digestEndTime']):
                        return 'log_listed_twice', None
            if prev_key is None or prev_key in visited or not DIGEST_RE.match(prev_key) or \
                    ts_key(prev_key) >= ts_key(cur):
                return None, None
            ahead = judge(prev_key, (d, True))
            (status, reason), older, inflated, own = ahead
            recorded = d['previousDigestSignature']
            if status == 'valid':
                if own is not None and recorded is not None and own.lower() != recorded.lower():
                    return 'link_mismatch', None
                if parse_time(d['digestStartTime']) < parse_time(older['digestEndTime']):
                    return 'overlap', None
                if parse_time(d['digestStartTime']) > parse_time(older['digestEndTime']):
                    # a hole between linked digests: a gap, no finding on either
                    gaps.append((scope, rest, parse_time(older['digestEndTime']), parse_time(d['digestStartTime'])))
            elif reason == 'previous_hash_mismatch':
                if own is not None and recorded is not None and own.lower() == recorded.lower():
                    return 'link_mismatch', None
            elif reason in ('signature_failed', 'malformed_signature') and own is None and older is not None and \
                    d['previousDigestHashValue'].lower() == hashlib.sha256(inflated).hexdigest():
                return 'link_mismatch', None
            return None, ahead

        chain_id = (prefix, org, acct, region, rest, backfill)
        claims_all, fork_shared = {}, set()  # predecessor -> every readable digest of the chain that claims it
        listers = {}                         # (bucket, key) of a log -> every readable digest of the chain listing it
        for k in on_disk:
            try:
                _, dk = read_digest(resolve(broot, k))
            except (Unsafe, OSError):
                continue
            if dk is not None and dk.get('previousDigestS3Object') is not None:
                claims_all.setdefault((dk['previousDigestS3Bucket'], dk['previousDigestS3Object']), []).append(k)
            for lf in (dk or {}).get('logFiles', []):
                listers.setdefault((lf['s3Bucket'], lf['s3Object']), []).append(k)
        cur, successor, peeked = on_disk[-1], None, None   # successor: (digest dict, valid?) that linked to cur
        while cur:
            visited.add(cur)
            oldest = min(oldest or ts_key(cur), ts_key(cur))
            verdict, d, inflated, own = peeked[1] if peeked and peeked[0] == cur else judge(cur, successor)
            peeked = None
            if verdict == ('invalid', 'unsafe_path'):
                digests.append((uri(cur),) + verdict)
                cur, successor = older_than(ts_key(cur)), None   # the link's key must still say its timestamp
                continue
            if verdict == ('missing', 'not_found'):
                digests.append((uri(cur), 'missing', 'not_found'))
                older = older_than(ts_key(cur))
                if successor:
                    infer(cur, older)
                cur, successor = older, None
                continue
            if verdict[0] == 'valid':
                reason, ahead = against_chain(d, cur)
                if reason:
                    verdict = ('invalid', reason)
                elif ahead:
                    peeked = (d['previousDigestS3Object'], ahead)
            digests.append((uri(cur),) + verdict)
            if d is not None:
                parsed(d)
                owners.setdefault(hashlib.sha256(inflated).hexdigest(), cur)
                if d.get('previousDigestS3Bucket') is not None and d.get('previousDigestS3Object') is not None:
                    claims.setdefault((d['previousDigestS3Bucket'], d['previousDigestS3Object']), cur)
                for lf in d['logFiles']:
                    # one branch of a fork: what both branches list (same hash) is proven by either
                    shared = verdict == ('invalid', 'fork') and (lf['s3Bucket'], lf['s3Object']) in fork_shared
                    logs.append((f"s3://{lf['s3Bucket']}/{lf['s3Object']}",) +
                                check_log(lf, broot, ('valid', None) if shared else verdict, stats))
            if verdict[0] == 'invalid':
                older = older_than(ts_key(cur))
                # junk (or any invalid file) at a deleted digest's name must not hide the deleted hours below it
                infer(cur, older)
                cur, successor = older, (d, False) if d is not None else None
            elif d.get('previousDigestS3Object') is None:
                older = older_than(ts_key(cur))
                if older and verdict[0] == 'valid':
                    gaps.append((scope, rest, ts_time(ts_key(older)), parse_time(d['digestStartTime'])))
                elif verdict[0] != 'valid':
                    # an unproven "chain start" may be planted at a deleted digest's name: infer, no gap
                    infer(cur, older)
                cur, successor = older, None
            else:
                if verdict[0] != 'valid' and DIGEST_RE.match(d['previousDigestS3Object']):
                    infer(cur, d['previousDigestS3Object'])
                cur, successor = d['previousDigestS3Object'], (d, verdict[0] == 'valid')

        # digests on disk the walk passed by (newer than the oldest it reached, never reached): off the chain
        for k in reversed(on_disk):
            if k in visited or ts_key(k) <= oldest:
                continue
            try:
                path = resolve(broot, k)
            except Unsafe:
                digests.append((uri(k), 'invalid', 'unsafe_path'))
                unreadable.setdefault(scope, []).append(ts_time(ts_key(k)))
                continue
            inflated, d = read_digest(path)
            if d is None:
                digests.append((uri(k), 'invalid', 'invalid_format'))
                unreadable.setdefault(scope, []).append(ts_time(ts_key(k)))
                continue
            parsed(d)
            if hashlib.sha256(inflated).hexdigest() in owners:
                reason = 'duplicate'
            elif d['digestS3Bucket'] != bucket_name or d['digestS3Object'] != k:
                reason = 'moved'
            elif d.get('previousDigestS3Bucket') is not None and d.get('previousDigestS3Object') is not None and \
                    (d['previousDigestS3Bucket'], d['previousDigestS3Object']) in claims:
                reason = 'fork'
            else:
                reason = 'off_chain'
            digests.append((uri(k), 'invalid', reason))
            # A log the chain already judged is reported once, from the chain; the rest cannot be proven.
            judged = {entry[0] for entry in logs}
            for lf in d['logFiles']:
                log_uri = f"s3://{lf['s3Bucket']}/{lf['s3Object']}"
                if log_uri not in judged:
                    logs.append((log_uri, 'unverified', 'digest_invalid', None))

        # the digests CloudTrail says it delivered after the newest one on disk (get-trail-status)
        if trail_status is not None and not backfill:
            newest = on_disk[-1]
            e, last = ts_time(ts_key(newest)), parse_time(trail_status['LatestDigestDeliveryTime'])
            for k in range(1, int((last - e).total_seconds() // HOUR) + 1):
                digests.append((uri(with_time(newest, datetime.fromtimestamp(e.timestamp() + k * HOUR,
                                                                             timezone.utc))),
                                'missing', 'not_found'))

    # coverage: every entry of every log region folder, in the span of its folder's readable digests (or of all of
    # them, for a folder no chain covers), that no readable digest lists
    chain_scopes = {f"{p}AWSLogs/{o + '/' if o else ''}{a}/CloudTrail/{r}" for (p, o, a, r, _, _) in chains}
    run = (min(a for a, _ in spans.values()), max(b for _, b in spans.values())) if spans else None
    for k in sorted(files, key=os.fsencode):
        m = TREE_RE.match(k)
        if not m or m['kind'] != 'CloudTrail' or m['rest'] is None:
            continue
        scope = m['scope']
        if checked is not None and scope not in checked:
            continue
        start, end = spans.get(scope, run)
        acct, region = m['acct'], m['region']
        name = k.rsplit('/', 1)[-1]
        nm = re.match(rf'^{acct}_CloudTrail_{re.escape(region)}_(\d{{8}}T\d{{4}}Z)', name)
        t = None
        if nm and name.endswith('.json.gz'):
            try:
                t = datetime.strptime(nm[1], '%Y%m%dT%H%MZ').replace(tzinfo=timezone.utc)
            except ValueError:
                t = None
        dm = re.match(r'^(\d{4})/(\d\d)/(\d\d)$', '/'.join(k.split('/')[-4:-1]))
        try:
            day = datetime(int(dm[1]), int(dm[2]), int(dm[3]), tzinfo=timezone.utc) if dm else None
        except ValueError:
            day = None
        disagree = t is not None and day is not None and t.date() != day.date()
        by_name = t is not None and t >= start and (t - end).total_seconds() <= -59
        by_day = day is not None and start.replace(hour=0, minute=0, second=0) <= day <= end
        if t is None:
            inside = by_day if day is not None else True
        else:
            inside = (by_name or by_day) if disagree else by_name
        if not inside or (bucket_name, k) in listed or (bucket_name, k) in other_listed:
            continue
        try:
            os.fsencode(k).decode('utf-8')
            utf8 = True
        except UnicodeDecodeError:
            utf8 = False
        if t is None or not utf8:
            reason = 'unrecognized_name'
        elif disagree:
            reason = 'date_mismatch'
        elif scope not in chain_scopes:
            reason = 'no_digest_chain'
        elif any(g[0] == scope and g[2] < t < g[3] for g in gaps):
            reason = 'delivered_during_gap'
        elif any(0 <= (e - t).total_seconds() <= 3900 for e in unreadable.get(scope, [])):
            reason = 'digest_unreadable'
        else:
            reason = 'not_in_any_digest'
        logs.append((uri(shown(k)), 'unverified' if reason == 'digest_unreadable' else 'unreferenced', reason, None))

    # objects: in a CloudTrail tree, neither a digest, a sidecar beside one, nor in a log region folder
    objects = []
    for k in sorted(files, key=os.fsencode):
        m = TREE_RE.match(k)
        if not m:
            continue
        if m['kind'] == 'CloudTrail-Digest':
            if DIGEST_RE.match(k):
                continue
            if k.endswith('.metadata.json') and DIGEST_RE.match(k[:-14]):
                if k[:-14] not in files:
                    objects.append((uri(shown(k)), 'invalid', 'orphan_sidecar'))
                continue
            objects.append((uri(shown(k)), 'invalid', 'unexpected_object'))
        elif m['rest'] is None:
            objects.append((uri(shown(k)), 'invalid', 'unexpected_object'))

    # gaps are explained only from logs proven here: listed by a valid digest, hash matched
    valid_uris = {u for u, st, _, _ in logs if st == 'valid'}
    proven = {k: p for k, p in files.items() if uri(k) in valid_uris}
    got_d = sorted([{'s3Uri': u, 'status': s, 'reason': r} for u, s, r in digests], key=lambda e: e['s3Uri'])
    got_l = [{'s3Uri': u, 'status': s, 'reason': r, 'note': n}
             for u, s, r, n in sorted(logs, key=lambda e: (e[0], e[1], e[2] or '', e[3] or ''))]
    got_g = [{'start': iso(a), 'end': iso(b),
              'explanations': explanations(proven, scope, {rest.rsplit('_', 1)[0]}, a, b)}
             for scope, rest, a, b in sorted(gaps, key=lambda g: g[2])]
    got_o = sorted([{'s3Uri': u, 'status': st, 'reason': r} for u, st, r in objects], key=lambda e: e['s3Uri'])
    if got_o != exp.get('objects', []):
        problems_objects = [('objects', got_o, exp.get('objects', []))]
    else:
        problems_objects = []
    exit_code = 0 if not got_o and all(e['status'] == 'valid' for e in got_d) and all(
        e['status'] == 'valid' or (e['reason'] == 'delivered_during_gap' and not strict) for e in got_l) else 1
    problems = problems_objects
    if len({e['s3Uri'] for e in got_d}) != len(got_d):
        problems.append(('digests reported twice', got_d, exp['digests']))
    if got_d != exp['digests']:
        problems.append(('digests', got_d, exp['digests']))
    if got_l != exp['logFiles']:
        problems.append(('logFiles', got_l, exp['logFiles']))
    if got_g != exp['gaps']:
        problems.append(('gaps', got_g, exp['gaps']))
    if exit_code != exp['exitCode']:
        problems.append(('exitCode', exit_code, exp['exitCode']))
    return problems, stats, len(got_d), len(got_l)


def check_log(lf, broot, digest_verdict, stats):
    if digest_verdict[0] == 'invalid':
        return ('unverified', 'digest_invalid', None)
    if digest_verdict[0] == 'unverified':
        return ('unverified', 'digest_unverified', None)
    try:
        path = resolve(broot, lf['s3Object'])
    except Unsafe:
        return ('invalid', 'unsafe_path', None)
    if not os.path.isfile(path):
        return ('missing', 'not_found', None)
    with open(path, 'rb') as f:
        first = f.read(CHUNK)
        if first[:2] != b'\x1f\x8b':
            h = hashlib.sha256(first)
            for chunk in iter(lambda: f.read(CHUNK), b''):
                h.update(chunk)
            if first and h.hexdigest() == lf['hashValue'].lower():
                stats['hash_ok'] += 1
                return ('valid', None, 'stored_uncompressed')
            return ('invalid', 'invalid_format', None)
        # inflate and hash as a stream: a small file may inflate to far more than memory holds
        z, h, pending = zlib.decompressobj(31), hashlib.sha256(), first
        try:
            while pending and not z.eof:
                h.update(z.decompress(pending, CHUNK))
                while z.unconsumed_tail and not z.eof:
                    h.update(z.decompress(z.unconsumed_tail, CHUNK))
                pending = f.read(CHUNK) if not z.eof else b''
            trailing = z.unused_data or f.read(1)
        except zlib.error:
            return ('invalid', 'invalid_format', None)
    if not z.eof:
        return ('invalid', 'invalid_format', None)
    if trailing:
        return ('invalid', 'trailing_data', None)
    if h.hexdigest() != lf['hashValue'].lower():
        return ('invalid', 'hash_mismatch', None)
    stats['hash_ok'] += 1
    return ('valid', None, None)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    failed = 0
    for name in sorted(os.listdir(root)):
        if not os.path.exists(os.path.join(root, name, 'expected.json')):
            continue
        problems, stats, nd, nl = check_vector(os.path.join(root, name))
        print(f'{"FAIL" if problems else "ok  "} {name}: {nd} digests, {nl} logs, '
              f'{stats["sig_ok"]} signatures verified, {stats["hash_ok"]} log hashes matched')
        for p in problems:
            failed += 1
            print('   ', p[0], '\n     got     ', p[1], '\n     expected', p[2])
    real = json.load(open(os.path.join(root, 'real-world', 'list-public-keys.json')))['PublicKeyList'][0]
    assert hashlib.md5(base64.b64decode(real['Value'])).hexdigest() == real['Fingerprint'] == \
        '7f3f401420072e50a65a141430817ab3'
    _load_pkcs1(base64.b64decode(real['Value']))
    print('ok   real-world/list-public-keys.json: fingerprint 7f3f401420072e50a65a141430817ab3 = md5(DER)')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
