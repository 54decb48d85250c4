#!/usr/bin/env bash
# The outbox's figures and their anchors, measured side by side in one run, with the ratios of
# issue 21's targets:
#   - the disk: 1 KB written + fdatasync in a loop, in the directory the embedded stores use;
#   - PostgreSQL: pgbench with 1 and 8 clients, one 1 KB INSERT per transaction (autocommit);
#   - this outbox: durable enqueue of 1 KB mails from 1 and 8 threads (embedded store with fsync,
#     without fsync, PostgreSQL), enqueueAll in batches of 1,000, a sendAsync burst of N mails and
#     the drain of N queued mails (both stores) to smtp-sink on 127.0.0.1, and the PostgreSQL drain
#     with 1,000,000 mails waiting;
#   - the previous outbox (H2 store, commit 1b2bc97 by default), built from a git worktree of that
#     commit and run with the same program: enqueue and drain.
# Rounds alternate the two outboxes (and the anchors between them); the table shows medians.
#
# Usage: bash benchmarks/outbox.sh [--quick] [--no-old]
#   --quick   1 round, 1 s per enqueue figure, 2,000 mails per drain, 100,000 waiting (about 3 min)
#   --no-old  leave the previous outbox out
# Settings (environment): OUTMAIL_BENCH_PG_URL (else OUTMAIL_TEST_PG_URL; a JDBC URL with user and
# password; the outbox's tables in it are dropped and recreated; without one the PostgreSQL figures
# are left out), STORE_DIR (where the stores and the fsync file go, default /var/tmp), ROUNDS (3),
# SECONDS_PER (seconds per enqueue figure and fsync/pgbench loop, 2), COUNT (mails per drain and
# burst, 3000), BACKLOG (mails waiting for the large PostgreSQL drain, 1000000; 0 leaves it out),
# OLD_REF (1b2bc97), OLD_DIR (/tmp/old-outbox: its git worktree, kept for the next run),
# SKIP_BUILD=1 (use benchmarks/target/benchmarks.jar as it is), MAVEN_REPO (~/.m2/repository).
# Installs postfix (for smtp-sink only) and PostgreSQL's pgbench when missing. Nothing leaves
# 127.0.0.1; every program runs under `timeout`.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$HERE/target/benchmarks.jar"
log() { echo "outbox.sh: $*" >&2; }
# shellcheck source=common.sh
source "$HERE/common.sh"

OLD=1
QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --no-old) OLD=0 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) log "unknown option $arg (--quick, --no-old)"; exit 2 ;;
  esac
done
if [[ $QUICK == 1 ]]; then
  ROUNDS=${ROUNDS:-1}; SECONDS_PER=${SECONDS_PER:-1}; COUNT=${COUNT:-2000}; BACKLOG=${BACKLOG:-100000}
fi
ROUNDS=${ROUNDS:-3}
SECONDS_PER=${SECONDS_PER:-2}
COUNT=${COUNT:-3000}
BACKLOG=${BACKLOG:-1000000}
STORE_DIR=${STORE_DIR:-/var/tmp}
OLD_REF=${OLD_REF:-1b2bc97}
OLD_DIR=${OLD_DIR:-/tmp/old-outbox}
MAVEN_REPO=${MAVEN_REPO:-$HOME/.m2/repository}
PG_URL=${OUTMAIL_BENCH_PG_URL:-${OUTMAIL_TEST_PG_URL:-}}

# --- tools -----------------------------------------------------------------------------------
need_install=()
command -v smtp-sink >/dev/null 2>&1 || need_install+=(postfix)
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1 || true)
[[ -n "$PG_URL" && -z "$PGBENCH" ]] && need_install+=(postgresql-contrib)
if ((${#need_install[@]})); then
  install_packages "${need_install[@]}"
  PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1 || true)
fi
command -v java >/dev/null || { log "java not found"; exit 1; }

# jdbc:postgresql://host:port/db?user=u&password=p -> pgbench's connection
if [[ -n "$PG_URL" ]]; then
  if [[ ! "$PG_URL" =~ ^jdbc:postgresql://([^:/?]+)(:([0-9]+))?/([^?]+)(\?(.*))?$ ]]; then
    log "OUTMAIL_BENCH_PG_URL is not jdbc:postgresql://host[:port]/database?user=...&password=..."; exit 2
  fi
  PG_HOST=${BASH_REMATCH[1]}; PG_PORT=${BASH_REMATCH[3]:-5432}; PG_DB=${BASH_REMATCH[4]}; PG_QUERY=${BASH_REMATCH[6]:-}
  PG_USER=$(tr '&' '\n' <<<"$PG_QUERY" | sed -n 's/^user=//p')
  PG_PASSWORD=$(tr '&' '\n' <<<"$PG_QUERY" | sed -n 's/^password=//p')
else
  log "no OUTMAIL_BENCH_PG_URL or OUTMAIL_TEST_PG_URL: the PostgreSQL figures are left out"
fi

# --- build -----------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  log "building (mvn -pl benchmarks -am package -DskipTests)"
  (cd "$ROOT" && mvn -B -q -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip) >&2
fi
OLD_CP=
if [[ $OLD == 1 ]]; then
  OLD_JAR="$OLD_DIR/outbox/target/outmail-outbox-0.1.0-SNAPSHOT.jar"
  if [[ ! -d "$OLD_DIR" ]]; then
    log "checking out the previous outbox ($OLD_REF) in $OLD_DIR"
    git -C "$ROOT" worktree add --detach "$OLD_DIR" "$OLD_REF" >&2
  fi
  if [[ $(git -C "$OLD_DIR" rev-parse HEAD) != $(git -C "$ROOT" rev-parse "$OLD_REF^{commit}") ]]; then
    log "$OLD_DIR is not at $OLD_REF: remove it (git worktree remove $OLD_DIR) or set OLD_DIR"; exit 2
  fi
  if [[ ! -f "$OLD_JAR" ]]; then
    log "building the previous outbox in $OLD_DIR (package only, never installed)"
    (cd "$OLD_DIR" && { mvn -B -o -q -pl outbox -am package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip \
      || mvn -B -q -pl outbox -am package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip; }) >&2
  fi
  # the previous outbox's classes come first, so they shadow the ones shaded into benchmarks.jar
  OLD_CP="$OLD_JAR:$JAR"
  H2_VERSION=$(sed -n 's:.*<h2.version>\(.*\)</h2.version>.*:\1:p' "$OLD_DIR/pom.xml")
  if [[ -n "$H2_VERSION" ]]; then   # an outbox from before SQLite (1b2bc97, the default) needs its H2
    H2_JAR="$MAVEN_REPO/com/h2database/h2/$H2_VERSION/h2-$H2_VERSION.jar"
    [[ -f "$H2_JAR" ]] || { log "$H2_JAR is missing (the previous outbox's H2)"; exit 1; }
    OLD_CP="$OLD_JAR:$H2_JAR:$JAR"
  fi
fi

# --- servers and places ----------------------------------------------------------------------
mkdir -p "$STORE_DIR"
WORK=$(mktemp -d "$STORE_DIR/outmail-outbox-bench.XXXXXX")
chmod 755 "$WORK"
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
log "smtp-sink on 127.0.0.1:$PORT; stores in $WORK"

RESULTS="$WORK/results.txt"
: >"$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date +%s)

bench() { # impl tests [extra args...]
  local impl=$1 tests=$2 cp=$JAR
  shift 2
  [[ $impl == old ]] && cp=$OLD_CP
  timeout 900 java -Xms256m -Xmx1g -XX:-UseDynamicNumberOfCompilerThreads -cp "$cp" org.outmail.bench.OutboxBench --impl "$impl" --port "$PORT" \
    --dir "$WORK/stores" --pg-url "$PG_URL" --seconds "$SECONDS_PER" --count "$COUNT" --round "$ROUND" \
    --tests "$tests" --out "$RESULTS" "$@" >>"$WORK/bench.log" 2>&1 \
    || { log "OutboxBench ($impl: $tests) failed:"; tail -30 "$WORK/bench.log" >&2; }
}

pgbench_run() { # clients
  local clients=$1 threads=$(( $1 < 2 ? 1 : 2 )) tps
  tps=$(PGPASSWORD="$PG_PASSWORD" timeout 120 "$PGBENCH" -n -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" \
      -c "$clients" -j "$threads" -T "$SECONDS_PER" -f "$WORK/pgbench-insert.sql" "$PG_DB" 2>>"$WORK/bench.log" \
      | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  if [[ -n "$tps" ]]; then
    printf 'impl=anchor\ttest=pgbench\tround=%s\tclients=%s\tsecs=%s\trate=%s\n' "$ROUND" "$clients" "$SECONDS_PER" "$tps" >>"$RESULTS"
  else
    log "pgbench with $clients client(s) failed:"; tail -5 "$WORK/bench.log" >&2
  fi
}

pgbench_sql() { # file
  PGPASSWORD="$PG_PASSWORD" timeout 120 "$PGBENCH" -n -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -c 1 -t 1 \
    -f "$1" "$PG_DB" >>"$WORK/bench.log" 2>&1
}

if [[ -n "$PG_URL" ]]; then
  echo "DROP TABLE IF EXISTS outmail_bench_pgbench; CREATE TABLE outmail_bench_pgbench (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, payload TEXT NOT NULL);" \
    >"$WORK/pgbench-setup.sql"
  echo "INSERT INTO outmail_bench_pgbench (payload) VALUES (repeat('x', 1000));" >"$WORK/pgbench-insert.sql"
  echo "DROP TABLE IF EXISTS outmail_bench_pgbench;" >"$WORK/pgbench-drop.sql"
fi

NEW_ENQUEUE="enqueue-embedded-1,enqueue-embedded-8,enqueue-nofsync-1,enqueueall-embedded"
OLD_ENQUEUE="enqueue-embedded-1,enqueue-embedded-8,enqueue-nofsync-1"
NEW_DRAIN="burst,drain-embedded"
OLD_DRAIN="burst,drain-embedded"
if [[ -n "$PG_URL" ]]; then
  NEW_ENQUEUE+=",enqueue-pg-1,enqueue-pg-8,enqueueall-pg"
  OLD_ENQUEUE+=",enqueue-pg-1,enqueue-pg-8"
  NEW_DRAIN+=",drain-pg"
  OLD_DRAIN+=",drain-pg"
fi

# --- rounds: anchors, then both outboxes, the order of the outboxes swapped every round ----------
for ROUND in $(seq 1 "$ROUNDS"); do
  log "round $ROUND of $ROUNDS: the disk's fsync rate"
  bench new fsync
  if [[ -n "$PG_URL" ]]; then
    log "round $ROUND: pgbench, 1 and 8 clients"
    pgbench_sql "$WORK/pgbench-setup.sql"
    pgbench_run 1
    pgbench_sql "$WORK/pgbench-setup.sql"
    pgbench_run 8
    pgbench_sql "$WORK/pgbench-drop.sql"
  fi
  order=(new)
  [[ $OLD == 1 ]] && { ((ROUND % 2)) && order=(new old) || order=(old new); }
  for impl in "${order[@]}"; do
    log "round $ROUND: $impl outbox, enqueue"
    if [[ $impl == new ]]; then bench new "$NEW_ENQUEUE" --batch 1000; else bench old "$OLD_ENQUEUE"; fi
  done
  for impl in "${order[@]}"; do
    log "round $ROUND: $impl outbox, burst and drain of $COUNT mails"
    if [[ $impl == new ]]; then bench new "$NEW_DRAIN"; else bench old "$OLD_DRAIN"; fi
  done
done

if [[ -n "$PG_URL" && "$BACKLOG" -gt 0 ]]; then
  ROUND=backlog
  log "PostgreSQL drain of $COUNT mails, $ROUNDS times, while $BACKLOG wait (filled in SQL)"
  bench new drain-pg-backlog --backlog "$BACKLOG" --repeat "$ROUNDS"
fi

# --- the table -------------------------------------------------------------------------------
mkdir -p "$HERE/target"
cp "$RESULTS" "$HERE/target/outbox-results.txt"
echo
echo "outmail outbox benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "stores in $STORE_DIR ($(df -P "$STORE_DIR" | awk 'NR==2 {print $1}'), $(findmnt -n -o FSTYPE --target "$STORE_DIR" 2>/dev/null || echo '?'))$( [[ -n "$PG_URL" ]] && echo ", PostgreSQL $("$PGBENCH" --version | awk '{print $3}') on $PG_HOST:$PG_PORT")"
echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg); took $(( $(date +%s) - STARTED )) s"
echo "rounds: $ROUNDS, ${SECONDS_PER} s per enqueue figure, $COUNT mails per drain$( [[ $OLD == 1 ]] && echo ", previous outbox: $OLD_REF")"
echo "raw lines: $HERE/target/outbox-results.txt"
echo
java -cp "$JAR" org.outmail.bench.OutboxReport --results "$RESULTS"
