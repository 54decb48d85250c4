#!/usr/bin/env bash
# Runs outmail's benchmarks on this machine and prints one table:
#   - JMH: the core send pipeline per mail, with a no-op transport;
#   - throughput: 1 KB and 100 KB mails to Postfix's smtp-sink on 127.0.0.1, plain and over TLS
#     (stunnel in front of the sink, self-signed certificate), through outmail (pool of 1 and 4
#     connections) and raw Angus Mail (Transport.send per message; one persistent connection with
#     and without TCP_NODELAY; 4 persistent connections);
#   - memory: one mail with a 100 MB attachment sent with -Xmx64m.
#
# Installs postfix (for smtp-sink only: no MTA is configured or started) and stunnel4 when missing,
# builds the module, starts the sink and stunnel on free 127.0.0.1 ports and stops them on exit.
# Nothing leaves 127.0.0.1. Every run is bounded in count and in time.
#
# Settings (environment): COUNT (mails per measured run, default 2000), SECONDS_PER (time cap per
# measured run, default 2), WARMUP (seconds, default 1), ROUNDS (runs per client, median kept,
# default 3), SIZES (default 1024,102400), MODES (clients, see Throughput.Mode), SKIP_BUILD=1,
# SKIP_JMH=1, SKIP_MEM=1, SKIP_TLS=1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$HERE/target/benchmarks.jar"
COUNT=${COUNT:-2000}
SECONDS_PER=${SECONDS_PER:-2}
WARMUP=${WARMUP:-1}
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-1024,102400}
# the clients compared (see the README for each mode)
MODES=${MODES:-outmail-1,outmail-4,angus-send,angus-nodelay,angus-nagle,angus-nodelay-4}

log() { echo "run.sh: $*" >&2; }
# shellcheck source=common.sh
source "$HERE/common.sh"

# --- tools -----------------------------------------------------------------------------------
need_install=()
command -v smtp-sink >/dev/null 2>&1 || need_install+=(postfix)
command -v stunnel4 >/dev/null 2>&1 || command -v stunnel >/dev/null 2>&1 || need_install+=(stunnel4)
command -v openssl >/dev/null 2>&1 || need_install+=(openssl)
if ((${#need_install[@]})); then
  install_packages "${need_install[@]}"
fi
STUNNEL=$(command -v stunnel4 || command -v stunnel)
command -v java >/dev/null || { log "java not found"; exit 1; }

# --- build -----------------------------------------------------------------------------------
build_jar

# --- servers ---------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/outmail-bench.XXXXXX)
PIDS=()
cleanup() {
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(free_port)
SINK_USER=()
[[ $(id -u) -eq 0 ]] && SINK_USER=(-u nobody)   # smtp-sink refuses to keep root privileges
smtp-sink -a "${SINK_USER[@]}" "127.0.0.1:$PORT" 256 >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT"
log "smtp-sink on 127.0.0.1:$PORT"

TLS_ARGS=()
if [[ "${SKIP_TLS:-0}" != 1 ]]; then
  TLS_PORT=$(free_port)
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1
  cat >"$WORK/stunnel.conf" <<EOF
foreground = yes
pid =
output = $WORK/stunnel.log
debug = 4
[smtps]
accept = 127.0.0.1:$TLS_PORT
connect = 127.0.0.1:$PORT
cert = $WORK/cert.pem
key = $WORK/key.pem
socket = l:TCP_NODELAY=1
socket = r:TCP_NODELAY=1
EOF
  "$STUNNEL" "$WORK/stunnel.conf" >/dev/null 2>&1 &
  PIDS+=($!)
  wait_port "$TLS_PORT"
  log "stunnel (TLS) on 127.0.0.1:$TLS_PORT -> smtp-sink"
  TLS_ARGS=(--tls-port "$TLS_PORT" --trust "$WORK/cert.pem")
fi

RESULTS="$WORK/results.txt"
: >"$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date +%s)

# --- JMH: core pipeline ----------------------------------------------------------------------
if [[ "${SKIP_JMH:-0}" != 1 ]]; then
  log "JMH: core pipeline (about 20 s)"
  timeout 300 java -jar "$JAR" PipelineBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s \
    -rf csv -rff "$WORK/jmh.csv" >"$WORK/jmh.log" 2>&1 || { log "JMH failed:"; tail -20 "$WORK/jmh.log" >&2; }
fi

# --- throughput ------------------------------------------------------------------------------
log "throughput: sizes $SIZES, plain${TLS_ARGS:+ and TLS}, up to $COUNT mails or ${SECONDS_PER}s per run, $ROUNDS rounds"
# fixed compiler threads, so that their CPU can be told apart from the CPU spent per message
timeout 1200 java -Xms256m -Xmx256m -XX:-UseDynamicNumberOfCompilerThreads -cp "$JAR" org.outmail.bench.Throughput \
  --host 127.0.0.1 --port "$PORT" "${TLS_ARGS[@]}" --sizes "$SIZES" --modes "$MODES" \
  --count "$COUNT" --seconds "$SECONDS_PER" --warmup-seconds "$WARMUP" --rounds "$ROUNDS" \
  --out "$RESULTS" >"$WORK/throughput.log" || { log "throughput failed:"; tail -20 "$WORK/throughput.log" >&2; }

# --- memory: 100 MB attachment with -Xmx64m --------------------------------------------------
if [[ "${SKIP_MEM:-0}" != 1 ]]; then
  log "memory: one mail with a 100 MB attachment, -Xmx64m"
  timeout 300 java -Xmx64m -cp "$JAR" org.outmail.bench.MemoryCheck \
    --host 127.0.0.1 --port "$PORT" --file "$WORK/big.bin" --mb 100 --out "$RESULTS" >&2 \
    || echo -e "mem\tsize_mb=100\theap_mb=64\tok=false\tsecs=0\terror=the JVM exited with status $?" >>"$RESULTS"
  rm -f "$WORK/big.bin"
fi

# --- the table -------------------------------------------------------------------------------
echo
echo "outmail benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg); took $(( $(date +%s) - STARTED )) s"
echo
java -cp "$JAR" org.outmail.bench.Report --results "$RESULTS" --jmh "$WORK/jmh.csv"
