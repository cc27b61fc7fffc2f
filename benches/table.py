#!/usr/bin/env python3
"""Prints BENCHMARKS.md's tables from the last `cargo bench --bench analysis`.

Reads criterion's saved samples and the input size criterion recorded as
throughput, so every figure in the table comes from one run on one machine.
Each figure is the fastest of the benchmark's samples (a sample is the mean
time of one batch of iterations): on a shared VM, other tenants' bursts
inflate whole samples, and the fastest is the figure least disturbed by them.
The medians are printed after the tables. Run from the repository root:

    cargo bench --bench analysis && python3 benches/table.py
"""

import json
import pathlib

ROOT = pathlib.Path("target/criterion")
SIZES = [100, 1000, 10000]


def bench_dir(group, bench, size=None):
    path = ROOT / group / bench
    return path / str(size) if size is not None else path


def median_ms(group, bench, size=None):
    estimates = json.loads((bench_dir(group, bench, size) / "new" / "estimates.json").read_text())
    return estimates["median"]["point_estimate"] / 1e6


def fastest_ms(group, bench, size=None):
    sample = json.loads((bench_dir(group, bench, size) / "new" / "sample.json").read_text())
    return min(t / i for t, i in zip(sample["times"], sample["iters"])) / 1e6


def size_bytes(size):
    meta = json.loads((ROOT / "parse" / "parse" / str(size) / "new" / "benchmark.json").read_text())
    return meta["throughput"]["Bytes"]


def ms(value):
    return f"{value:.3f} ms" if value < 1 else f"{value:.1f} ms"


print("| stages | bytes | floor (`IgnoredAny`) | parse | parse + build | end-to-end `critical-path` | end-to-end `why` |")
print("|---:|---:|---:|---:|---:|---:|---:|")
rows = {}
for n in SIZES:
    floor = fastest_ms("parse", "floor_ignored_any", n)
    cells = {
        "parse": fastest_ms("parse", "parse", n),
        "build": fastest_ms("parse", "parse_build", n),
        "cp": fastest_ms("end_to_end", "critical_path", n),
        "why": fastest_ms("end_to_end", "why", n),
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
floor_growth = fastest_ms("parse", "floor_ignored_any", 10000) / fastest_ms("parse", "floor_ignored_any", 1000)
print(f"Growth of the floor itself: {floor_growth:.1f}×")
print()
for analysis in ["order", "causes", "timing"]:
    print(f"`{analysis}` on a built graph: " + ", ".join(
        f"{n:,} stages {fastest_ms('analyses', analysis, n) * 1000:.1f} µs" for n in SIZES))
print()
print(f"chain_1m: build {fastest_ms('chain_1m', 'build'):.0f} ms, "
      f"every analysis {fastest_ms('chain_1m', 'analyse'):.0f} ms")
print()
print("Medians at 10,000 stages (criterion's own estimate):")
floor = median_ms("parse", "floor_ignored_any", 10000)
for bench, group, name in [("floor_ignored_any", "parse", "floor"), ("parse", "parse", "parse"),
                           ("parse_build", "parse", "parse + build"),
                           ("critical_path", "end_to_end", "critical-path"), ("why", "end_to_end", "why")]:
    m = median_ms(group, bench, 10000)
    print(f"  {name}: {ms(m)} ({m / floor:.1f}×)")
