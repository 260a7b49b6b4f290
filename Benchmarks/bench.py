#!/usr/bin/env python3
"""Measure cloudtrail-verify against the plain-C limit and the AWS CLI (driven by Benchmarks/run.sh).

    bench.py throughput|bigfile|scale [--runs N] [--json OUT]

Every command runs under /usr/bin/time -v (peak RSS = "Maximum resident set size"); wall time is measured around
it. One untimed pass warms the page cache, then the commands of a mode run round-robin N times (so load from other
users of the machine hits all of them alike) and the median is reported. MB/s = uncompressed log bytes / median
seconds / 10^6.

When the ISA-L build of the tool exists (BENCH_TOOL_ISAL, default .build-bench-isal/release/cloudtrail-verify, made by
`swift build -c release --traits ISAL --scratch-path .build-bench-isal`), the hashing modes also time it
("cloudtrail-verify (ISA-L) --jobs N"). The tables gain a "× C <inflater> (same threads)" column for each inflater
gunzip_sha256 was built with besides zlib.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.environ.get('BENCH_WORK', os.path.join(HERE, '.work'))
TOOL = os.environ.get('BENCH_TOOL', os.path.join(REPO, '.build-bench', 'release', 'cloudtrail-verify'))
TOOL_ISAL = os.environ.get('BENCH_TOOL_ISAL', os.path.join(REPO, '.build-bench-isal', 'release', 'cloudtrail-verify'))
TOOLS = (TOOL, TOOL_ISAL)
CLIMIT = os.environ.get('BENCH_C', os.path.join(WORK, 'gunzip_sha256'))
CLI_PY = os.environ.get('BENCH_AWSCLI_PYTHON', os.path.join(REPO, '.venv-awscli', 'bin', 'python'))
HARNESS = os.path.join(REPO, 'Tests', 'AgreementHarness', 'awscli_offline.py')
# The result key of each row's speed against each C loop of the same thread count.
VS_C_KEYS = {'zlib': 'vsCZlib', 'isal': 'vsCIsal', 'libdeflate': 'vsCLibdeflate'}


def say(text):
    print(text, file=sys.stderr, flush=True)


def timed(cmd, stdout=subprocess.DEVNULL, ok=(0,)):
    """(wall seconds, peak RSS in MB, user+sys CPU seconds) of one run of cmd under /usr/bin/time -v."""
    start = time.perf_counter()
    p = subprocess.run(['/usr/bin/time', '-v'] + cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if p.returncode not in ok:
        raise SystemExit(f'bench: {" ".join(cmd)} exited {p.returncode}:\n{p.stderr[-2000:]}')
    rss = re.search(r'Maximum resident set size \(kbytes\): (\d+)', p.stderr)
    cpu = sum(float(m) for m in re.findall(r'(?:User|System) time \(seconds\): ([\d.]+)', p.stderr))
    return seconds, int(rss.group(1)) / 1024 if rss else float('nan'), cpu


def run_checked(label, cmd):
    """timed(cmd); a cloudtrail-verify run must exit 0 and report every log valid (a benchmark of a wrong answer
    is worthless). Its text report goes to a file under WORK, never to --output /dev/null: --output writes
    atomically (temporary file renamed over the target), which replaces the /dev/null device node."""
    if cmd[0] not in TOOLS:
        return timed(cmd)
    out = os.path.join(WORK, f'tool-stdout-{os.getpid()}.txt')
    with open(out, 'w') as f:
        result = timed(cmd, stdout=f)
    with open(out) as f:
        text = f.read()
    valid = [tuple(map(int, m)) for m in re.findall(r'^(\d+)/(\d+) log files valid', text, re.M)]
    if EXPECTED_LOGS.get(label) is not None and sum(v for v, _ in valid) != EXPECTED_LOGS[label]:
        raise SystemExit(f'bench: {label}: expected {EXPECTED_LOGS[label]} valid logs, report says {valid}')
    return result


EXPECTED_LOGS = {}


def measure(commands, runs, warmup=True):
    """commands: list of (label, cmd). Warm-up pass, then runs round-robin; {label: {'seconds', 'all', 'rssMB'}}."""
    for label, cmd in commands if warmup else []:
        say(f'  warm-up: {label}')
        run_checked(label, cmd)
    results = {label: {'all': [], 'rss': [], 'cpu': []} for label, _ in commands}
    for r in range(runs):
        for label, cmd in commands:
            s, rss, cpu = run_checked(label, cmd)
            results[label]['all'].append(round(s, 3))
            results[label]['rss'].append(round(rss, 1))
            results[label]['cpu'].append(round(cpu, 2))
            say(f'  run {r + 1}/{runs}: {label}: {s:.2f} s, {cpu:.2f} s CPU, {rss:.0f} MB, load {os.getloadavg()[0]:.1f}')
    for v in results.values():
        v['seconds'] = statistics.median(v['all'])
        v['cpuSeconds'] = statistics.median(v['cpu'])
        v['rssMB'] = max(v['rss'])
    return results


def load_counts(bucket_dir):
    with open(os.path.join(bucket_dir, 'expected.json')) as f:
        return json.load(f)['benchmark']


def log_list(bucket_dir):
    path = os.path.join(bucket_dir, 'logs.list')
    if not os.path.exists(path):
        found = []
        for root, _, files in os.walk(os.path.join(bucket_dir, 'bucket')):
            if '/CloudTrail/' in root + '/' and '/CloudTrail-Digest/' not in root + '/':
                found += [os.path.join(root, n) for n in files if n.endswith('.json.gz')]
        with open(path, 'w') as f:
            f.write('\n'.join(sorted(found)) + '\n')
    return path


def c_inflaters():
    """The inflaters gunzip_sha256 was built with (zlib always; isal, libdeflate when their headers were there)."""
    found, empty = [], os.path.join(WORK, 'empty.list')
    open(empty, 'w').close()
    for engine in ('zlib', 'isal', 'libdeflate'):
        p = subprocess.run([CLIMIT, '-e', engine, empty], capture_output=True, text=True)
        if p.returncode == 0:
            found.append(engine)
    return found


def tool_cmd(bucket_dir, jobs, extra=(), tool=TOOL):
    return [tool, 'validate', os.path.join(bucket_dir, 'bucket'), '--public-keys', os.path.join(bucket_dir, 'keys'),
            '--quiet', '--jobs', str(jobs)] + list(extra)


def check_cli(bucket_dir, expected_logs):
    p = subprocess.run([CLI_PY, HARNESS, bucket_dir], capture_output=True, text=True, check=True)
    result = json.loads(p.stdout)
    valid = sum(1 for e in result['logFiles'] if e['status'] == 'valid')
    assert valid == expected_logs and all(r['exitCode'] == 0 for r in result['runs']), (valid, result['runs'])


def table(rows, headers):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: '| ' + ' | '.join(str(c).ljust(w) for c, w in zip(cells, widths)) + ' |'
    return '\n'.join([line(headers), '|' + '|'.join('-' * (w + 2) for w in widths) + '|'] + [line(r) for r in rows])


# ---------------------------------------------------------------------------------------------------------------

def run_hashing(mode, runs, with_cli, threads):
    bucket_dir = os.path.join(WORK, mode)
    counts = load_counts(bucket_dir)
    data = counts['uncompressedBytes']
    listing = log_list(bucket_dir)
    say(f'{mode}: {counts["logs"]} logs, {data / 1e9:.2f} GB uncompressed, gzip ratio {counts["gzipRatio"]}')
    if with_cli:
        check_cli(bucket_dir, counts['logs'])
    commands = []
    for engine in c_inflaters():
        if engine == 'libdeflate' and mode == 'bigfile':
            continue   # whole-buffer only: it would need the 4.5 GB inflated file in memory
        for t in threads:
            commands.append((f'C {engine} {t}T', [CLIMIT, '-t', str(t), '-e', engine, listing]))
    tools = [('cloudtrail-verify', TOOL)]
    if os.access(TOOL_ISAL, os.X_OK):
        tools.append(('cloudtrail-verify (ISA-L)', TOOL_ISAL))
    else:
        say(f'  (no ISA-L build at {TOOL_ISAL}: swift build -c release --traits ISAL --scratch-path .build-bench-isal)')
    for name, tool in tools:
        for t in threads:
            commands.append((f'{name} --jobs {t}', tool_cmd(bucket_dir, t, tool=tool)))
            EXPECTED_LOGS[f'{name} --jobs {t}'] = counts['logs']
    if with_cli:
        commands.append(('AWS CLI 1.46.3 (offline harness)', [CLI_PY, HARNESS, bucket_dir]))
    results = measure(commands, runs)
    cli = results.get('AWS CLI 1.46.3 (offline harness)')
    # One "× C <engine>" column per inflater the C loop was built with, besides zlib's (always there).
    c_engines = [e for e in ('isal', 'libdeflate') if any(label.startswith(f'C {e} ') for label, _ in commands)]
    rows = []
    for label, _ in commands:
        r = results[label]
        mbps = data / r['seconds'] / 1e6
        t = re.search(r'(\d+)T$|--jobs (\d+)$', label)
        n = next((g for g in t.groups() if g), None) if t else None
        for engine, key in VS_C_KEYS.items():
            base = results.get(f'C {engine} {n}T' if n else f'C {engine} {threads[-1]}T')
            r[key] = round(base['seconds'] / r['seconds'], 3) if base else None
        r.update(mbPerSecond=round(mbps, 1), vsCli=round(cli['seconds'] / r['seconds'], 2) if cli else None)
        r['mbPerCpuSecond'] = round(data / r['cpuSeconds'] / 1e6, 1)
        rows.append([label, f'{r["seconds"]:.2f}', f'{mbps:.0f}', f'{r["vsCZlib"]:.2f}']
                    + [f'{r[VS_C_KEYS[e]]:.2f}' if r[VS_C_KEYS[e]] is not None else '-' for e in c_engines]
                    + [f'{r["vsCli"]:.2f}' if cli else '-', f'{r["cpuSeconds"]:.2f}', f'{r["mbPerCpuSecond"]:.0f}',
                       f'{r["rssMB"]:.0f}'])
    print(f'\n## {mode}: {counts["logs"]} logs, {data / 1e9:.3f} GB uncompressed ({counts["compressedBytes"] / 1e6:.0f} MB '
          f'gzip, ratio {counts["gzipRatio"]}), median of {runs} runs, {os.cpu_count()} cores\n')
    print(table(rows, ['command', 'median wall s', 'MB/s', '× C zlib (same threads)']
                + [f'× C {e} (same threads)' for e in c_engines]
                + ['× AWS CLI', 'CPU s', 'MB per CPU s', 'peak RSS MB']))
    print(f'\nload average at the end: {os.getloadavg()}')
    return {'counts': counts, 'results': results}


def run_scale(runs, sizes, warmup):
    out = {}
    rows = []
    for name in sizes:
        bucket_dir = os.path.join(WORK, name)
        if not os.path.exists(os.path.join(bucket_dir, 'expected.json')):
            say(f'scale: {name} absent, skipped')
            continue
        counts = load_counts(bucket_dir)
        with open(os.path.join(bucket_dir, 'expected.json')) as f:
            last_end = max(r['endTime'] for r in json.load(f)['awsCli']['runs'])
        # "plan": the whole inventory scan and planning, but a window holding only the newest hour's digests
        window = ['--start-time', last_end, '--end-time', last_end]
        say(f'scale {name}: {counts}')
        EXPECTED_LOGS[f'{name} full'] = counts['logs']
        res = measure([(f'{name} full', tool_cmd(bucket_dir, 2)),
                       (f'{name} plan', tool_cmd(bucket_dir, 2, window))], runs, warmup=warmup)
        full, plan = res[f'{name} full'], res[f'{name} plan']
        rows.append([counts['logs'], counts['digests'], f'{full["seconds"]:.2f}', f'{full["cpuSeconds"]:.2f}',
                     f'{full["rssMB"]:.0f}', f'{full["cpuSeconds"] / counts["logs"] * 1e6:.1f}',
                     f'{plan["seconds"]:.2f}', f'{plan["cpuSeconds"]:.2f}', f'{plan["rssMB"]:.0f}'])
        out[name] = {'counts': counts, 'results': res}
    print(f'\n## scale: tiny logs (~0.8 KB gzip), median of {runs} runs, cloudtrail-verify --jobs 2 (text report)\n')
    print(table(rows, ['log files', 'digests', 'full wall s', 'full CPU s', 'full peak RSS MB', 'CPU µs per log',
                       'list+plan wall s', 'list+plan CPU s', 'list+plan peak RSS MB']))
    print(f'\nload average at the end: {os.getloadavg()}')
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument('mode', choices=['throughput', 'bigfile', 'scale'])
    p.add_argument('--runs', type=int, default=3)
    p.add_argument('--no-cli', action='store_true')
    p.add_argument('--sizes', default='scale-10k,scale-100k,scale-1m')
    p.add_argument('--no-warmup', action='store_true', help='scale: skip the untimed pass (cache already warm)')
    p.add_argument('--json')
    a = p.parse_args()
    if a.mode == 'throughput':
        result = run_hashing('throughput', a.runs, not a.no_cli, [1, 2])
    elif a.mode == 'bigfile':
        result = run_hashing('bigfile', a.runs, not a.no_cli, [1])
    else:
        result = run_scale(a.runs, a.sizes.split(','), not a.no_warmup)
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(result, f, indent=2)


if __name__ == '__main__':
    main()
