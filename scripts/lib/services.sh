# shellcheck shell=bash
# Private PostgreSQL and Redis servers for scripts/run and scripts/test. Source it; do not execute it.
#
#   port=$(monti_free_port 5433)            # 5433 if free, else any free port
#   monti_pg_start DIR PORT test|persist    # sets MONTI_PG_URL (app role) and MONTI_PG_ADMIN_URL
#                                           # (shell variables, not exported: monti refuses unknown MONTI_*)
#   monti_redis_start DIR PORT test|persist # sets MONTI_REDIS_URL
#   monti_redis_stop DIR; monti_pg_stop DIR
#
# Both servers listen on 127.0.0.1 only and keep everything (data, socket, logs, pid) inside DIR, so two
# checkouts or a CI job next to a developer's run never share state. PostgreSQL refuses to run as root;
# as root the servers run as the system user `monti` (created once), as anyone else they run as that user.

MONTI_PG_BIN=${MONTI_PG_BIN:-/usr/lib/postgresql/15/bin}
MONTI_SERVICE_USER=${MONTI_SERVICE_USER:-monti}
# The application connects as this role: it owns its database but is not a superuser, like in production.
MONTI_PG_APP_ROLE=monti_app
MONTI_PG_DATABASE=monti
# The bootstrap superuser; it can only log in over the unix socket inside DIR (trust, no TCP).
MONTI_PG_ADMIN_ROLE=monti

monti_log() { echo "services: $*" >&2; }

# Prints a TCP port on 127.0.0.1 nobody listens on: PREFERRED if given and free, else one the kernel picks.
# There is a window between this check and the server binding; acceptable for dev and CI machines.
monti_free_port() {
  python3 - "${1:-0}" <<'PY'
import socket, sys
def bindable(port):
    with socket.socket() as s:
        # Servers bind with SO_REUSEADDR, so a port with only TIME_WAIT leftovers is free for them too.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return None
        return s.getsockname()[1]
preferred = int(sys.argv[1])
print((preferred and bindable(preferred)) or bindable(0))
PY
}

# Runs a command as the service user when we are root, else as ourselves.
monti_as_service_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$MONTI_SERVICE_USER" -- "$@"
  else
    "$@"
  fi
}

# Creates DIR (owned by whoever will run the servers, private to it). As root, also creates the service user.
monti_prepare_dir() {
  local dir=$1
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id -u "$MONTI_SERVICE_USER" >/dev/null 2>&1; then
      monti_log "creating system user $MONTI_SERVICE_USER to run PostgreSQL and Redis (they refuse root)"
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$MONTI_SERVICE_USER"
    fi
    chown -R "$MONTI_SERVICE_USER:" "$dir"
    if ! runuser -u "$MONTI_SERVICE_USER" -- test -w "$dir"; then
      monti_log "user $MONTI_SERVICE_USER cannot reach $dir (a parent directory is not world-searchable)"
      return 1
    fi
  fi
}

# Prints a new temporary directory the service user can enter (mktemp's 0700 would lock it out as root).
monti_make_temp_dir() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/monti-${1:-tmp}.XXXXXX")
  chmod 711 "$dir"
  echo "$dir"
}

# A random password of 32 hex characters.
monti_random_secret() {
  python3 -c 'import secrets; print(secrets.token_hex(16))'
}

# Waits up to SECONDS for COMMAND... to succeed.
monti_wait_for() {
  local seconds=$1
  shift
  local i
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------------------------------------------------
# PostgreSQL

# Starts (initialising on first use) a PostgreSQL cluster in DIR on PORT.
# MODE test: durability off (fsync, full_page_writes) because the data is thrown away; persist: defaults.
# An existing cluster in DIR is reused as is, so scripts/run keeps its data between runs.
monti_pg_start() {
  local dir=$1 port=$2 mode=${3:-test}
  monti_prepare_dir "$dir"
  dir=$(cd "$dir" && pwd) # absolute: the servers do not run in our working directory
  local data=$dir/data
  # Unix socket paths are limited to ~107 bytes; a deep checkout falls back to a short private directory.
  local sock=$dir
  if [ ${#sock} -gt 80 ]; then
    sock=$(mktemp -d /tmp/monti-pgsock.XXXXXX)
    [ "$(id -u)" -ne 0 ] || chown "$MONTI_SERVICE_USER:" "$sock"
    echo "$sock" >"$dir/socket-dir"
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    # Trust only on the private unix socket (mode 0700 directory); TCP always needs the scram password.
    monti_as_service_user "$MONTI_PG_BIN/initdb" --pgdata="$data" --username="$MONTI_PG_ADMIN_ROLE" \
      --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
      monti_log "initdb failed; see $dir/initdb.log"
      return 1
    }
  fi
  if monti_as_service_user "$MONTI_PG_BIN/pg_ctl" status --pgdata="$data" >/dev/null 2>&1; then
    # Left over from a run that was killed before it could clean up: restart it with this run's settings.
    monti_log "PostgreSQL in $data is already running; restarting it"
    monti_as_service_user "$MONTI_PG_BIN/pg_ctl" stop --pgdata="$data" --mode=fast --wait >/dev/null
  fi

  local opts="-c listen_addresses=127.0.0.1 -p $port -k $sock -c unix_socket_permissions=0700"
  if [ "$mode" = test ]; then
    opts+=" -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
  fi
  if ! monti_as_service_user "$MONTI_PG_BIN/pg_ctl" start --pgdata="$data" --wait --timeout=60 \
    --log="$dir/postgresql.log" --options="$opts" >/dev/null; then
    monti_log "PostgreSQL did not start on port $port; see $dir/postgresql.log"
    tail -n 20 "$dir/postgresql.log" >&2 || true
    return 1
  fi

  # The app password lives beside the data so a reused cluster keeps working; only the owner can read it.
  local password_file=$dir/app-password
  if [ ! -s "$password_file" ]; then
    (umask 077 && monti_random_secret >"$password_file")
    [ "$(id -u)" -ne 0 ] || chown "$MONTI_SERVICE_USER:" "$password_file"
  fi
  local password
  password=$(<"$password_file")
  monti_pg_provision "$sock" "$port" "$password" || return 1

  MONTI_PG_URL="postgresql://$MONTI_PG_APP_ROLE:$password@127.0.0.1:$port/$MONTI_PG_DATABASE"
  MONTI_PG_ADMIN_URL="postgresql://$MONTI_PG_ADMIN_ROLE@/$MONTI_PG_DATABASE?host=$sock&port=$port"
}

# Creates (or repairs) the app role and its database. Idempotent, so an interrupted first run heals itself.
monti_pg_provision() {
  local sock=$1 port=$2 password=$3
  local psql=("$MONTI_PG_BIN/psql" --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --host="$sock" --port="$port"
    --username="$MONTI_PG_ADMIN_ROLE" --dbname=postgres)
  # The password goes through a psql variable (:'pw' quotes it), never through the command line of ps.
  monti_as_service_user "${psql[@]}" --set=pw="$password" >/dev/null <<SQL || return 1
SELECT format('CREATE ROLE %I LOGIN', '$MONTI_PG_APP_ROLE')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$MONTI_PG_APP_ROLE') \gexec
ALTER ROLE $MONTI_PG_APP_ROLE WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', '$MONTI_PG_DATABASE', '$MONTI_PG_APP_ROLE')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$MONTI_PG_DATABASE') \gexec
SQL
  # PostgreSQL 15 no longer lets every role create in schema public; the owner of the database needs it.
  monti_as_service_user "${psql[@]}" --dbname="$MONTI_PG_DATABASE" \
    --command="ALTER SCHEMA public OWNER TO $MONTI_PG_APP_ROLE" >/dev/null
}

# Stops the cluster in DIR if it runs. Safe to call twice or on a DIR that never started.
monti_pg_stop() {
  local dir=$1
  local data=$dir/data
  [ -f "$data/postmaster.pid" ] || return 0
  monti_as_service_user "$MONTI_PG_BIN/pg_ctl" stop --pgdata="$data" --mode=fast --wait >/dev/null 2>&1 || true
  if [ -f "$dir/socket-dir" ]; then
    rm -rf "$(<"$dir/socket-dir")" "$dir/socket-dir"
  fi
}

# ---------------------------------------------------------------------------------------------------------
# Redis

# Starts redis-server in DIR on PORT. MODE test: no persistence at all; persist: append-only file in DIR.
monti_redis_start() {
  local dir=$1 port=$2 mode=${3:-test}
  monti_prepare_dir "$dir"
  dir=$(cd "$dir" && pwd) # absolute: the servers do not run in our working directory
  monti_redis_stop "$dir" # a leftover from a killed run would hold the pid file

  local args=(--port "$port" --bind 127.0.0.1 --protected-mode yes --dir "$dir" --daemonize yes
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log")
  if [ "$mode" = test ]; then
    args+=(--save '' --appendonly no)
  else
    args+=(--appendonly yes --save '3600 1 300 100 60 10000')
  fi
  if ! monti_as_service_user /usr/bin/redis-server "${args[@]}" ||
    ! monti_wait_for 15 redis-cli -h 127.0.0.1 -p "$port" ping; then
    monti_log "Redis did not start on port $port; see $dir/redis.log"
    tail -n 20 "$dir/redis.log" >&2 || true
    return 1
  fi
  echo "$port" >"$dir/redis.port"
  MONTI_REDIS_URL="redis://127.0.0.1:$port"
}

# Stops the Redis in DIR if it runs (SIGTERM: it saves first when persistence is on). Safe to call twice.
monti_redis_stop() {
  local dir=$1
  local pidfile=$dir/redis.pid
  [ -s "$pidfile" ] || return 0
  local pid
  pid=$(<"$pidfile")
  if kill -0 "$pid" 2>/dev/null && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM "$pid"
    monti_wait_for 30 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}
