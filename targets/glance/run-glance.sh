#!/usr/bin/env bash
# Starts a throwaway OpenStack Glance API (sqlite, file store, no Keystone) on 127.0.0.1,
# creates two images, then runs "$@" with IMS_* variables exported, or, with no arguments,
# prints them and waits until killed. Glance and its temp dir never outlive this script.
#
#   targets/glance/run-glance.sh npx playwright test      # exit code = the command's
#   targets/glance/run-glance.sh                           # prints IMS_*; Ctrl-C to stop
#
# Env: GLANCE_READY_TIMEOUT (s, default 30), GLANCE_IMAGE_TAG_QUOTA (default 128),
#      GLANCE_KEEP_LOG=1 copies the Glance log to ./glance-api.log on exit.
#      GLANCE_MAIN_TAGS (JSON array, default []) tags the main image starts with.
set -euo pipefail

# Debian's glance lives in the system python, not in a pyenv/venv python3 on PATH.
PY=/usr/bin/python3
"$PY" -c 'import glance' 2>/dev/null || {
  echo "run-glance.sh: python3-glance missing; run targets/glance/install.sh first" >&2; exit 2; }

dir=$(mktemp -d -t glance-target.XXXXXX)
pid=""
watchdog=""
cleanup() {
  local rc=$?
  [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
  if [ -n "$pid" ]; then
    # Glance runs in its own process group (setsid): kill the whole group, bounded wait.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  [ "${GLANCE_KEEP_LOG:-}" = 1 ] && cp "$dir/glance-api.log" ./glance-api.log 2>/dev/null
  rm -rf "$dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Ask the kernel for a free port (tiny race until glance binds it; acceptable for tests).
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"

mkdir -p "$dir/images" "$dir/staging" "$dir/tasks" "$dir/lock"
# No Keystone: unauthenticated-context gives every request an admin context with no tenant.
cat >"$dir/glance-api-paste.ini" <<'EOF'
[pipeline:glance-api]
pipeline = versionnegotiation unauthenticated-context rootapp

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

[filter:unauthenticated-context]
paste.filter_factory = glance.api.middleware.context:UnauthenticatedContextMiddleware.factory
EOF
# workers = 0: one process, no forked children to chase.
cat >"$dir/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
workers = 0
log_file = $dir/glance-api.log
enabled_backends = fs:file
image_tag_quota = ${GLANCE_IMAGE_TAG_QUOTA:-128}

[database]
connection = sqlite:///$dir/glance.sqlite

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

t0=$(date +%s.%N)
if ! timeout 120 "$PY" -m glance.cmd.manage --config-file "$dir/glance-api.conf" db_sync >"$dir/db_sync.log" 2>&1; then
  echo "run-glance.sh: glance-manage db_sync failed:" >&2; tail -n 20 "$dir/db_sync.log" >&2; exit 1
fi
t1=$(date +%s.%N)
setsid "$PY" -m glance.cmd.api --config-file "$dir/glance-api.conf" >>"$dir/glance-api.log" 2>&1 </dev/null &
pid=$!
# Even if this script is SIGKILLed (no trap runs), a watchdog kills glance and removes the dir.
( trap - EXIT INT TERM
  while kill -0 $$ 2>/dev/null; do sleep 1; done
  kill -KILL -- "-$pid" 2>/dev/null; rm -rf "$dir" ) </dev/null >/dev/null 2>&1 &
watchdog=$!

# Bounded readiness poll (GLANCE_READY_TIMEOUT s, default 30), failing early if glance died.
ready=""
deadline=$((SECONDS + ${GLANCE_READY_TIMEOUT:-30}))
while [ "$SECONDS" -lt "$deadline" ]; do
  if curl -fsS -m 2 -o /dev/null "$endpoint/v2/images" 2>/dev/null; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "run-glance.sh: glance did not become ready on $endpoint; log tail:" >&2
  tail -n 20 "$dir/glance-api.log" >&2; exit 1
fi
t2=$(date +%s.%N)
echo "run-glance.sh: glance ready on $endpoint (db_sync $("$PY" -c "print(round($t1-$t0,1))") s, api start $("$PY" -c "print(round($t2-$t1,1))") s)" >&2

create_image() {
  curl -fsS -m 10 -X POST "$endpoint/v2/images" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"container_format\":\"bare\",\"disk_format\":\"raw\",\"tags\":${2:-[]}}"
}
json_field() { "$PY" -c "import json,sys; v=json.load(sys.stdin).get('$1'); print(v if v is not None else '')"; }
# GLANCE_MAIN_TAGS: tags the main image starts with (set through JSON, so non-ASCII ones are stored as sent).
img1=$(create_image conformance-main "${GLANCE_MAIN_TAGS:-[]}")
img2=$(create_image conformance-other)
IMS_IMAGE_ID=$(json_field id <<<"$img1")
IMS_OTHER_IMAGE_ID=$(json_field id <<<"$img2")
# With no tenant in the context glance stores owner = null; fall back to a fixed 32-hex id
# (the OpenStack routes ignore it anyway).
owner=$(json_field owner <<<"$img1")
IMS_PROJECT_ID=${owner:-0123456789abcdef0123456789abcdef}
export IMS_ENDPOINT="$endpoint" IMS_IMAGE_ID IMS_OTHER_IMAGE_ID IMS_PROJECT_ID IMS_API_DIALECT=openstack

if [ $# -gt 0 ]; then
  set +e; "$@"; rc=$?; set -e
  exit "$rc"
fi
printf 'export %s=%q\n' IMS_ENDPOINT "$IMS_ENDPOINT" IMS_IMAGE_ID "$IMS_IMAGE_ID" \
  IMS_OTHER_IMAGE_ID "$IMS_OTHER_IMAGE_ID" IMS_PROJECT_ID "$IMS_PROJECT_ID" IMS_API_DIALECT openstack
echo "run-glance.sh: running; kill or Ctrl-C to stop" >&2
# Waiting on glance (not sleep) lets a signal interrupt us at once and notices a crash.
wait "$pid" || true
echo "run-glance.sh: glance exited unexpectedly" >&2
exit 1
