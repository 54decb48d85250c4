#!/usr/bin/env bash
# The test command: makes sure what the tests need is installed and running, then runs Maven.
#   ./test.sh            -> mvn -B verify
#   ./test.sh -pl core   -> extra arguments go to Maven
# Needs: Java 17 and Maven. Installs with apt-get when missing (as root, or with sudo):
#   postgresql (a real PostgreSQL for the outbox and mailbox-store tests, on 127.0.0.1:5432);
#   chromium and chromium-driver (headless Chromium driven by Selenium for the console's tests);
#   postfix, installed without a system configuration (nothing of it is started): the SMTP
#   transport's PostfixTest runs a private instance on a free 127.0.0.1 port with
#   scripts/postfix-local.sh (under /var/tmp/outmail-postfix/ when the checkout lies in a directory
#   the postfix user cannot enter, such as root's home).
#   python3-dkim and python3-nacl (dkimpy, an independent DKIM verifier: the SMTP transport's
#   DkimSendTest checks outmail's RSA and Ed25519 signatures with it, the key served without DNS).
# What runs as another user keeps out of the checkout: PostgreSQL is the system's cluster
# (/var/lib/postgresql), psql runs from /; Chromium runs as the build's user, its profiles in the
# temporary directory.
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_apt() {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# Chromium and its driver: Debian's packages (never a browser downloaded by a test tool).
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "test.sh: installing chromium and chromium-driver (Debian packages)"
  need_apt chromium chromium-driver
fi
export OUTMAIL_TEST_CHROMIUM="${OUTMAIL_TEST_CHROMIUM:-$(command -v chromium)}"
export OUTMAIL_TEST_CHROMEDRIVER="${OUTMAIL_TEST_CHROMEDRIVER:-$(command -v chromedriver)}"

# Postfix: the Debian package, preseeded to "No configuration" so that no MTA is set up or started.
if ! [ -x /usr/sbin/postfix ] || ! [ -x /usr/sbin/postconf ]; then
  echo "test.sh: installing postfix (Debian package, no system configuration)"
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  need_apt postfix
fi
# dkimpy: Debian's python3-dkim (and python3-nacl for Ed25519), run with Debian's /usr/bin/python3.
if ! /usr/bin/python3 -c "import dkim, nacl" >/dev/null 2>&1; then
  echo "test.sh: installing python3-dkim and python3-nacl (Debian packages)"
  need_apt python3-dkim python3-nacl
fi

export OUTMAIL_TEST_POSTFIX_SCRIPT="${OUTMAIL_TEST_POSTFIX_SCRIPT:-$PWD/scripts/postfix-local.sh}"

# PostgreSQL: the Debian package, one cluster, a database and role for the tests.
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "test.sh: installing postgresql (Debian package)"
  need_apt postgresql
fi
PG_VERSION="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h 2>/dev/null | grep -q "^${PG_VERSION} main"; then
  $SUDO pg_createcluster "$PG_VERSION" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^${PG_VERSION} main .* online"; then
  $SUDO pg_ctlcluster "$PG_VERSION" main start
fi
# psql runs as postgres, from / (the checkout may lie in a directory that user cannot enter)
pg() { (cd / && if [ -n "$SUDO" ]; then sudo -u postgres psql -qAt "$@"; else su postgres -c "psql -qAt $(printf '%q ' "$@")"; fi); }
for _ in $(seq 1 30); do
  if pg -c "select 1" >/dev/null 2>&1; then break; fi
  sleep 1
done
if [ "$(pg -c "select 1 from pg_roles where rolname='outmail'")" != "1" ]; then
  pg -c "create role outmail login password 'outmail' createdb"
fi
if [ "$(pg -c "select 1 from pg_database where datname='outmail_test'")" != "1" ]; then
  pg -c "create database outmail_test owner outmail"
fi
export OUTMAIL_TEST_PG_URL="${OUTMAIL_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/outmail_test?user=outmail&password=outmail}"

exec mvn -B verify "$@"
