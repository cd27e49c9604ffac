#!/usr/bin/env bash
# Installs Debian's OpenStack Glance (python3-glance) so run-glance.sh can start a local target.
# Idempotent: does nothing when the package is already installed.
set -u

pkg=python3-glance
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The package index may be empty on a fresh machine: update once, then install.
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show "$pkg" >/dev/null 2>&1; then
  $sudo apt-get update -q >"$log" 2>&1 || true
fi
if ! $sudo apt-get install -y -q --no-install-recommends "$pkg" >>"$log" 2>&1; then
  err=$(grep -E '^(E|W): ' "$log" | tail -n 1)
  echo "install.sh: apt-get install $pkg failed${err:+: $err}" >&2
  exit 1
fi
