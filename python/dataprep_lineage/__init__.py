"""dataprep_lineage: why a Zoho DataPrep pipeline run failed, why it took so
long, what changed since it last worked — the analyses of the Rust crate of
the same name, for Airflow callbacks, chat bots and notebooks.

    import dataprep_lineage as dl
    run = dl.load("run.json")            # a path, bytes, JSON text or a binary file; .gz too
    why = run.why()                      # the same dict as `dataprep-lineage why --format json`
    print(why["root_causes"][0]["name"])

Every document is the crate's own JSON, the bytes the CLI prints, read with
``json.loads``: results equal the CLI's JSON for the same input. Input that
cannot be analysed raises :class:`InputError`; wrong arguments raise
``TypeError`` or ``ValueError``. The analysis runs with the GIL released.
"""

import json as _json
from typing import Any, Dict, Iterable, List, Optional, Union

from . import _core
from ._core import SCHEMA_VERSION, InputError

__all__ = ["InputError", "Run", "SCHEMA_VERSION", "diff", "history", "load", "schema"]


class Run:
    """A run read by :func:`load`: every analysis of it, on demand."""

    __slots__ = ("_run",)

    def __init__(self, native: "_core.Run") -> None:
        self._run = native

    @property
    def path(self) -> Optional[str]:
        """The file it was read from (None for bytes, text or a file object)."""
        return self._run.path

    def why(self, *, all: bool = False) -> Dict[str, Any]:
        """`why --format json`: the root causes with evidence, blocked stages and exports."""
        return _json.loads(self._run.why_json(all))

    def why_stage(self, stage: str, *, all: bool = False) -> Dict[str, Any]:
        """`why --stage ID|NAME --format json`: a stage traced back to its culprits."""
        if not isinstance(stage, str):
            raise TypeError(f"stage must be a str (an id or a name), not {type(stage).__name__}")
        return _json.loads(self._run.why_stage_json(stage, all))

    def summary(self, *, all: bool = False) -> Dict[str, Any]:
        """`summary --format json`: one screen of the run."""
        return _json.loads(self._run.summary_json(all))

    def order(self) -> Dict[str, Any]:
        """`order --format json`: the stages in topological order, with levels."""
        return _json.loads(self._run.order_json())

    def critical_path(self) -> Dict[str, Any]:
        """`critical-path --format json`: the chain that decided the run's length."""
        return _json.loads(self._run.critical_path_json())

    def dot(self, view: str = "stages", focus: Optional[str] = None, *, all: bool = False) -> str:
        """The run as Graphviz DOT (`focus`: None for the whole run, "failure", or a stage)."""
        return self._run.dot(view, focus, all)

    def mermaid(self, view: str = "stages", focus: Optional[str] = None, *, all: bool = False) -> str:
        """The run as a Mermaid flowchart."""
        return self._run.mermaid(view, focus, all)

    def markdown(self, report: str = "why", *, all: bool = False) -> str:
        """A report ("why", "summary" or "critical-path") as GitHub-flavoured Markdown."""
        return self._run.markdown(report, all)

    def html(self, view: str = "stages", focus: Optional[str] = None, *, all: bool = False) -> str:
        """The run as one self-contained HTML page (as `dataprep-lineage html`)."""
        return self._run.html(view, focus, all)

    def openlineage(self, namespace: Optional[str] = None, producer: Optional[str] = None) -> List[Dict[str, Any]]:
        """The OpenLineage run events (as `dataprep-lineage openlineage`), one dict each."""
        text = self._run.openlineage_ndjson(namespace, producer)
        return [_json.loads(line) for line in text.splitlines() if line]

    def trace(self) -> Dict[str, Any]:
        """The Chrome trace (as `dataprep-lineage trace`), for Perfetto."""
        return _json.loads(self._run.trace_json())

    def __repr__(self) -> str:
        return repr(self._run)


def load(src: Any) -> Run:
    """Reads a run: a path (``str`` or ``os.PathLike``), ``bytes``, JSON text
    (a ``str`` starting with ``{`` or ``[``), or a binary file object; gzip is
    recognised by its bytes. Raises :class:`InputError` when it cannot be
    analysed."""
    return Run(_core.load(src))


def _native(run: Any, name: str) -> "_core.Run":
    if isinstance(run, Run):
        return run._run
    if isinstance(run, _core.Run):
        return run
    raise TypeError(f"{name} must be a Run from dataprep_lineage.load(), not {type(run).__name__}")


def diff(baseline: Run, current: Run, *, slower_ratio: float = 1.5, slower_min_ms: int = 30_000) -> Dict[str, Any]:
    """`diff BASELINE CURRENT --format json`: what changed since it last worked."""
    try:
        ratio = float(slower_ratio)
    except (TypeError, ValueError):
        raise TypeError(f"slower_ratio must be a number (1.5: 50 % longer), not {slower_ratio!r}") from None
    if isinstance(slower_min_ms, bool) or not isinstance(slower_min_ms, int):
        raise TypeError(f"slower_min_ms must be an int (milliseconds), not {slower_min_ms!r}")
    if not 0 <= slower_min_ms < 2**63:
        raise ValueError(f"slower_min_ms must be between 0 and 2**63 - 1 milliseconds, not {slower_min_ms}")
    return _json.loads(
        _core.diff_json(_native(baseline, "baseline"), _native(current, "current"), ratio, slower_min_ms)
    )


def history(paths: Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]], *, pipeline: Optional[str] = None) -> Dict[str, Any]:
    """`history PATH... --format json`: many runs of many pipelines (folders
    are walked for ``*.json`` and ``*.json.gz``)."""
    import os

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return _json.loads(_core.history_json([os.fspath(p) for p in paths], pipeline))


def schema(name: str) -> Dict[str, Any]:
    """The published JSON Schema of a document ("why", "why-stage",
    "summary", "order", "critical-path", "diff", "history", "history-facts")."""
    return _json.loads(_core.schema_json(name))
