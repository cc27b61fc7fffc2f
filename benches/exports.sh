#!/usr/bin/env bash
# `openlineage` and `trace` against `order --format json` (the same read,
# parse, build and analysis with a small writer) on generated runs of
# 10,000 (layered) and 100,000 (chain) stages. Best of three wall times,
# the largest RSS of the same runs, and the output's size. Figures in
# BENCHMARKS.md ("Exports").
#
#   cargo build --release --example generate
#   benches/exports.sh target/release/dataprep-lineage target/release/examples/generate
set -euo pipefail
bin=$1 gen=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$gen" 10000 layered > "$dir/10000.json"
"$gen" 100000 chain > "$dir/100000.json"
printf '%-7s %-12s %8s %9s %10s\n' stages command time_s rss_kb out_bytes
for n in 10000 100000; do
    for cmd in "order --format json" openlineage trace; do
        best_t="" m=""
        for _ in 1 2 3; do
            # shellcheck disable=SC2086
            /usr/bin/time -f '%e %M' -o "$dir/t" "$bin" $cmd "$dir/$n.json" > "$dir/out" 2>/dev/null
            read -r t mm < "$dir/t"
            if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; fi
            if [ -z "$m" ] || [ "$mm" -gt "$m" ]; then m=$mm; fi
        done
        printf '%-7s %-12s %8s %9s %10s\n' "$n" "${cmd%% *}" "$best_t" "$m" "$(stat -c %s "$dir/out")"
    done
done
