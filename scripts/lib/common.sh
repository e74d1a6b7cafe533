# shellcheck shell=bash
# Shared helpers for scripts/infra, scripts/dev, scripts/test and .ci/run. Source it; it defines functions and
# DUKA_ROOT / DUKA_DATA, and changes nothing else.

DUKA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DUKA_DATA="$DUKA_ROOT/.data"

log()  { printf '[%s] %s\n' "${DUKA_LOG_TAG:-duka}" "$*"; }
warn() { printf '[%s] warning: %s\n' "${DUKA_LOG_TAG:-duka}" "$*" >&2; }
die()  { printf '[%s] error: %s\n' "${DUKA_LOG_TAG:-duka}" "$*" >&2; exit 1; }

# port_open PORT [HOST]: true when something accepts TCP connections on HOST:PORT (default 127.0.0.1).
port_open() {
  local port=$1 host=${2:-127.0.0.1}
  timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

# wait_port NAME PORT SECONDS [LOGFILE] [PID]: wait until the port accepts connections. Fails with a clear message
# (and the log's tail) after SECONDS, or at once when PID (the process that should open it) has exited.
wait_port() {
  local name=$1 port=$2 secs=$3 logfile=${4:-} pid=${5:-}
  local deadline=$((SECONDS + secs))
  until port_open "$port"; do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      warn "$name exited before it listened on 127.0.0.1:$port"
      show_log_tail "$logfile"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      warn "$name did not accept connections on 127.0.0.1:$port within ${secs}s"
      show_log_tail "$logfile"
      return 1
    fi
    sleep 0.3
  done
}

show_log_tail() {
  local f=${1:-} n=${2:-40}
  [[ -n $f && -s $f ]] || return 0
  printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
  tail -n "$n" "$f" >&2
  printf -- '----- end of %s -----\n' "$f" >&2
}

# port_holder PORT: a short description of the process listening on PORT, when ss can tell.
port_holder() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))$/\1/p' | head -n 1
}

# http_ok URL: true when GET URL answers 2xx within 2 seconds.
http_ok() {
  local url=$1
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null
    return
  fi
  # Fallback without curl: plain HTTP/1.0 over bash's /dev/tcp (http://host:port/path only).
  local rest=${url#http://} hostport path host port status
  hostport=${rest%%/*}; path=/${rest#*/}; [[ $rest == */* ]] || path=/
  host=${hostport%%:*}; port=${hostport##*:}
  status=$(timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port && printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' '$path' '$hostport' >&3 && head -n 1 <&3" 2>/dev/null) || return 1
  [[ $status =~ ^HTTP/[0-9.]+\ 2[0-9][0-9] ]]
}

# export_env_file FILE: exports every KEY=value line of FILE unless the variable is already set in the environment
# (so the user's environment overrides generated values). Values are never printed.
export_env_file() {
  local file=$1 line key
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key=${BASH_REMATCH[1]}
    [[ -n ${!key+x} ]] && continue
    export "$key=${BASH_REMATCH[2]}"
  done <"$file"
}

# pnpm_install: `pnpm install --frozen-lockfile` (plain install without a lockfile), serialised with other engineers'
# installs through the lock CONVENTIONS.md names.
pnpm_install() {
  local args=(install)
  if [[ -f $DUKA_ROOT/pnpm-lock.yaml ]]; then
    args+=(--frozen-lockfile)
  else
    warn "pnpm-lock.yaml is missing: running a plain 'pnpm install'"
  fi
  log "pnpm ${args[*]}"
  (cd "$DUKA_ROOT" && flock /tmp/duka-pnpm.lock pnpm "${args[@]}")
}
