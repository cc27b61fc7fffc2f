//! JSON reports, for tools.
//!
//! The report structs ([`super::Why`], [`super::Summary`], …) serialise
//! themselves: keys in field order, ids as strings, `schema_version` first.
//! This module only writes them: pretty-printed, one trailing newline, into
//! any `io::Write`. Their shape is published as JSON Schema
//! (`schema/<subcommand>.json`); a Rust tool reads them back with
//! `serde_json::from_str::<dataprep_lineage::report::Why>(…)`.

use std::io::{self, Write};

use serde::Serialize;

/// Writes `report` as pretty JSON with a trailing newline.
///
/// # Errors
///
/// What writing to `out` returns (serialising the report structs cannot
/// fail otherwise).
pub fn write<T: Serialize + ?Sized>(out: &mut dyn Write, report: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// `report` as pretty JSON with a trailing newline.
pub fn to_string<T: Serialize + ?Sized>(report: &T) -> String {
    super::text::to_string(|w| write(w, report))
}
