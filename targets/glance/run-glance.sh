#!/usr/bin/env bash
# Starts a throwaway OpenStack Keystone and Glance (Debian's packages; fernet tokens, file store; Glance on sqlite,
# MariaDB or PostgreSQL, GLANCE_DB, a fresh database each time: databases.sh) on
# 127.0.0.1, provisions two projects, four users and three images (provision.py), then runs "$@" with the suite's
# variables exported, or, with no arguments, prints them and waits until killed. Both services run in process groups
# this script started and stops (bounded waits); everything lives in one temp folder, removed at exit.
#
#   targets/glance/run-glance.sh npx tsx scripts/conformance.ts   # exit code = the command's
#   targets/glance/run-glance.sh                                   # prints the variables; Ctrl-C to stop
#
# What the command gets (OpenStack's own conventions, no token pasted):
#   OS_CLIENT_CONFIG_FILE  a clouds.yaml in the temp folder with the clouds owner, forbidden and outsider
#   OS_CLOUD=owner         the image owner (member of project conformance-owner)
#   IMS_FORBIDDEN_OS_CLOUD=forbidden   a member of conformance-other: sees the owner's public images, may not change them
#   IMS_OUTSIDER_OS_CLOUD=outsider     a member of conformance-other who owns IMS_OUTSIDER_IMAGE_ID (private)
#   IMS_IMAGE_ID, IMS_OTHER_IMAGE_ID   the owner's images (public, made so by the admin); IMS_API_DIALECT=openstack
#   No IMS_ENDPOINT: the suite takes Glance's address from the token's service catalogue (type image, public).
#
# Env: GLANCE_DB (sqlite, mariadb or postgresql; default sqlite), GLANCE_READY_TIMEOUT (s, default 60),
#      GLANCE_IMAGE_TAG_QUOTA (default 128), GLANCE_MAIN_TAGS (JSON array, default []) tags the main image starts with,
#      GLANCE_KEEP_LOG=1 copies both logs to ./ on exit, GLANCE_DB_FACTS=FILE writes what Glance's database holds
#      after the command (db-facts.py: tags stored twice, tags a folding collation makes undeletable) to FILE.
set -euo pipefail

# Debian's OpenStack lives in the system python, not in a pyenv/venv python3 that may come first on PATH.
PY=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
"$PY" -c 'import glance, keystone, keystonemiddleware' 2>/dev/null || {
  echo "run-glance.sh: python3-glance/python3-keystone/python3-keystonemiddleware missing; run targets/glance/install.sh first" >&2; exit 2; }

dir=$(mktemp -d -t glance-target.XXXXXX)
chmod 700 "$dir"
pids=()
watchdog=""
pgdir=""
stop_group() {
  # Each service runs in its own process group (setsid): TERM the group, wait at most 5 s, then KILL.
  kill -TERM -- "-$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 -- "-$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
  # Last started, first stopped: Glance and Keystone go before the database they use.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_group "${pids[i]}"; done
  if [ "${GLANCE_KEEP_LOG:-}" = 1 ]; then cp "$dir/glance-api.log" "$dir/keystone.log" . 2>/dev/null || true; fi
  rm -rf "$dir" ${pgdir:+"$pgdir"}
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Even if this script is SIGKILLed (no trap runs), a watchdog kills what it started and removes the folder.
start_watchdog() {
  [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
  local groups="${pids[*]}"
  ( trap - EXIT INT TERM
    while kill -0 $$ 2>/dev/null; do sleep 1; done
    for p in $groups; do kill -KILL -- "-$p" 2>/dev/null; done; rm -rf "$dir" ${pgdir:+"$pgdir"} ) </dev/null >/dev/null 2>&1 &
  watchdog=$!
}
elapsed() { "$PY" -c "import time; print(round(time.time()-$1,1))"; }
# Bounded readiness poll: any HTTP answer from the URL, failing early when the process group died.
wait_ready() {
  local url=$1 pid=$2 log=$3 name=$4 deadline=$((SECONDS + ${GLANCE_READY_TIMEOUT:-60}))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if curl -sS -m 2 -o /dev/null "$url" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "run-glance.sh: $name did not become ready on $url; log tail:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

# shellcheck source=databases.sh
. "$here/databases.sh"
start_database

# Free ports from the kernel (a tiny race until the services bind them; acceptable for tests).
read -r kport gport < <("$PY" -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
keystone="http://127.0.0.1:$kport"
glance="http://127.0.0.1:$gport"
t0=$(date +%s.%N)

# ---- Keystone: sqlite, fernet tokens, the public API on wsgiref (one process, no Apache) ----
mkdir -p "$dir/fernet-keys" "$dir/credential-keys" "$dir/images" "$dir/staging" "$dir/tasks" "$dir/lock"
cat >"$dir/keystone.conf" <<EOF
[DEFAULT]
log_file = $dir/keystone.log
[database]
connection = sqlite:///$dir/keystone.sqlite
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
EOF
"$PY" -c "import json,secrets,sys; json.dump({'admin': secrets.token_urlsafe(18), 'keystone': sys.argv[1]}, open(sys.argv[2], 'w'))" \
  "$keystone" "$dir/secrets.json"
chmod 600 "$dir/secrets.json"
km() { timeout 120 /usr/bin/keystone-manage --config-file "$dir/keystone.conf" "$@" >>"$dir/keystone-manage.log" 2>&1 || {
  echo "run-glance.sh: keystone-manage $1 failed:" >&2; tail -n 20 "$dir/keystone-manage.log" >&2; exit 1; }; }
km db_sync
# Keystone keeps a read cursor open between requests: with sqlite's default journal its writes then fail with
# "database is locked". WAL lets readers and the writer coexist (the mode is stored in the file).
"$PY" -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" "$dir/keystone.sqlite"
km fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
km credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
# The bootstrap password goes through the environment, never a command line.
OS_BOOTSTRAP_PASSWORD=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['admin'])" "$dir/secrets.json") \
  km bootstrap --bootstrap-admin-url "$keystone/v3" --bootstrap-public-url "$keystone/v3" \
  --bootstrap-internal-url "$keystone/v3" --bootstrap-region-id RegionOne
OS_KEYSTONE_CONFIG_FILES="$dir/keystone.conf" setsid /usr/bin/keystone-wsgi-public --host 127.0.0.1 --port "$kport" \
  >>"$dir/keystone-wsgi.log" 2>&1 </dev/null &
pids+=($!)
start_watchdog
wait_ready "$keystone/v3" "${pids[0]}" "$dir/keystone-wsgi.log" keystone
# Assigned first, so a failure of provision.py stops the script (set -e).
ids=$("$PY" "$here/provision.py" identities "$dir" "$keystone" "$glance")
read -r owner_project other_project <<<"$ids"
t1=$(date +%s.%N)

# ---- Glance: keystonemiddleware's authtoken in front, GLANCE_DB's database, file store ----
cat >"$dir/glance-api-paste.ini" <<'EOF'
[pipeline:glance-api]
pipeline = versionnegotiation authtoken context rootapp

[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app

[app:apiversions]
paste.app_factory = glance.api.versions:create_resource

[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory

[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true

[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory
EOF
glance_password=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['glance'])" "$dir/secrets.json")
# workers = 0: one process, no forked children to chase. The file is private: it holds the service user's password.
( umask 077; cat >"$dir/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $gport
workers = 0
log_file = $dir/glance-api.log
enabled_backends = fs:file
image_tag_quota = ${GLANCE_IMAGE_TAG_QUOTA:-128}

[database]
connection = $GLANCE_DB_URL

[keystone_authtoken]
www_authenticate_uri = $keystone
auth_url = $keystone
auth_type = password
user_domain_name = Default
project_domain_name = Default
project_name = service
username = glance
password = $glance_password

[glance_store]
default_backend = fs

[fs]
filesystem_store_datadir = $dir/images

[os_glance_staging_store]
filesystem_store_datadir = $dir/staging

[os_glance_tasks_store]
filesystem_store_datadir = $dir/tasks

[oslo_concurrency]
lock_path = $dir/lock

[paste_deploy]
config_file = $dir/glance-api-paste.ini
EOF
)
unset glance_password
if ! timeout 120 "$PY" -m glance.cmd.manage --config-file "$dir/glance-api.conf" db_sync >"$dir/glance-db_sync.log" 2>&1; then
  echo "run-glance.sh: glance-manage db_sync failed:" >&2; tail -n 20 "$dir/glance-db_sync.log" >&2; exit 1
fi
setsid "$PY" -m glance.cmd.api --config-file "$dir/glance-api.conf" >>"$dir/glance-api.log" 2>&1 </dev/null &
pids+=($!)
start_watchdog
wait_ready "$glance/versions" "${pids[1]}" "$dir/glance-api.log" glance
ids=$("$PY" "$here/provision.py" images "$dir" "$glance")
read -r IMS_IMAGE_ID IMS_OTHER_IMAGE_ID IMS_OUTSIDER_IMAGE_ID <<<"$ids"
echo "run-glance.sh: keystone on $keystone and glance (${GLANCE_DB:-sqlite}) on $glance ready in $(elapsed "$t0") s (keystone and identities $("$PY" -c "print(round($t1-$t0,1))") s)" >&2

export OS_CLIENT_CONFIG_FILE="$dir/clouds.yaml" OS_CLOUD=owner IMS_FORBIDDEN_OS_CLOUD=forbidden IMS_OUTSIDER_OS_CLOUD=outsider
export IMS_IMAGE_ID IMS_OTHER_IMAGE_ID IMS_OUTSIDER_IMAGE_ID IMS_API_DIALECT=openstack
# For a reader of the output: which project is which (the suite does not need them in this dialect).
export GLANCE_OWNER_PROJECT_ID=$owner_project GLANCE_OTHER_PROJECT_ID=$other_project

if [ $# -gt 0 ]; then
  set +e; "$@"; rc=$?; set -e
  if [ -n "${GLANCE_DB_FACTS:-}" ]; then
    # Read while the database still exists; the URL (with its password) goes through the environment only.
    GLANCE_DB_URL=$GLANCE_DB_URL timeout 60 "$PY" "$here/db-facts.py" >"$GLANCE_DB_FACTS" ||
      { echo "run-glance.sh: could not read Glance's database after the run" >&2; rm -f "$GLANCE_DB_FACTS"; }
  fi
  exit "$rc"
fi
for v in OS_CLIENT_CONFIG_FILE OS_CLOUD IMS_FORBIDDEN_OS_CLOUD IMS_OUTSIDER_OS_CLOUD IMS_IMAGE_ID IMS_OTHER_IMAGE_ID \
  IMS_OUTSIDER_IMAGE_ID IMS_API_DIALECT GLANCE_OWNER_PROJECT_ID GLANCE_OTHER_PROJECT_ID; do printf 'export %s=%q\n' "$v" "${!v}"; done
echo "run-glance.sh: running (keystone $keystone, glance $glance); kill or Ctrl-C to stop" >&2
# Waiting on a service (not sleep) lets a signal interrupt us at once and notices a crash.
wait "${pids[1]}" || true
echo "run-glance.sh: glance exited unexpectedly" >&2
exit 1
