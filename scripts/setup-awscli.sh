#!/usr/bin/env bash
# Creates (or reuses) the pinned AWS CLI v1 that the agreement harness
# (Tests/AgreementHarness/awscli_offline.py) runs, in .venv-awscli/ at the repo root.
# It also holds `cryptography`, which TestVectors/generate.py needs.
# Idempotent: does nothing when the venv already holds awscli 1.46.3.
# Prints the venv's python path on success and nothing else.
set -euo pipefail

AWSCLI_VERSION="1.46.3"
PYTHON="${PYTHON:-python3}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.venv-awscli"
py="$venv/bin/python"

has_pinned_cli() {
    [ -x "$py" ] && "$py" - "$AWSCLI_VERSION" >/dev/null 2>&1 <<'EOF'
import sys
import awscli
import awscli.customizations.cloudtrail.validation  # pulls in botocore, rsa, dateutil
import cryptography  # TestVectors/generate.py signs with it
assert awscli.__version__ == sys.argv[1], awscli.__version__
EOF
}

if ! has_pinned_cli; then
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    if ! {
        if [ ! -x "$py" ]; then
            rm -rf "$venv"
            "$PYTHON" -m venv "$venv"
        fi
        "$py" -m pip install --quiet --disable-pip-version-check "awscli==$AWSCLI_VERSION" cryptography
    } >"$log" 2>&1; then
        cat "$log" >&2
        echo "setup-awscli.sh: could not install awscli==$AWSCLI_VERSION into $venv" >&2
        exit 1
    fi
    if ! has_pinned_cli; then
        cat "$log" >&2
        echo "setup-awscli.sh: $venv still has no working awscli $AWSCLI_VERSION" >&2
        exit 1
    fi
fi

echo "$py"
