#!/usr/bin/env bash
# Set-up step: the query page's editor, YASGUI (@zazuko/yasgui, MIT), fetched with npm at the
# version pinned in web/package-lock.json and copied into the package's static folder, so the
# server serves it itself (offline, no CDN, no npm at run time). The built files (~1.1 MB) are
# not committed. Without npm the page falls back to its plain editor and this says so.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=src/cytoowl/serve/static/vendor/yasgui
BUILD=web/node_modules/@zazuko/yasgui/build
STAMP=$TARGET/VERSION
want=$(sed -n 's/.*"@zazuko\/yasgui": "\(.*\)".*/\1/p' web/package.json | head -1)

if [[ -f $STAMP && $(cat "$STAMP") == "$want" && -f $TARGET/yasgui.min.js && -f $TARGET/yasgui.min.css ]]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "npm not found: the query page uses its plain editor (install npm, then run scripts/assets.sh)" >&2
  exit 0
fi
npm ci --prefix web --ignore-scripts --no-audit --no-fund --loglevel=error
mkdir -p "$TARGET"
cp "$BUILD/yasgui.min.js" "$BUILD/yasgui.min.css" "$TARGET/"
{
  echo "@zazuko/yasgui $want, licence $(sed -n 's/.*"license": "\(.*\)".*/\1/p' web/node_modules/@zazuko/yasgui/package.json | head -1)"
  echo "copied from its npm package's build/ folder by scripts/assets.sh"
} > "$TARGET/NOTICE"
echo "$want" > "$STAMP"
echo "YASGUI $want installed into $TARGET"
