#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the tests, CI and the benchmarks (one script for all three).
#   scripts/postgres.sh start DIR   starts one with its data under DIR and prints its connection string (also DIR/url)
#   scripts/postgres.sh stop DIR    stops it and removes DIR
# initdb refuses to run as root: as root, the server runs as the 'postgres' user (Debian's package creates it) or
# 'nobody'. fsync stays on: what the tests and benchmarks measure is durable. Needs PostgreSQL's server binaries
# (Debian: apt-get install postgresql); with AGENTIC_INSTALL_POSTGRES=1 and root, installs them itself.
set -euo pipefail
command=${1:-}
dir=${2:-}
if [[ -z "$command" || -z "$dir" ]]; then
  echo "usage: scripts/postgres.sh start|stop DIR" >&2
  exit 64
fi

server_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

if [[ $(id -u) -eq 0 ]]; then
  owner=postgres
  id "$owner" >/dev/null 2>&1 || owner=nobody
else
  owner=$(id -un)
fi

case "$command" in
  start)
    bin=$(server_bin)
    if [[ -z "$bin" && "${AGENTIC_INSTALL_POSTGRES:-}" == 1 && $(id -u) -eq 0 ]]; then
      echo "installing PostgreSQL (apt-get)…" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; }
      bin=$(server_bin)
      if [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1; then owner=postgres; fi
    fi
    if [[ -z "$bin" ]]; then
      echo "PostgreSQL's server binaries are not installed (/usr/lib/postgresql/*/bin); install them with: apt-get install postgresql" >&2
      exit 1
    fi
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown "$owner" "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U agentic --auth=trust -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || shuf -i 20000-60000 -n 1)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U agentic -d postgres -q -c "CREATE DATABASE agentic" >/dev/null
    url="Host=127.0.0.1;Port=$port;Username=agentic;Database=agentic"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  stop)
    bin=$(server_bin)
    if [[ -n "$bin" && -d "$dir/data" ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop DIR" >&2
    exit 64
    ;;
esac
