#!/usr/bin/env bash
# Runs validate --shard on a real batch engine: starts a single-node Slurm (munged, slurmctld, slurmd, all
# configured in a scratch folder, on ports of their own), submits `sbatch --array=0-2` running three shards
# of a test vector with `--shard auto`, waits, merges the three JSON reports and compares the result, byte
# for byte, and the exit status with a single run over the whole bucket. Stops the daemons it started.
#
#   scripts/slurm-test.sh BINARY [VECTOR]     (VECTOR: a folder of TestVectors/, default orphan-log-folders:
#                                              findings in folders that fall in different shards)
#
# Exit status: 0 the merged report is the single run's; 1 it is not, or a shard failed; 77 Slurm cannot
# start here (not root, slurm-wlm or munge not installed, a daemon that does not come up), with the reason.
# Needs root (slurmd runs the jobs as their user, and SlurmUser=root keeps the setup to one user).
set -uo pipefail

skip() { echo "slurm-test: skipped: $*" >&2; exit 77; }
fail() { echo "slurm-test: FAILED: $*" >&2; exit 1; }

binary="${1:?usage: scripts/slurm-test.sh BINARY [VECTOR]}"
vector_name="${2:-orphan-log-folders}"
repository="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vector="$repository/TestVectors/$vector_name"
[[ -x "$binary" ]] || fail "no executable at $binary"
[[ -d "$vector/bucket" ]] || fail "no vector at $vector"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

[[ "$(id -u)" == 0 ]] || skip "not root (slurmd must run as root)"
for tool in munged slurmctld slurmd sbatch sinfo squeue; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (apt-get install -y slurm-wlm munge)"
done

work="$(mktemp -d /tmp/ctv-slurm.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
    # Only the daemons this script started, by their process ids.
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

node="$(hostname -s)"
memory="$(free -m | awk '/^Mem:/ { print int($2 * 0.8) }')"
cpus="$(nproc)"
# Loopback addresses, so that a host name the resolver does not know still works. Ports of our own, so that an installed Slurm (or another run) is not disturbed.
port=$((20000 + RANDOM % 20000))

# munge: a fresh key and a socket in the scratch folder.
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/out"
chmod 711 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1 count=1024 status=none
chmod 400 "$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" >"$work/munge/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S "$work/munge/socket" ]] && break; sleep 0.1; done
[[ -S "$work/munge/socket" ]] || skip "munged did not start: $(tail -n 3 "$work/munge/munged.log" 2>/dev/null)"

cat >"$work/slurm.conf" <<EOF
ClusterName=ctvtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SchedulerType=sched/backfill
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=ctv Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"

slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
pids+=($!)
ready=""
for _ in $(seq 60); do
    state="$(sinfo -h -n "$node" -o %T 2>/dev/null)"
    if [[ "$state" == idle* ]]; then ready=1; break; fi
    sleep 0.5
done
if [[ -z "$ready" ]]; then
    echo "--- slurmctld" >&2; tail -n 5 "$work/slurmctld.log" "$work/slurmctld.out" >&2 2>/dev/null
    echo "--- slurmd" >&2; tail -n 5 "$work/slurmd.log" "$work/slurmd.out" >&2 2>/dev/null
    skip "the Slurm node did not become idle within 30 s (state: ${state:-none})"
fi
echo "slurm-test: Slurm is up on $node ($cpus CPUs)" >&2

# The job: each array task validates its shard; findings (exit 1) are a result, not a failed task.
cat >"$work/shard.sh" <<EOF
#!/usr/bin/env bash
cd "$vector"
"$binary" validate bucket \$(cat "$work/arguments") --shard auto --jobs 1 --quiet --format json -o "$work/out/shard-\$SLURM_ARRAY_TASK_ID.json"
status=\$?
echo \$status >"$work/out/status-\$SLURM_ARRAY_TASK_ID"
[[ \$status -le 1 ]]
EOF
chmod +x "$work/shard.sh"
python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["arguments"]))' "$vector/expected.json" >"$work/arguments"

started=$SECONDS
sbatch --wait --array=0-2 --cpus-per-task=1 --output="$work/out/task-%a.log" --job-name=ctv-shards "$work/shard.sh" >"$work/sbatch.out" 2>&1 &
submit=$!
# --wait returns when the array is done; a deadline keeps a stuck scheduler from hanging CI.
for _ in $(seq 180); do kill -0 "$submit" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$submit" 2>/dev/null; then
    kill "$submit" 2>/dev/null
    squeue >&2
    fail "the array job did not finish within 90 s"
fi
wait "$submit" || { cat "$work/sbatch.out" "$work"/out/task-*.log >&2; fail "a shard task failed"; }
echo "slurm-test: $(cat "$work/sbatch.out" | head -n 1); three shards in $((SECONDS - started)) s" >&2

for index in 0 1 2; do
    [[ -s "$work/out/shard-$index.json" ]] || { cat "$work"/out/task-*.log >&2; fail "shard $index wrote no report"; }
done
"$binary" merge "$work"/out/shard-{0,1,2}.json --format json -o "$work/merged.json"
merged_status=$?
(cd "$vector" && "$binary" validate bucket $(cat "$work/arguments") --quiet --format json -o "$work/single.json")
single_status=$?
[[ $merged_status == "$single_status" ]] || fail "merge exited $merged_status, the single run $single_status"
cmp -s "$work/merged.json" "$work/single.json" || { diff "$work/merged.json" "$work/single.json" | head -n 20 >&2; fail "the merged report is not the single run's"; }
echo "slurm-test: the merge of 3 Slurm array tasks is the single run's report (exit $single_status)" >&2
exit 0
