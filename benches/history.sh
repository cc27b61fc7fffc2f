#!/usr/bin/env bash
# `history` over folders of generated runs: files per second on one thread
# and on every core, and peak RSS at 1,000 and 4,000 files (which must not
# grow with the number of files). Best of five wall times; the largest RSS of the
# same runs. Figures in BENCHMARKS.md ("History over many runs").
#
#   cargo build --release --features cli --example history_runs
#   benches/history.sh target/release/dataprep-lineage target/release/examples/history_runs
set -euo pipefail
bin=$1 gen=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cores=$(nproc)
# 10 pipelines of 100 (400) runs of 20 stages, plus the generator's one
# corrupt file.
"$gen" "$dir/1000" 10 100 1 >/dev/null
"$gen" "$dir/4000" 10 400 1 >/dev/null
printf '%-7s %-9s %8s %8s %9s %10s\n' files format threads time_s files/s rss_kb
for n in 1000 4000; do
    files=$(find "$dir/$n" -name '*.json*' | wc -l)
    for format in text ndjson; do
        for jobs in 1 "$cores"; do
            best_t="" m=""
            for _ in 1 2 3 4 5; do
                /usr/bin/time -f '%e %M' -o "$dir/t" "$bin" history "$dir/$n" -j "$jobs" --format "$format" --quiet >/dev/null 2>&1
                read -r t mm < "$dir/t"
                if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; fi
                if [ -z "$m" ] || [ "$mm" -gt "$m" ]; then m=$mm; fi
            done
            awk -v n="$files" -v f="$format" -v j="$jobs" -v t="$best_t" -v m="$m" \
                'BEGIN { printf "%-7d %-9s %8d %8.2f %9.0f %10d\n", n, f, j, t, (t > 0 ? n / t : 0), m }'
        done
    done
done
du -sh "$dir/1000" "$dir/4000" | sed "s|$dir/||"
