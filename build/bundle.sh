#!/usr/bin/env bash
# Packs the plugin bundle an admin uploads in System Console > Plugins:
# dist/<id>-<version>.tar.gz holding <id>/plugin.json, the server executables,
# the webapp bundle and the assets.
set -euo pipefail
cd "$(dirname "$0")/.."

id=$(node -p "require('./plugin.json').id")
version=$(node -p "require('./plugin.json').version")
stage="dist/stage/$id"
rm -rf dist/stage
mkdir -p "$stage/server/dist" "$stage/webapp/dist" "$stage/assets"

node -e '
const m = require("./plugin.json");
const missing = Object.values(m.server.executables).concat([m.webapp.bundle_path]).filter((f) => !require("fs").existsSync(f));
if (missing.length) { console.error("missing build outputs: " + missing.join(", ") + " (run make dist)"); process.exit(1); }
'
cp plugin.json "$stage/"
cp server/dist/plugin-* "$stage/server/dist/"
cp webapp/dist/main.js "$stage/webapp/dist/"
cp -r assets/. "$stage/assets/"
tar -C dist/stage -czf "dist/$id-$version.tar.gz" "$id"
rm -rf dist/stage
echo "dist/$id-$version.tar.gz ($(du -h "dist/$id-$version.tar.gz" | cut -f1))"
