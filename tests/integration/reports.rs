//! The report model as its users meet it: published JSON Schemas that every
//! output validates against, JSON that reads back into the report types,
//! Markdown that renders, and JSON paths that resolve in the input.

use std::path::{Path, PathBuf};

use dataprep_lineage::report::{self, schema};
use dataprep_lineage::{Analysis, JobSummary, JsonPath, LineageGraph};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::support::{fixture, fixtures, leak, stem};

fn schema_file(subcommand: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(format!("{subcommand}.json"))
}

/// The committed schema files are what the report structs generate. Run
/// with `UPDATE_SCHEMAS=1` to rewrite them after changing a report struct.
#[test]
fn published_schemas_are_current() {
    for sub in schema::SUBCOMMANDS {
        let generated =
            schema::to_pretty_string(&schema::for_subcommand(sub).expect("known subcommand"));
        let path = schema_file(sub);
        if std::env::var_os("UPDATE_SCHEMAS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date: run `UPDATE_SCHEMAS=1 cargo test published_schemas` and commit it",
            path.display()
        );
    }
}

/// The binary's standard output; it must exit 0.
pub(crate) fn run(args: &[&str]) -> String {
    let o = crate::support::Bin::new()
        .args(args)
        .args(["--quiet", "--color", "never"])
        .run();
    assert_eq!(o.code, Some(0), "{args:?}: {}", o.err());
    String::from_utf8(o.stdout).expect("UTF-8")
}

pub(crate) fn validator(sub: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schema_file(sub)).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

pub(crate) fn assert_valid(v: &jsonschema::Validator, out: &str, what: &str) -> Value {
    let doc: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{what}: {e}"));
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema: {errors:#?}"
    );
    assert_eq!(
        doc["schema_version"],
        dataprep_lineage::SCHEMA_VERSION,
        "{what}"
    );
    doc
}

#[test]
fn every_json_output_of_every_fixture_validates_against_its_schema() {
    let why = validator("why");
    let summary = validator("summary");
    let order = validator("order");
    let cp = validator("critical-path");
    let stage = validator("why-stage");
    for file in fixtures() {
        let f = file.to_str().unwrap();
        let name = stem(&file);
        assert_valid(
            &why,
            &run(&["why", f, "--format", "json"]),
            &format!("why {name}"),
        );
        assert_valid(
            &summary,
            &run(&["summary", f, "--format", "json"]),
            &format!("summary {name}"),
        );
        let o = assert_valid(
            &order,
            &run(&["order", f, "--format", "json"]),
            &format!("order {name}"),
        );
        assert_valid(
            &cp,
            &run(&["critical-path", f, "--format", "json"]),
            &format!("critical-path {name}"),
        );
        for id in o["order"].as_array().unwrap().iter().take(6) {
            let id = id.as_str().unwrap();
            assert_valid(
                &stage,
                &run(&["why", f, "--format", "json", "--stage", id]),
                &format!("why --stage {id} {name}"),
            );
        }
    }
}

#[test]
fn the_schemas_reject_what_is_not_a_report() {
    let why = validator("why");
    assert!(!why.is_valid(&json!({"schema_version": 1})));
    assert!(!why.is_valid(&json!([])));
    let mut ok: Value = serde_json::from_str(&run(&[
        "why",
        fixture("failed_transform_blocks_exports.json")
            .to_str()
            .unwrap(),
        "--format",
        "json",
    ]))
    .unwrap();
    assert!(why.is_valid(&ok));
    ok["root_causes"][0]["status"] = json!("exploded");
    assert!(
        !why.is_valid(&ok),
        "an unknown status word must not validate"
    );
}

/// A Rust tool reads our JSON back into our types, and gets what we built.
#[test]
fn json_reads_back_into_the_report_types() {
    for file in fixtures() {
        let bytes = std::fs::read(&file).unwrap();
        let summary = JobSummary::from_slice(&bytes).unwrap();
        let graph = LineageGraph::build(&summary).unwrap();
        let a = Analysis::new(&graph);
        let why = report::Why::new(&a);
        let back: report::Why = serde_json::from_str(&why.to_json()).unwrap();
        // Diagnostic paths read back as plain keys; compare their text.
        assert_eq!(back.to_json(), why.to_json(), "{}", file.display());
        let s = report::Summary::new(&a);
        assert_eq!(
            serde_json::from_str::<report::Summary>(&s.to_json())
                .unwrap()
                .to_json(),
            s.to_json()
        );
        let o = report::StageOrder::new(&a);
        assert_eq!(
            serde_json::from_str::<report::StageOrder>(&o.to_json()).unwrap(),
            o
        );
        let c = report::CriticalPath::new(&a);
        assert_eq!(
            serde_json::from_str::<report::CriticalPath>(&c.to_json()).unwrap(),
            c
        );
    }
}

/// A report outlives the bytes, the summary and the graph it came from.
fn why_of(bytes: Vec<u8>) -> report::Why {
    let summary = JobSummary::from_slice(&bytes).unwrap();
    let graph = LineageGraph::build(&summary).unwrap();
    report::Why::new(&Analysis::new(&graph))
}

#[test]
fn a_report_can_be_kept() {
    let why = why_of(std::fs::read(fixture("run_killed_by_system.json")).unwrap());
    assert_eq!(why.run.run.status, dataprep_lineage::Status::Killed);
}

pub(crate) fn html(markdown: &str) -> String {
    let mut out = String::new();
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES);
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}

#[test]
fn markdown_renders_as_a_forge_would_show_it() {
    let f = fixture("failed_transform_blocks_exports.json");
    let md = run(&[
        "why",
        f.to_str().unwrap(),
        "--format",
        "markdown",
        "--diagram",
    ]);
    let page = html(&md);
    // The heading: the verdict, what failed first, and its most specific message.
    assert!(page.contains("<h3>Run <code>14057000007570028</code> of Daily sales sync: failed — 1 root cause: Join contacts with orders — Rule 7 (Merge columns): column 'order_total' not found in dataset 'shop.orders'</h3>"), "{page}");
    assert!(page.contains("<h4>1. <strong>Join contacts with orders</strong> (transform, id <code>14057000007570152</code>) — failed</h4>"), "{page}");
    // Evidence in code blocks, blocked stages and the critical path in tables.
    assert!(page.contains("<pre><code class=\"language-text\">Rule 7 (Merge columns): column 'order_total' not found in dataset 'shop.orders'\n</code></pre>"), "{page}");
    // Blocked stages and the critical path; the observed chain is the
    // critical path itself, said in a sentence rather than a third table.
    assert_eq!(page.matches("<table>").count(), 2, "{page}");
    assert!(
        page.contains("<td>Publish to Zoho Analytics</td>"),
        "{page}"
    );
    assert!(
        page.contains("<pre><code class=\"language-mermaid\">---\ntitle:"),
        "{page}"
    );

    // Hostile names stay text: no tag, link or table cell of the input survives.
    let hostile = fixture("hostile_names.json");
    for sub in ["why", "summary", "critical-path"] {
        let page = html(&run(&[
            sub,
            hostile.to_str().unwrap(),
            "--format",
            "markdown",
        ]));
        for raw in ["<b>", "<script", "<a href", "<img"] {
            assert!(!page.contains(raw), "{sub}: raw {raw:?} in {page}");
        }
    }
}

/// What the evidence and diagnostic paths of an input must satisfy.
fn check_paths(text: &str) -> Result<(), TestCaseError> {
    let Ok(summary) = JobSummary::from_str(text) else {
        return Ok(());
    };
    let Ok(graph) = LineageGraph::build(&summary) else {
        return Ok(());
    };
    let doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    let a = Analysis::new(&graph);
    for s in graph.stage_indices() {
        for t in a.evidence(s).texts {
            let at = t.path.resolve(&doc);
            match t.kind {
                dataprep_lineage::cause::EvidenceKind::Message => match at {
                    // A message written as a number is quoted as its literal.
                    Some(Value::Number(n)) => prop_assert_eq!(n.to_string(), t.text.clone()),
                    at => prop_assert_eq!(at, Some(Value::String(t.text.clone())), "{}", t.path),
                },
                // A stream entry is quoted as written: the same JSON value.
                _ => prop_assert_eq!(
                    at,
                    serde_json::from_str::<Value>(&t.text).ok(),
                    "{}",
                    t.path
                ),
            }
            // The path's text parses back to the same steps.
            let reparsed: JsonPath = t.path.to_string().parse().unwrap();
            prop_assert_eq!(reparsed.to_string(), t.path.to_string());
        }
    }
    for d in graph.diagnostics() {
        if d.path.resolve(&doc).is_some() {
            continue;
        }
        // Or it names the missing key of an object that exists.
        let mut parent = d.path.clone();
        let last = parent.pop();
        let holder = parent.resolve(&doc);
        prop_assert!(
            matches!((&holder, &last), (Some(Value::Object(_)), Some(seg)) if seg.key().is_some()),
            "diagnostic path {} resolves to nothing ({})",
            d.path,
            d.message
        );
    }
    Ok(())
}

#[test]
fn every_path_of_every_fixture_resolves_in_it() {
    for file in fixtures() {
        let text = std::fs::read_to_string(&file).unwrap();
        check_paths(&text).unwrap();
    }
}

/// Where a message goes in a generated stage: one object or an array of
/// audits, an odd key, an unknown field, a list of logs.
fn place(inst: &mut Value, how: u8, text: &str) {
    match how % 7 {
        0 => inst["datasetaudit"] = json!({"id": "d", "error_message": text}),
        1 => {
            inst["datasetaudit"] =
                json!([{"id": "d1"}, {"id": "d2", "datasetstate": {"error_message": text}}])
        }
        2 => inst["rawdatasetaudit"] = json!({"id": "r", "datasourceaudit": {"message": text}}),
        3 => inst["vendor ext"] = json!({"7up": [{"message": text}]}),
        4 => {
            inst["datasourceaudit"] = json!({"id": "a", "execution_status": -1,
            "streams_info": json!({"s 1": {"execution_status": "FAILED", "error_message": text}}).to_string()})
        }
        5 => {
            inst["datasourceaudit"] = json!([{"id": "a", "streams_info": json!([{"execution_status": "FAILED", "m": text}]).to_string()}])
        }
        _ => inst["message"] = json!(text),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every evidence path resolves in the input to exactly its text; every
    /// diagnostic path to a value or to the missing key of an object.
    #[test]
    fn every_evidence_and_diagnostic_path_resolves(
        stages in proptest::collection::vec((any::<u8>(), any::<bool>(), "[a-z \"\\\\é\n]{1,10}", any::<bool>()), 1..12),
        lone_stages in any::<bool>(),
    ) {
        let mut instances = Vec::new();
        let mut mappers = serde_json::Map::new();
        for (i, (how, failed, text, odd)) in stages.iter().enumerate() {
            let id = (500 + i).to_string();
            let mut inst = json!({"id": id, "execution_status": if *failed { -1 } else { 1 },
                "start_time": if *odd { json!("not a time") } else { json!(1_700_000_000_000i64) }});
            place(&mut inst, *how, text);
            instances.push(inst);
            mappers.insert(id, if i == 0 { json!([]) } else { json!([(499 + i).to_string(), if *odd { json!(true) } else { json!("x9") }]) });
        }
        let stages = if lone_stages && instances.len() == 1 { instances.pop().unwrap() } else { json!(instances) };
        let doc = json!({"pipelinerun": {"id": "1", "execution_status": -1,
            "pipelinetaskinstancemappers": mappers, "pipelinetaskinstances": stages}});
        check_paths(leak(&doc))?;
    }

    #[test]
    fn paths_resolve_in_mutated_fixtures(
        file in 0usize..11,
        mutations in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..6), 1..6),
    ) {
        let files = fixtures();
        let text = std::fs::read_to_string(&files[file % files.len()]).unwrap();
        let mut doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
        // Replace random values with other kinds, turn arrays into lone objects.
        for (at, kind) in mutations {
            let mut slots = Vec::new();
            collect(&mut doc, &mut slots);
            if slots.is_empty() { break; }
            let target = slots.swap_remove(at.index(slots.len()));
            if let Some(v) = doc.pointer_mut(&target) {
                *v = match (kind, &*v) {
                    (0, Value::Array(a)) if !a.is_empty() => a[0].clone(),
                    (1, _) => json!("7"),
                    (2, _) => Value::Null,
                    (3, _) => json!({"message": "odd"}),
                    (4, _) => json!([{"error_message": "x"}]),
                    _ => json!(-1),
                };
            }
        }
        check_paths(leak(&doc))?;
    }
}

/// JSON pointers of every value in `v` (bounded to keep the test fast).
fn collect(v: &mut Value, out: &mut Vec<String>) {
    let mut stack = vec![(String::new(), &*v)];
    while let Some((p, v)) = stack.pop() {
        if out.len() > 3000 {
            return;
        }
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    stack.push((
                        format!("{p}/{}", k.replace('~', "~0").replace('/', "~1")),
                        c,
                    ));
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    stack.push((format!("{p}/{i}"), c));
                }
            }
            _ => {}
        }
        if !p.is_empty() {
            out.push(p);
        }
    }
}

/// The CLI writes `why --format json` streamed, root cause by root cause;
/// it is the same JSON as the owned report's, byte for byte.
#[test]
fn streamed_why_is_the_owned_why() {
    let mut inputs: Vec<String> = fixtures()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    for (_, make, size) in crate::shapes::SHAPES {
        inputs.push(make(size / 4 + 1));
    }
    // Past the cap and past one batch of 64 root causes.
    inputs.push(crate::shapes::roots_into_a_chain(1_100));
    for text in &inputs {
        let Ok(summary) = JobSummary::from_str(text) else {
            continue;
        };
        let Ok(graph) = LineageGraph::build(&summary) else {
            continue;
        };
        let a = Analysis::new(&graph);
        for limits in [
            report::Caps::DEFAULT,
            report::Caps {
                screen: Some(3),
                ..report::Caps::DEFAULT
            }
            .on_screen(),
        ] {
            let owned = report::json::to_string(&report::Why::with_caps(&a, limits));
            let streamed = report::json::to_string(&report::Why::streamed(&a, limits));
            assert!(owned == streamed, "streamed and owned why differ");
        }
    }
}

/// Twenty root causes failing with one error (only a request id differs) are
/// said as one distinct error on the first screen of `why` and `summary`, in
/// text and Markdown; JSON lists the groups with their exact counts.
#[test]
fn root_causes_sharing_an_error_are_said_once_on_the_first_screen() {
    let file = fixture("expired_token_fails_twenty_imports.json");
    let file = file.to_str().expect("path");
    for sub in ["why", "summary"] {
        let text = run(&[sub, file]);
        let head: Vec<&str> = text.lines().take(8).collect();
        let head = head.join("\n");
        assert!(
            head.contains("20 root causes, 1 distinct error"),
            "{sub}: {head}"
        );
        assert!(
            head.contains("20 × Invalid OAuth token: the access token has expired")
                && head.contains("\"CRM Leads\", \"CRM Contacts\", \"CRM Accounts\" and 17 more"),
            "{sub}: {head}"
        );
        let md = run(&[sub, file, "--format", "markdown"]);
        let head: Vec<&str> = md.lines().take(8).collect();
        assert!(
            head.iter()
                .any(|l| l.starts_with("- **20 ×** Invalid OAuth token")),
            "{sub}: {md}"
        );
        let json: Value =
            serde_json::from_str(&run(&[sub, file, "--format", "json"])).expect("JSON");
        let errors = json["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), 1, "{sub}");
        assert_eq!(errors[0]["count"], 20);
        assert_eq!(errors[0]["stages_count"], 20);
        assert_eq!(
            errors[0]["fingerprint"],
            json["root_causes"][0]["fingerprint"]
        );
    }
}

/// Groups come in the order their first root cause does; root causes with
/// no error text at all form one group of their own (a null fingerprint),
/// and the stage list of a group is capped with its exact count.
#[test]
fn error_groups_keep_order_counts_and_the_unexplained() {
    use crate::support::{run as doc, s};
    let mut stages = Vec::new();
    for i in 0..1_500 {
        stages.push(s(&format!("{}", 1000 + i), -1, &[]));
    }
    stages.push(s("9", -1, &[]));
    let mut d = doc(-1, &stages);
    let instances = d["pipelinerun"]["pipelinetaskinstances"]
        .as_array_mut()
        .expect("stages");
    for (i, inst) in instances.iter_mut().enumerate() {
        inst["message"] = match i {
            1_500 => json!(null),
            i if i % 2 == 0 => json!(format!("Timeout after {i} ms")),
            _ => json!("Disk full"),
        };
    }
    let dir = std::env::temp_dir().join(format!("dpl-groups-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("run.json");
    std::fs::write(&path, d.to_string()).expect("write");
    let path = path.to_str().expect("path");
    let json: Value = serde_json::from_str(&run(&["why", path, "--format", "json"])).expect("JSON");
    let errors = json["errors"].as_array().expect("errors");
    let counts: Vec<(Value, u64, u64, usize)> = errors
        .iter()
        .map(|e| {
            (
                e["text"].clone(),
                e["count"].as_u64().expect("count"),
                e["stages_count"].as_u64().expect("stages_count"),
                e["stages"].as_array().expect("stages").len(),
            )
        })
        .collect();
    assert_eq!(counts.len(), 3, "{counts:?}");
    // Stage "9" (no message) comes first in topological order, so its
    // group does; then the groups in the order their first stage comes.
    assert_eq!(errors[0]["fingerprint"], Value::Null);
    assert_eq!(counts[0].1, 1);
    assert_eq!(counts[1].0, json!("Timeout after 0 ms"));
    assert_eq!((counts[1].1, counts[1].2), (750, 750));
    assert_eq!(counts[2].0, json!("Disk full"));
    assert_eq!((counts[2].1, counts[2].2), (750, 750));
    assert!(counts[1].3 <= 1_000 && counts[1].3 >= 10, "{counts:?}");
    let text = run(&["why", path]);
    assert!(
        text.contains("1501 root causes, 3 distinct errors"),
        "{}",
        &text[..600]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bot embedding the renderers drops the CLI's advice: no `Next:` lines
/// and no "--all shows every one" after a cut list; or rewords it.
#[test]
fn an_embedder_drops_or_rewords_the_cli_advice() {
    use dataprep_lineage::report::markdown::MarkdownOptions;
    use dataprep_lineage::report::text::TextOptions;
    use dataprep_lineage::report::Advice;
    let file = "fixtures/expired_token_fails_twenty_imports.json";
    let bytes = std::fs::read(file).unwrap();
    let summary = JobSummary::from_slice(&bytes).unwrap();
    let graph = LineageGraph::build(&summary).unwrap();
    let a = Analysis::new(&graph);
    let caps = report::Caps {
        screen: Some(3),
        ..report::Caps::DEFAULT
    };
    let why = report::Why::with_caps(&a, caps.on_screen());
    let cli = why.to_text(TextOptions {
        caps,
        file: Some(file.to_owned()),
        ..TextOptions::default()
    });
    assert!(cli.contains("(--all shows every one)"), "{cli}");
    assert!(cli.contains("Next: dataprep-lineage"), "{cli}");
    let none = why.to_text(TextOptions {
        caps,
        file: Some(file.to_owned()),
        advice: Advice::NONE,
        ..TextOptions::default()
    });
    assert!(!none.contains("--all") && !none.contains("Next:"), "{none}");
    assert!(
        none.lines()
            .any(|l| l.trim_start().starts_with("… and ") && l.trim_end().ends_with(" more")),
        "{none}"
    );
    let reworded = why.to_markdown(&MarkdownOptions {
        caps,
        file: Some(file.to_owned()),
        advice: Advice {
            more: Some("ask the bot for `all`".into()),
            more_top: None,
            next: false,
        },
        ..MarkdownOptions::default()
    });
    assert!(reworded.contains("(ask the bot for `all`)"), "{reworded}");
    assert!(
        !reworded.contains("--all") && !reworded.contains("Next:"),
        "{reworded}"
    );
}
