#!/usr/bin/env bash
# Refreshes the vendored uPlot (the console's one charting library) from the npm registry:
#   bash console/update-uplot.sh            # the version pinned below
#   bash console/update-uplot.sh 1.6.33     # another version (then update UPLOT_VERSION here)
# It copies the ES module build, its stylesheet, the license and the version into
# console/static/vendor/uplot/, which go:embed serves as they are: no build step.
set -euo pipefail
UPLOT_VERSION="${1:-1.6.32}"
cd "$(dirname "$0")"
dest=static/vendor/uplot
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "uplot@$UPLOT_VERSION" >/dev/null && tar -xzf uplot-*.tgz)
pkg="$tmp/package"
rm -rf "$dest"
mkdir -p "$dest"
cp "$pkg/dist/uPlot.esm.js" "$dest/uPlot.esm.js"
cp "$pkg/dist/uPlot.min.css" "$dest/uPlot.min.css"
cp "$pkg/LICENSE" "$dest/LICENSE"
node -e 'const p = require(process.argv[1]); console.log(`${p.name} ${p.version} (${p.license}), from the npm registry`)' \
  "$pkg/package.json" >"$dest/VERSION"
echo "vendored $(cat "$dest/VERSION") into console/$dest:"
ls -l "$dest"
