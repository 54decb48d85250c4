#!/usr/bin/env bash
# Crash soak of the outbox, for release checks: the outbox's CrashTest on the embedded store
# (a host process enqueuing and delivering, killed with SIGKILL at random moments and started again,
# with a thread burning CPU beside it), with many more kills and mails than in `mvn verify`.
# Prints one line: kills, mails, delivered, duplicates, mails in flight at the kills, duration.
#
#   scripts/outbox-soak.sh                      100 kills, 100,000 mails
#   scripts/outbox-soak.sh --kills 40 --mails 20000
#
# Options:
#   --kills N          kills (default 100); half while the host enqueues, half while it only delivers
#   --mails N          mails, each with its own idempotency key (default 100000)
#   --rate R           mails a second the host enqueues (default: so that enqueuing lasts half the kills)
#   --server-millis M  the receiving server's time per mail, which paces delivery (default: so that
#                      delivery lasts about as long as the kills)
#   --offline          run Maven offline (-o)
#   --log FILE         Maven's output (default target/outbox-soak.log)
# Exit status: 0 when every acknowledged mail was delivered and every duplicate is explained by a
# kill that found that mail being sent; 1 otherwise (the log says why).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

KILLS=100
MAILS=100000
RATE=""
SERVER_MILLIS=""
OFFLINE=""
LOG="$ROOT/target/outbox-soak.log"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
number() { [[ "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "outbox-soak: $1 must be a number, was '$2'" >&2; exit 2; }; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --kills) number "$1" "${2:-}"; KILLS="$2"; shift 2 ;;
    --mails) number "$1" "${2:-}"; MAILS="$2"; shift 2 ;;
    --rate) number "$1" "${2:-}"; RATE="$2"; shift 2 ;;
    --server-millis) number "$1" "${2:-}"; SERVER_MILLIS="$2"; shift 2 ;;
    --offline) OFFLINE="-o"; shift ;;
    --log) LOG="${2:?--log needs a file}"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "outbox-soak: unknown option $1" >&2; usage 2 ;;
  esac
done
if (( KILLS < 4 )); then
  echo "outbox-soak: --kills must be at least 4 (half while enqueuing, half while delivering)" >&2; exit 2
fi

mkdir -p "$(dirname "$LOG")"
RESULT="$(mktemp)"
trap 'rm -f "$RESULT"' EXIT
props=(-Doutmail.crash.kills="$KILLS" -Doutmail.crash.mails="$MAILS" -Doutmail.crash.result="$RESULT")
[[ -n "$RATE" ]] && props+=(-Doutmail.crash.rate="$RATE")
[[ -n "$SERVER_MILLIS" ]] && props+=(-Doutmail.crash.serverMillis="$SERVER_MILLIS")

echo "outbox-soak: $KILLS kills, $MAILS mails on the embedded store (Maven's output: $LOG)" >&2
status=0
(cd "$ROOT" && mvn -B $OFFLINE -pl outbox -am test -Dtest='CrashTest#embedded*' \
  -Dsurefire.failIfNoSpecifiedTests=false "${props[@]}") >"$LOG" 2>&1 || status=$?

if [[ -s "$RESULT" ]]; then
  cat "$RESULT"
fi
if [[ $status -ne 0 ]]; then
  echo "outbox-soak: FAILED (exit $status); the failure, from $LOG:" >&2
  grep -E -A30 '<<< FAIL|\[ERROR\] (Tests|Failures)' "$LOG" | head -80 >&2 || tail -50 "$LOG" >&2
  exit 1
fi
