//! The colours every picture of a run uses — DOT, Mermaid and the HTML
//! page — so a failed stage looks the same in each. Presentation lives
//! here, beside the renderers, not in [`Status`] (a fact of the run).

use crate::status::Status;

/// Fill colour of a stage of this status in diagrams.
pub fn fill(status: Status) -> &'static str {
    match status {
        Status::Success => "#d4edda",
        Status::Failed => "#f8d7da",
        Status::Stopped => "#e1bee7",
        Status::Killed => "#ffcdd2",
        Status::Running => "#fff3cd",
        Status::Created => "#eeeeee",
        Status::Unknown => "#ffffff",
    }
}

/// Border colour of a stage of this status in diagrams.
pub fn border(status: Status) -> &'static str {
    match status {
        Status::Success => "#2e7d32",
        Status::Failed => "#c62828",
        Status::Stopped => "#6a1b9a",
        Status::Killed => "#7f0000",
        Status::Running => "#f9a825",
        Status::Created => "#9e9e9e",
        Status::Unknown => "#757575",
    }
}
