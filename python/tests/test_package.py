"""What ships: py.typed, stubs that are current, threads that run at once."""

import importlib.resources
import json
import os
import subprocess
import sys
import threading
import time

import pytest

import dataprep_lineage as dl
from conftest import ROOT


def test_the_package_ships_its_types():
    files = importlib.resources.files("dataprep_lineage")
    assert files.joinpath("py.typed").is_file()
    stub = files.joinpath("__init__.pyi").read_text()
    assert "class WhyDocument(TypedDict):" in stub
    compile(stub, "__init__.pyi", "exec")


def test_the_stubs_are_generated_from_the_published_schemas():
    o = subprocess.run([sys.executable, str(ROOT / "python" / "gen_stubs.py"), "--check"], capture_output=True, text=True)
    assert o.returncode == 0, o.stderr


def big_run(n: int) -> bytes:
    """A chain of n stages, the middle one failed: a realistic shape."""
    stages = []
    mappers = {}
    for i in range(1, n + 1):
        status = 1 if i < n // 2 else (-1 if i == n // 2 else 2)
        stage = {
            "id": str(14057000007000000 + i),
            "execution_status": status,
            "pipelinetask": {"id": str(9000 + i), "name": f"stage {i}", "type": 10},
            "message": "Transform failed" if status == -1 else None,
        }
        if status != 2:
            stage["start_time"] = str(1795847400000 + i * 1000)
            stage["completion_time"] = str(1795847400000 + i * 1000 + 900)
        stages.append(stage)
        mappers[str(14057000007000000 + i)] = [str(14057000007000000 + i - 1)] if i > 1 else []
    return json.dumps(
        {"pipelinerun": {"id": "1", "execution_status": -1, "created_time": "1795847400000",
                         "pipelinetaskinstances": stages, "pipelinetaskinstancemappers": mappers},
         "response_status": {"status": "success", "status_code": 2000}}
    ).encode()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
def test_two_threads_analyse_two_runs_at_once():
    runs = [dl.load(big_run(60_000)), dl.load(big_run(60_001))]

    def work(run):
        # Text results: the time is the parse and the analysis, with the GIL
        # released. (A dict result ends in json.loads, which holds the GIL:
        # `why()` of this 30,000-stage critical path is 15 MB of JSON.)
        run.html()
        run.markdown()

    start = time.perf_counter()
    for r in runs:
        work(r)
    one = time.perf_counter() - start
    best = None
    for _ in range(3):
        threads = [threading.Thread(target=work, args=(r,)) for r in runs]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    # About half: the GIL is released while Rust works.
    assert best < 0.75 * one, f"two threads {best:.3f}s, one thread {one:.3f}s"
