#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `scripts/postgres-for-tests.sh start FOLDER PORT` creates a
# cluster in FOLDER (trust authentication, loopback only, its socket in FOLDER) and starts it on PORT;
# `scripts/postgres-for-tests.sh stop FOLDER` stops it and removes FOLDER; `pause FOLDER` stops it keeping its
# data and `resume FOLDER PORT` starts it again. PostgreSQL refuses to run as
# root: as root, the cluster belongs to and runs as the `postgres` user (Debian's postgresql package makes it).
set -euo pipefail
action=$1
folder=$2

bin=""
for candidate in /usr/lib/postgresql/*/bin /usr/local/bin /usr/bin; do
    if [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/initdb" ]; then bin=$candidate; fi
done
if [ -z "$bin" ]; then
    echo "no pg_ctl/initdb found: install Debian's postgresql (scripts/bootstrap.sh does)" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

run_server() {
    as_owner "$bin/pg_ctl" --pgdata="$folder/data" --log="$folder/server.log" --wait --timeout=60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$1 -c unix_socket_directories=$folder -c fsync=off -c max_connections=1000 -c shared_buffers=64MB" start >/dev/null ||
        { cat "$folder/server.log" >&2; exit 1; }
}

case "$action" in
start)
    port=$3
    mkdir -p "$folder"
    if [ "$(id -u)" = "0" ]; then chown postgres "$folder"; fi
    as_owner "$bin/initdb" --pgdata="$folder/data" --username=postgres --auth=trust --encoding=UTF8 --no-sync >"$folder/initdb.log" 2>&1 ||
        { cat "$folder/initdb.log" >&2; exit 1; }
    run_server "$port"
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
pause)
    # stops the server, keeping its data (tests of a lost server)
    as_owner "$bin/pg_ctl" --pgdata="$folder/data" --mode=fast --wait stop >/dev/null
    ;;
resume)
    run_server "$3"
    ;;
stop)
    if [ -d "$folder/data" ]; then as_owner "$bin/pg_ctl" --pgdata="$folder/data" --mode=immediate --wait stop >/dev/null 2>&1 || true; fi
    rm -rf "$folder"
    ;;
*)
    echo "usage: $0 start FOLDER PORT | pause FOLDER | resume FOLDER PORT | stop FOLDER" >&2
    exit 2
    ;;
esac
