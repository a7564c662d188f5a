#!/usr/bin/env bash
# CI step: the pytest scenarios, the last stage of `make test`, on one
# target and machine: ci/pytest.sh host | ci/pytest.sh qemu CPU MEM.
# JUnit goes to build/junit-<target>[-<cpu>-<mem>].xml.
source "$(dirname "$0")/lib.sh"
target=${1:?host or qemu}
case "$target" in
  host) name=host; args="--target=host" ;;
  qemu) cpu=${2:?cpu}; mem=${3:?mem}; name="qemu-$cpu-$mem"
        args="--target=qemu --qemu-cpu=$cpu --qemu-mem=$mem" ;;
  *) echo "ci/pytest.sh: target is host or qemu, not $target" >&2; exit 2 ;;
esac
[ "${CI_XDIST:-}" ] && args="$args -n $CI_XDIST"
mk pytest PYTEST_ARGS="$args --junitxml=build/junit-$name.xml"
