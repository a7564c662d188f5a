#!/usr/bin/env bash
# CI step: line and branch coverage, host build and the ARM kernel under
# QEMU, merged; HTML in build/coverage/ (an artifact).
source "$(dirname "$0")/lib.sh"
mk coverage
