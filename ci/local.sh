#!/usr/bin/env bash
# Runs every step of the CI workflow here, for real, in the workflow's order
# (matrix expanded, repeated deps/build steps once): `bash ci/local.sh`.
# `bash ci/local.sh --dry` only checks that each step's make targets resolve.
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 ci/workflow.py run "$@"
