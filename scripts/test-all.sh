#!/usr/bin/env bash
# The whole test suite from a fresh clone: system packages, npm ci, typecheck, every test.
# Tests use real redis-server, nginx and Chromium; a missing one fails loudly, never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
npm ci --no-audit --no-fund
npm run typecheck
# nginx lives in /usr/sbin, which a non-login shell may not have on PATH.
export PATH="$PATH:/usr/sbin:/sbin"
report="$(mktemp -t pushlab-vitest-XXXXXX.json)"
alone="$(mktemp -t pushlab-vitest-alone-XXXXXX.json)"
# Checks that a quiet machine is *not* flagged load-bound must own the machine: run them after
# the parallel suite, alone (the rest of the suite would load the cores they watch).
ALONE=test/bench-gates-e2e.test.ts
status=0
npx vitest run --exclude "$ALONE" --reporter=default --reporter=json --outputFile.json="$report" || status=$?
npx vitest run "$ALONE" --reporter=default --reporter=json --outputFile.json="$alone" || status=$?
# One plain closing line over both passes, whatever the runner's own format.
node -e '
  const rs = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
  const sum = (k) => rs.reduce((n, r) => n + r[k], 0);
  console.log(`${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${sum("numPendingTests") + sum("numTodoTests")} skipped`);
  if (sum("numTotalTests") === 0) process.exitCode = 1;
' "$report" "$alone" || status=1
rm -f "$report" "$alone"
exit "$status"
