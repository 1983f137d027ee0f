#!/usr/bin/env bash
# Fails when schema/schema.graphql (committed SDL) differs from the schema the code builds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tmp=$(mktemp)
node --import tsx server/graphql/emit-schema.ts --out "$tmp" >/dev/null
if ! diff -u schema/schema.graphql "$tmp"; then
  echo "schema/schema.graphql is out of date: run \`npm run schema:emit\` and commit it." >&2
  exit 1
fi
