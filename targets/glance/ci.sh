#!/usr/bin/env bash
# CI step (run by .ci/run after npm test): the suite against a real implementation, OpenStack Glance behind Keystone.
# Installs Debian's python3-glance, python3-keystone and python3-keystonemiddleware when missing, starts a throwaway
# Keystone + Glance (run-glance.sh: sqlite in a temp folder, loopback only, free ports), runs the suite in the openstack
# dialect with OpenStack's own credential conventions (a clouds.yaml: owner, forbidden and outsider personas; the
# endpoint from the service catalogue), stops both, and passes when every requirement's outcome equals
# expected-outcomes.txt (a new failure and an unexpected pass both fail the step). It then proves the comparison can
# fail: the same results against the list with one line deliberately wrong must be refused.
#
# Env: GLANCE_SKIP=1 skips the step (where apt is unavailable) and says so loudly;
#      GLANCE_RESULTS_DIR (default results/glance); GLANCE_READY_TIMEOUT (s, default 60 here).
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

t0=$SECONDS
if ! "$here/install.sh"; then
  echo "glance: cannot install python3-glance/python3-keystone (apt unavailable?); set GLANCE_SKIP=1 to skip this step knowingly" >&2
  exit 2
fi
t_install=$((SECONDS - t0))

# The run sees only the variables run-glance.sh exports: credentials meant for another target never reach Glance.
for v in $(compgen -e | grep -E '^(IMS_|OS_)'); do unset "$v"; done
results=${GLANCE_RESULTS_DIR:-results/glance}
export GLANCE_READY_TIMEOUT=${GLANCE_READY_TIMEOUT:-60}
quota=${GLANCE_IMAGE_TAG_QUOTA:-128}
export GLANCE_IMAGE_TAG_QUOTA=$quota
# Tags the suite did not create, one non-ASCII (stored as sent: set through JSON): they must be intact at the end.
export GLANCE_MAIN_TAGS='["pre-existing", "\u9884\u5148\u5b58\u5728-\u00e9"]'

# Glance reads, modifies and writes an image's whole tag set: overlapping writes lose tags. The run is started as a
# user who does not know that would start it: the preflight's write probe must find it and make the run write one at a
# time (DT-17 records it), so no other verdict depends on it; the step checks that it did.
# A report left by an earlier run must never be judged as this one's (Glance may fail to start: exit 1, no report).
rm -f "$results/report.json"
t1=$SECONDS
# The exploration's sequences are random: a fixed seed keeps this comparison repeatable (GLANCE_SEED to try others).
"$here/run-glance.sh" env IMS_TAG_QUOTA="$quota" IMS_RESULTS_DIR="$results" IMS_SEED="${GLANCE_SEED:-1}" \
  npx --no-install tsx scripts/conformance.ts
rc=$?
t_run=$((SECONDS - t1))
if [ "$rc" -eq 3 ]; then
  echo "glance: the run left tags of its own on Glance (exit 3): see $results/report.md" >&2
  exit 1
fi
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
  echo "glance: the run did not complete (exit $rc; install ${t_install} s, Glance + suite ${t_run} s)" >&2
  exit 2
fi
if ! node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).preflight?.serialWrites === true ? 0 : 1)' "$results/report.json"; then
  echo "glance: the write probe did not find Glance's lost writes, so the run did not go one write at a time" >&2
  exit 1
fi

npx --no-install tsx scripts/check-expectations.ts "$here/expected-outcomes.txt" "$results"
check=$?
# The comparison must be able to fail: DT-01 passes on Glance, so a list claiming it fails is wrong and must be refused.
wrong=$(mktemp)
{ cat "$here/expected-outcomes.txt"; echo "DT-01 fail  deliberately wrong line (ci.sh's check that the comparison can fail)"; } >"$wrong"
npx --no-install tsx scripts/check-expectations.ts "$wrong" "$results" >/dev/null 2>&1
wrong_rc=$?
rm -f "$wrong"
if [ "$wrong_rc" -ne 1 ]; then
  echo "glance: a deliberately wrong expectation line was not refused (check-expectations exit $wrong_rc, expected 1)" >&2
  check=2
fi
echo "glance: install ${t_install} s, Keystone + Glance + suite ${t_run} s, total $((SECONDS - t0)) s; results in $results" >&2
exit "$check"
