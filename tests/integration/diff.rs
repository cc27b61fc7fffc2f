//! Run comparison (`diff`): every pair of fixtures as snapshots, each verdict
//! and outcome worked by hand, the slower rule at its boundaries, keys,
//! properties of the comparison, and the CLI's exit codes.

use std::path::PathBuf;

use dataprep_lineage::diff::{self, DiffNoteKind, DiffOptions, RunDiff, StageChange, Verdict};
use dataprep_lineage::{Analysis, JobSummary, LineageGraph};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::support::{leak, run, s, S};

/// The comparison of two documents.
fn compare(baseline: &Value, current: &Value) -> RunDiff {
    compare_with(baseline, current, DiffOptions::default())
}

fn compare_with(baseline: &Value, current: &Value, options: DiffOptions) -> RunDiff {
    let b = JobSummary::from_str(leak(baseline)).unwrap();
    let c = JobSummary::from_str(leak(current)).unwrap();
    let (bg, cg) = (
        LineageGraph::build(&b).unwrap(),
        LineageGraph::build(&c).unwrap(),
    );
    diff::compare(&Analysis::new(&bg), &Analysis::new(&cg), options)
}

fn outcome(d: &RunDiff, key: &str) -> StageChange {
    d.stages
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no stage {key}"))
        .outcome
}

/// A three-stage chain a → b → c with the given statuses.
fn chain(a: i64, b: i64, c: i64) -> Value {
    run(
        if [a, b, c].iter().any(|&x| x < 0) {
            -1
        } else {
            1
        },
        &[
            s("1", a, &[]).time(0, 1000),
            s("2", b, &["1"]).time(1000, 2000),
            s("3", c, &["2"]).time(2000, 3000),
        ],
    )
}

fn with_message(mut doc: Value, index: usize, text: &str) -> Value {
    doc["pipelinerun"]["pipelinetaskinstances"][index]["message"] = json!(text);
    doc
}

#[test]
fn each_verdict_and_outcome() {
    // Unchanged: the same run.
    let d = compare(&chain(1, 1, 1), &chain(1, 1, 1));
    assert_eq!(d.verdict, Verdict::Unchanged);
    assert_eq!(outcome(&d, "91"), StageChange::Unchanged);
    assert_eq!(d.first_divergence, None);

    // Regressed: a stage newly fails (and a new root cause).
    let d = compare(&chain(1, 1, 1), &chain(1, -1, 2));
    assert_eq!(d.verdict, Verdict::Regressed);
    assert_eq!(outcome(&d, "92"), StageChange::NewlyFailing);
    // Success -> created in a finished run: held back this time.
    assert_eq!(outcome(&d, "93"), StageChange::NewlyNotRun);
    assert_eq!(d.first_divergence.as_deref(), Some("92"));
    assert_eq!(d.new_root_causes[0].key, "92");

    // Improved: fixed.
    let d = compare(&chain(1, -1, 2), &chain(1, 1, 1));
    assert_eq!(d.verdict, Verdict::Improved);
    assert_eq!(outcome(&d, "92"), StageChange::NewlyFixed);
    assert_eq!(d.resolved_root_causes[0].key, "92");

    // Still failing: the same error with other numbers, or another error.
    let before = with_message(chain(1, -1, 2), 1, "timed out after 30000 ms");
    let same = with_message(chain(1, -1, 2), 1, "timed out  after 45000 ms");
    let other = with_message(chain(1, -1, 2), 1, "permission denied");
    let d = compare(&before, &same);
    assert_eq!(outcome(&d, "92"), StageChange::StillFailing);
    assert_eq!(d.stages[1].same_error, Some(true));
    assert_eq!(d.first_divergence, None);
    assert_eq!(d.verdict, Verdict::Unchanged);
    assert_eq!(d.persisting_root_causes.len(), 1);
    let d = compare(&before, &other);
    assert_eq!(d.stages[1].same_error, Some(false));
    assert_eq!(d.first_divergence.as_deref(), Some("92"));
    // The same stage failing for another reason is a change (SPEC 6).
    assert_eq!(d.verdict, Verdict::Changed);
    assert!(d.reason.contains("different error"), "{}", d.reason);
    // A root cause that lost its message changed too; two without are the same.
    assert_eq!(compare(&before, &chain(1, -1, 2)).verdict, Verdict::Changed);
    // A failure with no message is never "the same error".
    let d = compare(&chain(1, -1, 2), &chain(1, -1, 2));
    assert_eq!(d.stages[1].same_error, Some(false));

    // Changed: a stage added, nothing failing anew.
    let mut more = chain(1, 1, 1);
    more["pipelinerun"]["pipelinetaskinstances"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "4", "execution_status": 1, "pipelinetask": {"id": "94"}}));
    more["pipelinerun"]["pipelinetaskinstancemappers"]["4"] = json!(["3"]);
    let d = compare(&chain(1, 1, 1), &more);
    assert_eq!(d.verdict, Verdict::Changed);
    assert_eq!(d.added[0].key, "94");
    assert_eq!(d.edges_added, [["93".to_owned(), "94".to_owned()]]);
    let back = compare(&more, &chain(1, 1, 1));
    assert_eq!(back.removed[0].key, "94");
    assert_eq!(back.edges_removed, [["93".to_owned(), "94".to_owned()]]);

    // Newly not run: succeeded before, never started in a finished run
    // (held back by a stage whose rule does not propagate failure, say).
    let mut held = chain(1, 1, 2);
    held["pipelinerun"]["execution_status"] = json!(1);
    let d = compare(&chain(1, 1, 1), &held);
    assert_eq!(outcome(&d, "93"), StageChange::NewlyNotRun);
    assert_eq!(d.verdict, Verdict::Regressed);
    assert!(d.reason.contains("did not run"), "{}", d.reason);
    // It regresses even when another stage was fixed at the same time
    // (93 ran after 92 failed before: an ALL_DONE rule, say).
    let d = compare(&chain(1, -1, 1), &held);
    assert_eq!(outcome(&d, "92"), StageChange::NewlyFixed);
    assert_eq!(d.verdict, Verdict::Regressed);
    // A current run still going has not held anything back yet: said
    // about the pair, first.
    let mut going = chain(1, 0, 2);
    going["pipelinerun"]["execution_status"] = json!(0);
    let d = compare(&chain(1, 1, 1), &going);
    assert_eq!(outcome(&d, "93"), StageChange::StatusChanged);
    assert_eq!(d.diagnostics[0].kind, DiffNoteKind::Running);
    assert!(
        d.diagnostics[0]
            .detail
            .contains("current run is still running"),
        "{}",
        d.diagnostics[0].detail
    );

    // Regressed by a new kind of run-level cause: stopped this time.
    let mut stopped = chain(1, -2, 2);
    stopped["pipelinerun"]["execution_status"] = json!(-2);
    let mut was = chain(1, 1, 1);
    was["pipelinerun"]["execution_status"] = json!(1);
    assert_eq!(compare(&was, &stopped).verdict, Verdict::Regressed);
}

#[test]
fn slower_at_its_boundaries() {
    let timed = |ms: i64| run(1, &[s("1", 1, &[]).time(0, ms)]);
    let options = DiffOptions::default();
    // Exactly 1.5 times and exactly 30,000 ms more: slower.
    let d = compare_with(&timed(60_000), &timed(90_000), options);
    assert!(d.stages[0].slower);
    assert_eq!(d.stages[0].delta_ms, Some(30_000));
    assert_eq!(d.verdict, Verdict::Slower);
    // 1.5 times but 29,999 ms more: not slower.
    let d = compare_with(&timed(59_998), &timed(89_997), options);
    assert!(!d.stages[0].slower);
    // 30,000 ms more but under 1.5 times: not slower.
    let d = compare_with(&timed(70_000), &timed(100_000), options);
    assert!(!d.stages[0].slower);
    // The thresholds are options.
    let loose = DiffOptions {
        slower_ratio: 1.2,
        slower_min_ms: 10_000,
    };
    assert!(compare_with(&timed(70_000), &timed(100_000), loose).stages[0].slower);
    // A failed attempt's time is not comparable: a stage that failed in
    // either run is never slower, whatever its times.
    let failed_fast = run(-1, &[s("1", -1, &[]).time(0, 34_000)]);
    let done_slowly = run(1, &[s("1", 1, &[]).time(0, 117_000)]);
    let d = compare_with(&failed_fast, &done_slowly, options);
    assert_eq!(d.stages[0].delta_ms, Some(83_000));
    assert!(!d.stages[0].slower);
    assert_eq!(d.verdict, Verdict::Improved);
    let failed_slowly = run(-1, &[s("1", -1, &[]).time(0, 300_000)]);
    assert!(!compare_with(&timed(60_000), &failed_slowly, options).stages[0].slower);
    // A stage still running did not run: no duration, never slower.
    let going = run(0, &[s("1", 0, &[]).started(0)]);
    let d = compare(&timed(1_000), &going);
    assert_eq!(d.stages[0].current_ms, None);
    assert!(!d.stages[0].slower);
}

#[test]
fn keys_fall_back_to_name_and_type_and_duplicates_are_left_out() {
    let doc = |task: Value| {
        json!({"pipelinerun": {"id": "1", "execution_status": 1,
            "pipelinetaskinstancemappers": {"10": [], "11": []},
            "pipelinetaskinstances": [
                {"id": "10", "execution_status": 1, "pipelinetask": task},
                {"id": "11", "execution_status": 1, "pipelinetask": {"name": "shop.orders", "type": 5}}]}})
    };
    // No task id: NAME@TYPE, and the instance ids may differ between runs.
    let d = compare(
        &doc(json!({"name": "shop.orders", "type": "5"})),
        &doc(json!({"name": "other", "type": 10})),
    );
    // The second stage shares "shop.orders@5" with the first in the
    // baseline: the first in order keeps it, the other is left out.
    assert!(d
        .diagnostics
        .iter()
        .any(|n| n.kind == DiffNoteKind::DuplicateKey && n.detail.contains("baseline")));
    assert!(d.stages.iter().any(|s| s.key == "shop.orders@5"));
    assert!(d.added.iter().any(|s| s.key == "other@10"));
    // A missing part is empty.
    let d = compare(&doc(json!({"name": "x"})), &doc(json!({"name": "x"})));
    assert!(d.stages.iter().any(|s| s.key == "x@"));
    // Neither: no key, left out, said.
    let d = compare(&doc(json!({})), &doc(json!({})));
    assert!(d.diagnostics.iter().any(|n| n.kind == DiffNoteKind::NoKey));
}

#[test]
fn row_counts_that_fall_are_flagged() {
    let rows = |n: &str| {
        let mut d = run(1, &[s("1", 1, &[])]);
        d["pipelinerun"]["pipelinetaskinstances"][0]["row_count"] = json!(n);
        d
    };
    let flag = |b: &str, c: &str| compare(&rows(b), &rows(c)).stages[0].rows_flagged;
    assert!(flag("2370", "0"));
    assert!(flag("1000", "500"));
    assert!(flag("1000", "1500"));
    assert!(!flag("1000", "501"));
    assert!(!flag("0", "0"));
    assert_eq!(compare(&rows("2370"), &rows("0")).verdict, Verdict::Changed);
}

#[test]
fn two_pipelines_are_said_to_be_two() {
    let mut other = chain(1, 1, 1);
    other["pipelinerun"]["pipeline"] = json!({"id": "77", "name": "Weekly inventory"});
    let mut base = chain(1, 1, 1);
    base["pipelinerun"]["pipeline"] = json!({"id": "66", "name": "Daily sales sync"});
    let d = compare(&base, &other);
    assert_eq!(d.diagnostics[0].kind, DiffNoteKind::DifferentPipelines);
}

/// A random run: `n` stages in a chain-ish DAG with random statuses, names
/// and durations, keyed `9{i}`.
fn random_run(statuses: &[i64], durations: &[i64], names: &[String]) -> Value {
    let stages: Vec<S> = statuses
        .iter()
        .enumerate()
        .map(|(i, &st)| {
            let parents: Vec<String> = if i == 0 { vec![] } else { vec![i.to_string()] };
            let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
            s(&(i + 1).to_string(), st, &parents).time(0, durations[i])
        })
        .collect();
    let mut doc = run(-1, &stages);
    for (i, name) in names.iter().enumerate() {
        doc["pipelinerun"]["pipelinetaskinstances"][i]["pipelinetask"]["name"] = json!(name);
    }
    doc
}

fn arb_run(n: usize) -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(prop::sample::select(vec![1i64, 1, -1, 2, 0, -2]), n),
        proptest::collection::vec(0i64..200_000, n),
        proptest::collection::vec("[a-z]{1,6}", n),
    )
        .prop_map(|(st, du, na)| random_run(&st, &du, &na))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A run compared with itself: unchanged, nothing in any list.
    #[test]
    fn a_run_against_itself_is_unchanged(doc in (1usize..12).prop_flat_map(arb_run)) {
        let d = compare(&doc, &doc);
        prop_assert_eq!(d.verdict, Verdict::Unchanged);
        prop_assert!(d.first_divergence.is_none());
        prop_assert!(d.new_root_causes.is_empty() && d.resolved_root_causes.is_empty());
        prop_assert!(d.added.is_empty() && d.removed.is_empty());
        prop_assert!(d.edges_added.is_empty() && d.edges_removed.is_empty());
        prop_assert!(d.rule_changes.is_empty() && d.name_changes.is_empty() && d.data_changes.is_empty());
        prop_assert!(d.stages.iter().all(|s| !s.slower && !s.rows_flagged));
    }

    /// Swapping the runs swaps newly failing with newly fixed, added with
    /// removed, and new root causes with resolved ones.
    #[test]
    fn swapping_the_runs_swaps_the_lists(
        (a, b) in (1usize..10).prop_flat_map(|n| (arb_run(n), arb_run(n + 2))),
    ) {
        let ab = compare(&a, &b);
        let ba = compare(&b, &a);
        let keys = |d: &RunDiff, o: StageChange| -> Vec<String> {
            let mut k: Vec<String> = d.stages.iter().filter(|s| s.outcome == o).map(|s| s.key.clone()).collect();
            k.sort();
            k
        };
        prop_assert_eq!(keys(&ab, StageChange::NewlyFailing), keys(&ba, StageChange::NewlyFixed));
        prop_assert_eq!(keys(&ab, StageChange::NewlyFixed), keys(&ba, StageChange::NewlyFailing));
        let set = |v: &[dataprep_lineage::diff::KeyedStage]| -> Vec<String> {
            let mut k: Vec<String> = v.iter().map(|s| s.key.clone()).collect();
            k.sort();
            k
        };
        prop_assert_eq!(set(&ab.added), set(&ba.removed));
        prop_assert_eq!(set(&ab.removed), set(&ba.added));
        let roots = |v: &[dataprep_lineage::diff::RootCauseChange]| -> Vec<String> {
            let mut k: Vec<String> = v.iter().map(|r| r.key.clone()).collect();
            k.sort();
            k
        };
        prop_assert_eq!(roots(&ab.new_root_causes), roots(&ba.resolved_root_causes));
    }

    /// A renamed stage keeps its match: the key is the task definition id.
    #[test]
    fn a_renamed_stage_keeps_its_match(doc in (2usize..10).prop_flat_map(arb_run), name in "[A-Z]{3,8}") {
        let mut renamed = doc.clone();
        renamed["pipelinerun"]["pipelinetaskinstances"][1]["pipelinetask"]["name"] = json!(name);
        let d = compare(&doc, &renamed);
        prop_assert!(d.added.is_empty() && d.removed.is_empty());
        prop_assert_eq!(d.name_changes.len(), 1);
        prop_assert_eq!(&d.name_changes[0].key, "92");
    }
}

fn pairs() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pairs");
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    all.sort();
    all
}

fn cli(args: &[&str]) -> crate::support::Ran {
    crate::support::Bin::new()
        .args(args)
        .args(["--quiet", "--color", "never"])
        .run()
}

#[test]
fn every_pair_as_text_json_and_markdown() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema/diff.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for pair in pairs() {
        let name = pair.file_name().unwrap().to_string_lossy().into_owned();
        let base = format!("fixtures/pairs/{name}/baseline.json");
        let cur = format!("fixtures/pairs/{name}/current.json");
        for (format, suffix) in [("text", "text"), ("json", "json"), ("markdown", "markdown")] {
            let o = cli(&["diff", &base, &cur, "--format", format]);
            assert_eq!(o.code, Some(0), "{name} {format}");
            let out = String::from_utf8(o.stdout).unwrap();
            if format == "json" {
                let v: Value = serde_json::from_str(&out).unwrap();
                let errors: Vec<String> =
                    validator.iter_errors(&v).map(|e| e.to_string()).collect();
                assert!(errors.is_empty(), "{name}: {errors:?}");
            }
            insta::assert_snapshot!(format!("diff_{suffix}__{name}"), out);
        }
    }
}

#[test]
fn each_pair_tells_its_story() {
    let verdict = |name: &str| -> RunDiff {
        let base = format!("fixtures/pairs/{name}/baseline.json");
        let cur = format!("fixtures/pairs/{name}/current.json");
        serde_json::from_slice(&cli(&["diff", &base, &cur, "--format", "json"]).stdout).unwrap()
    };
    assert_eq!(
        verdict("healthy_then_transform_fails").verdict,
        Verdict::Regressed
    );
    assert_eq!(verdict("failed_then_fixed").verdict, Verdict::Improved);
    let same = verdict("same_failure_other_numbers");
    assert_eq!(same.persisting_root_causes.len(), 1);
    assert_eq!(
        same.persisting_root_causes[0].baseline_fingerprint,
        same.persisting_root_causes[0].current_fingerprint
    );
    let other = verdict("different_error_same_stage");
    assert!(other.stages.iter().any(|s| s.same_error == Some(false)));
    assert!(other.first_divergence.is_some());
    let slower = verdict("slower_stage_moves_critical_path");
    assert_eq!(slower.verdict, Verdict::Slower);
    assert_eq!(slower.critical_path.joined.len(), 1);
    assert_eq!(slower.critical_path.left.len(), 1);
    let structure = verdict("structure_changed");
    assert_eq!(structure.verdict, Verdict::Changed);
    assert_eq!(structure.added.len(), 1);
    assert_eq!(structure.removed.len(), 1);
    assert_eq!(structure.rule_changes.len(), 1);
    let volume = verdict("silent_volume_drop");
    assert_eq!(volume.verdict, Verdict::Changed);
    assert!(volume
        .stages
        .iter()
        .any(|s| s.rows_flagged && s.current_rows == Some(0)));
    let two = verdict("two_pipelines");
    assert_eq!(two.diagnostics[0].kind, DiffNoteKind::DifferentPipelines);
    // Issue 23, as a new user hit them.
    let fixed = verdict("fixed_but_slower");
    assert_eq!(fixed.verdict, Verdict::Improved, "{}", fixed.reason);
    assert!(fixed.stages.iter().all(|s| !s.slower));
    assert!(fixed
        .stages
        .iter()
        .any(|s| s.outcome == StageChange::NewlyFixed && s.delta_ms > Some(60_000)));
    assert_eq!(other.verdict, Verdict::Changed);
    let held = verdict("quality_fixed_archive_not_run");
    assert_eq!(held.verdict, Verdict::Regressed, "{}", held.reason);
    assert!(held
        .stages
        .iter()
        .any(|s| s.outcome == StageChange::NewlyNotRun
            && s.name.as_deref() == Some("Archive to S3 data lake")));
    assert!(held
        .stages
        .iter()
        .any(|s| s.outcome == StageChange::NewlyFixed));
}

#[test]
fn a_pair_note_comes_before_the_verdict_and_lists_take_a_line_each() {
    let base = "fixtures/pairs/two_pipelines/baseline.json";
    let cur = "fixtures/pairs/two_pipelines/current.json";
    let text = String::from_utf8(cli(&["diff", base, cur]).stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("Note: the runs are of different pipelines"),
        "{text}"
    );
    assert!(
        text.lines().nth(1).unwrap().starts_with("REGRESSED"),
        "{text}"
    );
    let md = String::from_utf8(cli(&["diff", base, cur, "--format", "markdown"]).stdout).unwrap();
    assert!(
        md.starts_with("> **Note:** the runs are of different pipelines"),
        "{md}"
    );
    // Every line of every pair stays short enough to read.
    for pair in pairs() {
        let b = pair.join("baseline.json");
        let c = pair.join("current.json");
        let out = cli(&["diff", b.to_str().unwrap(), c.to_str().unwrap()]);
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            assert!(line.chars().count() <= 240, "{}: {line}", pair.display());
        }
    }
}

#[test]
fn fail_on_exits_3_at_its_level_or_worse() {
    let base = "fixtures/pairs/healthy_then_transform_fails/baseline.json";
    let cur = "fixtures/pairs/healthy_then_transform_fails/current.json";
    for (level, code) in [("regressed", 3), ("slower", 3), ("changed", 3)] {
        assert_eq!(
            cli(&["diff", base, cur, "--fail-on", level]).code,
            Some(code)
        );
    }
    let fixed_base = "fixtures/pairs/failed_then_fixed/baseline.json";
    let fixed_cur = "fixtures/pairs/failed_then_fixed/current.json";
    assert_eq!(
        cli(&["diff", fixed_base, fixed_cur, "--fail-on", "changed"]).code,
        Some(0),
        "improved never fails"
    );
    // A new error on a failing stage is a change, and gates as one.
    let other_base = "fixtures/pairs/different_error_same_stage/baseline.json";
    let other_cur = "fixtures/pairs/different_error_same_stage/current.json";
    assert_eq!(
        cli(&["diff", other_base, other_cur, "--fail-on", "changed"]).code,
        Some(3)
    );
    assert_eq!(
        cli(&["diff", other_base, other_cur, "--fail-on", "slower"]).code,
        Some(0)
    );
    // Fixed but slower gates as nothing: improved.
    let fixed_base = "fixtures/pairs/fixed_but_slower/baseline.json";
    let fixed_cur = "fixtures/pairs/fixed_but_slower/current.json";
    assert_eq!(
        cli(&["diff", fixed_base, fixed_cur, "--fail-on", "changed"]).code,
        Some(0)
    );
    let slow_base = "fixtures/pairs/slower_stage_moves_critical_path/baseline.json";
    let slow_cur = "fixtures/pairs/slower_stage_moves_critical_path/current.json";
    assert_eq!(
        cli(&["diff", slow_base, slow_cur, "--fail-on", "regressed"]).code,
        Some(0)
    );
    assert_eq!(
        cli(&["diff", slow_base, slow_cur, "--fail-on", "slower"]).code,
        Some(3)
    );
    assert_eq!(cli(&["diff", slow_base, slow_cur]).code, Some(0));
}

#[test]
fn inputs_are_named_and_both_cannot_be_stdin() {
    let o = cli(&["diff", "-", "-"]);
    assert_eq!(o.code, Some(2));
    let o = cli(&[
        "diff",
        "fixtures/pairs/failed_then_fixed/baseline.json",
        "no/such/file.json",
    ]);
    assert_eq!(o.code, Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("current no/such/file.json"), "{err}");
    let o = cli(&[
        "diff",
        "Cargo.toml",
        "fixtures/pairs/failed_then_fixed/current.json",
    ]);
    assert_eq!(o.code, Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("baseline Cargo.toml"));
}

/// Bounded: two runs of `n` stages, every one changed (status, name, rule,
/// row count), with long keys, at a size and twice it.
#[test]
fn hostile_pairs_stay_bounded() {
    let big = |n: usize, flip: bool| -> String {
        let stages: Vec<Value> = (0..n)
            .map(|i| {
                json!({"id": format!("{}{i}", if flip { "c" } else { "b" }), "execution_status": if flip { -1 } else { 1 },
                    "row_count": if flip { "0" } else { "100" },
                    "message": if flip { format!("failed at row {i}") } else { String::new() },
                    "pipelinetask": {"id": format!("{}{i}", "k".repeat(300)), "name": format!("stage {i} {flip}"),
                        "trigger_rule": if flip { "ALL_DONE" } else { "ALL_SUCCESS" }}})
            })
            .collect();
        let mappers: serde_json::Map<String, Value> = (0..n)
            .map(|i| {
                let id = format!("{}{i}", if flip { "c" } else { "b" });
                let parent = if i == 0 {
                    json!([])
                } else {
                    json!([format!("{}{}", if flip { "c" } else { "b" }, i - 1)])
                };
                (id, parent)
            })
            .collect();
        json!({"pipelinerun": {"id": "1", "execution_status": if flip { -1 } else { 1 },
            "pipelinetaskinstancemappers": mappers, "pipelinetaskinstances": stages}})
        .to_string()
    };
    let dir = std::env::temp_dir().join(format!("dpl-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut first_lines = std::collections::BTreeMap::new();
    for n in [2_000, 4_000] {
        let (b, c) = (dir.join("b.json"), dir.join("c.json"));
        let (bt, ct) = (big(n, false), big(n, true));
        std::fs::write(&b, &bt).unwrap();
        std::fs::write(&c, &ct).unwrap();
        for format in ["text", "json", "markdown"] {
            let o = cli(&[
                "diff",
                b.to_str().unwrap(),
                c.to_str().unwrap(),
                "--format",
                format,
            ]);
            assert_eq!(o.code, Some(0), "{n} {format}");
            let out = o.stdout.len();
            assert!(
                out <= 64 * (bt.len() + ct.len()),
                "{n} {format}: {out} bytes"
            );
            if format == "text" {
                // Every list fits one screen (20 entries, one a line, then
                // "… and N more"), so the whole text does not grow with n
                // and no line is a wall of thousands of characters.
                let text = String::from_utf8_lossy(&o.stdout);
                let lines = text.lines().count();
                assert!(lines < 250, "{n}: {lines} lines\n{text}");
                if let Some(&first) = first_lines.get(format) {
                    assert_eq!(first, lines, "{n}: the text grew with the input");
                }
                first_lines.entry(format).or_insert(lines);
                assert!(
                    text.lines().all(|l| l.chars().count() <= 400),
                    "{n}: {text}"
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
