//! Turns a Zoho DataPrep *Job Summary API* response into a lineage graph and
//! answers the questions asked after a pipeline run.
#![deny(missing_docs)]

pub mod diagnostic;
pub mod error;
pub mod model;

pub use diagnostic::{Diagnostic, DiagnosticKind};
pub use error::{Error, Result};
pub use model::JobSummary;
