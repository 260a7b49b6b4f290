#!/usr/bin/env python3
"""Run the AWS CLI's own CloudTrail log-file validator offline against one test vector.

    awscli_offline.py [--any-version] [--bucket-name NAME] VECTOR_DIR

For each run in VECTOR_DIR/expected.json `awsCli.runs` this drives
`awscli.customizations.cloudtrail.validation.CloudTrailValidateLogs` exactly as
`aws cloudtrail validate-logs --verbose` does (handle_args, setup_services, _call and the
exit code of `_run_main`, with the CLI driver's catch-all turning an exception into exit
code 255), but hands it a fake botocore session whose S3, CloudTrail and Organizations
clients answer from the vector's files instead of AWS. Everything else, including the
CLI's S3ClientProvider, DigestProvider, DigestTraverser and RSA verification, is the
CLI's unchanged code. Sockets are disabled for the whole process.

Prints one JSON object on stdout (see README.md). Exit status 0 when the CLI ran
(whatever it concluded), 2 with a one-line message on stderr when it could not.

Run it with the pinned CLI's interpreter: `$(scripts/setup-awscli.sh) awscli_offline.py DIR`
(or /opt/awscli-1.46.3/bin/python).
"""

import argparse
import collections
import datetime
import gzip
import io
import json
import os
import re
import socket
import sys
import types

PINNED_AWSCLI_VERSION = "1.46.3"
SIDE_CAR_SUFFIX = ".metadata.json"
LIST_PAGE_SIZE = 1000  # S3 ListObjects' default MaxKeys


class HarnessError(Exception):
    """The harness cannot run this vector (bad input, wrong environment)."""


class HarnessBug(BaseException):
    """Raised from inside a fake. A BaseException so that the CLI's own
    `except Exception` handlers cannot turn a harness defect into a verdict."""


# --------------------------------------------------------------------------- network guard


def _no_network(*_args, **_kwargs):
    raise HarnessBug("network access attempted: the agreement harness must stay offline")


def disable_network():
    socket.socket.connect = _no_network
    socket.socket.connect_ex = _no_network
    socket.socket.sendto = _no_network
    socket.create_connection = _no_network
    socket.getaddrinfo = _no_network
    socket.gethostbyname = _no_network


# --------------------------------------------------------------------------- small helpers


def parse_time(value, what):
    """ISO-8601 string or epoch seconds -> aware UTC datetime (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise HarnessError(f"{what}: not a time: {value!r}")
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = datetime.datetime.fromtimestamp(float(value), tz=datetime.timezone.utc)
            except ValueError:
                raise HarnessError(f"{what}: not a time: {value!r}") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        return parsed.astimezone(datetime.timezone.utc)
    raise HarnessError(f"{what}: not a time: {value!r}")


def split_s3_uri(uri):
    if not isinstance(uri, str) or not uri.startswith("s3://") or "/" not in uri[5:]:
        raise HarnessError(f"not an s3://bucket/key URI: {uri!r}")
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


def load_json(path, what):
    try:
        with open(path, "rb") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise HarnessError(f"bad vector: {what} not found: {path}") from None
    except (OSError, ValueError) as error:
        raise HarnessError(f"bad vector: cannot read {what} {path}: {error}") from None


# --------------------------------------------------------------------------- the vector


class Vector:
    def __init__(self, directory, bucket_name=None):
        self.directory = os.path.abspath(directory)
        if not os.path.isdir(self.directory):
            raise HarnessError(f"bad vector: not a directory: {directory}")
        self.bucket_dir = os.path.join(self.directory, "bucket")
        if not os.path.isdir(self.bucket_dir):
            raise HarnessError(f"bad vector: no bucket/ folder in {directory}")
        self.expected = load_json(os.path.join(self.directory, "expected.json"), "expected.json")
        if not isinstance(self.expected, dict):
            raise HarnessError("bad vector: expected.json is not an object")
        aws_cli = self.expected.get("awsCli")
        if not isinstance(aws_cli, dict) or not isinstance(aws_cli.get("runs"), list):
            raise HarnessError("bad vector: expected.json has no awsCli.runs list")
        self.runs = [self._check_run(index, run) for index, run in enumerate(aws_cli["runs"])]
        metadata = load_json(os.path.join(self.directory, "aws-s3-metadata.json"), "aws-s3-metadata.json")
        if not isinstance(metadata, dict):
            raise HarnessError("bad vector: aws-s3-metadata.json is not an object")
        self.s3_metadata = {}
        for uri, entry in metadata.items():
            if entry is not None and not (
                isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values())
            ):
                raise HarnessError(f"bad vector: aws-s3-metadata.json entry for {uri} is not a string map")
            self.s3_metadata[split_s3_uri(uri)] = dict(entry or {})
        self.bucket_name = bucket_name or self._find_bucket_name()
        self.object_keys = self._list_objects()
        self._keys_cache = {}

    @staticmethod
    def _check_run(index, run):
        if not isinstance(run, dict):
            raise HarnessError(f"bad vector: awsCli.runs[{index}] is not an object")
        for field in ("trailArn", "region", "startTime"):
            if not isinstance(run.get(field), str) or not run[field]:
                raise HarnessError(f"bad vector: awsCli.runs[{index}].{field} missing")
        for field in ("endTime", "s3Bucket", "s3Prefix", "accountId", "organizationId"):
            if run.get(field) is not None and not isinstance(run[field], str):
                raise HarnessError(f"bad vector: awsCli.runs[{index}].{field} is not a string or null")
        return run

    def _find_bucket_name(self):
        """The S3 name of bucket/: from the S3 metadata truth, else the expected verdicts,
        else the runs' --s3-bucket, else what the digest files say."""
        sources = [
            lambda: [bucket for bucket, _ in self.s3_metadata],
            lambda: [
                split_s3_uri(entry["s3Uri"])[0]
                for section in ("digests", "logFiles")
                for entry in self.expected.get(section) or []
                if isinstance(entry, dict) and isinstance(entry.get("s3Uri"), str)
            ],
            lambda: [run["s3Bucket"] for run in self.runs if run.get("s3Bucket")],
            self._buckets_named_in_digests,  # last resort: reads untrusted digests
        ]
        for source in sources:
            names = source()
            if names:
                return collections.Counter(names).most_common(1)[0][0]
        raise HarnessError("bad vector: cannot tell the bucket's name (use --bucket-name)")

    def _buckets_named_in_digests(self):
        names = []
        for root, _dirs, files in os.walk(self.bucket_dir):
            for name in files:
                if name.endswith(".json.gz") and "CloudTrail-Digest" in root:
                    try:
                        with gzip.open(os.path.join(root, name)) as handle:
                            bucket = json.load(handle).get("digestS3Bucket")
                    except (OSError, ValueError, EOFError, AttributeError, RecursionError):
                        continue  # unreadable or hostile (e.g. nested too deep for Python's json)
                    if isinstance(bucket, str):
                        names.append(bucket)
        return names

    def _list_objects(self):
        keys = []
        for root, dirs, files in os.walk(self.bucket_dir):
            dirs.sort()
            for name in files:
                path = os.path.join(root, name)
                if not os.path.isfile(path) or name.endswith(SIDE_CAR_SUFFIX):
                    continue
                keys.append(os.path.relpath(path, self.bucket_dir).replace(os.sep, "/"))
        keys.sort(key=os.fsencode)  # S3 lists in byte order; a name that is not UTF-8 keeps its bytes
        return keys

    def read_object(self, key):
        """Bytes of the object, or None when the bucket has no such object."""
        if key.endswith(SIDE_CAR_SUFFIX) or not key or key.startswith("/"):
            return None
        parts = key.split("/")
        if any(part in ("", ".", "..") for part in parts):
            return None
        path = os.path.join(self.bucket_dir, *parts)
        if not os.path.isfile(path):
            return None
        # A symbolic link in bucket/ is served as the object it leads to (what a naive upload of the copy would
        # store), but never one that leads out of the vector's folder: the harness reads nothing else on disk.
        vector_root = os.path.realpath(self.directory) + os.sep
        if not os.path.realpath(path).startswith(vector_root):
            return None
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError as error:
            raise HarnessBug(f"cannot read {path}: {error}") from None

    def public_keys(self, region):
        """Entries of keys/<region>.json (list-public-keys output); [] when the file is absent."""
        if region not in self._keys_cache:
            path = os.path.join(self.directory, "keys", f"{region}.json")
            if not os.path.exists(path):
                self._keys_cache[region] = []
            else:
                data = load_json(path, f"keys/{region}.json")
                entries = data.get("PublicKeyList") if isinstance(data, dict) else data
                if not isinstance(entries, list):
                    raise HarnessError(f"bad vector: keys/{region}.json has no PublicKeyList")
                keys = []
                for entry in entries:
                    if not isinstance(entry, dict) or not isinstance(entry.get("Fingerprint"), str) \
                            or not isinstance(entry.get("Value"), str):
                        raise HarnessError(f"bad vector: keys/{region}.json: bad key entry {entry!r}")
                    keys.append(dict(
                        entry,
                        ValidityStartTime=parse_time(entry.get("ValidityStartTime"), f"keys/{region}.json"),
                        ValidityEndTime=parse_time(entry.get("ValidityEndTime"), f"keys/{region}.json"),
                    ))
                self._keys_cache[region] = keys
        return self._keys_cache[region]


# --------------------------------------------------------------------------- fake AWS


def _client_error(code, message, operation):
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


class FakeClient:
    """Any operation the CLI calls that the fake does not implement is a harness defect."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise HarnessBug(f"{type(self).__name__}.{name} is not faked")


class FakePageIterator:
    def __init__(self, pages):
        self._pages = pages

    def __iter__(self):
        return iter(self._pages)

    def search(self, expression):  # same flat-map as botocore.paginate.PageIterator.search
        import jmespath

        compiled = jmespath.compile(expression)
        for page in self._pages:
            results = compiled.search(page)
            if isinstance(results, list):
                yield from results
            else:
                yield results


class FakeListObjectsPaginator:
    def __init__(self, s3):
        self._s3 = s3

    def paginate(self, Bucket, Marker="", Prefix="", **kwargs):
        if kwargs:
            raise HarnessBug(f"list_objects paginate: unsupported arguments {sorted(kwargs)}")
        keys = [
            key for key in self._s3.keys_of(Bucket)
            if key.startswith(Prefix or "") and key.encode("utf-8") > (Marker or "").encode("utf-8")
        ]
        pages = []
        for start in range(0, len(keys), LIST_PAGE_SIZE):
            chunk = keys[start:start + LIST_PAGE_SIZE]
            pages.append({"Name": Bucket, "Prefix": Prefix, "Marker": Marker,
                          "IsTruncated": start + LIST_PAGE_SIZE < len(keys),
                          "Contents": [{"Key": key} for key in chunk]})
        if not pages:  # S3 answers an empty listing with a page that has no Contents
            pages.append({"Name": Bucket, "Prefix": Prefix, "Marker": Marker, "IsTruncated": False})
        return FakePageIterator(pages)


class FakeS3Client(FakeClient):
    """One S3 endpoint: the vector's bucket from bucket/, every other bucket empty."""

    def __init__(self, vector, calls):
        self._vector = vector
        self._calls = calls

    def keys_of(self, bucket):
        return self._vector.object_keys if bucket == self._vector.bucket_name else []

    def get_bucket_location(self, Bucket, **kwargs):
        self._calls.append(("s3.get_bucket_location", Bucket))
        return {"LocationConstraint": None}

    def get_paginator(self, operation_name):
        if operation_name != "list_objects":
            raise HarnessBug(f"s3 paginator {operation_name} is not faked")
        return FakeListObjectsPaginator(self)

    def get_object(self, Bucket, Key, **kwargs):
        self._calls.append(("s3.get_object", f"s3://{Bucket}/{Key}"))
        if kwargs:
            raise HarnessBug(f"get_object: unsupported arguments {sorted(kwargs)}")
        body = self._vector.read_object(Key) if Bucket == self._vector.bucket_name else None
        if body is None:
            raise _client_error("NoSuchKey", "The specified key does not exist.", "GetObject")
        metadata = self._vector.s3_metadata.get((Bucket, Key), {})
        return {"Body": io.BytesIO(body), "ContentLength": len(body), "Metadata": dict(metadata)}


class FakeCloudTrailClient(FakeClient):
    def __init__(self, vector, run, calls):
        self._vector = vector
        self._run = run
        self._calls = calls

    def list_public_keys(self, StartTime=None, EndTime=None, **kwargs):
        self._calls.append(("cloudtrail.list_public_keys", f"{StartTime} {EndTime}"))
        if kwargs:
            raise HarnessBug(f"list_public_keys: unsupported arguments {sorted(kwargs)}")
        start = StartTime.astimezone(datetime.timezone.utc) if StartTime is not None else None
        end = EndTime.astimezone(datetime.timezone.utc) if EndTime is not None else None
        selected = []
        for key in self._vector.public_keys(self._run["region"]):
            key_start, key_end = key["ValidityStartTime"], key["ValidityEndTime"]
            if end is not None and key_start is not None and key_start > end:
                continue
            if start is not None and key_end is not None and key_end < start:
                continue
            selected.append(dict(key))
        return {"PublicKeyList": selected}

    def describe_trails(self, **kwargs):
        self._calls.append(("cloudtrail.describe_trails", ""))
        run = self._run
        trail = {
            "Name": run["trailArn"].split("/")[-1],
            "TrailARN": run["trailArn"],
            "S3BucketName": self._vector.bucket_name,
            "HomeRegion": run["trailArn"].split(":")[3],
            "IsMultiRegionTrail": True,
            "IsOrganizationTrail": run.get("organizationId") is not None,
            "LogFileValidationEnabled": True,
        }
        if run.get("s3Prefix"):
            trail["S3KeyPrefix"] = run["s3Prefix"]
        return {"trailList": [trail]}


class FakeOrganizationsClient(FakeClient):
    def __init__(self, run, calls):
        self._run = run
        self._calls = calls

    def describe_organization(self, **kwargs):
        self._calls.append(("organizations.describe_organization", ""))
        organization_id = self._run.get("organizationId")
        if organization_id is None:
            raise _client_error("AWSOrganizationsNotInUseException",
                                "Your account is not a member of an organization.",
                                "DescribeOrganization")
        return {"Organization": {"Id": organization_id}}


class FakeSession:
    """Stands in for the botocore session: hands out the fakes, nothing else."""

    def __init__(self, vector, run):
        self.calls = []
        self._s3 = FakeS3Client(vector, self.calls)
        self._cloudtrail = FakeCloudTrailClient(vector, run, self.calls)
        self._organizations = FakeOrganizationsClient(run, self.calls)

    def create_client(self, service_name, **kwargs):
        clients = {"s3": self._s3, "cloudtrail": self._cloudtrail, "organizations": self._organizations}
        if service_name not in clients:
            raise HarnessBug(f"client for {service_name} is not faked")
        return clients[service_name]

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise HarnessBug(f"session.{name} is not faked")


# --------------------------------------------------------------------------- running the CLI


class RecordingStream(io.StringIO):
    """A text stream that also keeps each write() call: the CLI writes every status
    line with exactly one write, so the chunks are the statuses even if a message
    (e.g. an exception text) spans several lines."""

    def __init__(self):
        super().__init__()
        self.chunks = []

    def write(self, text):
        self.chunks.append(text)
        return super().write(text)


DIGEST_RE = re.compile(r"(\(backfill\) )?Digest file\t(s3://[^\t]*)\t(?:(valid)|INVALID: (.*))", re.S)
LOG_RE = re.compile(r"Log file\t(s3://[^\t]*)\t(?:(valid)|INVALID: (.*))", re.S)
GAP_RE = re.compile(r"(\(backfill\) )?No log files were delivered by CloudTrail between (\S+) and (\S+)")


def parse_status(chunk, result):
    """Add the verdict in one written status chunk to result; False if it is no verdict."""
    message = chunk.strip("\n")
    match = DIGEST_RE.fullmatch(message)
    if match:
        result["digests"].append({
            "s3Uri": match.group(2),
            "status": "valid" if match.group(3) else "invalid",
            "message": None if match.group(3) else match.group(4),
            "backfill": match.group(1) is not None,
        })
        return True
    match = LOG_RE.fullmatch(message)
    if match:
        result["logFiles"].append({
            "s3Uri": match.group(1),
            "status": "valid" if match.group(2) else "invalid",
            "message": None if match.group(2) else match.group(3),
        })
        return True
    match = GAP_RE.fullmatch(message)
    if match:
        result["gaps"].append({"start": match.group(2), "end": match.group(3),
                               "backfill": match.group(1) is not None})
        return True
    return False


def run_cli(vector, run, result):
    from awscli.customizations.cloudtrail.validation import CloudTrailValidateLogs
    from awscli.utils import write_exception

    session = FakeSession(vector, run)
    command = CloudTrailValidateLogs(session)
    args = types.SimpleNamespace(
        trail_arn=run["trailArn"],
        start_time=run["startTime"],
        end_time=run.get("endTime"),
        s3_bucket=run.get("s3Bucket"),
        s3_prefix=run.get("s3Prefix"),
        account_id=run.get("accountId"),
        verbose=True,
    )
    parsed_globals = types.SimpleNamespace(region=run["region"], verify_ssl=True, endpoint_url=None)

    out, err = RecordingStream(), RecordingStream()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    error = None
    try:
        try:
            # BasicCommand.__call__ ends in _run_main: handle_args, setup_services, _call, exit code.
            exit_code = command._run_main(args, parsed_globals)
        except Exception as exception:  # what awscli.clidriver.CLIDriver.main does
            error = f"{type(exception).__name__}: {exception}"
            write_exception(exception, outfile=sys.stderr)
            exit_code = 255
    finally:
        sys.stdout, sys.stderr = saved

    for chunk in out.chunks + err.chunks:
        if not parse_status(chunk, result) and re.search(r"(Digest|Log) file\t", chunk):
            raise HarnessBug(f"unparsed CLI status: {chunk!r}")
    result["runs"].append({
        "trailArn": run["trailArn"],
        "region": run["region"],
        "exitCode": exit_code,
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "error": error,
    })


class _OneLineErrorParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"awscli_offline: {message} (usage: awscli_offline.py [--any-version] "
                     f"[--bucket-name NAME] VECTOR_DIR)\n")


def main(argv=None):
    parser = _OneLineErrorParser(
        description="Run the AWS CLI's CloudTrail validate-logs offline against one test vector.")
    parser.add_argument("vector_dir")
    parser.add_argument("--any-version", action="store_true",
                        help=f"accept an awscli other than the pinned {PINNED_AWSCLI_VERSION}")
    parser.add_argument("--bucket-name", help="S3 name of VECTOR_DIR/bucket (default: worked out from the vector)")

    options = parser.parse_args(argv)  # a usage error exits 2, as promised

    disable_network()
    try:
        try:
            import awscli  # first: it aliases its vendored botocore as `botocore`
            import awscli.customizations.cloudtrail.validation  # noqa: F401
        except Exception as error:
            raise HarnessError(
                f"cannot import awscli ({type(error).__name__}: {error}); "
                f"run with the python that scripts/setup-awscli.sh prints") from None
        if awscli.__version__ != PINNED_AWSCLI_VERSION and not options.any_version:
            raise HarnessError(
                f"awscli {awscli.__version__} is not the pinned {PINNED_AWSCLI_VERSION} "
                f"({sys.executable}); pass --any-version to run it anyway")
        vector = Vector(options.vector_dir, options.bucket_name)
        result = {"awscliVersion": awscli.__version__, "runs": [], "digests": [], "logFiles": [], "gaps": []}
        for run in vector.runs:
            run_cli(vector, run, result)
    except HarnessError as error:
        print(f"awscli_offline: {error}", file=sys.stderr)
        return 2
    except HarnessBug as error:
        print(f"awscli_offline: harness failure: {error}", file=sys.stderr)
        return 2

    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
