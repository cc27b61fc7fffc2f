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
    /// Every kind, in the order of their declaration.
    pub const ALL: [DiagnosticKind; 8] = [
        DiagnosticKind::WrongKind,
        DiagnosticKind::UnreadableTimestamp,
        DiagnosticKind::InvertedTimestamps,
        DiagnosticKind::UnknownStage,
        DiagnosticKind::DuplicateStage,
        DiagnosticKind::UnmappedStage,
        DiagnosticKind::UnknownTriggerRule,
        DiagnosticKind::AmbiguousInput,
    ];

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

/// How many diagnostics of one kind are kept; the rest are only counted.
pub const KEPT_PER_KIND: usize = 1000;

/// Diagnostics as they are collected: the first [`KEPT_PER_KIND`] of each
/// kind kept, every one counted.
///
/// An input can hold a wrong-kind value in every one of a million places;
/// the warnings must not cost more than the input. A diagnostic that will
/// not be kept is not even made ([`Diagnostics::push_with`]): its path and
/// message, which may quote a long key, are never built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    kept: Vec<Diagnostic>,
    counts: [usize; DiagnosticKind::ALL.len()],
}

impl Diagnostics {
    /// Counts a diagnostic of `kind`, and makes and keeps it while fewer
    /// than [`KEPT_PER_KIND`] of its kind are kept.
    pub fn push_with(&mut self, kind: DiagnosticKind, make: impl FnOnce() -> Diagnostic) {
        let count = &mut self.counts[kind as usize];
        *count += 1;
        if *count <= KEPT_PER_KIND {
            self.kept.push(make());
        }
    }

    /// Counts and keeps (while there is room for its kind) `diagnostic`.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.push_with(diagnostic.kind, || diagnostic);
    }

    /// The diagnostics kept, in the order found.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.kept
    }

    /// How many diagnostics of `kind` there were, kept or not.
    pub fn count(&self, kind: DiagnosticKind) -> usize {
        self.counts[kind as usize]
    }

    /// How many diagnostics there were in all.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}
