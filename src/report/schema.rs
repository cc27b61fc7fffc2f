//! JSON Schemas of the JSON reports, derived from the report structs.
//!
//! The repository publishes one file per subcommand at
//! `schema/<subcommand>.json`; a test checks that those files are what this
//! module generates and that every JSON output of every fixture validates
//! against them. `dataprep-lineage schema SUBCOMMAND` prints one.

use schemars::{schema_for, Schema};

/// The subcommands with a JSON report, and the file name of their schema.
pub const SUBCOMMANDS: [&str; 5] = ["why", "why-stage", "summary", "order", "critical-path"];

/// The JSON Schema of `subcommand`'s JSON report (`why-stage` is
/// `why --stage`), or `None` for a subcommand without one.
pub fn for_subcommand(subcommand: &str) -> Option<Schema> {
    let schema = match subcommand {
        "why" => schema_for!(super::Why),
        "why-stage" => schema_for!(super::Trace),
        "summary" => schema_for!(super::Summary),
        "order" => schema_for!(super::Order),
        "critical-path" => schema_for!(super::CriticalPath),
        _ => return None,
    };
    Some(schema)
}

/// The schema as the repository stores it: pretty JSON, one trailing newline.
pub fn to_pretty_string(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
