"""Two threads analysing two runs against one thread doing both (the GIL is
released while the crate works): the figure in BENCHMARKS.md.

    pip install ./python
    python python/bench/threads.py
"""

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_package import big_run  # noqa: E402  the tests' 60,000-stage chain

import dataprep_lineage as dl  # noqa: E402


def work(run):
    run.html()
    run.markdown()


def main():
    runs = [dl.load(big_run(60_000)), dl.load(big_run(60_001))]
    start = time.perf_counter()
    for r in runs:
        work(r)
    one = time.perf_counter() - start
    best = float("inf")
    for _ in range(3):
        threads = [threading.Thread(target=work, args=(r,)) for r in runs]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        best = min(best, time.perf_counter() - start)
    print(f"one thread, both runs: {one:.2f} s; two threads: {best:.2f} s ({best / one:.2f}x)")


if __name__ == "__main__":
    main()
