#!/usr/bin/env bash
# Compares two builds of benches/tools/profile.rs step by step, as BENCHMARKS.md's
# "Second round" table does: the two binaries run `steps` alternately, ROUNDS
# times, and each step keeps its minimum over all rounds (on a shared VM the
# minimum is the figure least disturbed by neighbours).
#
#   git worktree add /tmp/before 532b727
#   cp benches/tools/profile.rs /tmp/before/benches/tools/profile.rs
#   (cd /tmp/before && CARGO_TARGET_DIR=/tmp/before-target cargo build --release --example profile)
#   cargo build --release --example profile
#   benches/compare_steps.sh /tmp/before-target/release/examples/profile \
#       target/release/examples/profile run.json 12 6
#
# With AFTER_FILE and AFTER_ITERATIONS, the second binary runs on another file;
# one build on the 1,000- and the 10,000-stage files gives the growth of each
# step and of each sum ("after / before"), as in BENCHMARKS.md's "Third round":
#
#   benches/compare_steps.sh target/release/examples/profile \
#       target/release/examples/profile run1k.json 100 3 run.json 12
set -euo pipefail
if [ $# -ne 5 ] && [ $# -ne 7 ]; then
    echo "usage: $0 BEFORE_PROFILE AFTER_PROFILE FILE ITERATIONS ROUNDS [AFTER_FILE AFTER_ITERATIONS]" >&2
    exit 2
fi
before=$1 after=$2 file=$3 iterations=$4 rounds=$5
after_file=${6:-$file} after_iterations=${7:-$iterations}
for _ in $(seq "$rounds"); do
    "$before" steps "$file" "$iterations" 2>&1 | sed 's/^/before /'
    "$after" steps "$after_file" "$after_iterations" 2>&1 | sed 's/^/after /'
done | python3 -c '
import sys
best, steps = {}, []
for line in sys.stdin:
    build, rest = line.split(" ", 1)
    step, value = rest.split(":")
    step = step.strip()
    ms = float(value.split()[0])
    if step not in steps:
        steps.append(step)
    best[build, step] = min(best.get((build, step), float("inf")), ms)
for step in steps:
    b, a = best["before", step], best["after", step]
    print(f"{step:>9}: before {b:8.2f} ms   after {a:8.2f} ms   (after / before {a / b:.2f})")
for name, skip in [("why", {"floor", "cp json"}), ("critical-path", {"floor", "why json", "why text"})]:
    b, a = (sum(best[w, s] for s in steps if s not in skip) for w in ("before", "after"))
    fb, fa = best["before", "floor"], best["after", "floor"]
    print(f"{name} (sum of its steps): before {b:.2f} ms ({b / fb:.2f}x), after {a:.2f} ms ({a / fa:.2f}x), after / before {a / b:.2f}")
'
