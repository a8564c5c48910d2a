#!/usr/bin/env bash
# Every datapackage.json of the demo output passes `frictionless validate` (Data Package
# v2 with Table Schema): each resource's bytes and SHA-256, each CSV read with its schema
# (types, decimal commas, yes/no values, constraints, primary keys).
# Run by tests/opendata/run.sh, which sets PUBLIC and puts the venv's frictionless on PATH.
set -uo pipefail

failed=0
found=0
while IFS= read -r pkg; do
  found=$((found + 1))
  rel="${pkg#"$PUBLIC"/}"
  if out="$(frictionless validate --json "$pkg" 2>&1)" &&
    "${PY:-python3}" -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["valid"] else 1)' <<<"$out"; then
    echo "ok   - frictionless validate $rel"
  else
    failed=$((failed + 1))
    echo "FAIL - frictionless validate $rel"
    frictionless validate "$pkg" 2>&1 | tail -n 40 | sed 's/^/       /'
  fi
done < <(find "$PUBLIC" -name datapackage.json | sort)

if [ "$found" = 0 ]; then
  echo "FAIL - no datapackage.json in the demo output"
  exit 1
fi
[ "$failed" = 0 ]
