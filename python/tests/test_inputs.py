"""Every input form gives the same run; bad input raises InputError, wrong
arguments TypeError or ValueError; nothing crashes the interpreter."""

import gzip
import io
import pathlib

import pytest

import dataprep_lineage as dl
from conftest import FIXTURES, ROOT

RUN = FIXTURES / "failed_transform_blocks_exports.json"


def without_file(doc):
    doc = dict(doc)
    doc["run"] = {k: v for k, v in doc["run"].items() if k != "file"}
    return doc


def test_every_input_form_agrees(tmp_path):
    data = RUN.read_bytes()
    gz = tmp_path / "run.json.gz"
    gz.write_bytes(gzip.compress(data))
    plain = tmp_path / "renamed-without-its-extension"
    plain.write_bytes(gzip.compress(data))
    forms = [
        str(RUN),
        RUN,
        pathlib.PurePath(RUN),
        data,
        bytearray(data),
        data.decode(),
        io.BytesIO(data),
        open(RUN, "rb"),
        str(gz),
        gz,
        plain,
        gzip.compress(data),
        io.BytesIO(gzip.compress(data)),
    ]
    want = without_file(dl.load(RUN).why())
    for src in forms:
        got = dl.load(src)
        assert without_file(got.why()) == want, type(src)
    assert dl.load(str(RUN)).why()["run"]["file"] == str(RUN)
    assert dl.load(data).why()["run"]["file"] is None


def test_input_errors_say_where():
    with pytest.raises(dl.InputError) as e:
        dl.load(b'{"pipelinerun": {"id": ')
    assert (e.value.line, e.value.column) == (1, 23)
    assert "invalid JSON at line 1, column 23" in str(e.value)
    assert e.value.path is None
    with pytest.raises(dl.InputError) as e:
        dl.load(str(ROOT / "no-such-file.json"))
    assert e.value.path.endswith("no-such-file.json")
    with pytest.raises(dl.InputError, match="the API returned an error"):
        dl.load(b'{"status": "failure", "messages": [{"message": "Invalid OAuth token"}]}')
    with pytest.raises(dl.InputError, match="no pipeline run found"):
        dl.load(b"{}")
    with pytest.raises(dl.InputError, match="gzip"):
        dl.load(b"\x1f\x8b\x08\x00garbage")


def test_wrong_arguments_are_type_or_value_errors():
    run = dl.load(RUN)
    with pytest.raises(TypeError):
        dl.load(42)
    with pytest.raises(TypeError):
        run.why_stage(7)
    with pytest.raises(ValueError, match="no stage"):
        run.why_stage("not a stage")
    with pytest.raises(ValueError, match="view"):
        run.dot(view="sideways")
    with pytest.raises(ValueError):
        run.markdown("order")
    with pytest.raises(ValueError):
        run.openlineage(namespace="")
    with pytest.raises(TypeError):
        dl.diff("a.json", run)
    with pytest.raises(ValueError):
        dl.diff(run, run, slower_ratio=0)


def adversarial():
    """Inputs that are not runs, or odd ones: each raises InputError or returns."""
    text = RUN.read_bytes()
    yield b""
    yield b"\x00" * 100
    yield b"[" * 200_000
    yield b'{"a":' * 100_000
    yield b"\xff\xfe" + text
    yield gzip.compress(b"[" * 100_000)
    for cut in range(0, len(text), max(1, len(text) // 60)):
        yield text[:cut]
    yield text.replace(b'"pipelinetaskinstancemappers"', b'"x"')
    yield b'{"pipelinerun": {"pipelinetaskinstances": [{"id": "1"}, {"id": "1"}], "pipelinetaskinstancemappers": {"1": ["1"]}}}'
    yield b'{"pipelinerun": {"pipelinetaskinstances": [{"id": "a"}, {"id": "b"}], "pipelinetaskinstancemappers": {"a": ["b"], "b": ["a"]}}}'
    yield b'{"pipelinerun": {"id": 1e999, "execution_status": "x", "pipelinetaskinstances": {}}}'
    yield ('{"pipelinerun": {"pipelinetaskinstances": [{"id": "1", "pipelinetask": {"name": "' + "<script>" * 5000 + '"}}]}}').encode()


def test_no_input_crashes_the_interpreter():
    for i, data in enumerate(adversarial()):
        try:
            run = dl.load(data)
        except dl.InputError:
            continue
        run.why()
        run.summary()
        run.order()
        run.critical_path()
        run.html()
        run.dot(view="lineage")
        run.openlineage()
        run.trace()


SHAPES = [
    ("nested run copies", 2_000),
    ("a long mapper key", 1_000),
    ("messages under a long key", 2_000),
    ("roots into a chain", 300),
    ("a ladder", 500),
    ("long names", 200),
    ("roots into many targets", 150),
    ("four anomalies per stage", 2_000),
    ("a long message", 1_000),
    ("roots into an export chain", 300),
    ("many failed streams", 5_000),
]


def shape_tool():
    """The crate's hostile-shape writer (`cargo test` builds it)."""
    import os
    import shutil
    import subprocess

    tool = ROOT / "target" / "debug" / "examples" / "shapes"
    if not tool.exists():
        if shutil.which("cargo") is None:
            pytest.skip("no shapes tool and no cargo to build it")
        subprocess.run(["cargo", "build", "--quiet", "--example", "shapes"], cwd=ROOT, check=True)
    return tool


@pytest.mark.parametrize("name,size", SHAPES, ids=[s for s, _ in SHAPES])
def test_hostile_shapes_at_a_size_and_twice_it(name, size):
    """The crate's hostile shapes (tests/integration/shapes.rs) through
    Python: each loads or raises InputError, and every result is bounded."""
    import subprocess

    tool = shape_tool()
    for n in (size, 2 * size):
        data = subprocess.run([str(tool), name, str(n)], capture_output=True, check=True).stdout
        try:
            run = dl.load(data)
        except dl.InputError:
            continue
        for doc in (run.why(), run.summary()):
            assert doc["schema_version"] == dl.SCHEMA_VERSION
        page = run.html()
        assert len(page) < 64 * len(data) + 4_000_000
        assert page.count("<script") == 1


def test_history_says_what_went_wrong(tmp_path):
    with pytest.raises(ValueError, match="at least one path"):
        dl.history([])
    with pytest.raises(ValueError, match='no pipeline "nope".*pipelines found: 14057000007560024 "Daily sales sync", .* and \\d+ more'):
        dl.history(str(FIXTURES), pipeline="nope")
    bad = tmp_path / "bad.json"
    bad.write_text('{"pipelinerun": {"id": ')
    with pytest.raises(dl.InputError, match="bad.json: invalid JSON at line 1"):
        dl.history(str(bad))
    with pytest.raises(dl.InputError, match="no .json or .json.gz file found|no such file|No such file"):
        dl.history(str(tmp_path / "missing"))


def test_input_error_is_the_package_s_and_pickles():
    import pickle

    with pytest.raises(dl.InputError) as e:
        dl.load(b"{")
    assert type(e.value).__module__ == "dataprep_lineage"
    again = pickle.loads(pickle.dumps(e.value))
    assert isinstance(again, dl.InputError) and str(again) == str(e.value)


def test_diff_arguments_are_checked():
    run = dl.load(RUN)
    with pytest.raises(TypeError, match="slower_ratio"):
        dl.diff(run, run, slower_ratio="fast")
    with pytest.raises(ValueError, match="slower_min_ms"):
        dl.diff(run, run, slower_min_ms=10**30)
    with pytest.raises(ValueError, match="slower_min_ms"):
        dl.diff(run, run, slower_min_ms=-5)
    with pytest.raises(ValueError, match="empty string"):
        dl.load("")
    assert dl.load("\ufeff" + RUN.read_text()).why()["root_causes"]
