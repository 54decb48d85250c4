# Shared by run.sh and far.sh (sourced): installing, building, ports and the processes started.
# The sourcing script sets HERE, ROOT and JAR and defines log() first.

# Installs Debian packages (as root). postfix is preseeded to "No configuration": it installs
# without a main.cf, so no system MTA is configured or listens on port 25; one the package started
# anyway is stopped.
install_packages() {
  log "installing $*"
  if [[ $(id -u) -ne 0 ]]; then
    log "need root to install $* (or install them first)"; exit 1
  fi
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  if [[ " $* " == *" postfix "* ]] && postfix status >/dev/null 2>&1; then
    log "stopping the postfix MTA that the package started"
    postfix stop >/dev/null 2>&1 || true
  fi
}

# BUILD=all (default): benchmarks and the modules it measures, from this tree (a clean clone needs
# nothing else); BUILD=module: benchmarks only, core and transport-smtp taken from ~/.m2 (for a
# shared work tree where others build those modules at the same time); SKIP_BUILD=1: the jar as is.
build_jar() {
  if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
    if [[ "${BUILD:-all}" == module ]]; then
      log "building (mvn -pl benchmarks package)"
      (cd "$ROOT" && mvn -B -q -pl benchmarks package) >&2
    else
      log "building (mvn -pl benchmarks -am package -DskipTests)"
      (cd "$ROOT" && mvn -B -q -pl benchmarks -am package -DskipTests) >&2
    fi
  fi
}

# The previous benchmarks jar, to run beside this tree's: OLD_JAR as given, else built from the
# commit OLD_REF (when set) into OLD_DIR (default /tmp/outmail-old-<commit>, reused when its jar is
# there): that commit's tree by `git archive`, with this tree's benchmark programs copied in, so
# that both jars measure the same way (they use the library's public API only). Sets OLD_JAR, or
# leaves it empty when neither is set.
old_jar() {
  if [[ -n "${OLD_JAR:-}" ]]; then return 0; fi
  OLD_JAR=""
  [[ -n "${OLD_REF:-}" ]] || return 0
  local sha
  sha=$(git -C "$ROOT" rev-parse --short "$OLD_REF^{commit}")
  OLD_DIR=${OLD_DIR:-/tmp/outmail-old-$sha}
  OLD_JAR="$OLD_DIR/benchmarks/target/benchmarks.jar"
  if [[ ! -f "$OLD_JAR" ]]; then
    log "building the previous jar from $OLD_REF ($sha) in $OLD_DIR"
    rm -rf "$OLD_DIR"
    mkdir -p "$OLD_DIR"
    git -C "$ROOT" archive "$sha" | tar -x -C "$OLD_DIR"
    cp "$HERE"/src/main/java/org/outmail/bench/*.java "$OLD_DIR/benchmarks/src/main/java/org/outmail/bench/"
    (cd "$OLD_DIR" && mvn -B -q -pl benchmarks -am package -DskipTests) >&2
  fi
}

# A free TCP port on 127.0.0.1.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    local p
    for _ in $(seq 1 50); do
      p=$((20000 + RANDOM % 20000))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    return 1
  fi
}

# Waits (10 s at most) until something listens on 127.0.0.1:$1.
wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  log "nothing listens on 127.0.0.1:$1"; return 1
}

# Stops every process whose pid is in PIDS and waits for it.
stop_pids() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
