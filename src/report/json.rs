//! JSON reports, for tools.
//!
//! The report structs ([`super::Why`], [`super::Summary`], …) serialise
//! themselves: keys in field order, ids as strings, `schema_version` first.
//! This module only writes them: pretty-printed, one trailing newline, into
//! any `io::Write`. Their shape is published as JSON Schema
//! (`schema/<subcommand>.json`); a Rust tool reads them back with
//! `serde_json::from_str::<dataprep_lineage::report::Why>(…)`.

pub use crate::json_out::{to_string, write, write_line};
