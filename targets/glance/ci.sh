#!/usr/bin/env bash
# CI step (run by .ci/run after npm test): the suite against a real implementation, OpenStack Glance behind Keystone,
# on each database Glance is deployed on: sqlite, MariaDB and PostgreSQL (GLANCE_DATABASES). Installs Debian's
# python3-glance, python3-keystone, python3-keystonemiddleware and the database servers when missing (install.sh),
# then for each database starts a throwaway Keystone + Glance with a fresh database (run-glance.sh: loopback only, free
# ports, stopped at the end), runs the suite in the openstack dialect with OpenStack's own credential conventions (a
# clouds.yaml: owner, forbidden and outsider personas; the endpoint from the service catalogue), and passes when
#   - every requirement's outcome equals that database's expectation file (expected-outcomes.txt for sqlite,
#     expected-outcomes.<database>.txt otherwise; a new failure and an unexpected pass both fail the step), and
#   - the run left nothing it could have avoided (judge-cleanup.mjs, from report.json and Glance's database read
#     directly: no tag stored twice, no tag of the run left unless the database shows the target cannot delete it).
# It then proves the comparison can fail: the same results against the list with one line deliberately wrong must be
# refused.
#
# Env: GLANCE_SKIP=1 skips the step (where apt is unavailable) and says so loudly;
#      GLANCE_DATABASES (default "sqlite mariadb postgresql"): which databases, in order;
#      GLANCE_SERIAL_WRITES=1 runs the suite with IMS_SERIAL_WRITES=1 (no overlapping writes at all; DT-17 is then
#      expected "not exercised" instead of the file's line);
#      GLANCE_RESULTS_DIR (default results/glance; one folder per database in it); GLANCE_READY_TIMEOUT (s, default 60).
set -uo pipefail
cd "$(dirname "$0")/../.."
here=targets/glance

if [ "${GLANCE_SKIP:-}" = 1 ]; then
  {
    echo "################################################################################"
    echo "## GLANCE STEP SKIPPED (GLANCE_SKIP=1): the suite was NOT run against OpenStack ##"
    echo "## Glance. Nothing about the openstack dialect against a real target is known. ##"
    echo "################################################################################"
  } >&2
  exit 0
fi

databases=${GLANCE_DATABASES:-sqlite mariadb postgresql}
for db in $databases; do
  case "$db" in sqlite | mariadb | postgresql) ;; *) echo "glance: GLANCE_DATABASES: $db is not one of sqlite, mariadb, postgresql" >&2; exit 2 ;; esac
done
serial=${GLANCE_SERIAL_WRITES:-}

t0=$SECONDS
if ! GLANCE_DATABASES="$databases" "$here/install.sh"; then
  echo "glance: cannot install python3-glance/python3-keystone or the database servers (apt unavailable?); set GLANCE_SKIP=1 to skip this step knowingly" >&2
  exit 2
fi
t_install=$((SECONDS - t0))

# The run sees only the variables run-glance.sh exports: credentials meant for another target never reach Glance.
for v in $(compgen -e | grep -E '^(IMS_|OS_)'); do unset "$v"; done
results_root=${GLANCE_RESULTS_DIR:-results/glance}
export GLANCE_READY_TIMEOUT=${GLANCE_READY_TIMEOUT:-60}
quota=${GLANCE_IMAGE_TAG_QUOTA:-128}
export GLANCE_IMAGE_TAG_QUOTA=$quota
# Tags the suite did not create, one non-ASCII (stored as sent: set through JSON): they must be intact at the end.
export GLANCE_MAIN_TAGS='["pre-existing", "\u9884\u5148\u5b58\u5728-\u00e9"]'

# One database: 0 passed, 1 failed, 2 did not complete.
run_one() {
  local db=$1 results=$2 expected=$here/expected-outcomes.txt
  [ "$db" = sqlite ] || expected=$here/expected-outcomes.$db.txt
  mkdir -p "$results"
  # A report left by an earlier run must never be judged as this one's (Glance may fail to start: exit 1, no report).
  rm -f "$results/report.json" "$results/db-facts.json"
  # Glance reads, modifies and writes an image's whole tag set: overlapping writes are lost. The run is started as a
  # user who does not know that would start it: the preflight's write probe must find it and make the run write one
  # at a time (DT-17 records it), so no other verdict depends on it; the step checks that it did.
  # The exploration's sequences are random: a fixed seed keeps this comparison repeatable (GLANCE_SEED to try others).
  GLANCE_DB=$db GLANCE_DB_FACTS="$results/db-facts.json" "$here/run-glance.sh" env IMS_TAG_QUOTA="$quota" \
    IMS_RESULTS_DIR="$results" IMS_SEED="${GLANCE_SEED:-1}" ${serial:+IMS_SERIAL_WRITES=1} \
    npx --no-install tsx scripts/conformance.ts
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then
    echo "glance ($db): the run did not complete (exit $rc)" >&2
    return 2
  fi
  local verdict=0
  # Exit 3 (tags of the run left) is judged by what is left: tags the target cannot delete are its finding, not harm
  # the suite could have avoided; anything else, and any tag stored twice, fails the step.
  node "$here/judge-cleanup.mjs" "$results" || verdict=$?
  [ "$verdict" -eq 2 ] && return 2
  if [ -z "$serial" ] && ! node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).preflight?.serialWrites === true ? 0 : 1)' "$results/report.json"; then
    echo "glance ($db): the write probe did not find Glance's lost writes, so the run did not go one write at a time" >&2
    verdict=1
  fi
  local list
  list=$(mktemp)
  if [ -n "$serial" ]; then
    # IMS_SERIAL_WRITES=1: the probe sends nothing, so DT-17 is not exercised (a skip) whatever the file says.
    { grep -v '^DT-17 ' "$expected"; echo "DT-17 skip  not exercised: GLANCE_SERIAL_WRITES=1 runs with IMS_SERIAL_WRITES=1, so the write probe sends nothing"; } >"$list"
  else
    cp "$expected" "$list"
  fi
  npx --no-install tsx scripts/check-expectations.ts "$list" "$results"
  local check=$?
  # The comparison must be able to fail: DT-01 is expected to pass or fail with evidence here, so a line claiming
  # it was skipped is wrong and must be refused.
  { grep -v '^DT-01 ' "$list"; echo "DT-01 skip  deliberately wrong line (ci.sh's check that the comparison can fail)"; } >"$list.wrong"
  npx --no-install tsx scripts/check-expectations.ts "$list.wrong" "$results" >/dev/null 2>&1
  local wrong_rc=$?
  rm -f "$list" "$list.wrong"
  if [ "$wrong_rc" -ne 1 ]; then
    echo "glance ($db): a deliberately wrong expectation line was not refused (check-expectations exit $wrong_rc, expected 1)" >&2
    check=2
  fi
  [ "$check" -gt "$verdict" ] && verdict=$check
  return "$verdict"
}

status=0
summary="install ${t_install} s"
for db in $databases; do
  t1=$SECONDS
  run_one "$db" "$results_root/$db"
  rc=$?
  summary="$summary; $db $((SECONDS - t1)) s ($([ "$rc" -eq 0 ] && echo ok || echo "FAILED, $rc"))"
  [ "$rc" -gt "$status" ] && status=$rc
done
echo "glance: $summary; total $((SECONDS - t0)) s; results in $results_root/<database>" >&2
exit "$status"
