//! Exports (docs/semantics.md#exports): OpenLineage events checked offline
//! against the official schemas, their lifecycle over random runs, the
//! Chrome trace's invariants, snapshots a person reads, and hostile shapes.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use dataprep_lineage::export::openlineage::{
    self, OpenLineageOptions, NOT_RUN_FACET, NOT_RUN_SCHEMA_URL,
};
use dataprep_lineage::export::trace;
use dataprep_lineage::{report, Analysis, JobSummary, LineageGraph};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::properties::{dag, to_json};
use crate::reports::run;
use crate::shapes::{
    json as json_str, long_names, roots_into_a_chain, roots_into_many_targets, run_doc, stage,
};
use crate::support::{fixture, fixtures, stem};

// ---------------------------------------------------------------------------
// The official schemas, offline

/// Where the OpenLineage schemas are: `OPENLINEAGE_SPEC_DIR`, else
/// `../shared/openlineage` from the project root.
fn spec_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("OPENLINEAGE_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/openlineage"));
    if dir.join("OpenLineage.json").is_file() {
        return Some(dir);
    }
    // Said plainly, on standard error and in `.ci/run`'s log; a failure in CI.
    crate::support::missing_tool(
        &format!(
            "the official OpenLineage schemas (no OpenLineage.json at {})",
            dir.display()
        ),
        "set OPENLINEAGE_SPEC_DIR to the folder of OpenLineage.json and facets/",
    );
    None
}

/// Where a facet sits in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Place {
    Run,
    Job,
    Dataset,
    InputDataset,
    OutputDataset,
}

/// Every schema, loaded by its `$id`, and per (place, facet key) the facet
/// schema of that name.
struct Schemas {
    event: jsonschema::Validator,
    facets: HashMap<(Place, String), (jsonschema::Validator, String)>,
}

fn load_schemas(dir: &Path) -> Schemas {
    let read = |p: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(p).expect("schema file")).expect("JSON")
    };
    let core = read(&dir.join("OpenLineage.json"));
    let mut docs = vec![core.clone()];
    let mut facet_docs = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir.join("facets"))
        .expect("facets folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        let doc = read(&p);
        docs.push(doc.clone());
        facet_docs.push(doc);
    }
    // Ours, to check the custom facet against the schema its _schemaURL names.
    let custom = read(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schema/openlineage/ZohoDataprepNotRunStagesRunFacet.json"),
    );
    docs.push(custom.clone());
    let mut builder = jsonschema::Registry::new();
    for d in &docs {
        let id = d["$id"].as_str().expect("$id").to_owned();
        builder = builder.add(id, d.clone()).expect("resource");
    }
    let registry: jsonschema::Registry<'static> = builder.prepare().expect("registry");
    // Leaked: the validators borrow it, and the test binary ends soon.
    let registry: &'static jsonschema::Registry<'static> = Box::leak(Box::new(registry));
    let build = |schema: &Value| {
        jsonschema::options()
            .offline()
            .with_registry(registry)
            .should_validate_formats(true)
            .build(schema)
            .expect("schema compiles offline")
    };
    let event = build(
        &json!({"$ref": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}),
    );
    let mut facets = HashMap::new();
    for doc in facet_docs.iter().chain([&custom]) {
        let id = doc["$id"].as_str().expect("$id");
        let props = doc["properties"]
            .as_object()
            .expect("a facet file names its key");
        for (key, r) in props {
            let Some(def) = r["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/")) else {
                continue;
            };
            let place = if def.ends_with("InputDatasetFacet") {
                Place::InputDataset
            } else if def.ends_with("OutputDatasetFacet") {
                Place::OutputDataset
            } else if def.ends_with("DatasetFacet") {
                Place::Dataset
            } else if def.ends_with("JobFacet") {
                Place::Job
            } else if def.ends_with("RunFacet") {
                Place::Run
            } else {
                // LineageFacet and the like: not a facet of an event.
                continue;
            };
            facets.insert(
                (place, key.clone()),
                (build(doc), format!("{id}#/$defs/{def}")),
            );
        }
    }
    Schemas { event, facets }
}

impl Schemas {
    /// Every error of one event: the event against RunEvent, each facet
    /// against the schema of its key, and each facet's `_schemaURL`.
    fn errors(&self, event: &Value) -> Vec<String> {
        let mut errors: Vec<String> = self
            .event
            .iter_errors(event)
            .map(|e| format!("event: {e} at {}", e.instance_path()))
            .collect();
        let mut check = |place: Place, facets: &Value| {
            let Some(map) = facets.as_object() else {
                return;
            };
            for (key, facet) in map {
                let Some((v, url)) = self.facets.get(&(place, key.clone())) else {
                    errors.push(format!(
                        "{place:?} facet {key:?} has no schema file and is not a custom facet"
                    ));
                    continue;
                };
                if facet["_schemaURL"] != json!(url) {
                    errors.push(format!(
                        "{key}: _schemaURL {} is not {url}",
                        facet["_schemaURL"]
                    ));
                }
                for e in v.iter_errors(&json!({ key.as_str(): facet })) {
                    errors.push(format!("{key}: {e} at {}", e.instance_path()));
                }
            }
        };
        check(Place::Run, &event["run"]["facets"]);
        check(Place::Job, &event["job"]["facets"]);
        for ds in event["inputs"].as_array().into_iter().flatten() {
            check(Place::Dataset, &ds["facets"]);
            check(Place::InputDataset, &ds["inputFacets"]);
        }
        for ds in event["outputs"].as_array().into_iter().flatten() {
            check(Place::Dataset, &ds["facets"]);
            check(Place::OutputDataset, &ds["outputFacets"]);
        }
        errors
    }
}

fn bin(args: &[&str]) -> std::process::Output {
    crate::support::bin()
        .args(args)
        .output()
        .expect("binary runs")
}

fn lines(ndjson: &str) -> Vec<Value> {
    ndjson
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn every_event_of_every_fixture_validates_against_the_official_schemas() {
    let Some(dir) = spec_dir() else { return };
    let schemas = load_schemas(&dir);
    let mut keys = std::collections::BTreeSet::new();
    for file in fixtures() {
        let f = file.to_str().expect("path");
        let out = run(&["openlineage", f]);
        let events = lines(&out);
        assert!(!events.is_empty(), "{}", stem(&file));
        for (i, e) in events.iter().enumerate() {
            let errors = schemas.errors(e);
            assert!(
                errors.is_empty(),
                "{} event {i}: {errors:#?}\n{e:#}",
                stem(&file)
            );
            for place in [&e["run"]["facets"], &e["job"]["facets"]] {
                keys.extend(
                    place
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k.clone()),
                );
            }
        }
    }
    // The fixtures reach every facet the export writes.
    for k in [
        "parent",
        "errorMessage",
        "jobType",
        "nominalTime",
        "jobDependencies",
        "documentation",
        NOT_RUN_FACET,
    ] {
        assert!(keys.contains(k), "no fixture gave a {k} facet: {keys:?}");
    }
}

#[test]
fn a_facet_key_without_a_schema_fails_the_check() {
    let Some(dir) = spec_dir() else { return };
    let schemas = load_schemas(&dir);
    let mut e = lines(&run(&[
        "openlineage",
        fixture("failed_transform_blocks_exports.json")
            .to_str()
            .expect("path"),
    ]))
    .remove(1);
    assert!(schemas.errors(&e).is_empty());
    e["run"]["facets"]["madeUp"] =
        json!({"_producer": "https://x.example", "_schemaURL": "https://x.example/s.json"});
    let errors = schemas.errors(&e);
    assert!(
        errors
            .iter()
            .any(|m| m.contains("\"madeUp\" has no schema file")),
        "{errors:#?}"
    );
    // And a standard facet that breaks its schema is caught.
    let mut e2 = lines(&run(&[
        "openlineage",
        fixture("failed_transform_blocks_exports.json")
            .to_str()
            .expect("path"),
    ]))
    .remove(0);
    e2["job"]["facets"]["jobType"]["processingType"] = json!(3);
    assert!(!schemas.errors(&e2).is_empty());
    // Our custom facet's URL is the $id of the schema we ship, versioned.
    assert!(NOT_RUN_SCHEMA_URL.contains(&format!("/{}/", env!("CARGO_PKG_VERSION"))));
}

// ---------------------------------------------------------------------------
// What the events say

#[test]
fn the_failed_transform_reads_as_a_catalog_would_show_it() {
    let events = lines(&run(&[
        "openlineage",
        fixture("failed_transform_blocks_exports.json")
            .to_str()
            .expect("path"),
    ]));
    let summary: Vec<String> = events
        .iter()
        .map(|e| {
            format!(
                "{} {:<8} {}",
                e["eventTime"].as_str().unwrap_or(""),
                e["eventType"].as_str().unwrap_or(""),
                e["job"]["name"].as_str().unwrap_or("")
            )
        })
        .collect();
    insta::assert_snapshot!("openlineage_failed_transform_timeline", summary.join("\n"));
    insta::assert_json_snapshot!("openlineage_failed_transform", events);
    // The last event is the pipeline's FAIL, naming the stages that never
    // ran and what held them back.
    let last = events.last().expect("events");
    assert_eq!(last["eventType"], "FAIL");
    let not_run = &last["run"]["facets"][NOT_RUN_FACET];
    assert_eq!(not_run["count"], 2);
    assert_eq!(not_run["stages"][0]["blocked"], true);
    assert_eq!(
        not_run["stages"][0]["culprits"][0]["stageId"],
        "14057000007570152"
    );
    // Every stage run points to the pipeline run.
    let pipeline_run = &events[0]["run"]["runId"];
    for e in &events[1..events.len() - 1] {
        assert_eq!(&e["run"]["facets"]["parent"]["run"]["runId"], pipeline_run);
        assert_eq!(
            &e["run"]["facets"]["parent"]["root"]["run"]["runId"],
            pipeline_run
        );
    }
    // The S3 export target is named as Naming.md says.
    let s3 = events
        .iter()
        .flat_map(|e| e["outputs"].as_array().into_iter().flatten())
        .find(|d| d["namespace"] == "s3://acme-data-lake");
    assert!(s3.is_none() || s3.is_some_and(|d| d["name"] == "sales"));
}

#[test]
fn the_run_in_progress_has_no_end_yet() {
    let events = lines(&run(&[
        "openlineage",
        fixture("run_in_progress.json").to_str().expect("path"),
    ]));
    insta::assert_json_snapshot!("openlineage_in_progress", events);
    // No terminal event for the run, nor for the stage still running.
    let pipeline = events[0]["job"]["name"].clone();
    assert!(events
        .iter()
        .filter(|e| e["job"]["name"] == pipeline)
        .all(|e| e["eventType"] == "START"));
    let running: Vec<&Value> = events
        .iter()
        .filter(|e| {
            e["job"]["facets"]["documentation"]["description"]
                .as_str()
                .is_some_and(|d| d.contains("Join contacts with orders"))
        })
        .collect();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0]["eventType"], "START");
}

#[test]
fn stage_jobs_keep_their_names_across_runs_and_runs_get_new_ids() {
    // The same pipeline, two runs: same job names, different run ids.
    let a = crate::support::run(1, &[crate::support::s("1", 1, &[]).time(0, 10)]);
    let mut b = a.clone();
    b["pipelinerun"]["id"] = json!("14057000000000002");
    b["pipelinerun"]["pipelinetaskinstances"][0]["id"] = json!("2");
    b["pipelinerun"]["pipelinetaskinstancemappers"] = json!({"2": []});
    let ev = |doc: &Value| {
        let text = doc.to_string();
        let summary = JobSummary::from_str(&text).expect("parses");
        let graph = LineageGraph::build(&summary).expect("builds");
        openlineage::events(&Analysis::new(&graph), &OpenLineageOptions::default())
    };
    let (ea, eb) = (ev(&a), ev(&b));
    assert_eq!(ea.len(), 4);
    for (x, y) in ea.iter().zip(&eb) {
        assert_eq!(x["job"]["name"], y["job"]["name"]);
        assert_ne!(x["run"]["runId"], y["run"]["runId"]);
    }
    assert_eq!(ea[1]["job"]["name"], "pipeline.91");
    // The same input twice: the same ids.
    assert_eq!(ev(&a), ea);
}

#[test]
fn namespace_and_producer_are_the_callers() {
    let f = fixture("successful_multi_source_run.json");
    let out = run(&[
        "openlineage",
        f.to_str().expect("path"),
        "--namespace",
        "prod",
        "--producer",
        "https://github.com/acme/scheduler",
    ]);
    for e in lines(&out) {
        assert_eq!(e["job"]["namespace"], "prod");
        assert_eq!(e["producer"], "https://github.com/acme/scheduler");
        assert_eq!(
            e["job"]["facets"]["jobType"]["_producer"],
            "https://github.com/acme/scheduler"
        );
    }
    let o = bin(&[
        "openlineage",
        f.to_str().expect("path"),
        "--producer",
        "not a uri",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--producer must be a URI"));
}

// ---------------------------------------------------------------------------
// Lifecycle and trace invariants over random runs

fn random_run() -> impl Strategy<Value = Value> {
    (dag(30), 0usize..6, proptest::option::of(0i64..2_000)).prop_map(|(d, status, end)| {
        let mut doc = to_json(&d);
        doc["pipelinerun"]["execution_status"] = json!([1, -1, -2, -3, 0, 2][status]);
        if let Some(end) = end {
            doc["pipelinerun"]["completion_time"] = json!(end);
        }
        doc
    })
}

fn analyse<T>(doc: &Value, f: impl FnOnce(&Analysis<'_, '_>) -> T) -> T {
    let text = doc.to_string();
    let summary = JobSummary::from_str(&text).expect("parses");
    let graph = LineageGraph::build(&summary).expect("builds");
    f(&Analysis::new(&graph))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_run_starts_once_ends_at_most_once_and_never_goes_back(doc in random_run()) {
        let (events, again) = analyse(&doc, |a| {
            let mut bytes = Vec::new();
            openlineage::write_events(&mut bytes, a, &OpenLineageOptions::default()).expect("writes");
            let mut twice = Vec::new();
            openlineage::write_events(&mut twice, a, &OpenLineageOptions::default()).expect("writes");
            (bytes, twice)
        });
        prop_assert_eq!(&events, &again);
        let events = lines(std::str::from_utf8(&events).expect("UTF-8"));
        let mut per_run: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for e in &events {
            per_run
                .entry(e["run"]["runId"].as_str().expect("runId").to_owned())
                .or_default()
                .push((e["eventType"].as_str().expect("type").to_owned(),
                       e["eventTime"].as_str().expect("time").to_owned()));
        }
        for (run, evs) in &per_run {
            prop_assert_eq!(evs.iter().filter(|(t, _)| t == "START").count(), 1, "{}", run);
            prop_assert_eq!(&evs[0].0, "START");
            prop_assert!(evs.len() <= 2, "{} has {:?}", run, evs);
            // RFC 3339 with the same width: text order is time order.
            prop_assert!(evs.windows(2).all(|w| w[0].1 <= w[1].1), "{:?}", evs);
        }
        for e in &events {
            if let Some(parent) = e["run"]["facets"]["parent"]["run"]["runId"].as_str() {
                prop_assert!(per_run.contains_key(parent), "parent {} has no events", parent);
            }
        }
        // The whole stream is in time order.
        prop_assert!(events.windows(2).all(|w| w[0]["eventTime"].as_str() <= w[1]["eventTime"].as_str()));
    }

    #[test]
    fn the_trace_is_well_formed_and_its_critical_path_is_the_reports(doc in random_run()) {
        let (bytes, path) = analyse(&doc, |a| {
            let mut bytes = Vec::new();
            trace::write_trace(&mut bytes, a).expect("writes");
            let path: Vec<String> = a.timing.critical_path().iter()
                .map(|&s| a.graph.stage(s).id.to_owned()).collect();
            let cp = report::CriticalPath::new(a);
            assert_eq!(cp.path, path);
            (bytes, path)
        });
        let t: Value = serde_json::from_slice(&bytes).expect("the trace is JSON");
        let events = t["traceEvents"].as_array().expect("traceEvents");
        let mut slices: BTreeMap<u64, Vec<(i64, i64)>> = BTreeMap::new();
        let mut starts: HashMap<u64, (u64, i64)> = HashMap::new();
        let mut finishes: HashMap<u64, (u64, i64)> = HashMap::new();
        let mut critical = Vec::new();
        for e in events {
            let tid = e["tid"].as_u64().expect("tid");
            match e["ph"].as_str().expect("ph") {
                "X" => {
                    let ts = e["ts"].as_i64().expect("integer ts");
                    let dur = e["dur"].as_i64().expect("integer dur");
                    prop_assert!(ts >= 0 && dur >= 1, "{}", e);
                    slices.entry(tid).or_default().push((ts, dur));
                    if tid == 0 {
                        critical.push(e["args"]["stage_id"].as_str().expect("id").to_owned());
                    }
                }
                "s" | "f" => prop_assert_eq!(&e["cat"], "stage", "{}", e),
                _ => {}
            }
            match e["ph"].as_str().expect("ph") {
                "X" if tid != 0 => prop_assert_eq!(&e["cat"], "stage", "{}", e),
                "s" => { prop_assert!(starts.insert(e["id"].as_u64().expect("id"), (tid, e["ts"].as_i64().expect("ts"))).is_none()); }
                "f" => {
                    prop_assert_eq!(&e["bp"], "e");
                    prop_assert!(finishes.insert(e["id"].as_u64().expect("id"), (tid, e["ts"].as_i64().expect("ts"))).is_none());
                }
                "i" => prop_assert!(e["ts"].as_i64().expect("ts") >= 0),
                _ => {}
            }
        }
        for list in slices.values_mut() {
            list.sort_unstable();
            prop_assert!(list.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0), "overlap: {:?}", list);
        }
        prop_assert_eq!(starts.len(), finishes.len());
        for (id, (tid, ts)) in &starts {
            let f = finishes.get(id);
            prop_assert!(f.is_some(), "flow {} has no f", id);
            // s at the start of the parent's slice (so inside it), f at the
            // child's start: where every viewer binds them (SPEC 8).
            let inside = slices.get(tid).is_some_and(|l| l.iter().any(|&(a, _)| a == *ts));
            prop_assert!(inside, "flow {} does not start at a slice's start", id);
            if let Some((ftid, fts)) = f {
                prop_assert!(slices.get(ftid).is_some_and(|l| l.iter().any(|&(a, _)| a == *fts)));
                // The arrow never points back in time, unless the child
                // started before its parent did.
                let parent_start = slices.get(tid).and_then(|l| l.iter().find(|&&(a, d)| a <= *ts && *ts < a + d)).map(|&(a, _)| a);
                prop_assert!(parent_start.is_some_and(|a| *fts < a) || ts <= fts, "flow {} goes back: {} > {}", id, ts, fts);
            }
        }
        prop_assert_eq!(critical, path);
    }
}

/// The Chrome DevTools trace engine (npm `@paulirish/trace_engine`, driven
/// by `tests/js/trace_flows.mjs`) links every dependency flow of the
/// fixtures' traces and of a generated fan-out and chain, with no error.
#[test]
fn the_devtools_trace_engine_links_every_flow() {
    let dir = std::env::temp_dir().join(format!("dpl-trace-engine-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/trace_flows.mjs");
    let mut inputs: Vec<(String, String)> = fixtures()
        .iter()
        .map(|f| (stem(f), std::fs::read_to_string(f).expect("fixture")))
        .collect();
    inputs.push(("chain of 300".into(), chain(300)));
    // One root feeding 50 children that each started later.
    let mut stages = vec![timed("1", 1, "root", 0, 500)];
    let mut mappers = vec![("1".to_owned(), vec![])];
    for i in 2..=51 {
        stages.push(timed(
            &i.to_string(),
            if i % 7 == 0 { -1 } else { 1 },
            "child",
            600 + i as i64,
            900 + i as i64,
        ));
        mappers.push((i.to_string(), vec!["1".to_owned()]));
    }
    inputs.push(("fan-out".into(), run_doc(&stages, &mappers)));
    for (name, doc) in inputs {
        // Fixtures that are not a run (an API error body, say) have no trace.
        let Ok(summary) = JobSummary::from_str(&doc) else {
            continue;
        };
        let graph = LineageGraph::build(&summary).expect("builds");
        let mut trace = Vec::new();
        trace::write_trace(&mut trace, &Analysis::new(&graph)).expect("writes");
        let t: Value = serde_json::from_slice(&trace).expect("JSON");
        let expected = t["traceEvents"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["ph"] == "s")
            .count();
        let file = dir.join("trace.json");
        std::fs::write(&file, &trace).expect("write trace");
        let o = match std::process::Command::new("node")
            .arg(&script)
            .arg(&file)
            .output()
        {
            Ok(o) => o,
            Err(e) => {
                crate::support::missing_tool(&format!("node ({e})"), "apt-get install nodejs");
                return;
            }
        };
        let err = String::from_utf8_lossy(&o.stderr);
        if err.contains("trace engine not found") {
            crate::support::missing_tool(
                "the Chrome DevTools trace engine",
                "npm install -g @paulirish/trace_engine; .ci/run installs it",
            );
            return;
        }
        assert!(o.status.success(), "{name}: {err}");
        let got: Value = serde_json::from_slice(&o.stdout).expect("one JSON line");
        assert_eq!(got["flows_total"], json!(expected), "{name}: {got}");
        assert_eq!(got["flows_linked"], json!(expected), "{name}: {got}");
        assert_eq!(got["errors"], json!([]), "{name}: {got}");
        assert!(
            got["slices"].as_u64().expect("slices") > 0 || expected == 0,
            "{name}: {got}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn trace_snapshots_read_as_a_timeline() {
    for name in ["failed_transform_blocks_exports", "run_in_progress"] {
        let out = run(&[
            "trace",
            fixture(&format!("{name}.json")).to_str().expect("path"),
        ]);
        // The file as written: one event per line.
        insta::assert_snapshot!(format!("trace_{name}"), out);
        let t: Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(t["displayTimeUnit"], "ms");
        assert!(t["otherData"]["start"].as_str().is_some());
        // The critical-path track is the report's path.
        let cp: Value = serde_json::from_str(&run(&[
            "critical-path",
            fixture(&format!("{name}.json")).to_str().expect("path"),
            "--format",
            "json",
        ]))
        .expect("JSON");
        let track: Vec<Value> = t["traceEvents"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["ph"] == "X" && e["tid"] == 0)
            .map(|e| e["args"]["stage_id"].clone())
            .collect();
        assert_eq!(json!(track), cp["path"], "{name}");
    }
}

#[test]
fn every_fixture_exports_in_both_forms_byte_identically_twice() {
    for file in fixtures() {
        let f = file.to_str().expect("path");
        for sub in ["openlineage", "trace"] {
            let a = run(&[sub, f]);
            assert_eq!(a, run(&[sub, f]), "{sub} {}", stem(&file));
        }
        let t: Value = serde_json::from_str(&run(&["trace", f])).expect("trace JSON");
        assert!(t["traceEvents"].is_array());
    }
}

// ---------------------------------------------------------------------------
// Hostile shapes: linear output, no crash

/// A stage that ran from `start` to `end` (ms after the run's creation).
fn timed(id: &str, status: i64, name: &str, start: i64, end: i64) -> String {
    let t0 = 1_700_000_000_000i64;
    format!(
        r#"{{"id": {}, "execution_status": {status}, "start_time": "{}", "completion_time": "{}", "message": {}, "pipelinetask": {{"id": {}, "name": {}, "type": 4}}}}"#,
        json_str(id),
        t0 + start,
        t0 + end,
        json_str(if status == -1 {
            "failed: disk full"
        } else {
            ""
        }),
        json_str(&format!("t{id}")),
        json_str(name)
    )
}

/// `n` stages in a chain, each run one second after the last.
fn chain(n: usize) -> String {
    let stages: Vec<String> = (1..=n)
        .map(|i| {
            let t = i as i64 * 1_000;
            timed(&i.to_string(), 1, &format!("stage {i}"), t, t + 900)
        })
        .collect();
    let mappers: Vec<(String, Vec<String>)> = (1..=n)
        .map(|i| {
            let parents = if i == 1 {
                vec![]
            } else {
                vec![(i - 1).to_string()]
            };
            (i.to_string(), parents)
        })
        .collect();
    run_doc(&stages, &mappers)
}

/// `k` failed roots that ran, feeding one chain of `k` stages that never
/// did: every stage of the chain has all `k` roots as culprits.
fn roots_into_a_chain_that_never_ran(k: usize) -> String {
    let mut doc = roots_into_a_chain(k);
    // The roots ran: give each a start and an end.
    for i in 0..k {
        let id = format!("{}", 1_000_000 + i);
        let plain = stage(&id, -1, "root");
        doc = doc.replacen(&plain, &timed(&id, -1, "root", 0, 100), 1);
    }
    doc
}

/// A failed root with a 100 KB id and name under a 20 KB pipeline id, and
/// `n` children that never ran: the long texts must not be repeated per
/// child.
fn long_ids_times_many_stages(n: usize) -> String {
    let root = "R".repeat(100_000);
    let mut stages = vec![timed(&root, -1, &"N".repeat(100_000), 0, 10)];
    let mut mappers = vec![(root.clone(), vec![])];
    for i in 0..n {
        let id = format!("{}", 2_000_000 + i);
        stages.push(stage(&id, 2, "child"));
        mappers.push((id, vec![root.clone()]));
    }
    run_doc(&stages, &mappers).replacen(
        r#""pipelinerun": {"id": "1","#,
        &format!(
            r#""pipelinerun": {{"id": "1", "pipeline": {{"id": {}}},"#,
            json_str(&"P".repeat(20_000))
        ),
        1,
    )
}

/// `n` failed roots feeding one export that ran and wrote `n` targets,
/// each with a row count: every target is named, and counted, once.
fn an_export_writing_many_targets(n: usize) -> String {
    let t0 = 1_700_000_000_000i64;
    roots_into_many_targets(n)
        .replace(
            r#""execution_status": 2, "pipelinetask": {"name": "export""#,
            &format!(
                r#""execution_status": 1, "start_time": "{}", "completion_time": "{}", "pipelinetask": {{"name": "export""#,
                t0 + 10,
                t0 + 20
            ),
        )
        .replace(
            r#""datasetexport": {"id": "e"#,
            r#""datasetexportauditmetric": {"row_count": 7}, "datasetexport": {"id": "e"#,
        )
}

/// Two stages with 1 MB names and 1 MB ids, one feeding the other.
fn megabyte_names_and_ids(n: usize) -> String {
    let a = "A".repeat(n * 1_000);
    let b = "B".repeat(n * 1_000);
    let stages = vec![
        timed(&a, 1, &"N".repeat(n * 1_000), 0, 10),
        timed(&b, -1, &"M".repeat(n * 1_000), 20, 30),
    ];
    run_doc(&stages, &[(a.clone(), vec![]), (b, vec![a])])
}

#[test]
fn hostile_shapes_export_linearly() {
    let shapes: [(&str, crate::shapes::Make, usize); 6] = [
        (
            "an export writing many targets",
            an_export_writing_many_targets,
            300,
        ),
        ("roots into a chain", roots_into_a_chain_that_never_ran, 300),
        (
            "long ids times many stages",
            long_ids_times_many_stages,
            500,
        ),
        ("roots into a long-named stage", long_names, 100),
        ("1 MB names and ids", megabyte_names_and_ids, 1_000),
        ("a chain", chain, 20_000),
    ];
    for (name, make, n) in shapes {
        let mut sizes = Vec::new();
        for size in [n, 2 * n] {
            let input = make(size);
            let summary = JobSummary::from_str(&input).expect("parses");
            let graph = LineageGraph::build(&summary).expect("builds");
            let a = Analysis::new(&graph);
            let mut ol = Vec::new();
            openlineage::write_events(&mut ol, &a, &OpenLineageOptions::default()).expect("OL");
            let mut tr = Vec::new();
            trace::write_trace(&mut tr, &a).expect("trace");
            serde_json::from_slice::<Value>(&tr).expect("trace JSON");
            if name == "an export writing many targets" {
                // The export's COMPLETE counts the rows of each target once.
                let ol = String::from_utf8_lossy(&ol);
                assert_eq!(ol.matches("\"rowCount\":7").count(), size, "{name}");
            }
            sizes.push((input.len(), ol.len(), tr.len()));
        }
        let [(i1, o1, t1), (i2, o2, t2)] = [sizes[0], sizes[1]];
        assert!(o1 > 0 && t1 > 0, "{name}: nothing exported");
        let grow = |a: usize, b: usize| b as f64 / a.max(1) as f64;
        let input_growth = grow(i1, i2);
        // And never more than a fixed multiple of the input.
        assert!(
            o2 <= 64 * i2 + 65_536 && t2 <= 64 * i2 + 65_536,
            "{name}: {o2} and {t2} bytes out of {i2}"
        );
        // Twice the size: at most about twice the output (the shape's
        // size, not its bytes, is what doubles where a long text dominates
        // the input but is shortened in the output).
        let bound = input_growth.max(2.0) * 1.1;
        assert!(
            grow(o1, o2) <= bound && grow(t1, t2) <= bound,
            "{name}: input x{input_growth:.2}, OpenLineage x{:.2}, trace x{:.2}",
            grow(o1, o2),
            grow(t1, t2)
        );
    }
}

#[test]
fn a_hundred_thousand_stages_export_in_a_bounded_time() {
    let input = chain(100_000);
    for sub in ["openlineage", "trace"] {
        let started = std::time::Instant::now();
        let o = crate::hostile::run(input.as_bytes(), &[sub]);
        assert_eq!(o.code, Some(0), "{sub}: {}", o.err);
        let lines = o.stdout.matches('\n').count();
        // A START and a COMPLETE per stage and two for the run; a trace
        // line per track name, sort index, slice and flow.
        assert!(lines >= 200_000, "{sub}: {lines} lines");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "{sub} took {:?}",
            started.elapsed()
        );
    }
}
