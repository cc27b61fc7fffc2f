//! Turns a Zoho DataPrep *Job Summary API* response into a lineage graph and
//! answers the questions asked after a pipeline run: **why did it fail**,
//! **why did it take so long**, and **what does this pipeline look like**.
//!
//! Data flows one way: bytes → [`model`] (a tolerant typed model, with
//! [`Diagnostic`]s for what was odd) → [`graph`] (stages and data nodes,
//! proven acyclic) → analyses ([`order`], [`cause`], [`timing`], bundled in
//! [`Analysis`]) → outputs ([`report`] text and JSON, [`dot`], [`mermaid`]).
//!
//! ```
//! use dataprep_lineage::{Analysis, JobSummary, LineageGraph};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/failed_transform_blocks_exports.json");
//! let bytes = std::fs::read(path)?; // read it whole: the summary borrows its text
//! let summary = JobSummary::from_slice(&bytes)?;
//! let graph = LineageGraph::build(&summary)?;
//! let analysis = Analysis::new(&graph);
//!
//! for &stage in analysis.causes.root_causes() {
//!     let s = &graph.stages()[stage];
//!     let evidence = dataprep_lineage::cause::evidence(&graph, stage);
//!     println!("{} ({}) {}: {}", s.name().unwrap_or(s.id), s.id, s.status_label(), evidence.texts[0].text);
//!     assert_eq!(s.name(), Some("Join contacts with orders"));
//!     assert_eq!(analysis.causes.blocked(stage).len(), 2);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here panics on input: any byte sequence gives a summary or an
//! [`Error`], and every traversal is iterative, so a 200,000-stage chain is
//! as safe as a five-stage one.
#![deny(missing_docs)]

pub mod analysis;
pub mod cause;
pub mod diagnostic;
pub mod diagram;
pub mod dot;
pub mod error;
pub mod fingerprint;
pub mod graph;
pub mod json_path;
pub mod mermaid;
pub mod model;
pub mod order;
pub mod report;
pub mod status;
pub mod timing;

pub use analysis::Analysis;
pub use cause::Causes;
pub use diagnostic::{Diagnostic, DiagnosticKind};
pub use error::{Error, Result};
pub use fingerprint::Fingerprint;
pub use graph::LineageGraph;
pub use json_path::JsonPath;
pub use model::JobSummary;
pub use order::Order;
pub use status::Status;
pub use timing::Timing;
