//! [`RunRef`]: the one way every output names a run.
//!
//! # Design
//!
//! A single-run report, a comparison's two sides, a history's latest and
//! last good run all say which run they are about. They used to say it four
//! ways (`pipeline` here, `pipeline_name` there, an empty string or a null
//! for a run without an id); now each embeds this one shape, so a tool reads
//! `run_id`, `status`, `pipeline_id`, `pipeline_name`, `created_ms` and
//! `file` the same way in every document. The single-run reports also keep
//! SPEC's `run.id` beside it.

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::limits::short;
use crate::status::Status;

/// A run, named the same way in every output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RunRef {
    /// The run id (null when the response has none).
    pub run_id: Option<String>,
    /// The run's outcome.
    pub status: Status,
    /// `pipeline.id` as the response gives it.
    pub pipeline_id: Option<String>,
    /// The pipeline's name.
    pub pipeline_name: Option<String>,
    /// When the run was created, epoch ms.
    pub created_ms: Option<i64>,
    /// The file it was read from, when the caller says so
    /// ([`RunRef::with_file`]; the CLI always does).
    pub file: Option<String>,
}

impl RunRef {
    /// The run of an analysis (no file: see [`RunRef::with_file`]).
    pub fn of(a: &Analysis<'_, '_>) -> Self {
        let run = a.graph.summary().run();
        let pipeline = run.pipeline();
        RunRef {
            run_id: run.id.get().map(|i| short(i.as_str())),
            status: Status::of(run.execution_status.value()),
            pipeline_id: pipeline.and_then(|p| p.id.get()).map(|i| short(i.as_str())),
            pipeline_name: pipeline
                .and_then(|p| p.name.get())
                .map(|n| short(n.as_str())),
            created_ms: run.created_time.value().map(|t| t.0),
            file: None,
        }
    }

    /// The same run, read from `file`.
    #[must_use]
    pub fn with_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// The run id, or `(no id)` when it is missing or empty: how the
    /// reports print it.
    pub fn shown_id(&self) -> &str {
        match self.run_id.as_deref() {
            None | Some("") => "(no id)",
            Some(id) => id,
        }
    }
}
