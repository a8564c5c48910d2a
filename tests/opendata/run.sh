#!/usr/bin/env bash
# Open data checked by the standard clients of each format: build the demo portal into a
# copy, then run every tests/opendata/check_* script against it. Prints "N passed, M
# failed" last; exit 1 if anything failed.
#
#   bash tests/opendata/run.sh            # uses target/debug/congkhai (builds it if missing)
#   CONGKHAI=path/to/congkhai bash tests/opendata/run.sh
#
# Each check_* script gets: SITE (the site root copy), PUBLIC (its built output), BIN (the
# congkhai binary), PY (a python with frictionless and rdflib), NOW (the build date). A
# check prints "ok   - …" / "FAIL - …" lines and exits non-zero when something failed.
#
# Needs: python3 with venv, minisign (apt-get install python3-venv minisign; .ci/deps does it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
export NOW="${NOW:-2026-11-23}"

# 1. The Python clients, pinned, in a venv of their own (.ci/pyenv, not committed).
venv="$here/.ci/pyenv"
req="$here/.ci/python-requirements.txt"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$req" "$venv/requirements.txt"; then
  echo "installing Python test clients into .ci/pyenv…"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$venv/requirements.txt"
fi
export PY="$venv/bin/python"
export PATH="$venv/bin:$PATH"

# 2. Build the demo portal into a copy (never touch the repository's public/ or history/).
work="$(mktemp -d "${TMPDIR:-/tmp}/congkhai-opendata.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export BIN="${CONGKHAI:-$CARGO_TARGET_DIR/debug/congkhai}"
if [ -z "${CONGKHAI:-}" ]; then
  cargo build --quiet --manifest-path "$here/Cargo.toml"
fi
export SITE="$work/site"
mkdir -p "$SITE"
for d in content data themes static templates history; do
  if [ -d "$here/$d" ]; then cp -r "$here/$d" "$SITE/$d"; fi
done
cp "$here/config.toml" "$SITE/"
export PUBLIC="$SITE/public"

passed=0
failed=0
if "$BIN" --root "$SITE" build --now "$NOW" >"$work/build.log" 2>&1; then
  passed=$((passed + 1)); echo "ok   - demo portal builds"
else
  failed=$((failed + 1)); echo "FAIL - demo portal builds"; cat "$work/build.log"
  echo "$passed passed, $failed failed"; exit 1
fi

# 3. Every check script; each prints its own ok/FAIL lines.
for check in "$here"/tests/opendata/check_*; do
  [ -f "$check" ] || continue
  case "$check" in
    *.py) cmd=("$PY" "$check") ;;
    *.sh) cmd=(bash "$check") ;;
    *) continue ;;
  esac
  out="$("${cmd[@]}" 2>&1)" && status=0 || status=$?
  printf '%s\n' "$out"
  passed=$((passed + $(grep -c '^ok   - ' <<<"$out" || true)))
  failed=$((failed + $(grep -c '^FAIL - ' <<<"$out" || true)))
  if [ "$status" != 0 ] && ! grep -q '^FAIL - ' <<<"$out"; then
    failed=$((failed + 1)); echo "FAIL - $(basename "$check") exited $status"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
