//! Hand-worked cases of SPEC sections 3 and 4, each with its answer written out.

use dataprep_lineage::cause::RunCauseKind;
use dataprep_lineage::graph::StageIx;
use dataprep_lineage::{Analysis, DiagnosticKind, Error, LineageGraph};

use crate::support::{load, parse, run, s, T0};

/// Ids of stages, for readable assertions.
fn ids(g: &LineageGraph<'_>, stages: &[StageIx]) -> Vec<String> {
    stages.iter().map(|&s| g.stage(s).id.to_owned()).collect()
}

/// The first stage of the response.
fn first(g: &LineageGraph<'_>) -> StageIx {
    g.stage_indices().next().expect("a stage")
}

fn ix(g: &LineageGraph<'_>, id: &str) -> StageIx {
    g.stage_by_id(id).unwrap_or_else(|| panic!("no stage {id}"))
}

#[test]
fn diamond_with_one_failing_branch() {
    // 1 → {2 fails, 3 ok} → 4 never ran.
    let doc = parse(&run(
        -1,
        &[
            s("1", 1, &[]),
            s("2", -1, &["1"]),
            s("3", 1, &["1"]),
            s("4", 2, &["2", "3"]),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(ids(&g, a.causes.root_causes()), ["2"]);
    assert_eq!(ids(&g, &a.blocked(ix(&g, "2"))), ["4"]);
    assert_eq!(ids(&g, &a.causes.culprits(&g, ix(&g, "4"))), ["2"]);
    assert!(a.causes.culprits(&g, ix(&g, "3")).is_empty());
    assert!(a.run_causes.is_empty());
}

#[test]
fn all_done_stage_that_fails_after_a_failed_parent_is_a_second_root_cause() {
    let doc = parse(&run(
        -1,
        &[
            s("1", -1, &[]),
            s("2", -1, &["1"]).rule("ALL_DONE"),
            s("3", 2, &["2"]),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(ids(&g, a.causes.root_causes()), ["1", "2"]);
    assert!(&a.blocked(ix(&g, "1")).is_empty(), "2 failed on its own");
    assert_eq!(ids(&g, &a.blocked(ix(&g, "2"))), ["3"]);
}

#[test]
fn one_success_join_with_a_successful_parent_is_not_blocked() {
    let doc = parse(&run(
        1,
        &[
            s("1", -1, &[]),
            s("2", 1, &[]),
            s("3", 1, &["1", "2"]).rule("one_success"),
            s("4", 1, &["3"]),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(ids(&g, a.causes.root_causes()), ["1"]);
    assert!(&a.blocked(ix(&g, "1")).is_empty());
    // With no successful parent, ONE_SUCCESS propagates.
    let doc = parse(&run(
        -1,
        &[
            s("1", -1, &[]),
            s("2", -2, &[]),
            s("3", 2, &["1", "2"]).rule("ONE_SUCCESS"),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(ids(&g, a.causes.root_causes()), ["1", "2"]);
    assert_eq!(ids(&g, &a.causes.culprits(&g, ix(&g, "3"))), ["1", "2"]);
}

#[test]
fn a_failure_three_levels_up_blocks_the_whole_tail() {
    let mut stages = vec![
        s("100", 1, &[]),
        s("101", 1, &["100"]),
        s("102", -1, &["101"]),
    ];
    let tail: Vec<String> = (103..120).map(|i| i.to_string()).collect();
    for (i, id) in tail.iter().enumerate() {
        let parent = if i == 0 {
            "102".to_owned()
        } else {
            tail[i - 1].clone()
        };
        stages.push(s(id, 2, &[&parent]));
    }
    let doc = parse(&run(-1, &stages));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(ids(&g, a.causes.root_causes()), ["102"]);
    assert_eq!(ids(&g, &a.blocked(ix(&g, "102"))), tail);
    let trace = a.causes.trace(&g, ix(&g, "119"));
    assert_eq!(trace.len(), 1);
    assert_eq!(trace[0].path.len(), 18);
    assert_eq!(g.stage(trace[0].path[0]).id, "102");
}

#[test]
fn a_stage_that_fails_on_its_own_below_a_failure_is_not_blocked_but_pending_ones_are() {
    // 2 has ALL_SUCCESS and a failed parent: its culprit is 1, so it is blocked (even though it failed).
    // 3 has ALL_DONE and failed: its own culprit.
    let doc = parse(&run(
        -1,
        &[
            s("1", -1, &[]),
            s("2", -1, &["1"]),
            s("3", -1, &["1"]).rule("all_done"),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(ids(&g, a.causes.root_causes()), ["1", "3"]);
    assert_eq!(ids(&g, &a.blocked(ix(&g, "1"))), ["2"]);
}

#[test]
fn shortest_path_from_each_culprit() {
    // 1 → 2 → 3 → 5 and 1 → 5 directly; 4 → 5.
    let doc = parse(&run(
        -1,
        &[
            s("1", -1, &[]),
            s("2", 2, &["1"]),
            s("3", 2, &["2"]),
            s("4", -3, &[]),
            s("5", 2, &["3", "1", "4"]),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    let traces: Vec<(String, Vec<String>)> = a
        .causes
        .trace(&g, ix(&g, "5"))
        .into_iter()
        .map(|t| (g.stage(t.culprit).id.to_owned(), ids(&g, &t.path)))
        .collect();
    assert_eq!(
        traces,
        [
            ("1".to_owned(), vec!["1".to_owned(), "5".to_owned()]),
            ("4".to_owned(), vec!["4".to_owned(), "5".to_owned()])
        ]
    );
}

#[test]
fn stopped_run_names_who_and_when() {
    let doc = load("run_stopped_by_user.json");
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(a.run_causes.len(), 1);
    assert_eq!(a.run_causes[0].kind(), RunCauseKind::Stopped);
    assert_eq!(
        a.run_causes[0].to_string(),
        "the run was stopped by Marco Ruiz <marco.ruiz@example.com> at 2026-11-28 06:33:00 UTC"
    );
    assert_eq!(a.causes.root_causes().len(), 1);
    assert_eq!(
        g.stage(a.causes.root_causes()[0]).status().label(),
        "stopped"
    );
}

#[test]
fn killed_run() {
    let doc = load("run_killed_by_system.json");
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(a.run_causes.len(), 1);
    assert_eq!(a.run_causes[0].kind(), RunCauseKind::Killed);
    assert_eq!(
        a.run_causes[0].to_string(),
        "the run was killed by the system at 2026-11-28 07:31:37.200 UTC"
    );
}

#[test]
fn quality_gate_with_the_counts() {
    let doc = load("export_held_by_quality_gate.json");
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    let gates: Vec<String> = a
        .run_causes
        .iter()
        .filter(|c| c.kind() == RunCauseKind::QualityGate)
        .map(|c| c.to_string())
        .collect();
    // Only the export that did not succeed was held back; the other export
    // succeeded despite the same counts (the gate did not hold it).
    assert_eq!(gates.len(), 1, "{gates:?}");
    assert!(gates[0].contains("14057000007590188"), "{}", gates[0]);
    assert!(matches!(
        &a.run_causes[0],
        dataprep_lineage::cause::RunCause::QualityGate { invalid: Some(23), target: Some(t), .. }
            if t == "Sales dashboards - Zoho Analytics"
    ));
    assert!(
        gates[0].contains("4187 valid, 23 invalid, 0 missing"),
        "{}",
        gates[0]
    );
}

#[test]
fn a_failed_run_with_no_failed_stage_is_unexplained() {
    let doc = parse(&run(-1, &[s("1", 1, &[]), s("2", 1, &["1"])]));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(a.run_causes.len(), 1);
    assert_eq!(a.run_causes[0].kind(), RunCauseKind::Unexplained);
}

#[test]
fn a_running_stage_runs_until_the_latest_timestamp() {
    // 1 ran 0..10s; 2 started at 12s and is still running; 3 completed at 30s elsewhere.
    let doc = parse(&run(
        0,
        &[
            s("1", 1, &[]).time(0, 10_000),
            s("2", 0, &["1"]).started(12_000),
            s("3", 1, &[]).time(1_000, 30_000),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    let t = &a.timing;
    assert_eq!(t.duration(ix(&g, "2")), 18_000);
    assert_eq!(t.makespan(), 29_000);
    assert_eq!(ids(&g, t.critical_path()), ["3"]);
    assert_eq!(t.slack(ix(&g, "1")), 1_000);
    assert_eq!(t.slack(ix(&g, "2")), 1_000);
    // Observed chain: not running, completed last is 3 (no parents).
    assert_eq!(ids(&g, t.observed_chain()), ["3"]);
    assert_eq!(t.waits(), [Some(1_000)]);
}

#[test]
fn a_duplicate_instance_is_not_a_stage_and_does_not_move_the_latest_timestamp() {
    // 2 is running since 12s; the latest time of the stages is 1's completion at 20s.
    // A second instance with id 1 (dropped: the first is kept) completed at 90s;
    // it is no stage, so it does not make 2 run longer.
    let mut doc = run(
        0,
        &[
            s("1", 1, &[]).time(0, 20_000),
            s("2", 0, &["1"]).started(12_000),
        ],
    );
    let mut dup = doc["pipelinerun"]["pipelinetaskinstances"][0].clone();
    dup["start_time"] = serde_json::json!((T0 + 50_000).to_string());
    dup["completion_time"] = serde_json::json!((T0 + 90_000).to_string());
    doc["pipelinerun"]["pipelinetaskinstances"]
        .as_array_mut()
        .unwrap()
        .push(dup);
    let doc = parse(&doc);
    let g = LineageGraph::build(&doc).unwrap();
    let t = &Analysis::new(&g).timing;
    assert_eq!(t.latest_timestamp(), Some(T0 + 20_000));
    assert_eq!(t.duration(ix(&g, "2")), 8_000);
    assert_eq!(t.duration(ix(&g, "1")), 20_000);
}

#[test]
fn critical_path_ties_go_to_the_earlier_stage() {
    let doc = parse(&run(
        1,
        &[
            s("1", 1, &[]).time(0, 5),
            s("2", 1, &[]).time(0, 5),
            s("3", 1, &["2", "1"]).time(5, 10),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(ids(&g, a.timing.critical_path()), ["1", "3"]);
    assert_eq!(ids(&g, a.timing.observed_chain()), ["1", "3"]);
    assert_eq!(a.timing.waits(), [Some(0), Some(0)]);
}

#[test]
fn an_unknown_trigger_rule_is_all_success_with_a_diagnostic() {
    let doc = parse(&run(
        -1,
        &[
            s("1", -1, &[]),
            s("2", 2, &["1"]).rule("WHEN_I_FEEL_LIKE_IT"),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(ids(&g, &a.blocked(ix(&g, "1"))), ["2"]);
    let d: Vec<_> = g
        .diagnostics()
        .filter(|d| d.kind == DiagnosticKind::UnknownTriggerRule)
        .collect();
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].path.to_string(),
        "pipelinerun.pipelinetaskinstances[1].pipelinetask.trigger_rule"
    );
}

#[test]
fn a_mapper_id_without_a_task_instance_becomes_a_placeholder() {
    let mut doc = run(-1, &[s("1", -1, &[]), s("2", 2, &["1", "999"])]);
    doc["pipelinerun"]["pipelinetaskinstancemappers"]["2"] = serde_json::json!(["1", "999"]);
    let doc = parse(&doc);
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    let p = ix(&g, "999");
    assert!(g.stage(p).is_placeholder());
    assert_eq!(g.stage(p).status().label(), "unknown");
    assert_eq!(ids(&g, a.order.stages()), ["1", "999", "2"]);
    let unknown: Vec<_> = g
        .diagnostics()
        .filter(|d| d.kind == DiagnosticKind::UnknownStage)
        .collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(
        unknown[0].path.to_string(),
        "pipelinerun.pipelinetaskinstancemappers[\"2\"][1]"
    );
}

#[test]
fn duplicate_ids_keep_the_first_and_unmapped_stages_are_roots() {
    let mut doc = run(1, &[s("1", 1, &[]), s("2", 1, &["1"])]);
    let dup = doc["pipelinerun"]["pipelinetaskinstances"][0].clone();
    doc["pipelinerun"]["pipelinetaskinstances"]
        .as_array_mut()
        .unwrap()
        .push(dup);
    doc["pipelinerun"]["pipelinetaskinstances"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": "3"}));
    let doc = parse(&doc);
    let g = LineageGraph::build(&doc).unwrap();
    assert_eq!(g.stages().len(), 3);
    let paths: Vec<String> = g.diagnostics().map(|d| d.path.to_string()).collect();
    let kinds: Vec<(&str, &str)> = g
        .diagnostics()
        .zip(&paths)
        .map(|(d, p)| (d.kind.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("duplicate_stage", "pipelinerun.pipelinetaskinstances[2]"),
            ("unmapped_stage", "pipelinerun.pipelinetaskinstances[3]"),
        ]
    );
}

#[test]
fn inverted_timestamps_count_as_zero_with_a_diagnostic() {
    let doc = parse(&run(1, &[s("1", 1, &[]).time(10_000, 4_000)]));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(a.timing.duration(first(&g)), 0);
    assert_eq!(
        g.diagnostics().next().map(|d| d.kind),
        Some(DiagnosticKind::InvertedTimestamps)
    );
}

#[test]
fn a_cycle_is_an_error_naming_its_stages_in_order() {
    let doc = parse(&run(
        1,
        &[
            s("5", 1, &[]),
            s("1", 1, &["3", "5"]),
            s("2", 1, &["1"]),
            s("3", 1, &["2"]),
        ],
    ));
    let err = LineageGraph::build(&doc).unwrap_err();
    assert_eq!(
        err.to_string(),
        "dependency cycle between stages: 1 -> 2 -> 3 -> 1"
    );
    let doc = parse(&run(1, &[s("7", 1, &["7"])]));
    match LineageGraph::build(&doc) {
        Err(Error::Cycle { stages }) => assert_eq!(stages, ["7"]),
        other => panic!("expected a cycle, got {other:?}"),
    }
}

#[test]
fn order_breaks_ties_by_id_as_integer_then_text() {
    let doc = parse(&run(
        1,
        &[
            s("b", 1, &[]),
            s("10", 1, &[]),
            s("9", 1, &[]),
            s("a", 1, &["9"]),
            s("007", 1, &[]),
            s("7", 1, &[]),
        ],
    ));
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    assert_eq!(ids(&g, a.order.stages()), ["007", "7", "9", "10", "a", "b"]);
    assert_eq!(a.order.level(ix(&g, "a")), 1);
}

#[test]
fn evidence_holds_every_message_at_any_depth_and_failed_streams() {
    let doc = load("failed_import_datasource_error.json");
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    let root = a.causes.root_causes()[0];
    let ev = a.evidence(root);
    let texts: Vec<&str> = ev.texts.iter().map(|t| t.text.as_str()).collect();
    assert!(texts.contains(&"Access denied for user 'dataprep'@'10.2.0.15' (using password: YES)"));
    assert!(texts
        .iter()
        .any(|t| t.contains("\"execution_status\":\"FAILURE\"") && t.contains("orders_archive")));
    assert_eq!(ev.retry_count, Some(0));
    assert_eq!(ev.reads.len(), 1);
    assert_eq!(
        g.data_node(ev.reads[0]).connection_name(),
        Some("shop-db (MySQL, eu-west)")
    );

    // A message in a field the model does not know is kept too.
    let mut doc = run(-1, &[s("1", -1, &[])]);
    doc["pipelinerun"]["pipelinetaskinstances"][0]["logs"] = serde_json::json!([{"level": "ERROR", "message": "disk full on worker 3"}, {"message": ""}]);
    let doc = parse(&doc);
    let g = LineageGraph::build(&doc).unwrap();
    let ev = Analysis::new(&g).evidence(first(&g));
    assert_eq!(ev.texts.len(), 1);
    assert_eq!(
        ev.texts[0].path.to_string(),
        "pipelinerun.pipelinetaskinstances[0].logs[0].message"
    );
    assert_eq!(ev.texts[0].text, "disk full on worker 3");
}

#[test]
fn failed_streams_are_quoted_as_written_in_the_order_written() {
    let streams = [
        // An object keyed by stream id: not sorted, each entry as written.
        (
            r#"{"zeta": {"execution_status":"FAILED", "z":1,"a":2}, "mid": {"execution_status":"SUCCESS"}, "alpha":{"execution_status":"FAILURE"}}"#,
            vec![
                (".zeta", r#"{"execution_status":"FAILED", "z":1,"a":2}"#),
                (".alpha", r#"{"execution_status":"FAILURE"}"#),
            ],
        ),
        // A list: entries by position.
        (
            r#"[{"execution_status":"SUCCESS"}, {"execution_status":"FAILED"}]"#,
            vec![("[1]", r#"{"execution_status":"FAILED"}"#)],
        ),
    ];
    for (streams_info, want) in streams {
        let mut doc = run(-1, &[s("1", -1, &[])]);
        doc["pipelinerun"]["pipelinetaskinstances"][0]["datasourceaudit"] =
            serde_json::json!({"id": "7", "execution_status": -1, "streams_info": streams_info});
        let doc = parse(&doc);
        let g = LineageGraph::build(&doc).unwrap();
        let ev = Analysis::new(&g).evidence(first(&g));
        let got: Vec<(String, &str)> = ev
            .texts
            .iter()
            .map(|t| (t.path.to_string(), t.text.as_str()))
            .collect();
        // The audit is one object, not an array: no `[0]` in its path.
        let base = "pipelinerun.pipelinetaskinstances[0].datasourceaudit.streams_info";
        let want: Vec<(String, &str)> = want
            .into_iter()
            .map(|(step, text)| (format!("{base}{step}"), text))
            .collect();
        assert_eq!(got, want, "{streams_info}");
    }
}

#[test]
fn blast_radius_holds_stages_and_data() {
    let doc = load("failed_transform_blocks_exports.json");
    let g = LineageGraph::build(&doc).unwrap();
    let a = Analysis::new(&g);
    let root = a.causes.root_causes()[0];
    let radius = a.blast_radius(root);
    assert_eq!(radius.stages.len(), 2);
    let kinds: Vec<&str> = radius
        .data
        .iter()
        .map(|&d| g.data_node(d).kind.label())
        .collect();
    assert_eq!(kinds, ["dataset", "export target", "export target"]);
}

#[test]
fn messages_inside_records_read_on_demand_are_still_evidence() {
    // Users below the run and the run copy inside a stage are kept as text
    // (`Lazy`); the evidence walk reads them.
    let doc = parse(&serde_json::json!({"pipelinerun": {
        "id": "1", "execution_status": -1,
        "pipelinetaskinstancemappers": {"10": []},
        "pipelinetaskinstances": [{
            "id": "10", "execution_status": -1,
            "pipelinerun": {"id": "1", "error_message": "run copy says: disk full"},
            "pipelinetask": {"name": "load", "created_by": {"id": "5", "profile": {"message": "profile says: quota"}}},
        }],
    }}));
    let g = LineageGraph::build(&doc).unwrap();
    let ev = Analysis::new(&g).evidence(ix(&g, "10"));
    let paths: Vec<String> = ev.texts.iter().map(|t| t.path.to_string()).collect();
    let texts: Vec<(&str, &str)> = ev
        .texts
        .iter()
        .zip(&paths)
        .map(|(t, p)| (p.as_str(), t.text.as_str()))
        .collect();
    assert!(
        texts.contains(&(
            "pipelinerun.pipelinetaskinstances[0].pipelinerun.error_message",
            "run copy says: disk full"
        )),
        "{texts:?}"
    );
    assert!(
        texts.contains(&(
            "pipelinerun.pipelinetaskinstances[0].pipelinetask.created_by.profile.message",
            "profile says: quota"
        )),
        "{texts:?}"
    );
}
