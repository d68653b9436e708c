#!/usr/bin/env bash
# Renders docs/kiosk-<fr|en>-<screen>.png: every kiosk screen in French and
# in English, on a fresh demo event, with Slint's software renderer (no
# display needed), then shrinks them with pngquant for the repository.
# Run from the repository root.
set -euo pipefail
command -v pngquant >/dev/null || apt-get install -y -q pngquant
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo run --release -q -- screenshot --out "$work" >/dev/null
rm -f docs/kiosk-*.png
for f in "$work"/*.png; do
  pngquant --quality 70-95 --speed 1 --output "docs/$(basename "$f")" -- "$f"
done
ls -la docs/kiosk-*.png
