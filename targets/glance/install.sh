#!/usr/bin/env bash
# Installs Debian's OpenStack Glance and Keystone (python3-glance, python3-keystone, python3-keystonemiddleware; not the
# keystone package, which pulls Apache in) so run-glance.sh can start a local target, and the database servers and
# drivers GLANCE_DATABASES names (default "sqlite mariadb postgresql"): mariadb-server + python3-pymysql,
# postgresql + python3-psycopg2. Idempotent: does nothing when the packages (and curl) are already installed.
set -u

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
# run-glance.sh also needs curl (readiness polls), which a slim image may lack.
pkgs=""
want="python3-glance python3-keystone python3-keystonemiddleware"
for db in ${GLANCE_DATABASES:-sqlite mariadb postgresql}; do
  case "$db" in
    sqlite) ;;
    mariadb) want="$want mariadb-server python3-pymysql" ;;
    postgresql) want="$want postgresql python3-psycopg2" ;;
    *) echo "install.sh: GLANCE_DATABASES: $db is not one of sqlite, mariadb, postgresql" >&2; exit 2 ;;
  esac
done
for pkg in $want; do installed "$pkg" || pkgs="$pkgs $pkg"; done
command -v curl >/dev/null 2>&1 || pkgs="$pkgs curl"
pkgs=${pkgs# }
[ -n "$pkgs" ] || exit 0
echo "install.sh: installing $pkgs with apt (a few minutes the first time)" >&2

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The package index may be empty on a fresh machine: update once, then install.
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show $pkgs >/dev/null 2>&1; then
  $sudo apt-get update -q >"$log" 2>&1 || true
fi
if ! $sudo apt-get install -y -q --no-install-recommends $pkgs >>"$log" 2>&1; then
  err=$(grep -E '^(E|W): ' "$log" | tail -n 1)
  echo "install.sh: apt-get install $pkgs failed${err:+: $err}" >&2
  exit 1
fi
