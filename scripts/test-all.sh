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
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
# One plain closing line, whatever the runner's own format.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  if (r.numTotalTests === 0) process.exitCode = 1;
' "$report" || status=1
rm -f "$report"
exit "$status"
