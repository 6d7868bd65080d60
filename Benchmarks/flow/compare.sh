#!/usr/bin/env bash
# Two revisions side by side on this machine, interleaved (A, B, A, B …), each built in release
# and run on a fresh local stack with the same flow_bench runs. The machine's speed drifts by a
# third within an hour with nothing else running, so only runs made together compare
# (docs/benchmarks.md, "third session").
#
#   Benchmarks/flow/compare.sh BASE NEW [ROUNDS]       # e.g. compare.sh 6fe2cce main 2
#
# It checks revisions out in this working tree (which must be clean), deletes the local stack's
# state (.local-stack) before every run, and goes back to the branch it started on at the end.
# The runs: 600 tasks at 20/s, then 3,000 at 150/s with 100 employees, twice. ORCH_COMPARE_RUNS
# replaces them (";"-separated flow_bench arguments). Each run prints its totals and the hops of
# the offer's path.
set -euo pipefail

# Bash reads a script as it runs it, and the checkouts below rewrite this file: run from a copy.
if [ -z "${ORCH_COMPARE_COPY:-}" ]; then
    copy=$(mktemp)
    cp "$0" "$copy"
    ORCH_COMPARE_COPY=1 ORCH_COMPARE_ROOT=$(cd "$(dirname "$0")/../.." && pwd) exec bash "$copy" "$@"
fi

ROOT=$ORCH_COMPARE_ROOT
cd "$ROOT"
[ $# -ge 2 ] || { echo "usage: $0 BASE NEW [ROUNDS]" >&2; exit 2; }
# Resolved once: a relative name (HEAD~1) would mean something else after the first checkout.
BASE=$(git rev-parse --verify "$1^{commit}") NEW=$(git rev-parse --verify "$2^{commit}") ROUNDS=${3:-2}
RUNS=${ORCH_COMPARE_RUNS:-"--rate 20 --tasks 600;--rate 150 --tasks 3000 --employees 100;--rate 150 --tasks 3000 --employees 100"}
[ -z "$(git status --porcelain --untracked-files=no)" ] || { echo "compare: the working tree has changes; commit or stash them first" >&2; exit 2; }
START=$(git symbolic-ref --short -q HEAD || git rev-parse HEAD)
trap 'compose/local down >/dev/null 2>&1 || true; git checkout -q "$START"' EXIT

PYTHON=.build/test-venv/bin/python
[ -x "$PYTHON" ] || PYTHON=python3

run() {
    local label=$1 revision=$2
    git checkout -q "$revision"
    echo "== $label: $revision ($(git rev-parse --short HEAD)), $(date -u +%H:%M:%S) UTC"
    swift build -c release 2>&1 | grep -E "error:|Build complete" | tail -1
    compose/local down >/dev/null 2>&1 || true
    rm -rf .local-stack
    ORCH_UP_DEMO=0 compose/local up >/dev/null 2>&1 || { echo "compare: the stack did not come up" >&2; exit 1; }
    IFS=';' read -ra runs <<<"$RUNS"
    for arguments in "${runs[@]}"; do
        # shellcheck disable=SC2086
        # The totals, and the hops of the offer's path (create → scheduler → round → tasks → notifier → socket).
        "$PYTHON" Benchmarks/flow/flow_bench.py $arguments 2>&1 |
            grep -E "^---|lost|p50|per lifecycle|POST /api/admin/tasks|outbox +commit|assignment round|task\.created at scheduler|assignment\.proposed at tasks|task\.assigned at notifier|feed +committed"
    done
}

for round in $(seq 1 "$ROUNDS"); do
    echo "### round $round of $ROUNDS"
    run base "$BASE"
    run new "$NEW"
done
