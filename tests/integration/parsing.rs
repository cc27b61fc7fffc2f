//! Parsing: every fixture, and each tolerance rule of SPEC section 2 on its own.

use dataprep_lineage::model::ExecutionStatus;
use dataprep_lineage::{DiagnosticKind, Error, JobSummary};
use serde_json::json;

use crate::support::{describe, fixtures, stem};

#[test]
fn every_fixture_parses_into_a_readable_summary() {
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let summary =
            JobSummary::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_snapshot!(format!("parsed__{}", stem(&path)), describe(&summary));
    }
}

#[test]
fn ids_written_as_numbers_keep_every_digit() {
    let doc = r#"{"pipelinerun": {"id": 1405700000756952312, "pipelinetaskinstances": [{"id": 14057000007569523123}]}}"#;
    let s = JobSummary::from_str(doc).unwrap();
    assert_eq!(s.run().id.get().unwrap().as_str(), "1405700000756952312");
    let (_, ti) = s.task_instances().next().unwrap();
    assert_eq!(ti.id.get().unwrap().as_str(), "14057000007569523123");
}

#[test]
fn numbers_and_codes_as_digit_strings() {
    let doc = json!({"pipelinerun": {"id": "1", "execution_status": "-1", "storage_used": "1048576",
        "pipelinetaskinstances": [{"id": "2", "retry_count": "3", "pipelinetask": {"type": "20"}}]}});
    let s = JobSummary::from_str(crate::support::leak(&doc)).unwrap();
    assert_eq!(
        s.run().execution_status.value(),
        Some(ExecutionStatus::Failed)
    );
    assert_eq!(s.run().storage_used.value().map(|i| i.0), Some(1_048_576));
    let (_, ti) = s.task_instances().next().unwrap();
    assert_eq!(ti.retry_count.value().map(|i| i.0), Some(3));
    assert_eq!(ti.stage_type().map(|t| t.code()), Some(20));
    assert!(s.diagnostics().is_empty());
}

#[test]
fn whole_numbers_written_as_floats_are_numbers() {
    // A producer that passes every number through a float writes `-1.0` for a
    // failed stage; JavaScript and Python read it as -1, and so does this.
    let text = r#"{"pipelinerun": {"id": "1", "execution_status": -1.0, "created_time": 1.7958474e12,
        "skip_export_invalid_data": 1.0,
        "pipelinetaskinstancemappers": {"2": []},
        "pipelinetaskinstances": [{"id": "2", "execution_status": -1.0, "retry_count": 2.0,
            "start_time": 1795847401000.0, "completion_time": 1795847402500}]}}"#;
    let s = JobSummary::from_str(text).unwrap();
    assert!(s.diagnostics().is_empty(), "{:?}", s.diagnostics());
    assert_eq!(
        s.run().execution_status.value(),
        Some(ExecutionStatus::Failed)
    );
    assert_eq!(
        s.run().created_time.value().map(|t| t.0),
        Some(1_795_847_400_000)
    );
    let g = dataprep_lineage::LineageGraph::build(&s).unwrap();
    let a = dataprep_lineage::Analysis::new(&g);
    let first = g.stage_indices().next().unwrap();
    assert_eq!(a.causes.root_causes(), [first]);
    assert_eq!(a.timing.duration(first), 1_500);
    // A fraction that is not whole is still of the wrong kind.
    let s =
        JobSummary::from_str(r#"{"pipelinerun": {"id": "1", "execution_status": -1.5}}"#).unwrap();
    assert_eq!(s.diagnostics().len(), 1);
    assert_eq!(s.run().execution_status.value(), None);
}

#[test]
fn booleans_in_every_spelling() {
    for v in [json!(true), json!("true"), json!(1), json!("1")] {
        let doc = json!({"pipelinerun": {"id": "1", "skip_export_invalid_data": v}});
        let s = JobSummary::from_str(crate::support::leak(&doc)).unwrap();
        assert!(s.run().skips_invalid_exports(), "{v}");
    }
    let doc = json!({"pipelinerun": {"id": "1", "skip_export_invalid_data": "0"}});
    assert!(!JobSummary::from_str(crate::support::leak(&doc))
        .unwrap()
        .run()
        .skips_invalid_exports());
}

#[test]
fn timestamps_as_epoch_numbers_strings_or_rfc3339() {
    let doc = json!({"pipelinerun": {"id": "1", "created_time": 1795847400000_i64,
        "modified_time": "1795847400000", "completion_time": "2026-11-28T12:00:00+05:30"}});
    let s = JobSummary::from_str(crate::support::leak(&doc)).unwrap();
    let r = s.run();
    assert_eq!(r.created_time.value().unwrap().0, 1_795_847_400_000);
    assert_eq!(r.modified_time.value().unwrap().0, 1_795_847_400_000);
    assert_eq!(r.completion_time.value().unwrap().0, 1_795_847_400_000);
}

#[test]
fn an_unreadable_timestamp_is_a_diagnostic_with_its_path() {
    let doc = json!({"pipelinerun": {"id": "1", "pipelinetaskinstances": [{"id": "2", "start_time": "last tuesday"}]}});
    let s = JobSummary::from_str(crate::support::leak(&doc)).unwrap();
    let d = &s.diagnostics()[0];
    assert_eq!(d.kind, DiagnosticKind::UnreadableTimestamp);
    assert_eq!(
        d.path.to_string(),
        "pipelinerun.pipelinetaskinstances[0].start_time"
    );
    assert!(d.message.contains("\"last tuesday\""), "{}", d.message);
}

/// The first export audit of the first task instance.
fn export_audit<'s>(s: &'s JobSummary<'_>) -> &'s dataprep_lineage::model::DatasetExportAudit<'s> {
    let (_, ti) = s.task_instances().next().unwrap();
    let (_, ea) = ti
        .datasetexportaudit
        .get()
        .unwrap()
        .values()
        .next()
        .unwrap();
    ea
}

#[test]
fn json_in_strings_is_decoded_on_demand_and_quality_may_be_an_object() {
    let metric = |quality: serde_json::Value| {
        json!({"pipelinerun": {"id": "1", "pipelinetaskinstances": [{"id": "2",
            "datasetexportaudit": {"id": "3", "info": "{\"currentRetry\":2}",
                "datasetexportauditmetric": {"id": "4", "quality": quality}}}]}})
    };
    for q in [
        json!("{\"valid\":57,\"invalid\":0,\"missing\":151}"),
        json!({"valid": 57, "invalid": 0, "missing": 151}),
    ] {
        let s = JobSummary::from_str(crate::support::leak(&metric(q))).unwrap();
        let ea = export_audit(&s);
        let q = ea
            .datasetexportauditmetric
            .get()
            .unwrap()
            .quality()
            .unwrap()
            .unwrap();
        assert_eq!(
            (q.valid, q.invalid, q.missing),
            (Some(57), Some(0), Some(151))
        );
        assert_eq!(ea.info().unwrap().unwrap().current_retry, Some(2));
    }
    // Broken embedded JSON is an error of the accessor, not of the parse.
    let s = JobSummary::from_str(crate::support::leak(&metric(json!("{\"valid\": 5")))).unwrap();
    let err = export_audit(&s)
        .datasetexportauditmetric
        .get()
        .unwrap()
        .quality()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::EmbeddedJson {
                field: "quality",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let s = JobSummary::from_slice(b"\xEF\xBB\xBF{\"pipelinerun\": {\"id\": \"7\"}}").unwrap();
    assert_eq!(s.run().id.get().unwrap().as_str(), "7");
}

#[test]
fn a_bare_run_object_is_accepted() {
    let s = JobSummary::from_str(
        r#"{"id": "7", "execution_status": 1, "pipelinetaskinstances": [{"id": "8"}]}"#,
    )
    .unwrap();
    assert_eq!(s.run().id.get().unwrap().as_str(), "7");
    assert_eq!(s.task_instances().count(), 1);
    assert_eq!(
        s.task_instance_path(0).to_string(),
        "pipelinetaskinstances[0]"
    );
}

#[test]
fn stages_and_mappers_beside_the_run_are_used() {
    let doc = json!({"pipelinerun": {"id": "7"}, "pipelinetaskinstancemappers": {"8": []},
        "pipelinetaskinstances": [{"id": "8", "start_time": false}]});
    let s = JobSummary::from_str(crate::support::leak(&doc)).unwrap();
    assert_eq!(s.task_instances().count(), 1);
    assert_eq!(s.mappers().unwrap().entries.len(), 1);
    assert_eq!(
        s.diagnostics()[0].path.to_string(),
        "pipelinetaskinstances[0].start_time"
    );
}

#[test]
fn unknown_fields_are_ignored_and_missing_fields_are_none() {
    let doc =
        json!({"pipelinerun": {"id": "7", "brand_new_field": {"x": [1, 2, 3]}}, "extra": true});
    let s = JobSummary::from_str(crate::support::leak(&doc)).unwrap();
    assert!(s.diagnostics().is_empty());
    assert!(s.run().execution_status.is_missing());
    assert!(s.run().created_time.value().is_none());
}

#[test]
fn a_value_of_the_wrong_kind_is_a_diagnostic_not_a_failure() {
    let doc = json!({"pipelinerun": {"id": "7", "row_count": [1], "created_by": "priya",
        "pipelinetaskinstances": [{"id": "8", "pipelinetask": {"name": {"en": "x"}, "type": "export"}}]}});
    let s = JobSummary::from_str(crate::support::leak(&doc)).unwrap();
    let paths: Vec<String> = s.diagnostics().iter().map(|d| d.path.to_string()).collect();
    let got: Vec<(&str, &str)> = s
        .diagnostics()
        .iter()
        .zip(&paths)
        .map(|(d, p)| (d.kind.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("wrong_kind", "pipelinerun.row_count"),
            ("wrong_kind", "pipelinerun.created_by"),
            (
                "wrong_kind",
                "pipelinerun.pipelinetaskinstances[0].pipelinetask.name"
            ),
            (
                "wrong_kind",
                "pipelinerun.pipelinetaskinstances[0].pipelinetask.type"
            ),
        ]
    );
}

#[test]
fn an_api_error_carries_the_code_and_messages() {
    let doc = json!({"response_status": {"status": "failure", "status_code": 4004,
        "messages": [{"type": "error", "status_code": 4004, "message": "Pipeline run not found"}]}});
    match JobSummary::from_str(crate::support::leak(&doc)) {
        Err(Error::Api {
            status_code,
            messages,
        }) => {
            assert_eq!(status_code, Some(4004));
            assert_eq!(messages, ["Pipeline run not found"]);
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    // A code of 4000 or more is an error even when `status` says success.
    let doc = json!({"pipelinerun": {"id": "1"}, "response_status": {"status": "success", "status_code": 4100}});
    assert!(matches!(
        JobSummary::from_str(crate::support::leak(&doc)),
        Err(Error::Api {
            status_code: Some(4100),
            ..
        })
    ));
}

#[test]
fn syntax_errors_give_line_and_column() {
    let err = JobSummary::from_str("{\n  \"pipelinerun\": {\"id\": \"1\",}\n}").unwrap_err();
    match err {
        Error::Syntax { line, column, .. } => assert_eq!((line, column), (2, 29)),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // Columns are 1-based, also where serde_json says 0 (end of input at a
    // line's start), and an empty input says so.
    assert_eq!(
        JobSummary::from_str("").unwrap_err().to_string(),
        "invalid JSON at line 1, column 1: the input is empty"
    );
    assert_eq!(
        JobSummary::from_slice(b" \r\n\t\n")
            .unwrap_err()
            .to_string(),
        "invalid JSON at line 3, column 1: the input is empty"
    );
    assert_eq!(
        JobSummary::from_str("{\"pipelinerun\":\n")
            .unwrap_err()
            .to_string(),
        "invalid JSON at line 2, column 1: EOF while parsing a value"
    );
}

#[test]
fn no_run_object_is_an_error() {
    assert_eq!(
        JobSummary::from_str("[1, 2]").unwrap_err().to_string(),
        "no pipeline run found: expected an object with a `pipelinerun` field (or a bare run object), found an array"
    );
    assert!(matches!(
        JobSummary::from_str(r#"{"response_status": {"status": "success"}}"#),
        Err(Error::NoRun { .. })
    ));
    assert!(matches!(
        JobSummary::from_str(r#"{"pipelinerun": null}"#),
        Err(Error::NoRun { .. })
    ));
}

#[test]
fn a_task_instance_without_an_id_is_an_error() {
    let err = JobSummary::from_str(r#"{"pipelinerun": {"id": "1", "pipelinetaskinstances": [{"id": "2"}, {"execution_status": 1}]}}"#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "task instance at `pipelinerun.pipelinetaskinstances[1]` has no id: expected a string or an integer, found no `id` field"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let doc = format!(
        "{{\"pipelinerun\": {{\"id\": \"1\", \"x\": {}{}}}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let err = JobSummary::from_str(&doc).unwrap_err();
    assert!(
        err.to_string().contains("nests deeper than 128 levels"),
        "{err}"
    );
}

#[test]
fn text_is_borrowed_from_the_input_unless_escaped() {
    let bytes = std::fs::read(crate::support::fixture("successful_multi_source_run.json")).unwrap();
    let s = JobSummary::from_slice(&bytes).unwrap();
    assert_eq!(s.task_instances().count(), 5);
    let range = bytes.as_ptr_range();
    for (_, ti) in s.task_instances() {
        let id = ti.id.get().unwrap();
        assert!(matches!(id.0, std::borrow::Cow::Borrowed(_)));
        assert!(range.contains(&id.as_str().as_ptr()));
    }
    let escaped = r#"{"pipelinerun": {"id": "1", "pipelinetaskinstances": [{"id": "7", "message": "a \"quoted\" word"}]}}"#;
    let s = JobSummary::from_str(escaped).unwrap();
    let (_, ti) = s.task_instances().next().unwrap();
    assert_eq!(ti.message.get().unwrap().as_str(), "a \"quoted\" word");
}

#[test]
fn invalid_utf8_is_a_syntax_error_at_its_position() {
    let err = JobSummary::from_slice(b"{\n  \"pipelinerun\": \"ab\xffc\"\n}").unwrap_err();
    match err {
        Error::Syntax {
            line,
            column,
            ref message,
            ..
        } => {
            assert_eq!((line, column), (2, 21));
            assert!(message.contains("UTF-8"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn records_read_on_demand_keep_their_wrong_kinds_for_whoever_reads_them() {
    let s = JobSummary::from_str(crate::support::leak(&json!({"pipelinerun": {
        "id": "1",
        "pipelinetaskinstances": [{"id": "10", "pipelinetask": {
            "created_by": {"id": "5", "invited_time": "last spring"},
            "modified_by": [1, 2],
        }}],
    }})))
    .unwrap();
    let (_, ti) = s.task_instances().next().unwrap();
    let task = ti.pipelinetask.get().unwrap();
    // Not built while parsing, so not among the parser's diagnostics...
    assert!(s
        .diagnostics()
        .iter()
        .all(|d| !d.path.to_string().contains("created_by")));
    // ...but there, as `Invalid`, for whoever reads the record.
    let user = task.created_by.get().unwrap().parse();
    let user = user.get().unwrap();
    assert_eq!(user.id.get().unwrap().as_str(), "5");
    assert!(user.invited_time.invalid().is_some());
    // A record of the wrong kind is still noticed while parsing.
    assert!(task.modified_by.invalid().is_some());
    assert!(s
        .diagnostics()
        .iter()
        .any(|d| d.path.to_string()
            == "pipelinerun.pipelinetaskinstances[0].pipelinetask.modified_by"));
}

#[test]
fn owned_summaries_from_reader_and_fromstr_report_exactly_what_borrowed_ones_do() {
    use dataprep_lineage::{Analysis, LineageGraph};
    let why = |s: &JobSummary<'_>| {
        let g = LineageGraph::build(s).unwrap();
        dataprep_lineage::report::Why::new(&Analysis::new(&g)).to_json()
    };
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let borrowed = JobSummary::from_slice(&bytes).unwrap();
        // Neither owned summary keeps a borrow of `bytes`.
        let from_reader: JobSummary<'static> = JobSummary::from_reader(&bytes[..]).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let from_str: JobSummary<'static> = text.parse().unwrap();
        drop(text);
        assert_eq!(why(&from_reader), why(&borrowed), "{}", stem(&path));
        assert_eq!(why(&from_str), why(&borrowed), "{}", stem(&path));
        assert_eq!(from_reader.diagnostics(), borrowed.diagnostics());
        assert_eq!(describe(&from_str), describe(&borrowed));
    }
}
