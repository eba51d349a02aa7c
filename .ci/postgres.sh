# shellcheck shell=bash
# A throw-away PostgreSQL server for the test suite, on 127.0.0.1 only (sourced by .ci/run).
#
#   pg_start   install PostgreSQL from the distribution's packages when missing (apt-get, as root),
#              initdb into a fresh temporary directory, start the server on 127.0.0.1:$PG_PORT
#              (password auth, a random password), create the role and database "registry_test" and
#              export REGISTRY_TEST_DATABASE_URL
#   pg_stop    stop the server and remove its directory (safe to call twice)
#
# Durability is switched off (fsync, full_page_writes): the data lives for one test run.

PG_PORT="${PG_PORT:-54329}"
PG_DIR=""
PG_RUNAS=()

_pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
    if [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

_pg_install() {
    if [ -n "$(_pg_bin)" ]; then return; fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "PostgreSQL is not installed and this is not root: install the 'postgresql' package" >&2
        return 1
    fi
    echo "== installing PostgreSQL (apt-get) =="
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql </dev/null
}

_pg_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_start() {
    _pg_install
    local bin
    bin=$(_pg_bin)
    # initdb refuses to run as root: run the server as the distribution's "postgres" user.
    if [ "$(id -u)" -eq 0 ]; then PG_RUNAS=(runuser -u postgres --); else PG_RUNAS=(); fi
    while _pg_port_busy "$PG_PORT"; do PG_PORT=$((PG_PORT + 1)); done
    PG_DIR=$(mktemp -d /tmp/registry-ci-pg.XXXXXX)
    chmod 755 "$PG_DIR"
    local password
    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" >"$PG_DIR/pwfile"
    mkdir "$PG_DIR/data"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$PG_DIR"; fi
    "${PG_RUNAS[@]}" "$bin/initdb" -D "$PG_DIR/data" -U registry --pwfile="$PG_DIR/pwfile" \
        --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    "${PG_RUNAS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
        start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
    PGPASSWORD="$password" "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U registry registry_test
    export REGISTRY_TEST_DATABASE_URL="postgresql+psycopg://registry:${password}@127.0.0.1:${PG_PORT}/registry_test"
    echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR) =="
}

pg_stop() {
    if [ -z "$PG_DIR" ] || [ ! -d "$PG_DIR" ]; then return 0; fi
    local bin
    bin=$(_pg_bin)
    "${PG_RUNAS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}
