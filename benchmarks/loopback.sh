#!/usr/bin/env bash
# The loopback comparison of one jar against another and against Postfix's C client, in one run:
# smtp-sink on 127.0.0.1; ROUNDS times, alternately, the previous benchmarks jar (OLD_JAR), this
# tree's (target/benchmarks.jar) and smtp-source (one session, -d: the same connection for every
# mail, no pipelining), each sending 1 KB and 100 KB mails; then the medians per client: mails/s and
# client CPU per mail (outmail: process CPU less the JIT threads; smtp-source: user + system time).
# Alternating keeps both jars under the same load on a shared machine.
#
#   bash benchmarks/loopback.sh                      # the previous jar built from main
#   OLD_REF=0371677 bash benchmarks/loopback.sh
#   OLD_JAR=/tmp/old/benchmarks/target/benchmarks.jar bash benchmarks/loopback.sh
#
# Settings (environment): OLD_REF (the commit the previous jar is built from, default main; see
# old_jar in common.sh), OLD_DIR (where it is built), OLD_JAR (a jar already built), ROUNDS (3), COUNT (mails per run, 4000), SECONDS_PER
# (time cap per outmail run, 3), WARMUP (2), SIZES (1024,102400), MODES (outmail-1,outmail-async),
# SKIP_BUILD=1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$HERE/target/benchmarks.jar"
OLD_REF=${OLD_REF:-main}
ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-4000}
SECONDS_PER=${SECONDS_PER:-3}
WARMUP=${WARMUP:-2}
SIZES=${SIZES:-1024,102400}
MODES=${MODES:-outmail-1,outmail-async}

log() { echo "loopback.sh: $*" >&2; }
# shellcheck source=common.sh
source "$HERE/common.sh"
command -v smtp-sink >/dev/null 2>&1 && command -v smtp-source >/dev/null 2>&1 || install_packages postfix
build_jar
old_jar

WORK=$(mktemp -d /tmp/outmail-loopback.XXXXXX)
PIDS=()
cleanup() { stop_pids; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(free_port)
SINK_USER=()
[[ $(id -u) -eq 0 ]] && SINK_USER=(-u nobody)
smtp-sink -a "${SINK_USER[@]}" "127.0.0.1:$PORT" 256 >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT"
log "smtp-sink on 127.0.0.1:$PORT; load average $(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

outmail() { # label jar
  timeout 600 java -Xms256m -Xmx256m -XX:-UseDynamicNumberOfCompilerThreads -cp "$2" org.outmail.bench.Throughput \
    --host 127.0.0.1 --port "$PORT" --sizes "$SIZES" --modes "$MODES" --count "$COUNT" --seconds "$SECONDS_PER" \
    --warmup-seconds "$WARMUP" --rounds 1 --out "$WORK/tput.txt" >/dev/null 2>"$WORK/tput.err" \
    || { log "$1 failed:"; tail -5 "$WORK/tput.err" >&2; }
  grep '^tput' "$WORK/tput.txt" | sed "s/^tput/$1/" >>"$RESULTS"
  : >"$WORK/tput.txt"
}

source_client() { # size
  local t0 t1 cpu
  t0=$(date +%s.%N)
  cpu=$( { TIMEFORMAT='%U %S'; time smtp-source -d -s 1 -l "$1" -m "$COUNT" -f bench@example.com -t rcpt@example.org \
    "127.0.0.1:$PORT" >/dev/null 2>&1; } 2>&1 )
  t1=$(date +%s.%N)
  echo -e "smtp-source\tsize=$1\tmode=smtp-source\tmsgs=$COUNT\tsecs=$(echo "$t1 - $t0" | bc)\tcpu=$cpu" >>"$RESULTS"
}

for r in $(seq 1 "$ROUNDS"); do
  log "round $r of $ROUNDS"
  outmail old "$OLD_JAR"
  outmail new "$JAR"
  for size in ${SIZES//,/ }; do source_client "$size"; done
done

echo
echo "raw runs (client, size, mode, mails, seconds, mails/s, CPU; outmail's CPU in µs per mail, JIT excluded; smtp-source's user and system seconds):"
sed 's/^/    /' "$RESULTS"
echo
echo "outmail loopback, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, smtp-sink, $ROUNDS rounds alternating, medians"
echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 - "$RESULTS" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.rstrip('\n').split('\t')
    who = f[0]
    kv = dict(x.split('=', 1) for x in f[1:] if '=' in x)
    size = int(kv['size'])
    if who == 'smtp-source':
        u, s = (float(x) for x in kv['cpu'].split())
        msgs, secs = int(kv['msgs']), float(kv['secs'])
        rate, cpu = msgs / secs, (u + s) * 1e6 / msgs
        key = ('smtp-source', size, 'one session, no pipelining')
    else:
        if 'error' in kv:
            continue
        rate, cpu = float(kv['rate']), float(kv['cpu_us'])
        key = (who, size, kv['mode'])
    rows.setdefault(key, []).append((rate, cpu))
print('| size | client | jar | msgs/s (median) | CPU µs/mail (median) | runs |')
print('|---|---|---|---:|---:|---:|')
med = {}
for (who, size, mode), v in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
    rate = statistics.median(x[0] for x in v)
    cpu = statistics.median(x[1] for x in v)
    med[(who, size, mode)] = (rate, cpu)
    print(f"| {size // 1024} KB | {mode} | {who} | {rate:,.0f} | {cpu:,.0f} | {len(v)} |")
print()
print('| size | client | new / old msgs/s | new / smtp-source msgs/s | CPU new / smtp-source | CPU new / old |')
print('|---|---|---:|---:|---:|---:|')
for (who, size, mode), (rate, cpu) in sorted(med.items()):
    if who != 'new':
        continue
    old = med.get(('old', size, mode))
    src = med.get(('smtp-source', size, 'one session, no pipelining'))
    r = lambda a, b: f"{a / b:.2f}x" if b else '-'
    print(f"| {size // 1024} KB | {mode} | {r(rate, old[0]) if old else '-'} | {r(rate, src[0]) if src else '-'} "
          f"| {r(cpu, src[1]) if src else '-'} | {r(cpu, old[1]) if old else '-'} |")
PY
