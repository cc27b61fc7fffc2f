//! `history` (docs/semantics.md#history): hand-worked aggregates, the
//! generated folder as a person reads it, properties against a naive
//! recomputation, the README's DuckDB query run by DuckDB, and hostile
//! folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dataprep_lineage::graph::compare_ids;
use dataprep_lineage::history::{
    nearest_rank, History, LatestCause, LatestRun, PipelineHistory, RecurringCause, RunFacts,
    StageFacts, StageHistory, StageOutcome,
};
use dataprep_lineage::{Fingerprint, RunRef, Status};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::generator::history::{gzip, write_history};
use crate::support::{run, s, T0};

// ---------------------------------------------------------------------------
// Facts written by hand

fn stage(key: &str, status: Status, outcome: StageOutcome, ms: Option<i64>) -> StageFacts {
    StageFacts {
        key: key.to_owned(),
        stage_id: format!("i{key}"),
        name: Some(format!("stage {key}")),
        stage_type: Some("transform".to_owned()),
        status,
        outcome,
        started_ms: ms.map(|_| T0),
        completed_ms: ms.map(|m| T0 + m),
        duration_ms: ms,
        row_count: None,
        fingerprint: None,
        error: None,
    }
}

fn ok(key: &str, ms: i64) -> StageFacts {
    stage(key, Status::Success, StageOutcome::Success, Some(ms))
}

fn root(key: &str, fingerprint: u64, text: &str) -> StageFacts {
    StageFacts {
        fingerprint: Some(Fingerprint(fingerprint)),
        error: Some(text.to_owned()),
        ..stage(key, Status::Failed, StageOutcome::RootCause, Some(10))
    }
}

fn blocked(key: &str) -> StageFacts {
    stage(key, Status::Created, StageOutcome::Blocked, None)
}

fn facts(run_id: &str, created: Option<i64>, stages: Vec<StageFacts>) -> RunFacts {
    let failed = stages.iter().any(|s| s.outcome == StageOutcome::RootCause);
    RunFacts {
        pipeline_id: "7".to_owned(),
        run: RunRef {
            run_id: Some(run_id.to_owned()),
            status: if failed {
                Status::Failed
            } else {
                Status::Success
            },
            pipeline_id: Some("7".to_owned()),
            pipeline_name: Some("Nightly".to_owned()),
            created_ms: created,
            file: None,
        },
        stages,
        left_out: 0,
    }
}

/// The history of runs given in this order, read from `run-000.json`, ….
fn history_of(runs: Vec<RunFacts>) -> History {
    History::of(
        runs.into_iter()
            .enumerate()
            .map(|(i, f)| (format!("run-{i:03}.json"), f)),
    )
}

fn day(d: i64) -> Option<i64> {
    Some(T0 + d * 86_400_000)
}

fn stage_of<'h>(p: &'h PipelineHistory, key: &str) -> &'h StageHistory {
    p.stages
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no stage {key}"))
}

#[test]
fn percentiles_are_nearest_rank() {
    assert_eq!(nearest_rank(&[], 50), None);
    // n = 1: every percentile is the value.
    assert_eq!(nearest_rank(&[7], 50), Some(7));
    assert_eq!(nearest_rank(&[7], 95), Some(7));
    // n = 2: p50 is rank ceil(1.0) = 1, p95 rank ceil(1.9) = 2.
    assert_eq!(nearest_rank(&[10, 30], 50), Some(10));
    assert_eq!(nearest_rank(&[10, 30], 95), Some(30));
    // n = 20: p50 rank 10; p95 is 95 x 20 / 100 = 19 exactly, so rank 19,
    // not 20 — the boundary.
    let twenty: Vec<i64> = (1..=20).map(|i| i * 100).collect();
    assert_eq!(nearest_rank(&twenty, 50), Some(1_000));
    assert_eq!(nearest_rank(&twenty, 95), Some(1_900));
    // One more value crosses it: 19.95 rounds up to rank 20.
    let twenty_one: Vec<i64> = (1..=21).map(|i| i * 100).collect();
    assert_eq!(nearest_rank(&twenty_one, 95), Some(2_000));
    assert_eq!(nearest_rank(&twenty_one, 50), Some(1_100));
}

#[test]
fn durations_count_only_the_runs_in_which_the_stage_ran() {
    // Stage a runs 20 times (durations 100 … 2000 ms in a scrambled order)
    // and is blocked in the latest run; b runs once, in the latest run; c
    // twice; z takes 0 ms, so its ratio has no p50 to divide by.
    let mut runs = Vec::new();
    for r in 0..20 {
        let ms = ((r * 7) % 20 + 1) * 100;
        let mut stages = vec![ok("a", ms)];
        if r == 19 {
            stages.push(ok("c", 300));
        }
        runs.push(facts(&format!("{}", 100 + r), day(r), stages));
    }
    runs.push(facts(
        "120",
        day(20),
        vec![
            root("x", 1, "boom"),
            blocked("a"),
            ok("b", 500),
            ok("c", 100),
            ok("z", 0),
        ],
    ));
    let h = history_of(runs);
    let p = &h.pipelines[0];
    assert_eq!(p.runs, 21);

    let a = stage_of(p, "a");
    assert_eq!((a.runs, a.ran, a.success, a.blocked), (21, 20, 20, 1));
    assert_eq!(
        (a.p50_ms, a.p95_ms, a.max_ms),
        (Some(1_000), Some(1_900), Some(2_000))
    );
    assert_eq!((a.latest_ms, a.latest_ratio), (None, None));

    let b = stage_of(p, "b");
    assert_eq!(
        (b.p50_ms, b.p95_ms, b.max_ms),
        (Some(500), Some(500), Some(500))
    );
    assert_eq!((b.latest_ms, b.latest_ratio), (Some(500), Some(1.0)));

    let c = stage_of(p, "c");
    assert_eq!(
        (c.p50_ms, c.p95_ms, c.max_ms),
        (Some(100), Some(300), Some(300))
    );
    assert_eq!((c.latest_ms, c.latest_ratio), (Some(100), Some(1.0)));

    let z = stage_of(p, "z");
    assert_eq!(
        (z.p50_ms, z.latest_ms, z.latest_ratio),
        (Some(0), Some(0), None)
    );

    // A stage that never ran has no percentiles.
    let x = stage_of(p, "x");
    assert_eq!(x.root_cause, 1);
    assert_eq!(x.p50_ms, Some(10));
    let h = history_of(vec![facts("1", day(0), vec![blocked("never")])]);
    let never = stage_of(&h.pipelines[0], "never");
    assert_eq!(
        (never.ran, never.p50_ms, never.p95_ms, never.max_ms),
        (0, None, None, None)
    );
}

#[test]
fn slower_needs_half_again_the_p50_and_thirty_seconds_more() {
    let mut runs: Vec<RunFacts> = (0..9)
        .map(|r| {
            facts(
                &r.to_string(),
                day(r),
                vec![ok("fast", 1_000), ok("slow", 60_000)],
            )
        })
        .collect();
    // fast: 2.5x its p50 but only 1.5 s more; slow: 1.5x and 30 s more.
    runs.push(facts(
        "9",
        day(9),
        vec![ok("fast", 2_500), ok("slow", 90_000)],
    ));
    let h = history_of(runs);
    let p = &h.pipelines[0];
    assert_eq!(stage_of(p, "fast").latest_ratio, Some(2.5));
    assert!(!stage_of(p, "fast").slower);
    assert_eq!(stage_of(p, "slow").latest_ratio, Some(1.5));
    assert!(stage_of(p, "slow").slower);
    assert_eq!(
        History::slower(p)
            .iter()
            .map(|s| &s.key)
            .collect::<Vec<_>>(),
        ["slow"]
    );
}

#[test]
fn flips_count_success_and_failure_next_to_each_other() {
    use StageOutcome as O;
    use Status as S;
    let st = |key: &str, status: Status, outcome: StageOutcome| stage(key, status, outcome, None);
    // f: S F (running) Stopped S (created) S Killed → S F F S S F: 3 flips.
    let f_plan = [
        (S::Success, O::Success),
        (S::Failed, O::RootCause),
        (S::Running, O::Running),
        (S::Stopped, O::RootCause),
        (S::Success, O::Success),
        (S::Created, O::NotRun),
        (S::Success, O::Success),
        (S::Killed, O::RootCause),
    ];
    // g: S S F F: 1 flip.
    let g_plan = [
        (S::Success, O::Success),
        (S::Success, O::Success),
        (S::Failed, O::RootCause),
        (S::Failed, O::RootCause),
    ];
    // k: S, failed but blocked, S: 2 flips (the status counts, whatever
    // the outcome).
    let k_plan = [
        (S::Success, O::Success),
        (S::Failed, O::Blocked),
        (S::Success, O::Success),
    ];
    let runs: Vec<RunFacts> = (0..8)
        .map(|r| {
            let mut stages = Vec::new();
            for (key, plan) in [("f", &f_plan[..]), ("g", &g_plan[..]), ("k", &k_plan[..])] {
                if let Some(&(status, outcome)) = plan.get(r) {
                    stages.push(st(key, status, outcome));
                }
            }
            facts(&r.to_string(), day(r as i64), stages)
        })
        .collect();
    let h = history_of(runs);
    let p = &h.pipelines[0];
    let f = stage_of(p, "f");
    assert_eq!((f.flips, f.flaky), (3, true));
    assert_eq!(
        (f.success, f.root_cause, f.running, f.not_run),
        (3, 3, 1, 1)
    );
    let g = stage_of(p, "g");
    assert_eq!((g.flips, g.flaky), (1, false));
    let k = stage_of(p, "k");
    assert_eq!((k.flips, k.flaky, k.blocked, k.root_cause), (2, true, 1, 0));
    assert_eq!(
        History::flaky(p).iter().map(|s| &s.key).collect::<Vec<_>>(),
        ["f", "k"]
    );
}

#[test]
fn runs_are_ordered_by_time_then_id_as_a_number_then_file() {
    // Given out of order: "10" and "9" were created at the same moment, so
    // the ids decide, as numbers (9 before 10; as text "10" would come
    // first). The run without a created time comes first of all.
    let h = history_of(vec![
        facts("10", day(1), vec![ok("a", 5)]),
        facts("9", day(1), vec![root("a", 1, "boom")]),
        facts("99", None, vec![ok("a", 5)]),
        facts("2", day(0), vec![ok("a", 5)]),
    ]);
    let p = &h.pipelines[0];
    let latest = p.latest_run.as_ref().expect("a latest run");
    assert_eq!(latest.run.run_id.as_deref(), Some("10"));
    assert_eq!(latest.run.status, Status::Success);
    assert_eq!((p.first_created_ms, p.latest_created_ms), (None, day(1)));
    // 99 S, 2 S, 9 F, 10 S: two flips (with "10" before "9", one).
    assert_eq!(stage_of(p, "a").flips, 2);

    // Same time, same id: the file name decides, whatever order they come.
    let a = || {
        let mut f = facts("5", day(0), vec![ok("a", 5)]);
        f.run.pipeline_name = Some("from a.json".into());
        ("a.json".to_owned(), f)
    };
    let b = || {
        let mut f = facts("5", day(0), vec![root("a", 1, "boom")]);
        f.run.pipeline_name = Some("from b.json".into());
        ("b.json".to_owned(), f)
    };
    for h in [History::of([a(), b()]), History::of([b(), a()])] {
        let p = &h.pipelines[0];
        assert_eq!(
            p.latest_run.as_ref().map(|l| l.run.status),
            Some(Status::Failed)
        );
        assert_eq!(p.name.as_deref(), Some("from b.json"));
    }
}

#[test]
fn pipelines_are_kept_apart_and_sorted_as_ids() {
    let mut other = facts("1", day(0), vec![ok("a", 5)]);
    other.pipeline_id = "10".into();
    let mut unnamed = facts("1", day(0), vec![ok("a", 5)]);
    unnamed.pipeline_id = String::new();
    unnamed.run.pipeline_name = None;
    let h = history_of(vec![other, facts("1", day(0), vec![ok("a", 5)]), unnamed]);
    let ids: Vec<&str> = h.pipelines.iter().map(|p| p.pipeline_id.as_str()).collect();
    assert_eq!(ids, ["7", "10", ""]);
    assert!(h.pipelines.iter().all(|p| p.runs == 1));
}

// ---------------------------------------------------------------------------
// Facts from real responses: fingerprints and stage keys

/// A run of a four-stage pipeline (1 → 2 → 3, and 4 on its own): stage 2
/// and stage 4 fail with the messages given.
fn response(run_id: &str, d: i64, two: Option<&str>, four: Option<&str>) -> Vec<u8> {
    let st = |id: &str, fails: bool, parents: &[&str], at: i64| {
        if fails {
            s(id, -1, parents).time(at, at + 900)
        } else {
            s(id, 1, parents).time(at, at + 900)
        }
    };
    let three = if two.is_some() {
        s("3", 2, &["2"])
    } else {
        s("3", 1, &["2"]).time(2_000, 2_900)
    };
    let stages = [
        st("1", false, &[], 0),
        st("2", two.is_some(), &["1"], 1_000),
        three,
        st("4", four.is_some(), &[], 0),
    ];
    let failed = two.is_some() || four.is_some();
    let mut doc = run(if failed { -1 } else { 1 }, &stages);
    doc["pipelinerun"]["id"] = json!(run_id);
    doc["pipelinerun"]["created_time"] = json!(T0 + d * 86_400_000);
    doc["pipelinerun"]["pipeline"] = json!({"id": "777", "name": "Orders to warehouse"});
    for (ix, msg) in [(1, two), (3, four)] {
        if let Some(m) = msg {
            doc["pipelinerun"]["pipelinetaskinstances"][ix]["message"] = json!(m);
        }
    }
    doc.to_string().into_bytes()
}

fn facts_of(bytes: &[u8]) -> RunFacts {
    RunFacts::from_slice(bytes).expect("analysable")
}

#[test]
fn recurring_causes_group_the_same_error_with_other_numbers() {
    let runs = [
        response("100", 0, Some("Permission denied for user etl_7"), None),
        response(
            "101",
            1,
            Some("Lookup timed out after 30012 ms (attempt 1 of 3)"),
            None,
        ),
        response("102", 2, None, None),
        response(
            "103",
            3,
            Some("Lookup timed out after 31877 ms (attempt 2 of 3)"),
            None,
        ),
        response(
            "104",
            4,
            Some("Lookup timed out after 29950 ms (attempt 3 of 3)"),
            Some("Column 'discount_code' not found"),
        ),
    ];
    let h = History::of(
        runs.iter()
            .enumerate()
            .map(|(i, b)| (format!("{i}.json"), facts_of(b))),
    );
    assert_eq!(h.pipelines.len(), 1);
    let p = &h.pipelines[0];
    assert_eq!(p.pipeline_id, "777");
    assert_eq!(p.name.as_deref(), Some("Orders to warehouse"));
    let groups: Vec<(&str, usize, &str, &str, Option<&str>)> = p
        .recurring_root_causes
        .iter()
        .map(|c| {
            (
                c.key.as_str(),
                c.count,
                c.first_run_id.as_str(),
                c.last_run_id.as_str(),
                c.text.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            // Three timeouts, one fingerprint; the text is the last one's.
            (
                "92",
                3,
                "101",
                "104",
                Some("Lookup timed out after 29950 ms (attempt 3 of 3)")
            ),
            // Count 1 each: by key.
            (
                "92",
                1,
                "100",
                "100",
                Some("Permission denied for user etl_7")
            ),
            (
                "94",
                1,
                "104",
                "104",
                Some("Column 'discount_code' not found")
            ),
        ]
    );
    assert_ne!(
        p.recurring_root_causes[0].fingerprint,
        p.recurring_root_causes[1].fingerprint
    );

    // The latest run: the timeout was seen twice before, last in 103; the
    // missing column is new.
    let latest = p.latest_run.as_ref().expect("latest run");
    assert_eq!(latest.run.run_id.as_deref(), Some("104"));
    let seen: Vec<(&str, usize, Option<&str>)> = latest
        .root_causes
        .iter()
        .map(|c| (c.key.as_str(), c.seen_before, c.last_seen_run_id.as_deref()))
        .collect();
    assert_eq!(seen, [("92", 2, Some("103")), ("94", 0, None)]);

    // Stage 3 is blocked by 2 whenever 2 fails; it ran in 102 only.
    let three = stage_of(p, "93");
    assert_eq!(
        (three.runs, three.blocked, three.success, three.ran),
        (5, 4, 1, 1)
    );
    assert_eq!(three.p50_ms, Some(900));
}

#[test]
fn a_cause_seen_only_after_the_latest_is_still_new() {
    // The latest run by time is given first; the earlier one last.
    let late = response("2", 5, Some("Disk quota exceeded on node 4"), None);
    let early = response("1", 1, None, None);
    let h = History::of(
        [("z.json", late), ("a.json", early)].map(|(p, b)| (p.to_owned(), facts_of(&b))),
    );
    let latest = h.pipelines[0].latest_run.as_ref().expect("latest");
    assert_eq!(
        latest.root_causes,
        [LatestCause {
            key: "92".into(),
            name: Some("stage 2".into()),
            fingerprint: h.pipelines[0].recurring_root_causes[0].fingerprint,
            seen_before: 0,
            last_seen_run_id: None,
            text: Some("Disk quota exceeded on node 4".into()),
        }]
    );
}

// ---------------------------------------------------------------------------
// The binary over a generated folder

fn bin(dir: &Path, args: &[&str]) -> Output {
    crate::support::bin()
        .current_dir(dir)
        .args(args)
        .args(["--color", "never"])
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

/// A fresh, empty scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dpl-history-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// `runs/` in a scratch folder: `runs` runs of each of `pipelines` with the
/// generator's stories.
pub(crate) fn generated(name: &str, pipelines: usize, runs: usize, seed: u64) -> PathBuf {
    let dir = scratch(name);
    write_history(&dir.join("runs"), pipelines, runs, seed).expect("written");
    dir
}

#[test]
fn the_generated_history_reads_well_in_every_format() {
    let dir = generated("formats", 2, 30, 7);
    let text = stdout(&bin(&dir, &["history", "runs"]));
    insta::assert_snapshot!("history_text", text);
    let markdown = stdout(&bin(&dir, &["history", "runs", "--format", "markdown"]));
    insta::assert_snapshot!("history_markdown", markdown);
    // As a forge shows it: each error block inside its list item, one
    // list per latest run, four tables per pipeline but the running one.
    let page = crate::reports::html(&markdown);
    assert!(page.contains("<li>\n<p>Enrich with CRM contacts — seen in 10 earlier runs, last in run <code>14057000007010028</code></p>\n<pre><code class=\"language-text\">Lookup against crm.contacts"), "{page}");
    assert_eq!(page.matches("<ul>").count(), 2, "{page}");
    assert_eq!(page.matches("<table>").count(), 6, "{page}");
    let json_out = stdout(&bin(&dir, &["history", "runs", "--format", "json"]));
    insta::assert_snapshot!("history_json", json_out);

    // The JSON and each NDJSON row match their published schemas.
    let h =
        crate::reports::assert_valid(&crate::reports::validator("history"), &json_out, "history");
    assert_eq!(h["analysed"], 60);
    assert_eq!(h["skipped"][0]["path"], "runs/p0/run-cut-off.json");
    let ndjson = stdout(&bin(&dir, &["history", "runs", "--format", "ndjson"]));
    let rows = crate::reports::validator("history-facts");
    let lines: Vec<&str> = ndjson.lines().collect();
    assert_eq!(lines.len(), 60 * 20, "one row per stage per run");
    for line in &lines {
        let row: Value = serde_json::from_str(line).expect("a JSON line");
        let errors: Vec<String> = rows.iter_errors(&row).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{line}: {errors:?}");
    }
    // One run's rows, as a query engine reads them: the latest of pipeline 0.
    let latest = h["pipelines"][0]["latest_run"]["run_id"]
        .as_str()
        .expect("run id")
        .to_owned();
    let of_latest: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains(&format!("\"run_id\":\"{latest}\"")))
        .collect();
    insta::assert_snapshot!("history_ndjson_latest_run", of_latest.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_does_not_depend_on_threads_or_how_files_are_named_on_the_command_line() {
    let dir = generated("threads", 2, 12, 3);
    for format in ["text", "json", "markdown", "ndjson"] {
        let one = stdout(&bin(
            &dir,
            &["history", "runs", "-j", "1", "--format", format],
        ));
        let many = stdout(&bin(
            &dir,
            &["history", "runs", "-j", "8", "--format", format],
        ));
        assert_eq!(one, many, "{format}: -j 1 and -j 8 differ");
        // The pipelines' folders named one by one, in reverse, and one of
        // them twice: the same runs.
        let split = stdout(&bin(
            &dir,
            &[
                "history", "runs/p1", "runs/p0", "runs/p1", "-j", "3", "--format", format,
            ],
        ));
        assert_eq!(one, split, "{format}: order of the paths matters");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pipeline_picks_one_by_id_or_by_name() {
    let dir = generated("pipeline", 2, 6, 1);
    let all: Value = serde_json::from_str(&stdout(&bin(
        &dir,
        &["history", "runs", "--format", "json"],
    )))
    .expect("JSON");
    let second = all["pipelines"][1].clone();
    let id = second["pipeline_id"].as_str().expect("id").to_owned();
    let name = second["name"].as_str().expect("name").to_owned();
    for want in [&id, &name] {
        let one: Value = serde_json::from_str(&stdout(&bin(
            &dir,
            &["history", "runs", "--format", "json", "--pipeline", want],
        )))
        .expect("JSON");
        assert_eq!(one["pipelines"], json!([second]), "--pipeline {want}");
        // Runs of the other pipeline were analysed, not kept.
        assert_eq!(one["analysed"], all["analysed"]);
    }
    // A pipeline that is not there is a usage error naming those that are,
    // in every format (NDJSON included: nothing written, exit 2).
    for format in ["text", "json", "ndjson"] {
        let none = bin(
            &dir,
            &["history", "runs", "--pipeline", "nope", "--format", format],
        );
        assert_eq!(none.status.code(), Some(2), "{format}");
        assert!(none.stdout.is_empty(), "{format}");
        let err = String::from_utf8_lossy(&none.stderr);
        assert!(
            err.contains("no pipeline nope among the 12 runs analysed; found: "),
            "{format}: {err}"
        );
        assert!(err.contains(&format!("{id} \"{name}\"")), "{format}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_renamed_pipeline_is_found_by_its_latest_name_with_all_its_runs() {
    let dir = scratch("renamed");
    std::fs::create_dir_all(dir.join("runs")).expect("folder");
    for (d, name) in [(0, "Orders (old)"), (1, "Orders (old)"), (2, "Orders")] {
        let mut doc: Value =
            serde_json::from_slice(&response(&format!("{}", 10 + d), d, None, None)).expect("JSON");
        doc["pipelinerun"]["pipeline"]["name"] = json!(name);
        std::fs::write(dir.join(format!("runs/{d}.json")), doc.to_string()).expect("write");
    }
    let h: Value = serde_json::from_str(&stdout(&bin(
        &dir,
        &[
            "history",
            "runs",
            "--format",
            "json",
            "--pipeline",
            "Orders",
        ],
    )))
    .expect("JSON");
    assert_eq!(h["pipelines"][0]["runs"], 3);
    assert_eq!(h["pipelines"][0]["latest_run"]["run_id"], "12");
    // The old name is no longer the pipeline's name.
    let o = bin(&dir, &["history", "runs", "--pipeline", "Orders (old)"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("found: 777 \"Orders\""), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_saved_twice_counts_twice_and_the_report_says_so() {
    // The spec counts files: the second copy makes the failure "seen
    // before"; the report names the run id so the reader knows why.
    let dir = scratch("twice");
    std::fs::create_dir_all(dir.join("runs")).expect("folder");
    let failing = response("41", 1, Some("Column 'x' not found"), None);
    std::fs::write(dir.join("runs/a.json"), &failing).expect("write");
    std::fs::write(dir.join("runs/b.json"), &failing).expect("write");
    std::fs::write(dir.join("runs/c.json"), response("40", 0, None, None)).expect("write");
    let h: Value = serde_json::from_str(&stdout(&bin(
        &dir,
        &["history", "runs", "--format", "json"],
    )))
    .expect("JSON");
    let p = &h["pipelines"][0];
    assert_eq!(p["runs"], 3);
    assert_eq!(p["duplicate_run_ids"], json!(["41"]));
    assert_eq!(p["latest_run"]["root_causes"][0]["seen_before"], 1);
    let text = stdout(&bin(&dir, &["history", "runs"]));
    assert!(
        text.contains("Note: run id in more than one file, each counted as a run: 41"),
        "{text}"
    );
    let md = stdout(&bin(&dir, &["history", "runs", "--format", "markdown"]));
    assert!(
        md.contains("**Note:** run id in more than one file"),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn top_cuts_the_lists_but_never_the_latest_runs_root_causes() {
    let dir = scratch("top");
    std::fs::create_dir_all(dir.join("runs")).expect("folder");
    std::fs::write(dir.join("runs/0.json"), response("1", 0, None, None)).expect("write");
    std::fs::write(
        dir.join("runs/1.json"),
        response("2", 1, Some("Column 'x' not found\n  at step 3"), Some("")),
    )
    .expect("write");
    let text = stdout(&bin(&dir, &["history", "runs", "--top", "1"]));
    assert_eq!(text.matches("✗").count(), 2, "{text}");
    assert!(text.contains("        (no error message)\n"), "{text}");
    // A message of two lines keeps its lines, the second under the first.
    assert!(
        text.contains("        Column 'x' not found\n          at step 3\n"),
        "{text}"
    );
    let o = bin(&dir, &["history", "runs", "--top", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_empty_folder_and_a_folder_of_unreadable_files_exit_1() {
    let dir = scratch("empty");
    std::fs::create_dir_all(dir.join("runs")).expect("folder");
    let o = bin(&dir, &["history", "runs"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no *.json or *.json.gz file found in runs"),
        "{err}"
    );
    assert!(o.stdout.is_empty());

    std::fs::write(dir.join("runs/cut.json"), b"{\"pipelinerun\": {\"id\": ").expect("write");
    let o = bin(&dir, &["history", "runs"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("skipped: runs/cut.json: invalid JSON"),
        "{err}"
    );
    assert!(
        err.contains("no file could be analysed (1 skipped"),
        "{err}"
    );

    // With one good run beside it: exit 0, the corrupt file reported.
    std::fs::write(dir.join("runs/good.json"), response("1", 0, None, None)).expect("write");
    let o = bin(&dir, &["history", "runs", "--format", "json"]);
    let h: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(h["analysed"], 1);
    assert_eq!(h["skipped"][0]["path"], "runs/cut.json");

    // A missing path is reported like an unreadable file.
    let o = bin(&dir, &["history", "runs", "nowhere"]);
    let text = stdout(&o);
    assert!(text.contains("nowhere: does not exist"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------
// DuckDB runs the README's query over the NDJSON facts

/// The query of the README's "Many runs: history" section, verbatim.
const README_QUERY: &str = "SELECT pipeline_id, key,
       count(*) FILTER (WHERE root_cause) AS failures,
       quantile_disc(duration_ms, 0.95) AS p95_ms
FROM read_json_auto('facts.ndjson')
GROUP BY ALL
ORDER BY failures DESC, pipeline_id, key";

#[test]
fn the_readme_query_is_in_the_readme() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    assert!(
        readme.contains(README_QUERY),
        "README.md must show the query this test runs:\n{README_QUERY}"
    );
}

#[test]
fn duckdb_agrees_with_history_json() {
    let dir = generated("duckdb", 3, 25, 11);
    let ndjson = stdout(&bin(&dir, &["history", "runs", "--format", "ndjson"]));
    std::fs::write(dir.join("facts.ndjson"), &ndjson).expect("write facts");
    let script = format!(
        "import duckdb, json, sys\n\
         rows = duckdb.sql({query:?}).fetchall()\n\
         print(json.dumps([[str(p), str(k), int(f), None if q is None else int(q)] for p, k, f, q in rows]))\n",
        query = README_QUERY
    );
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&python).args(["-c", "import duckdb"]).output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        crate::support::missing_tool(
            &format!("DuckDB (`{python} -c 'import duckdb'` failed)"),
            "pip install duckdb; .ci/run installs it",
        );
        return;
    }
    let o = Command::new(&python)
        .current_dir(&dir)
        .args(["-c", &script])
        .output()
        .expect("python runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let from_duckdb: Vec<(String, String, u64, Option<i64>)> =
        serde_json::from_slice(&o.stdout).expect("DuckDB's rows");

    let h: Value = serde_json::from_str(&stdout(&bin(
        &dir,
        &["history", "runs", "--format", "json"],
    )))
    .expect("JSON");
    let mut from_history = Vec::new();
    for p in h["pipelines"].as_array().expect("pipelines") {
        for s in p["stages"].as_array().expect("stages") {
            from_history.push((
                p["pipeline_id"].as_str().expect("id").to_owned(),
                s["key"].as_str().expect("key").to_owned(),
                s["root_cause"].as_u64().expect("count"),
                s["p95_ms"].as_i64(),
            ));
        }
    }
    assert_eq!(from_history.len(), 3 * 20);
    let mut sorted = from_duckdb.clone();
    sorted.sort();
    from_history.sort();
    assert_eq!(sorted, from_history);
    // The flaky stage is the one that fails most, in every pipeline.
    assert!(from_duckdb[0].2 > 5, "{:?}", from_duckdb[0]);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------
// Hostile folders (SPEC §5): at a size and twice it

#[test]
fn hostile_folders_are_reported_file_by_file() {
    for scale in [1usize, 2] {
        let dir = scratch(&format!("hostile-{scale}"));
        let runs = dir.join("runs");
        std::fs::create_dir_all(runs.join("deep/er")).expect("folders");
        std::fs::write(runs.join("good.json"), response("1", 0, None, None)).expect("write");
        // Larger than --max-bytes (1 MB) on disk.
        std::fs::write(runs.join("huge.json"), vec![b' '; scale * 2_000_000]).expect("write");
        // A small gzip that inflates far past --max-bytes.
        std::fs::write(
            runs.join("bomb.json.gz"),
            gzip(&vec![b' '; scale * 8_000_000]),
        )
        .expect("write");
        // Gzip's magic bytes, then garbage.
        std::fs::write(
            runs.join("deep/broken.json.gz"),
            [0x1f, 0x8b, 8, 0, 1, 2, 3],
        )
        .expect("write");
        // JSON that is not a summary, text that is not JSON, nothing at all.
        std::fs::write(runs.join("deep/array.json"), "[1, 2, 3]").expect("write");
        std::fs::write(runs.join("deep/er/notes.json"), "meeting notes, not JSON").expect("write");
        std::fs::write(runs.join("deep/er/empty.json"), "").expect("write");
        // Files without the extension are not read at all.
        std::fs::write(runs.join("README.txt"), "not a run").expect("write");
        // A link back up the tree.
        #[cfg(unix)]
        std::os::unix::fs::symlink("..", runs.join("deep/er/loop")).expect("symlink");

        let o = bin(
            &dir,
            &[
                "history",
                "runs",
                "--max-bytes",
                "1000000",
                "--format",
                "json",
            ],
        );
        let h: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
        assert_eq!(h["analysed"], 1);
        let skipped: Vec<(String, String)> = h["skipped"]
            .as_array()
            .expect("skipped")
            .iter()
            .map(|s| {
                (
                    s["path"].as_str().unwrap_or("").to_owned(),
                    s["error"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let paths: Vec<&str> = skipped.iter().map(|(p, _)| p.as_str()).collect();
        let mut expected = vec![
            "runs/bomb.json.gz",
            "runs/deep/array.json",
            "runs/deep/broken.json.gz",
            "runs/deep/er/empty.json",
            "runs/deep/er/notes.json",
            "runs/huge.json",
        ];
        if cfg!(unix) {
            expected.insert(4, "runs/deep/er/loop");
        }
        assert_eq!(paths, expected, "{skipped:#?}");
        let error = |p: &str| &skipped[paths.iter().position(|x| *x == p).expect("listed")].1;
        assert!(error("runs/huge.json").contains("more than --max-bytes 1000000"));
        assert!(error("runs/bomb.json.gz").contains("decompresses to more than --max-bytes"));
        assert!(error("runs/deep/broken.json.gz").contains("not a readable gzip stream"));
        if cfg!(unix) {
            assert!(error("runs/deep/er/loop").contains("symbolic link loop"));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn thousands_of_tiny_files_are_each_reported_and_the_list_is_capped() {
    for n in [5_000usize, 10_000] {
        let dir = scratch(&format!("tiny-{n}"));
        let runs = dir.join("runs");
        std::fs::create_dir_all(&runs).expect("folder");
        for i in 0..n {
            std::fs::write(runs.join(format!("{i:05}.json")), "{}").expect("write");
        }
        std::fs::write(runs.join("good.json"), response("1", 0, None, None)).expect("write");
        let text = stdout(&bin(&dir, &["history", "runs"]));
        assert!(
            text.starts_with(&format!("1 run of 1 pipeline; {n} files skipped")),
            "{}",
            &text[..200.min(text.len())]
        );
        // The text lists 20 of them and counts the rest exactly.
        assert!(text.contains(&format!("… and {} more", n - 20)), "{text}");
        assert!(text.lines().count() < 60, "one screen:\n{text}");
        let h: Value = serde_json::from_str(&stdout(&bin(
            &dir,
            &["history", "runs", "--format", "json"],
        )))
        .expect("JSON");
        assert_eq!(h["skipped"].as_array().map(Vec::len), Some(n));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

// ---------------------------------------------------------------------------
// Properties: the aggregation against a naive recomputation, in any order

/// One random run: pipeline, created time, id, and per key 0..5 maybe a
/// stage (status, outcome, duration, fingerprint).
type RandomRun = (
    usize,
    Option<i64>,
    u8,
    Vec<Option<(usize, usize, Option<i64>, Option<u8>)>>,
);

fn random_runs() -> impl Strategy<Value = Vec<RandomRun>> {
    prop::collection::vec(
        (
            0usize..3,
            prop::option::weighted(0.8, 0i64..6),
            0u8..12,
            prop::collection::vec(
                prop::option::weighted(
                    0.8,
                    (
                        0usize..Status::ALL.len(),
                        0usize..StageOutcome::ALL.len(),
                        prop::option::weighted(0.7, 0i64..50_000),
                        prop::option::of(0u8..3),
                    ),
                ),
                5,
            ),
        ),
        1..40,
    )
}

fn to_facts(runs: &[RandomRun]) -> Vec<(String, RunFacts)> {
    runs.iter()
        .enumerate()
        .map(|(i, (p, created, id, stages))| {
            let stages = stages
                .iter()
                .enumerate()
                .filter_map(|(k, s)| s.map(|s| (k, s)))
                .map(|(k, (status, outcome, ms, fp))| StageFacts {
                    fingerprint: fp.map(|f| Fingerprint(u64::from(f))),
                    error: fp.map(|f| format!("error {f} in run {i}")),
                    name: (i % 3 != 0).then(|| format!("stage {k} as named in run {i}")),
                    ..stage(
                        &format!("{}", k * 7 % 5),
                        Status::ALL[status],
                        StageOutcome::ALL[outcome],
                        ms,
                    )
                })
                .collect();
            let facts = RunFacts {
                pipeline_id: ["1", "02", "x"][*p].to_owned(),
                run: RunRef {
                    run_id: Some(id.to_string()),
                    status: Status::ALL[i % Status::ALL.len()],
                    pipeline_id: None,
                    pipeline_name: (i % 2 == 0).then(|| format!("pipeline as named in run {i}")),
                    created_ms: created.map(|c| T0 + c),
                    file: None,
                },
                stages,
                left_out: 0,
            };
            (format!("f{:03}.json", (i * 37) % 101), facts)
        })
        .collect()
}

/// A run's id as the reference model compares it (empty when none).
fn run_id(f: &RunFacts) -> String {
    f.run.run_id.clone().unwrap_or_default()
}

/// The spec's definition of a percentile, read literally: the smallest
/// value with at least p% of the values at or below it.
fn naive_percentile(values: &[i64], p: usize) -> Option<i64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    v.iter()
        .copied()
        .find(|x| v.iter().filter(|y| *y <= x).count() * 100 >= p * v.len())
}

fn naive(runs: &[(String, RunFacts)]) -> History {
    let mut ids: Vec<&str> = runs.iter().map(|(_, f)| f.pipeline_id.as_str()).collect();
    ids.sort_by(|a, b| compare_ids(a, b));
    ids.dedup();
    let pipelines = ids
        .into_iter()
        .map(|id| {
            let mut mine: Vec<&(String, RunFacts)> =
                runs.iter().filter(|(_, f)| f.pipeline_id == id).collect();
            mine.sort_by(|(sa, a), (sb, b)| {
                let key = |c: Option<i64>| (c.is_some(), c.unwrap_or(0));
                key(a.run.created_ms)
                    .cmp(&key(b.run.created_ms))
                    .then_with(|| compare_ids(&run_id(a), &run_id(b)))
                    .then_with(|| sa.cmp(sb))
            });
            let files: Vec<String> = mine.iter().map(|(file, _)| file.clone()).collect();
            let mine: Vec<&RunFacts> = mine.into_iter().map(|(_, f)| f).collect();
            let last = mine.last().expect("a run");
            let mut keys: Vec<&str> = mine
                .iter()
                .flat_map(|f| f.stages.iter().map(|s| s.key.as_str()))
                .collect();
            keys.sort_by(|a, b| compare_ids(a, b));
            keys.dedup();
            let stages = keys
                .iter()
                .map(|key| {
                    let seen: Vec<&StageFacts> = mine
                        .iter()
                        .filter_map(|f| f.stages.iter().find(|s| s.key == *key))
                        .collect();
                    let count = |o: StageOutcome| seen.iter().filter(|s| s.outcome == o).count();
                    let durations: Vec<i64> = seen.iter().filter_map(|s| s.duration_ms).collect();
                    let p50 = naive_percentile(&durations, 50);
                    let latest = last
                        .stages
                        .iter()
                        .find(|s| s.key == *key)
                        .and_then(|s| s.duration_ms);
                    let ratio = match (latest, p50) {
                        (Some(l), Some(p)) if p != 0 => Some(l as f64 / p as f64),
                        _ => None,
                    };
                    let classes: Vec<bool> = seen
                        .iter()
                        .filter(|s| s.status == Status::Success || s.status.is_failed_like())
                        .map(|s| s.status == Status::Success)
                        .collect();
                    let flips = classes.windows(2).filter(|w| w[0] != w[1]).count();
                    StageHistory {
                        key: key.to_string(),
                        name: seen.iter().rev().find_map(|s| s.name.clone()),
                        runs: seen.len(),
                        success: count(StageOutcome::Success),
                        root_cause: count(StageOutcome::RootCause),
                        blocked: count(StageOutcome::Blocked),
                        not_run: count(StageOutcome::NotRun),
                        running: count(StageOutcome::Running),
                        unknown: count(StageOutcome::Unknown),
                        ran: durations.len(),
                        p50_ms: p50,
                        p95_ms: naive_percentile(&durations, 95),
                        max_ms: durations.iter().copied().max(),
                        latest_ms: latest,
                        latest_ratio: ratio,
                        slower: match (latest, p50, ratio) {
                            (Some(l), Some(p), Some(r)) => r >= 1.5 && l - p >= 30_000,
                            _ => false,
                        },
                        flips,
                        flaky: flips >= 2,
                        recent_ms: durations[durations.len().saturating_sub(30)..].to_vec(),
                    }
                })
                .collect();
            // Every root-cause occurrence, in run order.
            let occurrences: Vec<(usize, &StageFacts)> = mine
                .iter()
                .enumerate()
                .flat_map(|(r, f)| {
                    f.stages
                        .iter()
                        .filter(|s| s.outcome == StageOutcome::RootCause)
                        .map(move |s| (r, s))
                })
                .collect();
            let name_of = |key: &str| {
                mine.iter()
                    .rev()
                    .find_map(|f| f.stages.iter().find(|s| s.key == key)?.name.clone())
            };
            let mut groups: Vec<(&str, Option<Fingerprint>)> = occurrences
                .iter()
                .map(|(_, s)| (s.key.as_str(), s.fingerprint))
                .collect();
            groups.sort();
            groups.dedup();
            let mut recurring: Vec<RecurringCause> = groups
                .into_iter()
                .map(|(key, fp)| {
                    let of: Vec<&(usize, &StageFacts)> = occurrences
                        .iter()
                        .filter(|(_, s)| s.key == key && s.fingerprint == fp)
                        .collect();
                    let (first, _) = of[0];
                    let (last_run, last_stage) = of[of.len() - 1];
                    RecurringCause {
                        key: key.to_owned(),
                        name: name_of(key),
                        fingerprint: fp,
                        count: of.len(),
                        first_run_id: run_id(mine[*first]),
                        last_run_id: run_id(mine[*last_run]),
                        first_file: Some(files[*first].clone()),
                        last_file: Some(files[*last_run].clone()),
                        text: last_stage.error.clone(),
                    }
                })
                .collect();
            recurring.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then_with(|| compare_ids(&a.key, &b.key))
                    .then_with(|| a.fingerprint.cmp(&b.fingerprint))
            });
            let latest_index = mine.len() - 1;
            let root_causes = last
                .stages
                .iter()
                .filter(|s| s.outcome == StageOutcome::RootCause)
                .map(|s| {
                    let before: Vec<usize> = occurrences
                        .iter()
                        .filter(|(r, o)| {
                            *r < latest_index && o.key == s.key && o.fingerprint == s.fingerprint
                        })
                        .map(|(r, _)| *r)
                        .collect();
                    LatestCause {
                        key: s.key.clone(),
                        name: name_of(&s.key),
                        fingerprint: s.fingerprint,
                        seen_before: before.len(),
                        last_seen_run_id: before.last().map(|r| run_id(mine[*r])),
                        text: s.error.clone(),
                    }
                })
                .collect();
            PipelineHistory {
                pipeline_id: id.to_owned(),
                name: mine.iter().rev().find_map(|f| f.run.pipeline_name.clone()),
                runs: mine.len(),
                first_created_ms: mine[0].run.created_ms,
                latest_created_ms: last.run.created_ms,
                stages,
                recurring_root_causes: recurring,
                latest_run: Some(LatestRun {
                    run: RunRef {
                        file: files.last().cloned(),
                        ..last.run.clone()
                    },
                    root_causes,
                }),
                // The spec, literally: the latest run before it that succeeded.
                last_good_run: (0..mine.len() - 1)
                    .rev()
                    .find(|&r| mine[r].run.status == Status::Success)
                    .map(|r| RunRef {
                        file: Some(files[r].clone()),
                        ..mine[r].run.clone()
                    }),
                duplicate_run_ids: {
                    let mut ids: Vec<String> = Vec::new();
                    for f in &mine {
                        let n = mine.iter().filter(|g| g.run.run_id == f.run.run_id).count();
                        if !run_id(f).is_empty() && n > 1 && !ids.contains(&run_id(f)) {
                            ids.push(run_id(f));
                        }
                    }
                    ids.sort_by(|a, b| compare_ids(a, b).then_with(|| a.cmp(b)));
                    ids
                },
            }
        })
        .collect();
    History {
        schema_version: dataprep_lineage::SCHEMA_VERSION,
        analysed: runs.len(),
        pipelines,
        skipped: Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn aggregation_equals_a_naive_recomputation_in_any_order(
        runs in random_runs(),
        seed in any::<u64>(),
    ) {
        let facts = to_facts(&runs);
        let expected = naive(&facts);
        let h = History::of(facts.clone());
        prop_assert_eq!(&h, &expected);
        // The same files finishing in another order.
        let mut shuffled = facts;
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(&History::of(shuffled), &h);
    }
}

/// Every run is named by its file: the latest run's, the last good run's,
/// those of the first and last run of each recurring root cause, and each
/// NDJSON row's; text and Markdown end with `Next:` lines that use them,
/// and those commands run.
#[test]
fn history_names_the_files_to_open_next() {
    let dir = generated("files", 2, 8, 3);
    let json: Value = serde_json::from_str(&stdout(&bin(
        &dir,
        &["history", "runs", "--format", "json"],
    )))
    .expect("JSON");
    let mut failing = 0;
    for p in json["pipelines"].as_array().expect("pipelines") {
        let latest = &p["latest_run"];
        let file = latest["file"].as_str().expect("latest_run.file");
        assert!(dir.join(file).is_file(), "{file}");
        // The file is that run: `why` on it names the same run id.
        let why: Value =
            serde_json::from_str(&stdout(&bin(&dir, &["why", file, "--format", "json"])))
                .expect("JSON");
        assert_eq!(why["run"]["id"], latest["run_id"], "{file}");
        if latest["status"] != "success" {
            failing += 1;
        }
        if let Some(good) = p["last_good_run"].as_object() {
            let gfile = good["file"].as_str().expect("last_good_run.file");
            let run: Value =
                serde_json::from_str(&stdout(&bin(&dir, &["summary", gfile, "--format", "json"])))
                    .expect("JSON");
            assert_eq!(run["run"]["status"], "success", "{gfile}");
            assert_eq!(run["run"]["id"], good["run_id"]);
        }
        for c in p["recurring_root_causes"].as_array().expect("recurring") {
            for k in ["first_file", "last_file"] {
                let f = c[k].as_str().unwrap_or_else(|| panic!("{k}: {c}"));
                assert!(dir.join(f).is_file(), "{f}");
            }
        }
    }
    assert!(
        failing > 0,
        "the generated history has a failing latest run"
    );
    for format in ["text", "markdown"] {
        let out = stdout(&bin(&dir, &["history", "runs", "--format", format]));
        let next: Vec<&str> = out.lines().filter(|l| l.contains("Next:")).collect();
        assert!(
            next.iter()
                .any(|l| l.contains("dataprep-lineage why runs/")),
            "{format}: {out}"
        );
        assert!(
            next.iter()
                .any(|l| l.contains("dataprep-lineage diff runs/")),
            "{format}: {out}"
        );
        assert!(out.contains("last good run"), "{format}");
    }
    // Each suggested command runs (diff exits 0 without --fail-on).
    let text = stdout(&bin(&dir, &["history", "runs"]));
    for line in text
        .lines()
        .filter_map(|l| l.strip_prefix("Next: dataprep-lineage "))
    {
        let cmd = line.split("   #").next().expect("command");
        let args: Vec<&str> = cmd.split_whitespace().collect();
        stdout(&bin(&dir, &args));
    }
    // Every NDJSON row names its file.
    let rows = stdout(&bin(&dir, &["history", "runs", "--format", "ndjson"]));
    for row in rows.lines() {
        let row: Value = serde_json::from_str(row).expect("row");
        assert!(dir.join(row["file"].as_str().expect("file")).is_file());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
