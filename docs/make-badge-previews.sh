#!/usr/bin/env bash
# Renders docs/badge-<format>.png: one badge of each format for the README,
# from the example kiosk.toml and tests/fixtures/noms-difficiles.csv.
# Needs poppler-utils. Run from the repository root.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release -q
accueil="$PWD/target/release/accueil"
cp kiosk.toml "$work/"
(cd "$work" && "$accueil" import "$OLDPWD/tests/fixtures/noms-difficiles.csv" >/dev/null)
for format in a6 4x3in 62mm-roll cr80 dymo-99014 dymo-30857 dk-11234 dk-11202 4x6in; do
  (cd "$work" && "$accueil" badge NEC-1001 --layout "$format" --out "$format.pdf" >/dev/null)
  pdftoppm -r 60 -png -singlefile "$work/$format.pdf" "docs/badge-$format"
done
for format in a4-2x2 a4-2x4; do
  (cd "$work" && "$accueil" badges --layout "$format" --out "$format.pdf" >/dev/null)
  pdftoppm -r 30 -png -singlefile -f 1 -l 1 "$work/$format.pdf" "docs/badge-$format"
done
ls -la docs/badge-*.png
