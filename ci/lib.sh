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
# The targets `make test` runs, in order (its recipe's `$(MAKE) <target>`
# lines), so that the CI steps follow it when a stage is added.
test_stages() {
  awk '/^test:/ { r = 1; next } r && /^\t/ { if (match($0, /\$\(MAKE\)[ \t]+[^ \t]+/)) {
         s = substr($0, RSTART, RLENGTH); sub(/\$\(MAKE\)[ \t]+/, "", s); print s } next }
       r { r = 0 }' Makefile
}
