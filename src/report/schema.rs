//! JSON Schemas of the JSON reports, derived from the report structs.
//!
//! The repository publishes one file per subcommand at
//! `schema/<subcommand>.json`; a test checks that those files are what this
//! module generates and that every JSON output of every fixture validates
//! against them. `dataprep-lineage schema SUBCOMMAND` prints one.

use schemars::schema_for;
use serde_json::Value;

/// The subcommands with a JSON report, and the file name of their schema.
pub const SUBCOMMANDS: [&str; 8] = [
    "why",
    "why-stage",
    "summary",
    "order",
    "critical-path",
    "diff",
    "history",
    "history-facts",
];

/// The JSON Schema of `subcommand`'s JSON report (`why-stage` is
/// `why --stage`; `history-facts` is one line of `history --format ndjson`),
/// or `None` for a subcommand without one.
pub fn for_subcommand(subcommand: &str) -> Option<Value> {
    let schema = match subcommand {
        "why" => schema_for!(super::Why),
        "why-stage" => schema_for!(super::Trace),
        "summary" => schema_for!(super::Summary),
        "order" => schema_for!(super::StageOrder),
        "critical-path" => schema_for!(super::CriticalPath),
        "diff" => schema_for!(crate::diff::RunDiff),
        "history" => schema_for!(crate::history::History),
        "history-facts" => schema_for!(crate::history::FactRow<'static>),
        _ => return None,
    };
    let mut value = Value::from(schema);
    tidy(&mut value);
    Some(value)
}

/// What schemars writes and a consumer would trip on, made plain:
///
/// - every property the reports always write is `required` (schemars leaves
///   `Option` fields out, but the reports write them as `null`); only the
///   properties written conditionally (`skip_serializing_if`, which carry a
///   `default`) stay optional;
/// - `schema_version` is required and `const` ([`crate::SCHEMA_VERSION`]);
/// - `format` values that are not JSON Schema formats (`uint32`, `int64`,
///   …: schemars' own) are dropped, since strict validators refuse them;
/// - rustdoc links (`` [`Why`] ``) in descriptions become plain code.
fn tidy(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(f)) = map.get("format") {
                    if f.starts_with("uint") || f.starts_with("int") || f == "double" {
                        map.remove("format");
                    }
                }
                if let Some(Value::String(d)) = map.get_mut("description") {
                    *d = d.replace("[`", "`").replace("`]", "`");
                }
                if let Some(Value::Object(props)) = map.get_mut("properties") {
                    if let Some(version) = props.get_mut("schema_version") {
                        *version = serde_json::json!({
                            "description": "The version of this JSON's shape.",
                            "const": crate::SCHEMA_VERSION
                        });
                    }
                    let always: Vec<Value> = props
                        .iter()
                        .filter(|(_, p)| p.get("default").is_none())
                        .map(|(k, _)| Value::String(k.clone()))
                        .collect();
                    map.insert("required".to_owned(), Value::Array(always));
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// The schema as the repository stores it: pretty JSON, one trailing newline.
pub fn to_pretty_string(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
