"""Every result equals the CLI's output for the same input."""

import json
import os

import pytest

import dataprep_lineage as dl
from conftest import FIXTURES, ROOT, cli, cli_json, fixtures, pairs


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: p.stem)
def test_every_document_of_every_fixture_equals_the_cli(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    rel = str(path.relative_to(ROOT))
    run = dl.load(rel)
    assert run.path == rel
    assert run.why() == cli_json("why", rel)
    assert run.summary() == cli_json("summary", rel)
    assert run.order() == cli_json("order", rel)
    assert run.critical_path() == cli_json("critical-path", rel)
    assert run.why(all=True) == cli_json("why", rel, "--all")
    for rc in run.why()["root_causes"][:2]:
        assert run.why_stage(rc["id"]) == cli_json("why", rel, "--stage", rc["id"])
    assert run.dot() == cli("dot", rel)
    assert run.dot(view="lineage", focus="failure") == cli("dot", rel, "--view", "lineage", "--focus", "failure")
    assert run.mermaid(view="lineage") == cli("mermaid", rel, "--view", "lineage")
    assert run.html() == cli("html", rel)
    assert run.markdown() == cli("why", rel, "--format", "markdown")
    assert run.markdown("summary") == cli("summary", rel, "--format", "markdown")
    assert run.openlineage() == [json.loads(l) for l in cli("openlineage", rel).splitlines() if l]
    assert run.trace() == json.loads(cli("trace", rel))
    assert run.why()["schema_version"] == dl.SCHEMA_VERSION


@pytest.mark.parametrize("pair", pairs(), ids=lambda p: p.name)
def test_every_pair_diff_equals_the_cli(pair, monkeypatch):
    monkeypatch.chdir(ROOT)
    b, c = (str((pair / n).relative_to(ROOT)) for n in ("baseline.json", "current.json"))
    d = dl.diff(dl.load(b), dl.load(c))
    assert d == cli_json("diff", b, c)
    slow = dl.diff(dl.load(b), dl.load(c), slower_ratio=1.1, slower_min_ms=1000)
    assert slow == cli_json("diff", b, c, "--slower-ratio", "1.1", "--slower-min-ms", "1000")


def test_the_history_of_the_fixtures_equals_the_cli(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert dl.history("fixtures") == cli_json("history", "fixtures")
    assert dl.history(["fixtures/pairs"]) == cli_json("history", "fixtures/pairs")
    h = dl.history(["fixtures"], pipeline="14057000007570024")
    assert h == cli_json("history", "fixtures", "--pipeline", "14057000007570024")


def test_schemas_are_the_published_ones():
    for name in ["why", "why-stage", "summary", "order", "critical-path", "diff", "history", "history-facts"]:
        assert dl.schema(name) == json.loads((ROOT / "schema" / f"{name}.json").read_text())
    with pytest.raises(ValueError):
        dl.schema("nope")
