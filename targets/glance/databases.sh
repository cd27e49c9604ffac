# Sourced by run-glance.sh: Glance's database, fresh for every run. GLANCE_DB picks it:
#   sqlite      a file in the run's temp folder (the default)
#   mariadb     a private mariadbd (Debian's mariadb-server) with Debian's server defaults, utf8mb4 and
#               utf8mb4_general_ci (50-server.cnf); Glance's migrations still create image_tags.value as
#               utf8mb3_general_ci, which ignores case, accents and trailing spaces
#   postgresql  a private cluster (Debian's postgresql), UTF8 with the C.UTF-8 locale
# Each server gets its own data folder, a free port on 127.0.0.1 and nothing else (no system service, no socket
# outside the run's folders), is started in its own process group (setsid) and stopped with the run; its data goes
# with it, so stuck rows of one run never reach the next. Needs root (mariadbd runs as root; PostgreSQL as the
# postgres user, through runuser).
#
# Sets GLANCE_DB_URL (Glance's [database] connection) and appends the server's process group to pids.

db_free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Bounded wait for a database server: the check command succeeds, or the process group died, or the time is up.
db_wait() {
  local name=$1 pid=$2 log=$3; shift 3
  local deadline=$((SECONDS + ${GLANCE_READY_TIMEOUT:-60}))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "run-glance.sh: $name did not become ready; log tail:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

db_need_root() {
  [ "$(id -u)" -eq 0 ] || { echo "run-glance.sh: GLANCE_DB=$1 starts its own database server and needs root" >&2; exit 2; }
}

db_password() { "$PY" -c 'import secrets; print(secrets.token_hex(16))'; }

start_database() {
  case "${GLANCE_DB:-sqlite}" in
    sqlite) GLANCE_DB_URL="sqlite:///$dir/glance.sqlite" ;;
    mariadb) start_mariadb ;;
    postgresql) start_postgresql ;;
    *) echo "run-glance.sh: GLANCE_DB=${GLANCE_DB} is not one of sqlite, mariadb, postgresql" >&2; exit 2 ;;
  esac
}

start_mariadb() {
  db_need_root mariadb
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || {
    echo "run-glance.sh: mariadb-server is missing; run GLANCE_DATABASES=mariadb targets/glance/install.sh first" >&2; exit 2; }
  local m="$dir/mariadb" port pw
  mkdir -p "$m"
  port=$(db_free_port)
  if ! timeout 120 mariadb-install-db --no-defaults --user=root --datadir="$m/data" --skip-test-db \
    --auth-root-authentication-method=socket >"$m/install-db.log" 2>&1; then
    echo "run-glance.sh: mariadb-install-db failed:" >&2; tail -n 20 "$m/install-db.log" >&2; exit 1
  fi
  # Debian's server defaults (character-set-server and collation-server of /etc/mysql/mariadb.conf.d/50-server.cnf),
  # given here because --no-defaults keeps the machine's own configuration (and its port and socket) out of the run.
  setsid /usr/sbin/mariadbd --no-defaults --user=root --datadir="$m/data" --socket="$m/sock" --pid-file="$m/pid" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --log-error="$m/error.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 >>"$m/error.log" 2>&1 </dev/null &
  local spid=$!
  pids+=("$spid")
  start_watchdog
  db_wait mariadb "$spid" "$m/error.log" mariadb-admin --no-defaults --socket="$m/sock" -u root ping
  pw=$(db_password)
  # Over the private socket as root (socket authentication); the password goes through stdin, never a command line.
  printf "CREATE DATABASE glance; CREATE USER 'glance'@'127.0.0.1' IDENTIFIED BY '%s'; GRANT ALL ON glance.* TO 'glance'@'127.0.0.1';\n" "$pw" |
    mariadb --no-defaults --socket="$m/sock" -u root || { echo "run-glance.sh: creating MariaDB's glance database failed" >&2; exit 1; }
  GLANCE_DB_URL="mysql+pymysql://glance:$pw@127.0.0.1:$port/glance?charset=utf8mb4"
}

start_postgresql() {
  db_need_root postgresql
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && [ -x "$bin/postgres" ] || {
    echo "run-glance.sh: postgresql is missing; run GLANCE_DATABASES=postgresql targets/glance/install.sh first" >&2; exit 2; }
  # PostgreSQL refuses to run as root: its folder belongs to the postgres user (the run's own folder is root's, 0700).
  pgdir=$(mktemp -d -t glance-pg.XXXXXX)
  chown postgres: "$pgdir"
  chmod 700 "$pgdir"
  local port pw
  port=$(db_free_port)
  pw=$(db_password)
  ( umask 077; printf '%s\n' "$pw" >"$pgdir/pwfile" ); chown postgres: "$pgdir/pwfile"
  # Local (socket) connections only through the private 0700 folder; TCP on 127.0.0.1 needs the password.
  if ! timeout 120 runuser -u postgres -- "$bin/initdb" -D "$pgdir/data" -U glance --pwfile="$pgdir/pwfile" -E UTF8 \
    --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$pgdir/initdb.log" 2>&1; then
    echo "run-glance.sh: initdb failed:" >&2; tail -n 20 "$pgdir/initdb.log" >&2; exit 1
  fi
  rm -f "$pgdir/pwfile"
  # fsync off: a throwaway cluster, gone with the run.
  setsid runuser -u postgres -- "$bin/postgres" -D "$pgdir/data" -k "$pgdir" -p "$port" -c listen_addresses=127.0.0.1 \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off >>"$pgdir/server.log" 2>&1 </dev/null &
  local spid=$!
  pids+=("$spid")
  start_watchdog
  db_wait postgresql "$spid" "$pgdir/server.log" runuser -u postgres -- "$bin/pg_isready" -q -h "$pgdir" -p "$port"
  runuser -u postgres -- "$bin/psql" -q -h "$pgdir" -p "$port" -U glance -d postgres -c 'CREATE DATABASE glance' ||
    { echo "run-glance.sh: creating PostgreSQL's glance database failed" >&2; exit 1; }
  GLANCE_DB_URL="postgresql+psycopg2://glance:$pw@127.0.0.1:$port/glance"
}
