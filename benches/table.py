#!/usr/bin/env python3
"""Prints BENCHMARKS.md's tables from the last `cargo bench --bench analysis`.

Reads criterion's saved estimates (median of each benchmark) and the input
size criterion recorded as throughput, so every figure in the table comes
from one run on one machine. Run from the repository root:

    cargo bench --bench analysis && python3 benches/table.py
"""

import json
import pathlib

ROOT = pathlib.Path("target/criterion")
SIZES = [100, 1000, 10000]


def median_ms(group, bench, size=None):
    path = ROOT / group / bench
    if size is not None:
        path = path / str(size)
    estimates = json.loads((path / "new" / "estimates.json").read_text())
    return estimates["median"]["point_estimate"] / 1e6


def size_bytes(size):
    meta = json.loads((ROOT / "parse" / "parse" / str(size) / "new" / "benchmark.json").read_text())
    return meta["throughput"]["Bytes"]


def ms(value):
    return f"{value:.3f} ms" if value < 1 else f"{value:.1f} ms"


print("| stages | bytes | floor (`IgnoredAny`) | parse | parse + build | end-to-end `critical-path` | end-to-end `why` |")
print("|---:|---:|---:|---:|---:|---:|---:|")
rows = {}
for n in SIZES:
    floor = median_ms("parse", "floor_ignored_any", n)
    cells = {
        "parse": median_ms("parse", "parse", n),
        "build": median_ms("parse", "parse_build", n),
        "cp": median_ms("end_to_end", "critical_path", n),
        "why": median_ms("end_to_end", "why", n),
    }
    rows[n] = cells
    mb = size_bytes(n) / 1e6
    out = [f"{n:,}", f"{mb:.1f} MB", f"{ms(floor)} ({mb / floor * 1000:.0f} MB/s)"]
    for key in ["parse", "build", "cp", "why"]:
        out.append(f"{ms(cells[key])} ({cells[key] / floor:.1f}×, {mb / cells[key] * 1000:.0f} MB/s)")
    print("| " + " | ".join(out) + " |")

print()
for key, name in [("cp", "critical-path"), ("why", "why")]:
    print(f"Growth 10,000 / 1,000 stages, `{name}`: {rows[10000][key] / rows[1000][key]:.1f}×")
floor_growth = median_ms("parse", "floor_ignored_any", 10000) / median_ms("parse", "floor_ignored_any", 1000)
print(f"Growth of the floor itself: {floor_growth:.1f}×")
print()
for analysis in ["order", "causes", "timing"]:
    print(f"`{analysis}` on a built graph: " + ", ".join(
        f"{n:,} stages {median_ms('analyses', analysis, n) * 1000:.1f} µs" for n in SIZES))
print()
print(f"chain_1m: build {median_ms('chain_1m', 'build'):.0f} ms, "
      f"every analysis {median_ms('chain_1m', 'analyse'):.0f} ms")
