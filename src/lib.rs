//! Turns a Zoho DataPrep *Job Summary API* response into a lineage graph and
//! answers the questions asked after a pipeline run: **why did it fail**,
//! **why did it take so long**, and **what does this pipeline look like**.
//!
//! Data flows one way: bytes → [`model`] (a tolerant typed model, with
//! [`Diagnostic`]s for what was odd, each at a [`JsonPath`]) → [`graph`]
//! (stages and data nodes, proven acyclic) → [`Analysis`] (order, culprits
//! and root causes, timing, run-level causes; evidence, blast radius, traces
//! and [`Fingerprint`]s on demand) → [`report`] (one owned view model per
//! question, drawn as text, Markdown, JSON or an HTML page —
//! [`report::html`]) and [`diagram`] ([`dot`], [`mermaid`]) and [`export`]s
//! (OpenLineage run events, a Chrome trace). Every run is named the same way
//! in every output ([`RunRef`]); one [`Caps`] says how much of each list a
//! report keeps and a renderer shows.
//! What each analysis means is written down in `docs/semantics.md`.
//!
//! ```
//! use dataprep_lineage::{report, Analysis, JobSummary, LineageGraph};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/failed_transform_blocks_exports.json");
//! let bytes = std::fs::read(path)?; // read it whole: the summary borrows its text
//! let summary = JobSummary::from_slice(&bytes)?;
//! let graph = LineageGraph::build(&summary)?;
//! let why = report::Why::new(&Analysis::new(&graph)); // owned: outlives the bytes
//!
//! for cause in &why.root_causes {
//!     // The most specific thing the response says about it (a rule's error
//!     // rather than "Transform failed after 1 retry").
//!     let said = cause.headline.as_ref().map_or("(no message)", |e| e.text.as_str());
//!     println!("{} ({}) {}: {said}", cause.stage.name_or_id(), cause.stage.id, cause.stage.status);
//! }
//! assert_eq!(why.root_causes[0].stage.name.as_deref(), Some("Join contacts with orders"));
//! assert_eq!(why.root_causes[0].blocked.len(), 2);
//! assert!(why.root_causes[0].headline.as_ref().unwrap().text.starts_with("Rule 7 (Merge columns)"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Comparing two runs ([`compare`], `docs/semantics.md#run-comparison`) and
//! reading many ([`History`]) start from the same analyses; every type an
//! embedder holds is named at the root:
//!
//! ```
//! use dataprep_lineage::{compare, Analysis, DiffOptions, History, JobSummary, LineageGraph, RunDiff, Why};
//! use dataprep_lineage::history::RunFacts;
//!
//! let pair = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/pairs/failed_then_fixed");
//! let (b, c) = (std::fs::read(format!("{pair}/baseline.json"))?, std::fs::read(format!("{pair}/current.json"))?);
//! let (b, c) = (JobSummary::from_slice(&b)?, JobSummary::from_slice(&c)?);
//! let (gb, gc) = (LineageGraph::build(&b)?, LineageGraph::build(&c)?);
//! let (ab, ac) = (Analysis::new(&gb), Analysis::new(&gc));
//!
//! // What changed since it last worked.
//! let diff: RunDiff = compare(&ab, &ac, DiffOptions::default());
//! assert_eq!(diff.verdict, dataprep_lineage::diff::Verdict::Improved);
//!
//! // The two runs as a history: per stage, its outcomes over the runs.
//! let history = History::of([
//!     ("baseline.json".to_owned(), RunFacts::of(&ab)),
//!     ("current.json".to_owned(), RunFacts::of(&ac)),
//! ]);
//! assert_eq!(history.pipelines.len(), 1);
//! assert_eq!(Why::new(&ab).root_causes_count, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Constructors follow one convention: `T::new(&analysis)` builds a report
//! with the default caps and `T::with_caps(&analysis, caps)` with
//! others ([`Caps`]: `--all` is [`Caps::ALL`]); `X::of(&…)` derives a
//! small value from a bigger one; `build` and `from_slice` are fallible.
//! Renderers write to any `Write` and take options ([`report::text::TextOptions`],
//! [`report::markdown::MarkdownOptions`]) whose [`report::Advice`] keeps,
//! drops or rewords the CLI's hints for the embedder's readers.
//!
//! Nothing here panics on input: any byte sequence gives a summary or an
//! [`Error`], and every traversal is iterative, so a 200,000-stage chain is
//! as safe as a five-stage one.
#![deny(missing_docs)]

mod analysis;
pub mod caps;
pub mod cause;
pub mod diagnostic;
pub mod diagram;
pub mod diff;
pub mod dot;
mod error;
pub mod export;
pub mod fingerprint;
pub mod graph;
pub mod history;
mod json_out;
pub mod json_path;
mod layered;
pub mod limits;
pub mod mermaid;
pub mod model;
mod order;
mod palette;
pub mod report;
mod run_ref;
mod status;
mod timing;
mod words;

/// The version of the JSON outputs' shape. It changes when a key is removed,
/// renamed or changes meaning; new keys may appear within a version. Version
/// 2 names every run with one shape, [`RunRef`] (`CHANGELOG.md` lists what
/// moved).
pub const SCHEMA_VERSION: u32 = 2;

pub use analysis::Analysis;
pub use caps::Caps;
pub use cause::Causes;
pub use diagnostic::{Diagnostic, DiagnosticKind};
pub use diff::{compare, DiffOptions, RunDiff, Slower};
pub use error::{Error, Result, SyntaxSource};
pub use fingerprint::Fingerprint;
pub use graph::LineageGraph;
pub use history::{History, HistoryBuilder};
pub use json_path::JsonPath;
pub use model::JobSummary;
pub use order::Order;
pub use report::{CriticalPath, Summary, Why};
pub use run_ref::RunRef;
pub use status::Status;
pub use timing::Timing;
