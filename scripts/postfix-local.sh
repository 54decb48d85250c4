#!/usr/bin/env bash
# A private Postfix instance for tests: Debian's postfix package, its own configuration, queue and
# mail directories under DIR, nothing of the system's Postfix configured or started.
#
#   scripts/postfix-local.sh start DIR PORT   # smtpd on 127.0.0.1:PORT; returns once it greets
#   scripts/postfix-local.sh stop DIR         # stops every process of the instance
#   scripts/postfix-local.sh status DIR       # exit 0 when running
#
# The smtpd offers PIPELINING, CHUNKING (BDAT), 8BITMIME, SIZE and SMTPUTF8 (Postfix's defaults)
# and accepts mail for any recipient at DOMAIN (postfix.test), except (local parts ignoring case):
#   rejected*@DOMAIN -> 550 5.1.1 at RCPT TO     later*@DOMAIN -> 450 4.2.1 at RCPT TO
#   other domains    -> 554 5.7.1 relay access denied
# Each accepted mail is delivered by Postfix's virtual(8) agent into the maildir DIR/mail/DOMAIN/:
# one file in DIR/mail/DOMAIN/new/ per recipient, whose first header, Delivered-To:, names it.
# The log is DIR/log/maillog. Nothing is ever sent out: the instance has no smtp client service.
#
# Environment (optional):
#   POSTFIX_LOCAL_DOMAIN           the domain mail is accepted for (default postfix.test)
#   POSTFIX_LOCAL_RECIPIENT_LIMIT  smtpd_recipient_limit: RCPT TOs per transaction before
#                                  "452 4.5.3 Error: too many recipients" (default 1000)
#   POSTFIX_LOCAL_SIZE_LIMIT       message_size_limit in bytes, announced in SIZE (default 33554432)
#
# Postfix's daemons run as the user postfix, which must be able to enter the instance's directories.
# When DIR lies under a directory that user cannot enter (root's home is 0700, and so is every
# directory mktemp -d makes), the instance lives in a directory of its own under
# /var/tmp/outmail-postfix/ (mode 0755, made by mktemp) and DIR is made a symbolic link to it:
# every path under DIR works the same, and the first line start prints says where it went.
#   scripts/postfix-local.sh delete DIR       # stops the instance and deletes its files (both places)
# Each start deletes the directories under /var/tmp/outmail-postfix/ whose DIR no longer links to them
# (a checkout deleted without `delete`).
#
# Runs as root (Postfix's master does); works on a fresh Debian 12 with the postfix package
# installed with "No configuration". The commands are idempotent and bounded in time: start gives
# up after 30 s, stop kills what is left after 15 s.
set -euo pipefail
umask 022

die() { echo "postfix-local: $*" >&2; exit 1; }
usage() { die "usage: $0 start DIR PORT | stop DIR | status DIR | delete DIR"; }

[ $# -ge 2 ] || usage
CMD="$1"
DIR="$2"
case "$DIR" in /*) ;; *) DIR="$(pwd)/$DIR" ;; esac
DIR="${DIR%/}"
case "$DIR" in *[[:space:]]*) die "DIR must not contain white space (Postfix's main.cf): '$DIR'" ;; esac
[ "$DIR" != "" ] || die "DIR must not be /"
# where instances live whose DIR the postfix user cannot reach
HOMES=/var/tmp/outmail-postfix
MARK="# A private test instance; written by scripts/postfix-local.sh, rewritten on every start."

# The instance's files: DIR itself, or the directory DIR links to. Sets REAL, ETC, QUEUE, PIDFILE, LOG.
paths() {
  REAL="$1"
  ETC="$REAL/etc"
  QUEUE="$REAL/queue"
  PIDFILE="$QUEUE/pid/master.pid"
  LOG="$REAL/log/maillog"
}
if [ -L "$DIR" ]; then
  paths "$(readlink -m "$DIR")"
else
  paths "$DIR"
fi

DOMAIN="${POSTFIX_LOCAL_DOMAIN:-postfix.test}"
RECIPIENT_LIMIT="${POSTFIX_LOCAL_RECIPIENT_LIMIT:-1000}"
SIZE_LIMIT="${POSTFIX_LOCAL_SIZE_LIMIT:-33554432}"

POSTFIX_BIN="$(command -v postfix || true)"
[ -z "$POSTFIX_BIN" ] && [ -x /usr/sbin/postfix ] && POSTFIX_BIN=/usr/sbin/postfix
POSTCONF_BIN="$(command -v postconf || true)"
[ -z "$POSTCONF_BIN" ] && [ -x /usr/sbin/postconf ] && POSTCONF_BIN=/usr/sbin/postconf

need_postfix() {
  if [ -z "$POSTFIX_BIN" ] || [ -z "$POSTCONF_BIN" ]; then
    die "Postfix is not installed: install Debian's package postfix, e.g.
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y postfix
(./test.sh does this)"
  fi
  [ "$(id -u)" -eq 0 ] || die "must run as root: Postfix's master process starts as root (run the tests as root, e.g. sudo ./test.sh)"
}

# The master's pid when the instance runs, else nothing.
master_pid() {
  [ -f "$PIDFILE" ] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PIDFILE")"
  [ -n "$pid" ] || return 0
  # the master of this instance, not a process that got the pid of an old one
  if kill -0 "$pid" 2>/dev/null && tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -xF "MAIL_CONFIG=$ETC" >/dev/null; then
    echo "$pid"
  fi
}

# Whether an SMTP server greets with 220 on 127.0.0.1:$1 within 2 seconds.
greets() {
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    IFS= read -r -t 2 line <&3 || exit 1
    printf "QUIT\r\n" >&3
    case "$line" in 220*) exit 0 ;; *) exit 1 ;; esac
  ' greets "$1" 2>/dev/null
}

log_tail() {
  if [ -f "$LOG" ]; then
    echo "--- last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2
  fi
}

configure() {
  local port="$1"
  mkdir -p "$ETC" "$QUEUE" "$REAL/data" "$REAL/mail" "$REAL/log"
  chmod 755 "$REAL" "$ETC" "$REAL/log"
  chown postfix "$REAL/data"
  chmod 700 "$REAL/data"
  # the recipients' files belong to nobody:nogroup (virtual(8) never delivers as root)
  chown 65534:65534 "$REAL/mail"
  chmod 755 "$REAL/mail"
  touch "$LOG"
  # Postfix's commands that drop to the postfix user append to it too: postsuper, when a start finds
  # a file a stopped cleanup left half-written in the queue, logs a warning there, and fails the
  # start ("integrity check failed") when it cannot open the file
  chown postfix "$LOG"

  local d="${DOMAIN//./\\.}"
  cat >"$ETC/recipient_access" <<EOF
# check_recipient_access: scripted refusals
/^rejected[^@]*@${d}\$/  550 5.1.1 User unknown
/^later[^@]*@${d}\$/     450 4.2.1 Try again later
EOF
  cat >"$ETC/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:${port} inet n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

  cat >"$ETC/main.cf" <<EOF
$MARK
compatibility_level = 3.6
config_directory = $ETC
queue_directory = $QUEUE
data_directory = $REAL/data
maillog_file = $LOG
maillog_file_prefixes = $REAL
mail_owner = postfix
setgid_group = postdrop

myhostname = mx.$DOMAIN
mydomain = $DOMAIN
myorigin = \$myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
smtpd_banner = \$myhostname ESMTP

# accept mail for $DOMAIN only; refuse the scripted recipients
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access regexp:$ETC/recipient_access
smtpd_recipient_limit = $RECIPIENT_LIMIT
message_size_limit = $SIZE_LIMIT
virtual_mailbox_limit = $SIZE_LIMIT

# every recipient at $DOMAIN exists; each delivery is one file in the maildir $REAL/mail/$DOMAIN/,
# its first header Delivered-To: naming the recipient (virtual(8) allows no per-recipient
# path from a regexp substitution)
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_base = $REAL/mail
virtual_mailbox_maps = static:$DOMAIN/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534

# nothing leaves: no smtp client service, every other destination discarded, no notices
default_transport = discard:no mail leaves the test instance
relay_transport = discard:no mail leaves the test instance
local_transport = discard:no local delivery in the test instance
notify_classes =
delay_warning_time = 0h
EOF
}

# Whether the postfix user can enter the directory $1 (and every one on the way to it).
enterable() {
  runuser -u postfix -- test -x "$1" 2>/dev/null
}

# The first directory on the way to $1 (itself included) that the postfix user cannot enter;
# nothing when there is none, or the first missing one comes before it.
blocker() {
  local p="$1" way=()
  while [ "$p" != "/" ]; do
    way=("$p" "${way[@]}")
    p="$(dirname "$p")"
  done
  for p in "${way[@]}"; do
    [ -d "$p" ] || return 0
    enterable "$p" || { echo "$p"; return 0; }
  done
}

# $HOMES, owned by root, enterable by everyone.
make_homes() {
  [ -e "$HOMES" ] || mkdir -m 755 "$HOMES" 2>/dev/null || true
  if [ ! -d "$HOMES" ] || [ -L "$HOMES" ] || [ "$(stat -c %u "$HOMES")" != 0 ]; then
    die "$HOMES must be a directory owned by root: remove what is there"
  fi
  chmod 755 "$HOMES"
  enterable "$HOMES" || die "the postfix user cannot enter $HOMES ($(blocker "$HOMES") is mode $(stat -c %a "$(blocker "$HOMES")"))"
}

# Deletes the instances under $HOMES whose DIR no longer links to them (their checkout was deleted,
# or its DIR was deleted without `delete`), stopping any that still runs.
collect() {
  [ -d "$HOMES" ] && [ ! -L "$HOMES" ] || return 0
  local h dir
  for h in "$HOMES"/*; do
    # .dir is written after DIR links to the instance: one without it is still being placed
    [ -d "$h" ] && [ ! -L "$h" ] && [ -f "$h/.dir" ] || continue
    dir="$(head -n 1 "$h/.dir")"
    if [ -L "$dir" ] && [ "$(readlink -m "$dir")" = "$h" ]; then
      continue
    fi
    (paths "$h"; stop >/dev/null) || true
    rm -rf "$h"
  done
}

# Where a new instance's files go: DIR, when the postfix user can reach it; else a directory of its
# own under $HOMES that DIR links to. Sets the paths.
place() {
  if [ -L "$DIR" ] && [ ! -e "$DIR" ]; then
    rm -f "$DIR" # its instance was collected, or deleted by hand
    paths "$DIR"
  fi
  mkdir -p "$(dirname "$REAL")"
  local b
  b="$(blocker "$(dirname "$REAL")")"
  [ -n "$b" ] || return 0
  local why="Postfix's daemons run as the user postfix, which cannot enter $b (mode $(stat -c %a "$b"))"
  if [ -L "$DIR" ]; then
    die "$why: $DIR links to $REAL, which it cannot reach"
  fi
  if [ -e "$DIR" ] && ! rmdir "$DIR" 2>/dev/null; then
    die "$why; $DIR already holds files: delete them ($0 delete $DIR) and start again, the instance then lives under $HOMES"
  fi
  make_homes
  local home
  home="$(mktemp -d "$HOMES/XXXXXXXXXX")"
  chmod 755 "$home"
  ln -s "$home" "$DIR"
  printf '%s\n' "$DIR" >"$home/.dir"
  paths "$home"
  echo "postfix-local: $why: the instance lives in $home, $DIR links to it"
}

start() {
  local port="$1"
  case "$port" in ''|*[!0-9]*) die "PORT must be a number, was '$port'" ;; esac
  need_postfix
  local pid
  pid="$(master_pid)"
  if [ -z "$pid" ]; then
    collect
    place
  fi
  case "$REAL" in *[[:space:]]*) die "DIR's files must not be in a path with white space (Postfix's main.cf): '$REAL'" ;; esac
  configure "$port"
  if [ -n "$pid" ]; then
    # running already: take the (re)written configuration, port included
    timeout 30 "$POSTFIX_BIN" -c "$ETC" reload >/dev/null 2>&1 || true
  else
    if greets "$port"; then
      die "port $port on 127.0.0.1 is taken by another server"
    fi
    rm -f "$PIDFILE"
    # a stop that caught cleanup writing a mail leaves it under cleanup's temporary name (pid.usec;
    # queue ids hold no dot): never acknowledged to the client, and never delivered, so not kept
    if [ -d "$QUEUE/incoming" ]; then
      find "$QUEUE/incoming" -maxdepth 1 -type f -name '*.*' -delete
    fi
    # start checks the instance first and creates its queue directories with their owners
    if ! timeout 30 "$POSTFIX_BIN" -c "$ETC" start >>"$REAL/log/postfix-cmd.log" 2>&1; then
      tail -n 20 "$REAL/log/postfix-cmd.log" >&2
      log_tail
      die "postfix start failed for $ETC"
    fi
  fi
  local deadline=$((SECONDS + 30))
  until greets "$port"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log_tail
      die "smtpd does not answer on 127.0.0.1:$port after 30 s"
    fi
    if [ -z "$(master_pid)" ] && [ "$SECONDS" -ge $((deadline - 25)) ]; then
      log_tail
      die "Postfix's master is not running (see $LOG)"
    fi
    sleep 0.2
  done
  echo "postfix-local: running on 127.0.0.1:$port, mail in $DIR/mail/$DOMAIN, log $LOG"
}

stop() {
  need_postfix
  local pid
  pid="$(master_pid)"
  if [ -z "$pid" ]; then
    echo "postfix-local: not running ($DIR)"
    return 0
  fi
  # the master leads its own process group (it calls setsid): the daemons it started are in it
  local pgid
  pgid="$(ps -o pgid= -p "$pid" | tr -d ' ')"
  [ "$pgid" = "$pid" ] || pgid=""
  timeout 15 "$POSTFIX_BIN" -c "$ETC" stop >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null || { [ -n "$pgid" ] && pgrep -g "$pgid" >/dev/null; }; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill -KILL "$pid" 2>/dev/null || true
      [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$PIDFILE"
  echo "postfix-local: stopped ($DIR)"
}

status() {
  local pid
  pid="$(master_pid)"
  [ -n "$pid" ] || { echo "postfix-local: not running ($DIR)"; return 1; }
  echo "postfix-local: running, master pid $pid ($DIR)"
}

# Stops the instance and deletes its files: DIR, and the directory under $HOMES DIR links to.
delete() {
  stop
  if [ -L "$DIR" ]; then
    case "$REAL" in "$HOMES"/?*) rm -rf "$REAL" ;; esac
    rm -f "$DIR"
  elif [ -d "$DIR" ]; then
    if [ -n "$(ls -A "$DIR")" ] && ! head -n 1 "$DIR/etc/main.cf" 2>/dev/null | grep -qxF "$MARK"; then
      die "$DIR holds no instance of this script (no etc/main.cf written by it): not deleted"
    fi
    rm -rf "$DIR"
  fi
  echo "postfix-local: deleted ($DIR)"
}

case "$CMD" in
  start) [ $# -eq 3 ] || usage; start "$3" ;;
  stop) [ $# -eq 2 ] || usage; stop ;;
  status) [ $# -eq 2 ] || usage; status ;;
  delete) [ $# -eq 2 ] || usage; delete ;;
  *) usage ;;
esac
