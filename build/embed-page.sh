#!/bin/sh
# Trunk post-build hook (Trunk.toml), for the studio's build only (the one that copies
# embed.js; not the benchmark's anchor app):
# - embed/index.html: the same app at its own path, so a static host can give it its own
#   headers (frame-ancestors); it resolves its files from the folder above.
# - embed/app.json: the hashed names of the app's module, wasm and stylesheet, for the
#   loader's inline mode.
set -eu
cd "$TRUNK_STAGING_DIR"
[ -f embed.js ] || exit 0
mkdir -p embed
sed 's|<head>|<head><base href="../" />|' index.html > embed/index.html
first() { for name in "$@"; do [ -f "$name" ] && { echo "$name"; return; }; done; }
js=$(first krea-studio-*.js krea-studio.js)
wasm=$(first krea-studio-*_bg.wasm krea-studio_bg.wasm)
css=$(first style-*.css style.css)
printf '{"module": "%s", "wasm": "%s", "stylesheet": "%s"}\n' "$js" "$wasm" "$css" > embed/app.json
