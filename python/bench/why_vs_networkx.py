"""`why` through the Python package against the script a Python user would
otherwise write (json + networkx), on the same run.

    cargo run --release --example generate -- 10000 layered 97 > /tmp/run-10k.json
    pip install ./python networkx
    python python/bench/why_vs_networkx.py /tmp/run-10k.json

The networkx script does less than `why`: it finds the failed stages none
of whose ancestors failed (the root causes) and the stages each blocks, and
the first error message of each; no evidence paths, fingerprints, data
nodes, trigger rules, timing or caps. Best of 5 runs each, wall time.
"""

import json
import sys
import time

import networkx as nx

import dataprep_lineage as dl

FAILED = {-1, -2, -3}


def with_networkx(path):
    with open(path, "rb") as f:
        doc = json.load(f)
    run = doc.get("pipelinerun", doc)
    g = nx.DiGraph()
    status = {}
    message = {}
    for ti in run["pipelinetaskinstances"]:
        g.add_node(ti["id"])
        status[ti["id"]] = ti.get("execution_status")
        message[ti["id"]] = ti.get("message")
    for child, parents in (run.get("pipelinetaskinstancemappers") or {}).items():
        for p in parents:
            g.add_edge(p, child)
    order = list(nx.topological_sort(g))
    roots = [s for s in order if status.get(s) in FAILED and not any(status.get(a) in FAILED for a in nx.ancestors(g, s))]
    return [{"id": r, "message": message.get(r), "blocked": sorted(nx.descendants(g, r))} for r in roots]


def with_dataprep_lineage(path):
    return dl.load(path).why()


def best(f, path, n=5):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f(path)
        times.append(time.perf_counter() - t)
    return min(times)


if __name__ == "__main__":
    path = sys.argv[1]
    a = best(with_dataprep_lineage, path)
    b = best(with_networkx, path)
    print(f"dataprep_lineage load + why(): {a * 1000:.0f} ms")
    print(f"json + networkx script:        {b * 1000:.0f} ms")
    print(f"ratio: {b / a:.1f}x")
    # The serialisation path's share: the crate's JSON, then json.loads.
    run = dl.load(path)
    text = run._run.why_json(False)
    j = best(lambda _: run._run.why_json(False), path)
    k = best(lambda _: json.loads(text), path)
    w = best(lambda _: run.why(), path)
    print(f"on a loaded run: why() {w * 1000:.1f} ms = crate + JSON {j * 1000:.1f} ms, json.loads of {len(text)} bytes {k * 1000:.1f} ms")
