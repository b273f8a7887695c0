#!/usr/bin/env bash
# npm pack pkg/ into dist/hcp-segments-<version>.tgz and list what is in it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg/package.json ] || { echo "[pack] pkg/ is not built: run make wasm" >&2; exit 1; }
mkdir -p dist
name=$(cd pkg && npm pack --pack-destination ../dist --silent | tail -1)
[ -f "dist/$name" ] || { echo "[pack] npm pack did not produce dist/$name" >&2; exit 1; }
printf '[pack] dist/%s: %d bytes, %d files\n' "$name" "$(stat -c %s "dist/$name")" "$(tar -tzf "dist/$name" | wc -l)" >&2
