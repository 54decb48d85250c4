#!/usr/bin/env bash
# The far-server benchmark: a burst of 1 KB mails through ONE connection to an SMTP server that is
# RTT_MS away, through outmail's modes, raw Angus Mail and Spring's JavaMailSenderImpl, side by side;
# prints ms per mail and mails/s as a Markdown table.
#
# The servers run on 127.0.0.1: a private Postfix (smtpd offers PIPELINING and CHUNKING) and
# Postfix's smtp-sink (PIPELINING, no CHUNKING); the distance is LatencyProxy, which forwards each
# direction with RTT_MS/2 of delay. Installs postfix when missing (preseeded to "No configuration":
# no system MTA is configured or started), builds the module, starts the servers and the proxy on
# free 127.0.0.1 ports, runs FarThroughput against each server, stops everything on exit and checks
# that each server received every mail it was sent. Nothing leaves 127.0.0.1; every run is bounded by
# COUNT and SECONDS_PER, every program by `timeout`. Run it as root (a Postfix instance's master runs
# as root and its daemons as the postfix user); without root only smtp-sink is measured.
#
# Settings (environment): RTT_MS (round trip the proxy adds, default 20), COUNT (mails per burst,
# default 500), SECONDS_PER (time cap per client, default 30), WARMUP (mails sent first on the same
# connection, not measured, default 16), CLIENTS (see FarThroughput.Client, default all),
# SERVERS (postfix,smtp-sink), TARGET_MS (11), IN_FLIGHT (smtp.max-in-flight of the outmail clients,
# default the library's: 8; the bursts run on twice that many async threads), QUICKACK=1 (the proxy
# acknowledges every chunk at once: a server with Nagle on, as Postfix's smtpd, is never held waiting
# for an ACK; see LatencyProxy), BUILD=module (benchmarks only, the rest from ~/.m2),
# SKIP_BUILD=1.
#
# Against the previous jar: OLD_REF (a commit; built as in loopback.sh, see old_jar in common.sh:
# OLD_DIR, or OLD_JAR for a jar already built) runs the previous jar and this tree's alternately,
# ROUNDS times (default 3) per server, each through the same proxy, and prints the medians of both
# side by side after this tree's table:
#
#   OLD_REF=0371677 SERVERS=postfix CLIENTS=outmail-burst,outmail-data COUNT=300 bash benchmarks/far.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$HERE/target/benchmarks.jar"
RTT_MS=${RTT_MS:-20}
COUNT=${COUNT:-500}
SECONDS_PER=${SECONDS_PER:-30}
WARMUP=${WARMUP:-16}
CLIENTS=${CLIENTS:-outmail-burst,outmail-8threads,outmail-data,outmail-previous,outmail-1thread,angus,spring}
SERVERS=${SERVERS:-postfix,smtp-sink}
TARGET_MS=${TARGET_MS:-11}
IN_FLIGHT=${IN_FLIGHT:-}
QUICKACK=${QUICKACK:-}
OLD_REF=${OLD_REF:-}

log() { echo "far.sh: $*" >&2; }
# shellcheck source=common.sh
source "$HERE/common.sh"

# --- tools -----------------------------------------------------------------------------------
if ! command -v postfix >/dev/null 2>&1 || ! command -v smtp-sink >/dev/null 2>&1; then
  install_packages postfix
fi
command -v java >/dev/null || { log "java not found"; exit 1; }

# --- build -----------------------------------------------------------------------------------
build_jar
old_jar
if [[ -n "$OLD_JAR" ]]; then ROUNDS=${ROUNDS:-3}; else ROUNDS=1; fi

# ---- private Postfix instance ---------------------------------------------------------------
# scripts/postfix-local.sh: smtpd on 127.0.0.1:PORT, mail accepted for one domain (the clients'
# recipients are at example.org) and delivered into a maildir under DIR, nothing sent out; its log
# DIR/log/maillog has a "to=<rcpt>, ... status=sent" line for each mail delivered.
postfix_local() {
  POSTFIX_LOCAL_DOMAIN=example.org bash "$ROOT/scripts/postfix-local.sh" "$@" >/dev/null
}
POSTFIX_LOG=log/maillog   # in DIR

# --- work folder, clean-up -------------------------------------------------------------------
# on tmpfs when there is one: Postfix syncs its queue file before it accepts a mail, and the time
# of this machine's disk is not what is measured
BASE=/tmp
[[ -d /dev/shm && -w /dev/shm ]] && BASE=/dev/shm
WORK=$(mktemp -d "$BASE/outmail-far.XXXXXX")
chmod 755 "$WORK"
PIDS=()
POSTFIX_DIR=""
cleanup() {
  stop_pids
  if [[ -n "$POSTFIX_DIR" ]]; then postfix_local stop "$POSTFIX_DIR" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# starts LatencyProxy in front of 127.0.0.1:$1; sets PROXY_PORT, PROXY_PID and PROXY_LOG
start_proxy() {
  local target=$1 name=$2
  PROXY_LOG="$WORK/$name-connections.log"
  : >"$PROXY_LOG"
  rm -f "$WORK/$name-proxy.port"
  timeout 3600 java -Xmx64m -cp "$JAR" org.outmail.bench.LatencyProxy --target-port "$target" \
    --one-way-ms "$(awk -v r="$RTT_MS" 'BEGIN { print r / 2 }')" \
    --port-file "$WORK/$name-proxy.port" --log "$PROXY_LOG" ${QUICKACK:+--quickack} 2>>"$WORK/proxy.err" &
  PROXY_PID=$!
  PIDS+=("$PROXY_PID")
  for _ in $(seq 1 200); do
    [[ -s "$WORK/$name-proxy.port" ]] && break
    sleep 0.1
  done
  PROXY_PORT=$(cat "$WORK/$name-proxy.port")
  wait_port "$PROXY_PORT"
}

stop_proxy() {
  kill "$PROXY_PID" 2>/dev/null || true
  wait "$PROXY_PID" 2>/dev/null || true
}

RESULTS="$WORK/results.tsv"
: >"$RESULTS"
OLD_RESULTS="$WORK/results-old.tsv"
ALL_RESULTS="$WORK/results-all.tsv"   # every run, "old" or "new" in front
: >"$OLD_RESULTS"
: >"$ALL_RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date +%s)

# runs the clients against one server through a fresh proxy: this tree's jar, or (OLD_JAR set) the
# previous jar and this tree's alternately, ROUNDS times
run_clients() {
  local name=$1 port=$2 count_file=$3 count_match=$4
  start_proxy "$port" "$name"
  log "$name on 127.0.0.1:$port, proxy 127.0.0.1:$PROXY_PORT ($RTT_MS ms round trip); clients $CLIENTS, $COUNT mails or ${SECONDS_PER}s each"
  for r in $(seq 1 "$ROUNDS"); do
    if [[ -n "$OLD_JAR" ]]; then
      log "round $r of $ROUNDS, load average $(cut -d' ' -f1-3 /proc/loadavg)"
      run_jar old "$OLD_JAR" "$OLD_RESULTS" "$@"
    fi
    run_jar new "$JAR" "$RESULTS" "$@"
  done
  stop_proxy
}

run_jar() { # label jar results server port count-file count-match
  local label=$1 jar=$2 results=$3 name=$4 count_file=$6 count_match=$7
  local out="$WORK/$name-$label.tsv"
  : >"$out"
  # in the background and waited for, so that Ctrl-C or a TERM stops it at once (the trap kills it)
  timeout 1800 java -Xms256m -Xmx256m -cp "$jar" org.outmail.bench.FarThroughput \
    --port "$PROXY_PORT" --server "$name" --count "$COUNT" --seconds "$SECONDS_PER" --warmup "$WARMUP" \
    --clients "$CLIENTS" --count-file "$count_file" --count-match "$count_match" --proxy-log "$PROXY_LOG" \
    ${IN_FLIGHT:+--max-in-flight "$IN_FLIGHT"} --out "$out" >"$WORK/$name.out" 2>"$WORK/$name.log" &
  local bench=$!
  PIDS+=("$bench")
  wait "$bench" || { log "FarThroughput ($label) failed against $name:"; tail -20 "$WORK/$name.log" >&2; }
  cat "$out" >>"$results"
  sed "s/^/$label\tload=$(cut -d' ' -f1 /proc/loadavg)\t/" "$out" >>"$ALL_RESULTS"
}

IFS=',' read -r -a SERVER_LIST <<<"$SERVERS"
for server in "${SERVER_LIST[@]}"; do
  case "$server" in
    postfix)
      if [[ $(id -u) -ne 0 ]]; then
        log "not root: no private Postfix instance, skipping the postfix server"; continue
      fi
      POSTFIX_DIR="$WORK/postfix"
      PF_PORT=$(free_port)
      postfix_local start "$POSTFIX_DIR" "$PF_PORT" || { log "Postfix did not start"; POSTFIX_DIR=""; continue; }
      run_clients postfix "$PF_PORT" "$POSTFIX_DIR/$POSTFIX_LOG" "status=sent"
      postfix_local stop "$POSTFIX_DIR"
      POSTFIX_DIR=""
      ;;
    smtp-sink)
      SINK_PORT=$(free_port)
      mkdir -p "$WORK/sink"
      SINK_USER=()
      if [[ $(id -u) -eq 0 ]]; then
        SINK_USER=(-u nobody)   # smtp-sink refuses to keep root privileges
        chown nobody "$WORK/sink"
      fi
      # -D: every mail is appended to one file, with an "X-Rcpt-Args: <rcpt>" line each
      timeout 3600 smtp-sink -a "${SINK_USER[@]}" -D "$WORK/sink/dump" "127.0.0.1:$SINK_PORT" 256 \
        >"$WORK/sink.log" 2>&1 &
      SINK_PID=$!
      PIDS+=("$SINK_PID")
      wait_port "$SINK_PORT"
      run_clients smtp-sink "$SINK_PORT" "$WORK/sink/dump" "X-Rcpt-Args:"
      kill "$SINK_PID" 2>/dev/null || true
      wait "$SINK_PID" 2>/dev/null || true
      ;;
    *) log "unknown server $server (postfix, smtp-sink)"; exit 1 ;;
  esac
done

# --- the table -------------------------------------------------------------------------------
echo
echo "outmail far-server benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "round trip added by the proxy: $RTT_MS ms; $COUNT mails of 1 KB per client, cap ${SECONDS_PER}s, $WARMUP mails of warm-up; ${IN_FLIGHT:-8 (the default)} mails in flight${QUICKACK:+; the proxy acknowledges every chunk at once (--quickack)}"
echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg); took $(( $(date +%s) - STARTED )) s"
echo
java -cp "$JAR" org.outmail.bench.FarThroughput --table "$RESULTS" --rtt-ms "$RTT_MS" --target-ms "$TARGET_MS"

if [[ -n "$OLD_JAR" ]]; then
  echo
  echo "previous jar ($OLD_JAR) and this tree's, run alternately, $ROUNDS rounds: ms per mail, median (each run; load average after it)"
  echo
  python3 - "$ALL_RESULTS" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.rstrip('\n').split('\t')
    if len(f) < 3 or f[2] != 'far':
        continue
    kv = dict(x.split('=', 1) for x in f[1:] if '=' in x)
    if int(kv.get('sent', 0)) == 0 or 'error' in kv:
        continue
    runs.setdefault((kv['server'], kv['client']), {}).setdefault(f[0], []).append((float(kv['ms_per_mail']), kv['load']))
print('| server | client | old ms/mail | new ms/mail | new / old | old runs | new runs |')
print('|---|---|---:|---:|---:|---|---|')
for (server, client), v in runs.items():
    med = {k: statistics.median(x[0] for x in r) for k, r in v.items()}
    each = lambda k: ', '.join(f"{ms:.2f} ({load})" for ms, load in v.get(k, []))
    o, n = med.get('old'), med.get('new')
    ratio = f"{n / o:.2f}x" if o and n else '-'
    print(f"| {server} | `{client}` | {o or 0:.2f} | {n or 0:.2f} | {ratio} | {each('old')} | {each('new')} |")
PY
fi
