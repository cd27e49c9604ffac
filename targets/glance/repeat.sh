#!/usr/bin/env bash
# Measures the Glance step: runs ci.sh N times in a row per database (one database at a time, never in parallel: each
# run is a fresh Keystone + Glance + database) and tabulates, per run, the step's result and time, and what Glance's
# database held afterwards (db-facts.json): tags stored twice, and tags left that the target cannot delete.
#
#   targets/glance/repeat.sh [N] [database...]       # N default 5; databases default sqlite mariadb postgresql
#   GLANCE_SERIAL_WRITES=1 targets/glance/repeat.sh  # the same with IMS_SERIAL_WRITES=1
#
# Results in ${GLANCE_RESULTS_DIR:-results/glance-repeat}/<run>/<database>; the table on stdout (TSV).
set -uo pipefail
cd "$(dirname "$0")/../.."
n=${1:-5}
shift || true
databases=${*:-sqlite mariadb postgresql}
root=${GLANCE_RESULTS_DIR:-results/glance-repeat}
printf 'database\trun\tstep\tseconds\tduplicates\tleft\tcannot_delete\n'
for db in $databases; do
  for i in $(seq "$n"); do
    t=$SECONDS
    mkdir -p "$root/$i"
    GLANCE_DATABASES=$db GLANCE_RESULTS_DIR="$root/$i" targets/glance/ci.sh >"$root/$i/$db.log" 2>&1
    rc=$?
    facts="$root/$i/$db/db-facts.json" report="$root/$i/$db/report.json"
    row=$(node -e '
      const fs = require("fs");
      const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
      const facts = read(process.argv[1]), report = read(process.argv[2]);
      const folded = new Set((facts?.folded ?? []).map((f) => f.image + "\n" + f.value));
      const left = report?.cleanup?.left ?? [];
      const stuck = left.filter((l) => folded.has(l.image + "\n" + l.key)).length;
      console.log([facts ? facts.duplicates.length : "?", report?.cleanup ? left.length : "?", stuck].join("\t"));
    ' "$facts" "$report" 2>/dev/null || printf '?\t?\t?')
    printf '%s\t%s\t%s\t%s\t%s\n' "$db" "$i" "$([ "$rc" -eq 0 ] && echo ok || echo "fail($rc)")" "$((SECONDS - t))" "$row"
  done
done
