#!/usr/bin/env bash
# Time and peak memory of the release CLI on each hostile shape at a size
# and twice that size: the growth must be linear (doubling the input at most
# ~2.5x the time and memory). Figures in BENCHMARKS.md ("Hostile inputs").
#
#   cargo build --release --example shapes
#   benches/hostile.sh target/release/dataprep-lineage target/release/examples/shapes
set -euo pipefail
bin=$1 shapes=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%-28s %-24s %10s %9s %9s %9s %9s %7s %7s\n' shape command in_bytes time_s time2_s rss_kb rss2_kb t_ratio m_ratio
while IFS='|' read -r shape size; do
    "$shapes" "$shape" "$size" > "$dir/a.json"
    "$shapes" "$shape" "$((2 * size))" > "$dir/b.json"
    for cmd in "why" "why --format json" "order" "summary"; do
        measure() {
            local best_t="" best_m=""
            for _ in 1 2 3; do
                /usr/bin/time -f '%e %M' -o "$dir/t" "$bin" $cmd "$1" --quiet > /dev/null 2>&1 || true
                read -r t m < "$dir/t"
                if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; fi
                best_m=$m
            done
            echo "$best_t $best_m"
        }
        read -r t1 m1 < <(measure "$dir/a.json")
        read -r t2 m2 < <(measure "$dir/b.json")
        awk -v s="$shape" -v c="$cmd" -v n="$(stat -c %s "$dir/a.json")" -v t1="$t1" -v t2="$t2" -v m1="$m1" -v m2="$m2" \
            'BEGIN { tr = (t1 > 0.01 ? t2 / t1 : 0); printf "%-28s %-24s %10d %9.2f %9.2f %9d %9d %7.2f %7.2f\n", s, c, n, t1, t2, m1, m2, tr, m2 / m1 }'
    done
done <<'SHAPES'
nested run copies|8000
a long mapper key|8000
messages under a long key|8000
roots into a chain|4000
a ladder|16000
long names|4000
roots into many targets|2000
four anomalies per stage|100000
a long message|50000
SHAPES
