//! Recoverable oddities of the input, reported beside the analysis.
//!
//! A response from another system is rarely perfect. Rather than fail, the
//! parser and the graph builder note what they had to work around, with the
//! JSON path where it was, and go on; the CLI prints these as warnings.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::json_path::JsonPath;

/// What kind of oddity a [`Diagnostic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A field held a value of the wrong kind; it is treated as missing.
    WrongKind,
    /// A timestamp could not be read; it is treated as missing.
    UnreadableTimestamp,
    /// A completion time lies before its start; the duration counts as 0.
    InvertedTimestamps,
    /// A mapper names a stage id that is no task instance; a placeholder
    /// stage with status `unknown` stands in for it.
    UnknownStage,
    /// Two task instances share an id; the first is kept.
    DuplicateStage,
    /// A stage is not a key of the mappers; it is treated as a root.
    UnmappedStage,
    /// A trigger rule is not one the spec names; it is treated as `ALL_SUCCESS`.
    UnknownTriggerRule,
    /// The mappers or the stages were found both inside the run and beside
    /// it; the ones inside the run are used.
    AmbiguousInput,
}

impl DiagnosticKind {
    /// The snake_case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticKind::WrongKind => "wrong_kind",
            DiagnosticKind::UnreadableTimestamp => "unreadable_timestamp",
            DiagnosticKind::InvertedTimestamps => "inverted_timestamps",
            DiagnosticKind::UnknownStage => "unknown_stage",
            DiagnosticKind::DuplicateStage => "duplicate_stage",
            DiagnosticKind::UnmappedStage => "unmapped_stage",
            DiagnosticKind::UnknownTriggerRule => "unknown_trigger_rule",
            DiagnosticKind::AmbiguousInput => "ambiguous_input",
        }
    }
}

/// One recoverable oddity of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Diagnostic {
    /// What kind of oddity.
    pub kind: DiagnosticKind,
    /// JSON path where it was found (`pipelinerun.pipelinetaskinstances[2].start_time`).
    pub path: JsonPath,
    /// What was found and what was done about it.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of `kind` at `path`.
    pub fn new(kind: DiagnosticKind, path: JsonPath, message: impl Into<String>) -> Self {
        Diagnostic {
            kind,
            path,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}
