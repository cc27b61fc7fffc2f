#!/usr/bin/env bash
# Regenerates the README's pictures of the HTML pages from the real output:
# docs/html-run.png (a failed run) and docs/html-diff.png (a comparison).
# Needs what the HTML page test needs: Chromium and puppeteer-core
# (PUPPETEER_SKIP_DOWNLOAD=1 npm install -g puppeteer-core; .ci/run installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release
bin=target/release/dataprep-lineage
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
$bin html fixtures/failed_transform_blocks_exports.json --quiet > "$out/run.html"
$bin diff fixtures/pairs/slower_stage_moves_critical_path/baseline.json \
  fixtures/pairs/slower_stage_moves_critical_path/current.json --format html --quiet > "$out/diff.html"
node tests/js/html_page.mjs --width 1100 --screenshot docs/html-run.png "$out/run.html" > /dev/null
node tests/js/html_page.mjs --width 1100 --screenshot docs/html-diff.png "$out/diff.html" > /dev/null
echo "wrote docs/html-run.png and docs/html-diff.png"
