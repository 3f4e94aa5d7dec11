#!/usr/bin/env bash
# Runs the test suite in two passes: the in-process tests in parallel, then the end-to-end tests (real
# prismd, prism, prism-top, python and tmux processes) one at a time. Run together on a 2-core machine,
# the processes starve the in-process tests' time-bounded checks (outage recovery, ack deadlines).
#
#   scripts/run-tests.sh [SWIFT]
set -euo pipefail
swift=${1:-swift}
"$swift" test --skip-build --skip EndToEndTests
"$swift" test --skip-build --filter EndToEndTests --no-parallel
