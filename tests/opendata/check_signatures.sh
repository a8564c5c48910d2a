#!/usr/bin/env bash
# The history's signatures, checked by the standard minisign client (not by congkhai):
#  1. every signed entry of the published chain copy verifies with the published public
#     key (`cong-khai/khoa-ky.pub`, or the `khoa-<id>.pub` of the key the entry names);
#     only a preview's newest entry (manifest chain.unrecorded) may be unsigned;
#  2. a `publish` round in a scratch copy with a fresh `congkhai keygen` key: the new
#     entry and its signature in history/ and on the site verify with minisign.
# Env from run.sh: SITE, PUBLIC, BIN, PY, NOW. Prints ok/FAIL lines.
set -uo pipefail
fail=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fail=1; }

chain="$PUBLIC/cong-khai/lich-su/chuoi"
pub="$PUBLIC/cong-khai/khoa-ky.pub"
[ -f "$pub" ] && ok "the site publishes its public key (cong-khai/khoa-ky.pub)" || bad "no cong-khai/khoa-ky.pub"
unrecorded="$("$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); c=m.get("chain") or {}; print(c["head"].rsplit("/",1)[1] if c.get("unrecorded") else "")' "$PUBLIC/cong-khai/manifest.json")"
signed=0
for entry in "$chain"/*.json; do
  name="$(basename "$entry")"
  if [ ! -f "$entry.minisig" ]; then
    if [ "$name" = "$unrecorded" ]; then
      ok "$name is the preview's unrecorded entry (unsigned by design)"
    else
      bad "$name has no signature"
    fi
    continue
  fi
  # The key the entry names (after a rotation, older entries name older keys).
  key="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("signing_key",""))' "$entry")"
  keyfile="$pub"
  if [ -n "$key" ]; then
    for k in "$chain"/khoa-*.pub; do
      if [ "$(sed -n 2p "$k")" = "$key" ]; then keyfile="$k"; fi
    done
  fi
  if out="$(minisign -Vm "$entry" -x "$entry.minisig" -p "$keyfile" 2>&1)"; then
    signed=$((signed + 1))
    grep -q "Trusted comment: congkhai-history seq=" <<<"$out" \
      && ok "minisign -V $name ($(basename "$keyfile"))" \
      || bad "$name: unexpected trusted comment: $out"
  else
    bad "minisign -V $name: $out"
  fi
done
[ "$signed" -gt 0 ] && ok "$signed published entries verified by minisign" || bad "no signed entry in the published chain"

# A tampered copy must fail with the standard tool too.
first="$(ls "$chain"/*.json | head -1)"
if [ -f "$first.minisig" ]; then
  scratch="$(mktemp -d)"
  sed 's/"seq": 1/"seq": 1 /' "$first" >"$scratch/e.json"
  if minisign -Vm "$scratch/e.json" -x "$first.minisig" -p "$pub" >/dev/null 2>&1; then
    bad "minisign accepted an edited entry"
  else
    ok "minisign rejects an edited entry"
  fi
  rm -rf "$scratch"
fi

# 2. A ward adopting congkhai, in a scratch copy with no history: a first publication
#    before it has a key (unsigned, with a warning), then `congkhai keygen`, `congkhai sign`
#    for that entry, and a second publication signed by `publish` itself.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
copy="$work/site"
mkdir -p "$copy"
for d in content data themes static templates; do
  if [ -d "$SITE/$d" ]; then cp -r "$SITE/$d" "$copy/$d"; fi
done
"$PY" - "$SITE/config.toml" "$copy/config.toml" "$copy" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(re.sub(r"\n\[signing\][^\[]*", "\n", s))
# Without a key the site has no khoa-ky.pub yet, and congkhai refuses dead links: the
# demo's "how to check" page names the address as text until the ward has its key.
page = sys.argv[3] + "/content/cong-khai/kiem-tra.md"
t = open(page, encoding="utf-8").read()
open(page, "w", encoding="utf-8").write(
    t.replace("[/cong-khai/khoa-ky.pub](/cong-khai/khoa-ky.pub)", "`/cong-khai/khoa-ky.pub`"))
PY
if "$BIN" --root "$copy" publish --now "$NOW" >"$work/first.log" 2>&1; then
  grep -q "chưa được ký\|CHƯA KÝ\|chưa ký" "$work/first.log" \
    && ok "a first publication without a key warns that the history is unsigned" \
    || bad "no unsigned warning: $(cat "$work/first.log")"
else
  bad "first publish without a key: $(cat "$work/first.log")"; exit 1
fi
"$BIN" --root "$copy" keygen --secret-key "$work/keys/khoa.key" >"$work/pk" 2>"$work/keygen.log" \
  && ok "congkhai keygen" || { bad "congkhai keygen: $(cat "$work/keygen.log")"; exit 1; }
printf '\n[signing]\npublic_key = "%s"\n' "$(cat "$work/pk")" >>"$copy/config.toml"
cat >"$copy/content/van-ban/thong-bao-lich-tiep-dan.md" <<'MD'
+++
title = "Thông báo lịch tiếp công dân tháng 12/2026"
date = 2026-11-20

[approval]
by = "Phạm Quang Thái"
role = "Chủ tịch UBND phường"
decision = "Thông báo số 120/TB-UBND"
date = 2026-11-20
+++

Chủ tịch UBND phường tiếp công dân vào sáng thứ Năm hằng tuần.
MD
if "$BIN" --root "$copy" sign --secret-key "$work/keys/khoa.key" >"$work/sign.log" 2>&1 \
  && CONGKHAI_SECRET_KEY="$work/keys/khoa.key" "$BIN" --root "$copy" publish --now "$NOW" >"$work/publish.log" 2>&1; then
  ok "congkhai sign + publish with the fresh key"
else
  bad "congkhai sign/publish: $(cat "$work/sign.log" "$work/publish.log" 2>&1)"
  exit 1
fi
[ "$(ls "$copy"/history/*.json | wc -l)" = 2 ] && ok "two entries recorded" || bad "expected two entries in history/"
n=0
for entry in "$copy"/history/*.json; do
  if minisign -Vm "$entry" -p "$copy/public/cong-khai/khoa-ky.pub" >/dev/null 2>&1; then
    n=$((n + 1))
  else
    bad "minisign -V history/$(basename "$entry") with the fresh key"
  fi
done
newest="$(ls "$copy"/public/cong-khai/lich-su/chuoi/*.json | tail -1)"
if minisign -Vm "$newest" -p "$copy/public/cong-khai/khoa-ky.pub" >/dev/null 2>&1; then
  ok "minisign -V the newly published entry $(basename "$newest") ($n entries in history/ verified)"
else
  bad "minisign -V the newly published entry $(basename "$newest")"
fi
if "$BIN" verify "$copy/public" >"$work/verify.log" 2>&1; then
  ok "congkhai verify the published copy"
else
  bad "congkhai verify: $(cat "$work/verify.log")"
fi
exit "$fail"
