//! A typed, tolerant model of the Job Summary API response.
//!
//! Every object the public field reference documents has a record here, every
//! documented code an enum. The model is lenient by design (see [`lenient`]):
//! it reads ids written as numbers, numbers written as strings, booleans
//! written as `"1"`, timestamps as epoch milliseconds or RFC 3339, and notes
//! values of the wrong kind as [`Diagnostic`]s instead of failing. Only input
//! that cannot be analysed at all is an [`Error`].
//!
//! Parsing is the first of two fallible steps, as in guppy's
//! `CargoMetadata::parse_json` → `build_graph`: [`JobSummary::from_slice`]
//! reads the bytes, then [`LineageGraph::build`](crate::LineageGraph::build)
//! makes the graph.

pub mod codes;
pub mod data;
pub mod embedded;
pub mod lenient;
pub mod run;
pub mod stage;

use std::fmt;
use std::io;
use std::str::FromStr;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::error::{Error, Result};
use crate::json_path::JsonPath;
use lenient::{IntoOwned, Invalid, JsonKind, Key, Lenient, List, Read, Scalar, Sink, Walk, Walker};

pub use codes::{
    AliveStatus, ConnectionType, ExecutionStatus, MigrationStatus, RunType, StageType, TriggerRule,
};
pub use data::{
    Connection, Dataset, DatasetAudit, DatasetExport, DatasetExportAudit, DatasetState, Datasink,
    DatasourceAudit, ExportMetric, PipelineDatasource, RawDataset, RawDatasetAudit, RulesetAudit,
};
pub use embedded::{ClientMeta, ConnectionInfo, ExportInfo, Quality, Stream, Streams};
pub use lenient::{Flag, Id, Int, JsonText, Lazy, Text, Timestamp};
pub use run::{
    Pipeline, PipelineAudit, PipelineRun, PipelineRunAudit, Profile, Project, Ref, ResponseMessage,
    ResponseStatus, RunConfigAudit, User,
};
pub use stage::{Mappers, PipelineTask, TaskInstance};

/// A parsed Job Summary API response: the run, its stages, and what was odd
/// about it.
///
/// The summary borrows the text of ids, names and messages from the input
/// bytes instead of copying it (only text with JSON escapes is copied), so
/// the bytes must outlive it: read the whole response, then parse it.
#[derive(Debug, Clone)]
pub struct JobSummary<'a> {
    response_status: Option<ResponseStatus<'a>>,
    run: PipelineRun<'a>,
    /// JSON path of the stage array, for messages.
    stages_path: JsonPath,
    /// JSON path of the mappers (inside the run or beside it).
    mappers_path: JsonPath,
    diagnostics: Diagnostics,
}

impl<'a> JobSummary<'a> {
    /// Parses a response from bytes (UTF-8 JSON; a leading byte-order mark is
    /// skipped). Text is borrowed from `bytes`.
    ///
    /// Accepts the documented envelope `{"pipelinerun": …, "response_status": …}`,
    /// a bare run object, and the stages and mappers beside `pipelinerun`
    /// instead of inside it.
    ///
    /// # Errors
    ///
    /// [`Error::Syntax`] (with line and column) for input that is not JSON
    /// or not UTF-8,
    /// [`Error::Api`] when `response_status` reports a failure,
    /// [`Error::NoRun`] when there is no run, [`Error::MissingId`] for a task
    /// instance without an id.
    pub fn from_slice(bytes: &'a [u8]) -> Result<Self> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // One validation of the whole input, so that serde_json reads it as
        // `str` and never validates a string or a scalar's text again.
        let text = std::str::from_utf8(bytes).map_err(|e| Error::not_utf8(bytes, &e))?;
        Self::parse(text)
    }

    /// Parses a response from text. See [`JobSummary::from_slice`].
    ///
    /// # Errors
    ///
    /// As [`JobSummary::from_slice`].
    #[allow(clippy::should_implement_trait)] // `FromStr` gives an owning summary.
    pub fn from_str(text: &'a str) -> Result<Self> {
        // Already UTF-8: no second validation.
        Self::parse(text.strip_prefix('\u{feff}').unwrap_or(text))
    }

    /// The same summary, owning its text: for a summary that must outlive
    /// the bytes it was read from (kept in a cache, sent to another task).
    /// Copies every borrowed text and reads the records kept as text
    /// ([`Lazy`]).
    pub fn into_owned(self) -> JobSummary<'static> {
        JobSummary {
            response_status: self.response_status.map(IntoOwned::into_owned),
            run: self.run.into_owned(),
            stages_path: self.stages_path,
            mappers_path: self.mappers_path,
            diagnostics: self.diagnostics,
        }
    }

    /// Parses `text` into a summary: the top level, its run, and what lies beside the run.
    fn parse(text: &'a str) -> Result<Self> {
        let invalid_before = lenient::invalid_seen();
        let Top {
            run,
            response_status,
            mappers,
            instances,
            bare,
            had_run_key,
            kind,
        } = read_top(text)?;
        let mut diagnostics = Diagnostics::default();

        let response_status = match response_status {
            Lenient::Value(s) => Some(*s),
            _ => None,
        };
        if let Some(status) = &response_status {
            check_api_status(status)?;
        }

        let (mut run, root) = run_of(text, run, bare, had_run_key, kind)?;

        // Walk the run for wrong-kind values before stages and mappers found
        // beside it are moved in, so that each is reported with its own path.
        let root_path = if root.is_empty() {
            JsonPath::new()
        } else {
            JsonPath::field(root)
        };
        // Nothing of the wrong kind was read (the common case): no walk.
        let any_invalid = lenient::invalid_seen() != invalid_before;
        if any_invalid {
            walk_diagnostics(&run, root_path, &mut diagnostics);
        }

        // Stages and mappers beside `pipelinerun` instead of inside it.
        let stages_path = adopt_beside(
            &mut run.pipelinetaskinstances,
            instances,
            "pipelinetaskinstances",
            "stages found both inside `pipelinerun` and beside it; the ones inside are used",
            root,
            any_invalid,
            &mut diagnostics,
        );
        let mappers_path = adopt_beside(
            &mut run.pipelinetaskinstancemappers,
            mappers,
            "pipelinetaskinstancemappers",
            "mappers found both inside `pipelinerun` and beside it; the ones inside are used",
            root,
            any_invalid,
            &mut diagnostics,
        );

        check_stage_ids(&run, &stages_path)?;

        if let (true, Some(status)) = (any_invalid, &response_status) {
            walk_diagnostics(status, JsonPath::field("response_status"), &mut diagnostics);
        }
        Ok(JobSummary {
            response_status,
            run,
            stages_path,
            mappers_path,
            diagnostics,
        })
    }

    /// The pipeline run, with its stages and mappers wherever they were found.
    pub fn run(&self) -> &PipelineRun<'a> {
        &self.run
    }

    /// `response_status`, when the response had one.
    pub fn response_status(&self) -> Option<&ResponseStatus<'a>> {
        self.response_status.as_ref()
    }

    /// What was odd about the input, in document order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.diagnostics.as_slice()
    }

    /// The parser's diagnostics with their counts by kind (at most
    /// [`KEPT_PER_KIND`](crate::diagnostic::KEPT_PER_KIND) of a kind kept).
    pub fn diagnostic_log(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// The task instances that could be read, with their index in the array.
    pub fn task_instances(&self) -> impl Iterator<Item = (usize, &TaskInstance<'a>)> {
        self.run.pipelinetaskinstances.items()
    }

    /// The child → parents mapping, when the response had one.
    pub fn mappers(&self) -> Option<&Mappers<'a>> {
        self.run.pipelinetaskinstancemappers.get()
    }

    /// JSON path of the task instance at `index`
    /// (`pipelinerun.pipelinetaskinstances[3]`; no index when the input
    /// held one task instance object instead of an array).
    pub fn task_instance_path(&self, index: usize) -> JsonPath {
        match self.run.pipelinetaskinstances.step(index) {
            Some(step) => self.stages_path.clone().with(step),
            None => self.stages_path.clone(),
        }
    }

    /// JSON path of the stage mappers, inside the run or beside it.
    pub fn mappers_path(&self) -> &JsonPath {
        &self.mappers_path
    }
}

fn check_api_status(status: &ResponseStatus) -> Result<()> {
    let failed_text = status
        .status
        .get()
        .is_some_and(|s| s.as_str().trim().eq_ignore_ascii_case("failure"));
    let code = status.status_code.value().map(|c| c.0);
    if !failed_text && code.is_none_or(|c| c < 4000) {
        return Ok(());
    }
    let messages = status
        .messages
        .items()
        .filter_map(|(_, m)| {
            let text = m
                .message
                .get()
                .map(|t| t.as_str().to_owned())
                .filter(|t| !t.is_empty());
            text.or_else(|| {
                let kind = m.kind.get().map(|t| t.as_str().to_owned());
                match (kind, m.status_code.value()) {
                    (Some(k), Some(c)) => Some(format!("{k} ({})", c.0)),
                    (Some(k), None) => Some(k),
                    (None, Some(c)) => Some(format!("status code {}", c.0)),
                    (None, None) => None,
                }
            })
        })
        .collect();
    Err(Error::Api {
        status_code: code,
        messages,
    })
}

/// How many messages of an error body are kept, and how many characters of
/// each: an error body is untrusted input like any other.
const API_MESSAGES_KEPT: usize = 20;
const API_MESSAGE_CHARS: usize = 500;

/// An API error body of a shape other than `response_status`, in an object
/// with no run: `{"status": "failure", "messages": [...]}`, `{"error":
/// {"code", "message"}}` or `{"error": "..."}`, `{"message": "..."}`,
/// `{"messages": [...]}`. `None` when the object is none of these (or
/// nests deeper than serde_json reads).
fn api_error_body(text: &str) -> Option<Error> {
    use serde_json::Value;
    /// Only the keys an error body is read by: everything else in the
    /// object is skipped, not built (a huge object that is no run costs no
    /// more than reading it).
    #[derive(serde::Deserialize)]
    struct Body {
        status: Option<Value>,
        error: Option<Value>,
        message: Option<Value>,
        messages: Option<Value>,
        status_code: Option<Value>,
        code: Option<Value>,
    }
    let body: Body = serde_json::from_str(text).ok()?;
    let failed = body
        .status
        .as_ref()
        .and_then(Value::as_str)
        .is_some_and(|s| {
            s.trim().eq_ignore_ascii_case("failure") || s.trim().eq_ignore_ascii_case("error")
        });
    let error = body.error.as_ref().filter(|e| !e.is_null());
    if !failed && error.is_none() && body.message.is_none() && body.messages.is_none() {
        return None;
    }
    // Strings, arrays of them, or objects with a message: two levels at
    // most, whatever the body nests; no more than are kept.
    fn texts(v: &Value, out: &mut Vec<String>) {
        if out.len() >= API_MESSAGES_KEPT {
            return;
        }
        match v {
            Value::String(s) if !s.trim().is_empty() => out.push(s.clone()),
            Value::Array(items) => {
                for item in items {
                    if !item.is_array() {
                        texts(item, out);
                    }
                }
            }
            Value::Object(o) => {
                if let Some(m) = [
                    "message",
                    "msg",
                    "description",
                    "detail",
                    "error_description",
                ]
                .iter()
                .find_map(|k| o.get(*k).filter(|m| m.is_string()))
                {
                    texts(m, out);
                }
            }
            _ => {}
        }
    }
    let mut messages = Vec::new();
    for m in [&body.messages, &body.message]
        .into_iter()
        .flatten()
        .chain(error)
    {
        texts(m, &mut messages);
    }
    let code = |v: &Value| match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    let status_code = [&body.status_code, &body.code]
        .into_iter()
        .flatten()
        .find_map(code)
        .or_else(|| {
            let e = error?.as_object()?;
            ["status_code", "code"]
                .iter()
                .find_map(|k| e.get(*k).and_then(code))
        });
    for m in &mut messages {
        if let Some((at, _)) = m.char_indices().nth(API_MESSAGE_CHARS) {
            m.truncate(at);
            m.push('…');
        }
    }
    Some(Error::Api {
        status_code,
        messages,
    })
}

/// Reads the top level of `text`, by the fast path unless it declines; separate from
/// [`JobSummary::parse`] because errors always come from the exact path, with their own wording.
fn read_top(text: &str) -> Result<Top<'_>> {
    // The fast path first; anything it declines (and any error, so that
    // errors are always the exact path's) is read again exactly. See
    // `lenient::read_scalar`.
    let fast = if lenient::is_exact() {
        None // A caller asked for the exact path only.
    } else {
        lenient::with_exact(false, || serde_json::from_str(text)).ok()
    };
    match fast {
        Some(top) => Ok(top),
        None => lenient::with_exact(true, || serde_json::from_str(text)).map_err(|e| {
            let mut error = Error::from_json(e);
            if let Error::Syntax { message, .. } = &mut error {
                // serde_json's "EOF while parsing a value" does not say why.
                if text.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
                    "the input is empty".clone_into(message);
                }
            }
            error
        }),
    }
}

/// The run of a response and the key it was found under (`""` for a bare run); separate
/// because every way of finding no run is an error of its own.
fn run_of<'a>(
    text: &'a str,
    run: Lenient<Box<PipelineRun<'a>>>,
    bare: bool,
    had_run_key: bool,
    kind: JsonKind,
) -> Result<(PipelineRun<'a>, &'static str)> {
    match run {
        Lenient::Value(run) => Ok((*run, "pipelinerun")),
        _ if bare => {
            match lenient::with_exact(true, || serde_json::from_str::<Lenient<PipelineRun>>(text)) {
                Ok(Lenient::Value(run)) => Ok((run, "")),
                Ok(_) => Err(Error::NoRun {
                    found: "a run object that could not be read".into(),
                }),
                Err(e) => Err(Error::from_json(e)),
            }
        }
        Lenient::Invalid(inv) => Err(Error::NoRun {
            found: format!("`pipelinerun` holding {}", inv.found.with_article()),
        }),
        Lenient::Missing => {
            let found = match kind {
                JsonKind::Object if had_run_key => "`pipelinerun` set to null".to_owned(),
                JsonKind::Object => {
                    if let Some(api) = api_error_body(text) {
                        return Err(api);
                    }
                    "an object without one".to_owned()
                }
                other => other.with_article().to_owned(),
            };
            Err(Error::NoRun { found })
        }
    }
}

/// Moves `beside` (the `field` found beside `pipelinerun`) into the run when the run has none,
/// else notes `ambiguous`; returns the path the field is then read from. Separate so that
/// stages and mappers follow one rule.
fn adopt_beside<T: Walk>(
    inside: &mut Lenient<T>,
    beside: Lenient<T>,
    field: &'static str,
    ambiguous: &'static str,
    root: &'static str,
    any_invalid: bool,
    diagnostics: &mut Diagnostics,
) -> JsonPath {
    let mut path = if root.is_empty() {
        JsonPath::field(field)
    } else {
        JsonPath::field(root).with_field(field)
    };
    if !beside.is_missing() && root == "pipelinerun" {
        if inside.is_missing() {
            if any_invalid {
                walk_diagnostics(&beside, JsonPath::field(field), diagnostics);
            }
            *inside = beside;
            path = JsonPath::field(field);
        } else {
            diagnostics.push(Diagnostic::new(
                DiagnosticKind::AmbiguousInput,
                JsonPath::field(field),
                ambiguous,
            ));
        }
    }
    path
}

/// An error for the first task instance without an id, which cannot be a stage; separate
/// because it is the one check of the stages the parser makes.
fn check_stage_ids(run: &PipelineRun<'_>, stages_path: &JsonPath) -> Result<()> {
    if let Some(list) = run.pipelinetaskinstances.get() {
        for (i, item) in list.as_slice().iter().enumerate() {
            if let Lenient::Value(ti) = item {
                if ti.id.get().is_none() {
                    let found = match ti.id.invalid() {
                        Some(inv) => inv.found.with_article().to_owned(),
                        None => "no `id` field".to_owned(),
                    };
                    return Err(Error::MissingId {
                        path: match list.step(i) {
                            Some(step) => stages_path.clone().with(step),
                            None => stages_path.clone(),
                        },
                        found,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Wrong-kind values anywhere in `value`, as diagnostics with their paths.
fn walk_diagnostics<T: Walk + ?Sized>(value: &T, path: JsonPath, out: &mut Diagnostics) {
    struct Collect<'a>(&'a mut Diagnostics);
    impl Sink for Collect<'_> {
        fn invalid(&mut self, path: &JsonPath, invalid: &Invalid) {
            let kind = if invalid.expected == lenient::Timestamp::EXPECTED {
                DiagnosticKind::UnreadableTimestamp
            } else {
                DiagnosticKind::WrongKind
            };
            self.0.push_with(kind, || {
                Diagnostic::new(kind, path.clone(), format!("{invalid}; treated as missing"))
            });
        }
    }
    let mut sink = Collect(out);
    let mut walker = Walker {
        path,
        sink: &mut sink,
        into_lazy: false,
    };
    value.walk(&mut walker);
}

impl JobSummary<'static> {
    /// Reads all of `reader` into memory, then parses it into a summary that
    /// owns its text. See [`JobSummary::from_slice`], which is faster when you
    /// can keep the bytes: it copies no text.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when reading fails, else as [`JobSummary::from_slice`].
    pub fn from_reader<R: io::Read>(mut reader: R) -> Result<Self> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes)?;
        JobSummary::from_slice(&bytes).map(JobSummary::into_owned)
    }
}

/// Parses into a summary that owns its text; [`JobSummary::from_str`]
/// borrows from the text instead and copies nothing.
impl FromStr for JobSummary<'static> {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        JobSummary::from_slice(s.as_bytes()).map(JobSummary::into_owned)
    }
}

/// The top level of a response, read in one pass.
struct Top<'de> {
    run: Lenient<Box<PipelineRun<'de>>>,
    response_status: Lenient<Box<ResponseStatus<'de>>>,
    mappers: Lenient<Mappers<'de>>,
    instances: Lenient<List<TaskInstance<'de>>>,
    /// The top level looks like a run itself (no `pipelinerun` key, but run fields).
    bare: bool,
    had_run_key: bool,
    kind: JsonKind,
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl TopVisitor {
    fn not_object<'de>(kind: JsonKind) -> Top<'de> {
        Top {
            run: Lenient::Missing,
            response_status: Lenient::Missing,
            mappers: Lenient::Missing,
            instances: Lenient::Missing,
            bare: false,
            had_run_key: false,
            kind,
        }
    }
}

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Top<'de>, A::Error> {
        let mut top = Self::not_object(JsonKind::Object);
        let mut run_fields = false;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match &*key.0 {
                "pipelinerun" => {
                    top.had_run_key = true;
                    top.run = map.next_value()?;
                }
                "response_status" => top.response_status = map.next_value()?,
                "pipelinetaskinstancemappers" => top.mappers = map.next_value()?,
                "pipelinetaskinstances" => top.instances = map.next_value()?,
                other => {
                    if matches!(
                        other,
                        "id" | "execution_status" | "created_time" | "completion_time"
                    ) {
                        run_fields = true;
                    }
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let stages_only = !top.mappers.is_missing() || !top.instances.is_missing();
        top.bare = !top.had_run_key && (run_fields || stages_only);
        Ok(top)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Top<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Self::not_object(JsonKind::Array))
    }
    lenient::scalar_arms!(kind, _text => Self::not_object(kind));
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Top<'de>, E> {
        Ok(Self::not_object(JsonKind::Null))
    }
}

impl<'de, T: Read<'de>> Read<'de> for Box<T> {
    const RECORD: bool = T::RECORD;
    fn read<D: Deserializer<'de>>(d: D) -> std::result::Result<Lenient<Self>, D::Error> {
        T::read_boxed(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// Values that make the fast path decline, or that it must read exactly
    /// as the exact path does.
    const TRICKY: &[&str] = &[
        "-0",
        "0",
        "1",
        "-7",
        "1.5",
        "1e3",
        "1.50",
        "99999999999999999999",
        "123456789012345678901234567890",
        "\"12\"",
        "\" 12 \"",
        "\"x\\\"y\"",
        "\"\\u00e9\"",
        "true",
        "false",
        "null",
        "[]",
        "{}",
        "[1]",
        "{\"message\": \"m\"}",
        "\"2025-03-04T10:15:00Z\"",
        "\"yesterday\"",
        "\"\"",
        "-9223372036854775808",
        "18446744073709551615",
    ];

    /// Every scalar position in `v`, as a list of steps.
    fn scalar_paths(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    at.push(Value::String(k.clone()));
                    scalar_paths(x, at, out);
                    at.pop();
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    at.push(Value::from(i));
                    scalar_paths(x, at, out);
                    at.pop();
                }
            }
            _ => out.push(at.clone()),
        }
    }

    fn slot<'v>(v: &'v mut Value, path: &[Value]) -> &'v mut Value {
        path.iter().fold(v, |at, step| match step {
            Value::String(k) => &mut at[k.as_str()],
            Value::Number(i) => &mut at[i.as_u64().unwrap_or(0) as usize],
            _ => at,
        })
    }

    fn fixture(name: &str) -> String {
        let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).expect("fixture")
    }

    /// Records are read in place into lists and boxes; every kind of element
    /// still lands as what it is.
    #[test]
    fn records_read_in_place_keep_every_element() {
        let json = r#"[{"id": "1", "datasetaudit": {"id": "7", "dataset": {"id": "9"}}},
                       null, 5, [1], {"id": "2", "datasetaudit": "no"}, {}]"#;
        let list: Lenient<lenient::List<TaskInstance>> = serde_json::from_str(json).unwrap();
        let items = list.get().unwrap().as_slice();
        assert_eq!(items.len(), 6);
        let first = items[0].get().unwrap();
        assert_eq!(first.id.get().unwrap().as_str(), "1");
        let audit = first.datasetaudit.items().next().unwrap().1;
        assert_eq!(audit.dataset.get().unwrap().id.get().unwrap().as_str(), "9");
        assert!(items[1].is_missing());
        assert_eq!(items[2].invalid().unwrap().found, lenient::JsonKind::Number);
        assert_eq!(items[3].invalid().unwrap().found, lenient::JsonKind::Array);
        let fifth = items[4].get().unwrap();
        assert_eq!(
            fifth.datasetaudit.invalid().unwrap().found,
            lenient::JsonKind::String
        );
        assert_eq!(items[5].get(), Some(&TaskInstance::default()));
        // A box of the wrong kind, or null, holds no record.
        let boxed: Lenient<Box<Dataset>> = serde_json::from_str("[]").unwrap();
        assert_eq!(boxed.invalid().unwrap().found, lenient::JsonKind::Array);
        let boxed: Lenient<Box<Dataset>> = serde_json::from_str("null").unwrap();
        assert!(boxed.is_missing());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// The fast path reads every value exactly as the exact path does,
        /// or declines it: a parse gives the same summary either way.
        #[test]
        fn fast_and_exact_paths_agree(
            which in 0usize..3,
            edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(TRICKY)), 1..6),
        ) {
            let name = ["successful_multi_source_run.json", "odd_encodings.json", "failed_transform_blocks_exports.json"][which];
            let text = fixture(name);
            let mut doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("fixture is JSON");
            let mut paths = Vec::new();
            scalar_paths(&doc, &mut Vec::new(), &mut paths);
            for (i, (at, _)) in edits.iter().enumerate() {
                let path = &paths[at.index(paths.len())];
                *slot(&mut doc, path) = Value::String(format!("\u{0}RAW{i}"));
            }
            // The raw values replace their placeholders in the text, so that
            // numbers keep their spelling (`-0`, `1.50`, 30 digits).
            let mut edited = doc.to_string();
            for (i, (_, value)) in edits.iter().enumerate() {
                edited = edited.replace(&format!("\"\\u0000RAW{i}\""), value);
            }
            let exact = lenient::with_exact(true, || JobSummary::from_str(&edited));
            let Ok(exact) = exact else {
                // Only the fixture without a run can fail, and then both fail alike.
                prop_assert!(JobSummary::from_str(&edited).is_err());
                return Ok(());
            };
            let both = JobSummary::from_str(&edited).expect("the exact path read it");
            prop_assert_eq!(format!("{both:?}"), format!("{exact:?}"));
        }
    }
}
