# ci/lib.sh: shared by the CI step scripts (sourced, not run).
# Every step runs from the repository root and calls make targets only,
# the same ones `make test` (.ci/run) is made of. With CI_DRY_RUN=1 a step
# only checks that its targets exist and resolve (`make -n`), which is what
# ci/test_workflow.py does with every step of the workflow.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mk() {
  if [ "${CI_DRY_RUN:-0}" = 1 ]; then
    make -n "$@" >/dev/null
    echo "ci: make -n $* resolves"
  else
    make "$@"
  fi
}
