#!/usr/bin/env bash
# Install what vmk needs from Debian's packages, and nothing when all is there.
# Idempotent: it asks dpkg first and calls apt-get only for what is missing.
set -euo pipefail

PKGS=(make gcc gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
      python3-pytest python3-pexpect python3-pytest-xdist python3-pytest-timeout
      afl++ llvm-14 gdb-multiarch
      gcovr python3-yaml gnuplot-nox)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ci/deps.sh: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
