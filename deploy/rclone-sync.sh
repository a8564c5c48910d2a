#!/usr/bin/env bash
# Sync every site of a province workspace (and the province portal) to S3-compatible
# object storage with rclone, with the content types and cache headers a CDN in front
# of the bucket needs (docs/province.md, "Đưa lên kho lưu trữ S3").
#
#   bash deploy/rclone-sync.sh WORKSPACE REMOTE:BUCKET[/PREFIX]
#
# Each site's output (sites/<name>/public) goes to REMOTE:BUCKET/PREFIX/<name>/, the
# province portal's (public/) to REMOTE:BUCKET/PREFIX/_tinh/ (no site can be called
# `_tinh`: site names are lower-case letters, digits and `-`). Point each commune's
# domain at its prefix in the CDN.
#
# Per site, in this order, so that a reader never meets a page whose stylesheet or
# download is not there yet:
#   1. fingerprinted stylesheets (css/main.<10 hex>.css): immutable, cached one year;
#   2. every other file but the pages, each type with its Content-Type, cached one hour;
#   3. the pages (*.html): text/html; charset=utf-8, cached five minutes;
#   4. `rclone sync`: deletes what the new output no longer has (nothing left to upload).
# `--checksum` compares MD5s, so a nightly rebuild uploads only the files whose bytes
# changed (a build rewrites every file, so modification times would say "all").
# Extra rclone flags: RCLONE_FLAGS="--transfers 8 --s3-acl public-read" bash deploy/rclone-sync.sh …
# Needs rclone ≥ 1.53 (Debian: apt-get install rclone).
set -euo pipefail

ws="${1:?usage: rclone-sync.sh WORKSPACE REMOTE:BUCKET[/PREFIX]}"
dest="${2:?usage: rclone-sync.sh WORKSPACE REMOTE:BUCKET[/PREFIX]}"
dest="${dest%/}"
read -r -a extra <<<"${RCLONE_FLAGS:-}"

SHORT="Cache-Control: public, max-age=300"
HOUR="Cache-Control: public, max-age=3600"
YEAR="Cache-Control: public, max-age=31536000, immutable"
HEX="[0-9a-f]"
FP="*.$HEX$HEX$HEX$HEX$HEX$HEX$HEX$HEX$HEX$HEX.css"
# Never uploaded: congkhai's own markers and lock files in the output folder.
HIDDEN=(--filter "- .congkhai-*" --filter "- .congkhai-*/**")

# copy SRC DST HEADERS... -- FILTERS...: one rclone copy with these upload headers.
copy() {
  local src="$1" dst="$2"; shift 2
  local headers=()
  while [ "$1" != "--" ]; do headers+=(--header-upload "$1"); shift; done
  shift
  rclone copy "$src" "$dst" --checksum "${HIDDEN[@]}" "${headers[@]}" "$@" "${extra[@]}"
}

# The content type of each extension congkhai publishes (as src/media.rs, text in UTF-8).
TYPES=(
  "ics:text/calendar; charset=utf-8"
  "geojson:application/geo+json"
  "jsonld:application/ld+json"
  "json:application/json"
  "csv:text/csv; charset=utf-8"
  "css:text/css; charset=utf-8"
  "js:text/javascript; charset=utf-8"
  "txt:text/plain; charset=utf-8"
  "xml:application/xml; charset=utf-8"
  "svg:image/svg+xml"
  "pdf:application/pdf"
)

sync_site() {
  local src="$1" dst="$2"
  [ -d "$src" ] || { echo "bỏ qua $src: chưa tạo trang (congkhai build --all)" >&2; return 0; }
  copy "$src" "$dst" "Content-Type: text/css; charset=utf-8" "$YEAR" -- --filter "+ $FP" --filter "- *"
  local known=(--filter "- $FP" --filter "- *.html")
  for t in "${TYPES[@]}"; do
    local ext="${t%%:*}" type="${t#*:}"
    if [ "$ext" = xml ]; then
      # Feeds first: atom.xml is application/atom+xml.
      copy "$src" "$dst" "Content-Type: application/atom+xml; charset=utf-8" "$HOUR" -- --filter "+ atom.xml" --filter "- *"
      copy "$src" "$dst" "Content-Type: $type" "$HOUR" -- --filter "- atom.xml" --filter "+ *.xml" --filter "- *"
    elif [ "$ext" = css ]; then
      copy "$src" "$dst" "Content-Type: $type" "$HOUR" -- --filter "- $FP" --filter "+ *.css" --filter "- *"
    else
      copy "$src" "$dst" "Content-Type: $type" "$HOUR" -- --filter "+ *.$ext" --filter "- *"
    fi
    known+=(--filter "- *.$ext")
  done
  # Anything else (pictures, attachments): rclone guesses the type from the extension.
  copy "$src" "$dst" "$HOUR" -- "${known[@]}" --filter "+ *"
  copy "$src" "$dst" "Content-Type: text/html; charset=utf-8" "$SHORT" -- --filter "+ *.html" --filter "- *"
  rclone sync "$src" "$dst" --checksum "${HIDDEN[@]}" "${extra[@]}"
}

sites_dir="$ws/sites"
if [ -f "$ws/congkhai.toml" ]; then
  custom="$(sed -n 's/^[[:space:]]*sites[[:space:]]*=[[:space:]]*"\(.*\)".*/\1/p' "$ws/congkhai.toml" | head -n 1)"
  [ -n "$custom" ] && sites_dir="$ws/$custom"
fi
for site in "$sites_dir"/*/; do
  name="$(basename "$site")"
  out="$site/public"
  echo "→ $name" >&2
  sync_site "$out" "$dest/$name"
done
if [ -d "$ws/public" ]; then
  echo "→ trang cấp tỉnh" >&2
  sync_site "$ws/public" "$dest/_tinh"
fi
