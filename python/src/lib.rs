//! `dataprep_lineage._core`: the crate's analyses for Python (SPEC §10).
//!
//! # Design
//!
//! - **One serialisation path.** Every document is the crate's own JSON
//!   (`report::json`), the very bytes the CLI prints; the Python side turns
//!   them into `dict`s with `json.loads` (see `dataprep_lineage/__init__.py`).
//!   So a result is equal to the CLI's JSON by construction.
//! - **A run keeps its bytes, not its graph.** The summary and the graph
//!   borrow the bytes they were read from; rather than a self-referential
//!   object, `Run` holds the (decompressed) bytes and each method parses,
//!   builds and analyses them again, with the GIL released. `load` does it
//!   once up front, so that input that cannot be analysed raises there.
//! - **Never a crash.** Every input error is an `InputError`; a panic in the
//!   crate (a bug) becomes a Python exception (PyO3 catches it), never an
//!   abort of the interpreter.

use std::io::Read;

use dataprep_lineage::diagram::{DiagramOptions, Focus, View};
use dataprep_lineage::export::openlineage::{write_events, OpenLineageOptions};
use dataprep_lineage::history::{HistoryBuilder, RunFacts};
use dataprep_lineage::report::{self, html, json, markdown, Caps, RunInfo};
use dataprep_lineage::{compare, Analysis, DiffOptions, Error, JobSummary, LineageGraph};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

create_exception!(
    dataprep_lineage,
    InputError,
    PyException,
    "The input cannot be analysed (not JSON, an API error, no run, a cycle, unreadable). \
     Attributes: path (or None), line and column (of a JSON syntax error, else None)."
);

/// The most bytes an input may have after decompression, as the CLI's
/// default `--max-bytes`.
const MAX_BYTES: u64 = 2 << 30;

/// A run read and checked by `load`.
#[pyclass(frozen, module = "dataprep_lineage._core")]
struct Run {
    bytes: Vec<u8>,
    /// The path it was read from, as given (what the reports name).
    file: Option<String>,
}

/// Why an input was not analysed, before it becomes a Python exception.
struct Failure {
    message: String,
    line: Option<usize>,
    column: Option<usize>,
}

impl Failure {
    fn of(file: Option<&str>, e: &Error) -> Failure {
        let (line, column) = match e {
            Error::Syntax { line, column, .. } => (Some(*line), Some(*column)),
            _ => (None, None),
        };
        Failure {
            message: format!("{}: {e}", file.unwrap_or("the input")),
            line,
            column,
        }
    }

    fn into_py(self, py: Python<'_>, file: Option<&str>) -> PyErr {
        let err = InputError::new_err(self.message);
        let value = err.value(py);
        let _ = value.setattr("path", file);
        let _ = value.setattr("line", self.line);
        let _ = value.setattr("column", self.column);
        err
    }
}

/// Gunzips `bytes` when they start with gzip's magic bytes, refusing more
/// than [`MAX_BYTES`] as it inflates.
fn decompressed(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .take(MAX_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("not valid gzip: {e}"))?;
    if out.len() as u64 > MAX_BYTES {
        return Err(format!("decompresses to more than {MAX_BYTES} bytes"));
    }
    Ok(out)
}

/// Parses, builds and analyses `bytes`, then hands the analysis to `then`.
fn with_analysis<R>(
    bytes: &[u8],
    file: Option<&str>,
    then: impl FnOnce(&Analysis<'_, '_>) -> R,
) -> Result<R, Failure> {
    let summary = JobSummary::from_slice(bytes).map_err(|e| Failure::of(file, &e))?;
    let graph = LineageGraph::build(&summary).map_err(|e| Failure::of(file, &e))?;
    let a = Analysis::new(&graph);
    Ok(then(&a))
}

/// Reads what `load` was given: a path (`str` not starting like JSON, or
/// `os.PathLike`), JSON text (`str` starting with `{` or `[`), `bytes` /
/// `bytearray`, or a binary file object (`.read()`).
fn read_source(py: Python<'_>, src: &Bound<'_, PyAny>) -> PyResult<(Vec<u8>, Option<String>)> {
    let os = py.import("os")?;
    if let Ok(b) = src.cast::<PyBytes>() {
        return Ok((b.as_bytes().to_vec(), None));
    }
    if let Ok(b) = src.cast::<PyByteArray>() {
        return Ok((b.to_vec(), None));
    }
    if let Ok(s) = src.cast::<PyString>() {
        let text: String = s.extract()?;
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with(['{', '['])
        {
            return Ok((text.into_bytes(), None));
        }
        if text.is_empty() {
            return Err(PyValueError::new_err(
                "load() was given an empty string: pass a path, bytes, JSON text or a file object",
            ));
        }
        return read_path(py, text);
    }
    if src.is_instance(&os.getattr("PathLike")?)? {
        let path: String = os.call_method1("fspath", (src,))?.extract()?;
        return read_path(py, path);
    }
    if src.hasattr("read")? {
        let data = src.call_method0("read")?;
        if let Ok(b) = data.cast::<PyBytes>() {
            return Ok((b.as_bytes().to_vec(), None));
        }
        if let Ok(s) = data.cast::<PyString>() {
            let text: String = s.extract()?;
            return Ok((text.into_bytes(), None));
        }
        return Err(PyTypeError::new_err(
            "the file object's read() must return bytes (open it with 'rb')",
        ));
    }
    Err(PyTypeError::new_err(format!(
        "load() takes a path (str or os.PathLike), bytes, JSON text or a binary file object, not {}",
        src.get_type().name()?
    )))
}

fn read_path(py: Python<'_>, path: String) -> PyResult<(Vec<u8>, Option<String>)> {
    match std::fs::read(&path) {
        Ok(bytes) => Ok((bytes, Some(path))),
        Err(e) => Err(Failure {
            message: format!("cannot read {path}: {e}"),
            line: None,
            column: None,
        }
        .into_py(py, Some(&path))),
    }
}

/// Loads a run: reads it (gzip too), parses it, builds its graph and checks
/// that it can be analysed. Raises `InputError` when it cannot.
#[pyfunction]
fn load(py: Python<'_>, src: &Bound<'_, PyAny>) -> PyResult<Run> {
    let (bytes, file) = read_source(py, src)?;
    let checked = py.detach(|| {
        let bytes = decompressed(bytes).map_err(|m| Failure {
            message: format!("{}: {m}", file.as_deref().unwrap_or("the input")),
            line: None,
            column: None,
        })?;
        with_analysis(&bytes, file.as_deref(), |_| ()).map(|()| bytes)
    });
    match checked {
        Ok(bytes) => Ok(Run { bytes, file }),
        Err(f) => Err(f.into_py(py, file.as_deref())),
    }
}

/// The caps of a call: the CLI's defaults, or none with `all=True`.
fn caps(all: bool) -> Caps {
    if all {
        Caps::ALL
    } else {
        Caps::DEFAULT
    }
}

fn view(v: &str) -> PyResult<View> {
    match v {
        "stages" => Ok(View::Stages),
        "lineage" => Ok(View::Lineage),
        _ => Err(PyValueError::new_err(format!(
            "view must be 'stages' or 'lineage', not {v:?}"
        ))),
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl Run {
    /// Runs `then` on this run's analysis with the GIL released.
    fn analyse<R: Send>(
        &self,
        py: Python<'_>,
        then: impl FnOnce(&Analysis<'_, '_>) -> R + Send,
    ) -> PyResult<R> {
        let file = self.file.as_deref();
        py.detach(|| with_analysis(&self.bytes, file, then))
            .map_err(|f| f.into_py(py, file))
    }

    /// The run as the reports name it, with its file.
    fn info(&self, a: &Analysis<'_, '_>) -> RunInfo {
        RunInfo::of(a).with_file_opt(self.file.clone())
    }
}

/// What a focus argument names: `None` (the whole run), `"failure"`, or a
/// stage id or unique name.
fn focus(a: &Analysis<'_, '_>, wanted: Option<&str>) -> Result<Focus, String> {
    match wanted {
        None | Some("all") => Ok(Focus::All),
        Some("failure") => Ok(Focus::Failure),
        Some(s) => stage(a, s).map(Focus::Stage),
    }
}

fn stage(a: &Analysis<'_, '_>, wanted: &str) -> Result<dataprep_lineage::graph::StageIx, String> {
    match a.graph.find_stage(wanted) {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(format!(
            "no stage with id or name {wanted:?} in this run (run.order()[\"stages\"] lists the ids and names)"
        )),
        Err(many) => Err(format!(
            "{} stages are named {wanted:?}: give an id",
            many.len()
        )),
    }
}

#[pymethods]
impl Run {
    /// The file the run was read from (None for bytes, text or a file object).
    #[getter]
    fn path(&self) -> Option<String> {
        self.file.clone()
    }

    /// `why --format json` as JSON text (the Python wrapper gives a dict).
    #[pyo3(signature = (all = false))]
    fn why_json(&self, py: Python<'_>, all: bool) -> PyResult<String> {
        self.analyse(py, |a| {
            let mut r = report::Why::streamed(a, caps(all));
            r.run = self.info(a);
            json::to_string(&r)
        })
    }

    /// `why --stage ID|NAME --format json` as JSON text.
    #[pyo3(signature = (stage_id_or_name, all = false))]
    fn why_stage_json(
        &self,
        py: Python<'_>,
        stage_id_or_name: &str,
        all: bool,
    ) -> PyResult<String> {
        self.analyse(py, |a| {
            stage(a, stage_id_or_name).map(|s| {
                let mut r = report::Trace::with_caps(a, s, caps(all));
                r.run = self.info(a);
                json::to_string(&r)
            })
        })?
        .map_err(PyValueError::new_err)
    }

    /// `summary --format json` as JSON text.
    #[pyo3(signature = (all = false))]
    fn summary_json(&self, py: Python<'_>, all: bool) -> PyResult<String> {
        self.analyse(py, |a| {
            let mut r = report::Summary::with_caps(a, caps(all));
            r.run = self.info(a);
            json::to_string(&r)
        })
    }

    /// `order --format json` as JSON text.
    fn order_json(&self, py: Python<'_>) -> PyResult<String> {
        self.analyse(py, |a| {
            let mut r = report::StageOrder::new(a);
            r.run = self.info(a);
            json::to_string(&r)
        })
    }

    /// `critical-path --format json` as JSON text.
    fn critical_path_json(&self, py: Python<'_>) -> PyResult<String> {
        self.analyse(py, |a| {
            let mut r = report::CriticalPath::new(a);
            r.run = self.info(a);
            json::to_string(&r)
        })
    }

    /// The run as Graphviz DOT, as `dot` prints it.
    #[pyo3(signature = (view = "stages", focus = None, all = false))]
    fn dot(&self, py: Python<'_>, view: &str, focus: Option<&str>, all: bool) -> PyResult<String> {
        self.diagram(py, view, focus, all, true)
    }

    /// The run as a Mermaid flowchart, as `mermaid` prints it.
    #[pyo3(signature = (view = "stages", focus = None, all = false))]
    fn mermaid(
        &self,
        py: Python<'_>,
        view: &str,
        focus: Option<&str>,
        all: bool,
    ) -> PyResult<String> {
        self.diagram(py, view, focus, all, false)
    }

    /// A report as GitHub-flavoured Markdown (`why`, `summary`,
    /// `critical-path`), with `Next:` lines naming the file when there is one.
    #[pyo3(signature = (report = "why", all = false))]
    fn markdown(&self, py: Python<'_>, report: &str, all: bool) -> PyResult<String> {
        let which = match report {
            "why" | "summary" | "critical-path" => report.to_owned(),
            _ => {
                return Err(PyValueError::new_err(format!(
                    "report must be 'why', 'summary' or 'critical-path', not {report:?}"
                )))
            }
        };
        self.analyse(py, |a| {
            let c = caps(all);
            let opts = markdown::MarkdownOptions {
                caps: c,
                file: self.file.clone(),
                ..markdown::MarkdownOptions::default()
            };
            let mut out = Vec::new();
            let _ = match which.as_str() {
                "why" => {
                    let mut r = report::Why::with_caps(a, c.on_screen());
                    r.run = self.info(a);
                    markdown::why(&mut out, &r, &opts)
                }
                "summary" => {
                    let mut r = report::Summary::with_caps(a, c.on_screen());
                    r.run = self.info(a);
                    markdown::summary(&mut out, &r, &opts)
                }
                _ => {
                    let mut r = report::CriticalPath::new(a);
                    r.run = self.info(a);
                    markdown::critical_path(&mut out, &r, &opts)
                }
            };
            text(out)
        })
    }

    /// The run as one self-contained HTML page, as `html` writes it.
    #[pyo3(signature = (view = "stages", focus = None, all = false))]
    fn html(&self, py: Python<'_>, view: &str, focus: Option<&str>, all: bool) -> PyResult<String> {
        let v = self::view(view)?;
        self.analyse(py, |a| {
            let f = match focus {
                None if a.root_causes().is_empty() => Focus::All,
                None => Focus::Failure,
                Some(_) => self::focus(a, focus)?,
            };
            let mut page = html::RunPage::with(a, DiagramOptions::new(v, f), caps(all));
            page.why.run = self.info(a);
            let mut out = Vec::new();
            let _ = html::run(&mut out, &page);
            Ok::<String, String>(text(out))
        })?
        .map_err(PyValueError::new_err)
    }

    /// The OpenLineage run events, one JSON document a line.
    #[pyo3(signature = (namespace = None, producer = None))]
    fn openlineage_ndjson(
        &self,
        py: Python<'_>,
        namespace: Option<String>,
        producer: Option<String>,
    ) -> PyResult<String> {
        let mut opts = OpenLineageOptions::default();
        if let Some(n) = namespace {
            if n.is_empty() {
                return Err(PyValueError::new_err("namespace cannot be empty"));
            }
            opts.namespace = n;
        }
        if let Some(p) = producer {
            opts.producer = p;
        }
        self.analyse(py, |a| {
            let mut out = Vec::new();
            let _ = write_events(&mut out, a, &opts);
            text(out)
        })
    }

    /// The Chrome trace, as JSON text.
    fn trace_json(&self, py: Python<'_>) -> PyResult<String> {
        self.analyse(py, |a| {
            let mut out = Vec::new();
            let _ = dataprep_lineage::export::trace::write_trace(&mut out, a);
            text(out)
        })
    }

    fn __repr__(&self) -> String {
        match &self.file {
            Some(f) => format!("<dataprep_lineage.Run from {f:?}>"),
            None => format!("<dataprep_lineage.Run of {} bytes>", self.bytes.len()),
        }
    }
}

impl Run {
    fn diagram(
        &self,
        py: Python<'_>,
        view: &str,
        focus: Option<&str>,
        all: bool,
        dot: bool,
    ) -> PyResult<String> {
        let v = self::view(view)?;
        self.analyse(py, |a| {
            let f = self::focus(a, focus)?;
            let mut options = DiagramOptions::as_asked(v, f);
            if all {
                options.max_stages = None;
            }
            let mut out = Vec::new();
            let _ = if dot {
                dataprep_lineage::dot::write_with(&mut out, a, options)
            } else {
                dataprep_lineage::mermaid::write_with(&mut out, a, options)
            };
            Ok::<String, String>(text(out))
        })?
        .map_err(PyValueError::new_err)
    }
}

/// `diff BASELINE CURRENT --format json` as JSON text.
#[pyfunction]
#[pyo3(signature = (baseline, current, slower_ratio = 1.5, slower_min_ms = 30_000))]
fn diff_json(
    py: Python<'_>,
    baseline: &Run,
    current: &Run,
    slower_ratio: f64,
    slower_min_ms: i64,
) -> PyResult<String> {
    if !(slower_ratio.is_finite() && slower_ratio > 0.0) {
        return Err(PyValueError::new_err(format!(
            "slower_ratio must be a positive number, not {slower_ratio} (1.5: 50 % longer)"
        )));
    }
    if slower_min_ms < 0 {
        return Err(PyValueError::new_err(format!(
            "slower_min_ms must be 0 or more milliseconds, not {slower_min_ms}"
        )));
    }
    let options = DiffOptions {
        slower_ratio,
        slower_min_ms,
    };
    baseline
        .analyse(py, |b| {
            with_analysis(&current.bytes, current.file.as_deref(), |c| {
                let mut d = compare(b, c, options);
                d.baseline.file = baseline.file.clone();
                d.current.file = current.file.clone();
                json::to_string(&d)
            })
        })?
        .map_err(|f| f.into_py(py, current.file.as_deref()))
}

/// Every `*.json` and `*.json.gz` file under `paths` (directories walked,
/// iteratively), sorted by path: the runs of `history`.
fn run_files(paths: &[String]) -> (Vec<String>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut stack: Vec<std::path::PathBuf> = paths.iter().rev().map(Into::into).collect();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            match std::fs::read_dir(&p) {
                Ok(entries) => {
                    let mut children: Vec<_> = entries.flatten().map(|e| e.path()).collect();
                    children.sort();
                    stack.extend(children.into_iter().rev());
                }
                Err(e) => skipped.push((p.display().to_string(), e.to_string())),
            }
        } else {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".json")
                || name.ends_with(".json.gz")
                || paths.iter().any(|q| *q == p.display().to_string())
            {
                files.push(p.display().to_string());
            }
        }
    }
    files.sort();
    files.dedup();
    (files, skipped)
}

/// `history PATH... --format json` as JSON text.
#[pyfunction]
#[pyo3(signature = (paths, pipeline = None))]
fn history_json(py: Python<'_>, paths: Vec<String>, pipeline: Option<String>) -> PyResult<String> {
    if paths.is_empty() {
        return Err(PyValueError::new_err(
            "history() needs at least one path: a folder of saved responses, or files",
        ));
    }
    let (h, analysed, found) = py.detach(|| {
        let (files, skipped) = run_files(&paths);
        let mut b = HistoryBuilder::new();
        for (ix, f) in files.iter().enumerate() {
            let facts = std::fs::read(f)
                .map_err(|e| e.to_string())
                .and_then(decompressed)
                .and_then(|bytes| RunFacts::from_slice(&bytes).map_err(|e| e.to_string()));
            match facts {
                Ok(mut facts) => {
                    facts.run.file = Some(f.clone());
                    b.add(ix as u64, facts);
                }
                Err(e) => b.skip(f.clone(), e),
            }
        }
        for (p, e) in skipped {
            b.skip(p, e);
        }
        let mut h = b.finish();
        let analysed = h.analysed;
        let mut found: Vec<String> = h
            .pipelines
            .iter()
            .take(10)
            .map(|p| match &p.name {
                Some(n) if *n != p.pipeline_id => format!("{} \"{n}\"", p.pipeline_id),
                _ => p.pipeline_id.clone(),
            })
            .collect();
        if h.pipelines.len() > found.len() {
            found.push(format!("and {} more", h.pipelines.len() - found.len()));
        }
        if let Some(want) = &pipeline {
            h.retain_pipeline(want);
        }
        (h, analysed, found)
    });
    if analysed == 0 {
        // Say why, file by file (the first few), as the CLI does.
        let why: Vec<String> = h
            .skipped
            .iter()
            .take(5)
            .map(|s| format!("{}: {}", s.path, s.error))
            .collect();
        let message = if why.is_empty() {
            format!("no *.json or *.json.gz file found in {}", paths.join(", "))
        } else {
            format!(
                "no run could be analysed in {} ({}{})",
                paths.join(", "),
                why.join("; "),
                if h.skipped.len() > why.len() {
                    "; …"
                } else {
                    ""
                }
            )
        };
        let path = (paths.len() == 1).then(|| paths[0].clone());
        return Err(Failure {
            message,
            line: None,
            column: None,
        }
        .into_py(py, path.as_deref()));
    }
    if let (Some(want), true) = (&pipeline, h.pipelines.is_empty()) {
        return Err(PyValueError::new_err(format!(
            "no pipeline {want:?} among the {analysed} run(s) read; pipelines found: {}",
            found.join(", ")
        )));
    }
    Ok(json::to_string(&h))
}

/// The published JSON Schema of a document, as JSON text.
#[pyfunction]
fn schema_json(name: &str) -> PyResult<&'static str> {
    Ok(match name {
        "why" => include_str!("../../schema/why.json"),
        "why-stage" => include_str!("../../schema/why-stage.json"),
        "summary" => include_str!("../../schema/summary.json"),
        "order" => include_str!("../../schema/order.json"),
        "critical-path" => include_str!("../../schema/critical-path.json"),
        "diff" => include_str!("../../schema/diff.json"),
        "history" => include_str!("../../schema/history.json"),
        "history-facts" => include_str!("../../schema/history-facts.json"),
        _ => {
            return Err(PyValueError::new_err(format!(
                "no schema named {name:?}: why, why-stage, summary, order, critical-path, diff, history, history-facts"
            )))
        }
    })
}

/// The version of the JSON documents' shape.
const SCHEMA_VERSION: u32 = dataprep_lineage::SCHEMA_VERSION;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add("SCHEMA_VERSION", SCHEMA_VERSION)?;
    m.add_class::<Run>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(diff_json, m)?)?;
    m.add_function(wrap_pyfunction!(history_json, m)?)?;
    m.add_function(wrap_pyfunction!(schema_json, m)?)?;
    Ok(())
}
