//! The outcome of a run, a stage or a data node, as every output names it.
//!
//! The response says `execution_status` with a number (and sometimes not at
//! all); people and tools read a word. [`Status`] is that word, decided once:
//! its label, its terminal colour and its diagram colours are each a `match`
//! here, so no output compares status strings.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::ExecutionStatus;

/// An outcome: `success`, `running`, `created`, `failed`, `stopped`,
/// `killed` or `unknown` (missing, or a code the reference does not document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// `1`: finished successfully.
    Success,
    /// `-1`: failed.
    Failed,
    /// `-2`: stopped by a user.
    Stopped,
    /// `-3`: killed by the system.
    Killed,
    /// `0`: still running.
    Running,
    /// `2`: created, not started yet.
    Created,
    /// Missing, or a code the reference does not document.
    Unknown,
}

impl Status {
    /// Every status, in the order legends and counts list them.
    pub const ALL: [Status; 7] = [
        Status::Success,
        Status::Failed,
        Status::Stopped,
        Status::Killed,
        Status::Running,
        Status::Created,
        Status::Unknown,
    ];

    /// The status of an optional execution status (`Unknown` when absent).
    pub fn of(status: Option<ExecutionStatus>) -> Status {
        match status {
            Some(ExecutionStatus::Success) => Status::Success,
            Some(ExecutionStatus::Failed) => Status::Failed,
            Some(ExecutionStatus::Stopped) => Status::Stopped,
            Some(ExecutionStatus::Killed) => Status::Killed,
            Some(ExecutionStatus::Running) => Status::Running,
            Some(ExecutionStatus::Created) => Status::Created,
            Some(ExecutionStatus::Unknown(_)) | None => Status::Unknown,
        }
    }

    /// The word used in every output.
    pub fn label(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Failed => "failed",
            Status::Stopped => "stopped",
            Status::Killed => "killed",
            Status::Running => "running",
            Status::Created => "created",
            Status::Unknown => "unknown",
        }
    }

    /// Failed, stopped or killed: an outcome that blocks what depends on it.
    pub fn is_failed_like(self) -> bool {
        matches!(self, Status::Failed | Status::Stopped | Status::Killed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_word() {
        assert_eq!(Status::of(Some(ExecutionStatus::Failed)).label(), "failed");
        assert_eq!(
            Status::of(Some(ExecutionStatus::Unknown(7))),
            Status::Unknown
        );
        assert_eq!(Status::of(None), Status::Unknown);
        assert_eq!(
            serde_json::to_string(&Status::Killed).unwrap(),
            "\"killed\""
        );
        for s in Status::ALL {
            let back: Status = serde_json::from_str(&format!("\"{s}\"")).unwrap();
            assert_eq!(back, s);
        }
    }
}
