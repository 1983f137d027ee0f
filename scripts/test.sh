#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up (apt, npm, venv, nats-server), static checks,
# TypeScript tests (unit, int, e2e; vitest runs files in parallel) and the Python tests.
# Prints one closing line "N passed, N failed" that CI reads.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh --dev || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
status=0
step() { # name, command...
  local name=$1; shift
  echo "== $name"
  if "$@"; then echo "ok  $name" >>"$results/steps"; else echo "FAIL $name" >>"$results/steps"; status=1; fi
}

step typecheck npx tsc --noEmit -p tsconfig.json
step lint npx eslint --max-warnings=0 .
step "dependency rules" npx depcruise --config .dependency-cruiser.cjs domain core projections server workers cli web/src test-support scripts bench
step "vitest" npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json"
step "python" bash scripts/test-python.sh --junitxml="$results/pytest.xml"

node --input-type=module - "$results" <<'JS'
import { readFileSync, existsSync } from "node:fs";
const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
if (existsSync(`${dir}/vitest.json`)) {
  const v = JSON.parse(readFileSync(`${dir}/vitest.json`, "utf8"));
  passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  // a file that failed to load has no tests but is a failure
  failed += v.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
}
if (existsSync(`${dir}/pytest.xml`)) {
  const x = readFileSync(`${dir}/pytest.xml`, "utf8");
  const m = /<testsuite [^>]*>/.exec(x)?.[0] ?? "";
  const n = (k) => Number(new RegExp(`${k}="(\\d+)"`).exec(m)?.[1] ?? 0);
  const tests = n("tests"), fails = n("failures") + n("errors"), skips = n("skipped");
  passed += tests - fails - skips; failed += fails; skipped += skips;
}
const steps = existsSync(`${dir}/steps`) ? readFileSync(`${dir}/steps`, "utf8").trim().split("\n") : [];
for (const s of steps) console.log(s);
failed += steps.filter((s) => s.startsWith("FAIL") && !/vitest|python/.test(s)).length;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
JS
exit $status
