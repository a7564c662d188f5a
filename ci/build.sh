#!/usr/bin/env bash
# CI step: build the kernel and the simulator (what `make test` builds first).
source "$(dirname "$0")/lib.sh"
mk all
