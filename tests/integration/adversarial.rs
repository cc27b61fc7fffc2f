//! An adversarial corpus: each input with its expected outcome through the
//! binary — exit 0 with named diagnostics, or exit 1 with a clear message —
//! never a panic (exit 101), never a hang.

use std::time::{Duration, Instant};

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(input: &[u8], args: &[&str]) -> Outcome {
    let start = Instant::now();
    let o = crate::support::Bin::new()
        .args(args)
        .args(["-"])
        .stdin(input)
        .run();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    let out = Outcome {
        code: o.code,
        stdout: o.out(),
        stderr: o.err(),
    };
    assert_ne!(out.code, Some(101), "panic on input: {}", out.stderr);
    out
}

fn fails_with(input: &[u8], message: &str) {
    let o = run(input, &["why"]);
    assert_eq!(
        o.code,
        Some(1),
        "expected exit 1 for {:?}, stderr: {}",
        String::from_utf8_lossy(&input[..input.len().min(80)]),
        o.stderr
    );
    assert!(
        o.stderr.contains(message),
        "expected {message:?} in: {}",
        o.stderr
    );
}

fn warns(input: &[u8], diagnostic: &str) -> Outcome {
    let o = run(input, &["why", "--format", "json"]);
    assert_eq!(o.code, Some(0), "stderr: {}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("JSON report");
    let kinds: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&diagnostic),
        "expected {diagnostic} in {kinds:?}"
    );
    o
}

#[test]
fn empty_and_whitespace() {
    fails_with(
        b"",
        "<stdin>: invalid JSON at line 1, column 1: the input is empty",
    );
    fails_with(
        b" \n\t \n",
        "invalid JSON at line 3, column 1: the input is empty",
    );
}

#[test]
fn not_json_and_not_an_object() {
    fails_with(
        b"<html>502 Bad Gateway</html>",
        "invalid JSON at line 1, column 1: expected value",
    );
    fails_with(b"[1, 2, 3]", "no pipeline run found");
    fails_with(b"\"pipelinerun\"", "no pipeline run found");
    fails_with(b"{\"pipelinerun\": 5}", "`pipelinerun` holding a number");
}

#[test]
fn truncated_at_many_cut_points() {
    let full = std::fs::read(crate::support::fixture(
        "trigger_rules_all_done_and_one_success.json",
    ))
    .unwrap();
    let step = full.len() / 40;
    for cut in (1..full.len()).step_by(step) {
        let o = run(&full[..cut], &["why"]);
        assert_eq!(o.code, Some(1), "cut at {cut}: {}", o.stderr);
        assert!(
            o.stderr.contains("invalid JSON at line"),
            "cut at {cut}: {}",
            o.stderr
        );
    }
}

#[test]
fn api_failure() {
    fails_with(
        br#"{"response_status": {"status": "failure", "status_code": 4403, "messages": [{"type": "error", "status_code": 4403}]}}"#,
        "the API returned an error (status code 4403): error (4403)",
    );
}

#[test]
fn cycles_and_self_dependencies() {
    fails_with(
        br#"{"pipelinerun": {"id": "1", "pipelinetaskinstancemappers": {"a": ["c"], "b": ["a"], "c": ["b"]}, "pipelinetaskinstances": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}}"#,
        "dependency cycle between stages: a -> b -> c -> a",
    );
    fails_with(
        br#"{"pipelinerun": {"id": "1", "pipelinetaskinstancemappers": {"9": ["9"]}, "pipelinetaskinstances": [{"id": "9"}]}}"#,
        "dependency cycle between stages: 9 -> 9",
    );
}

#[test]
fn unknown_and_duplicate_ids() {
    warns(br#"{"pipelinerun": {"id": "1", "pipelinetaskinstancemappers": {"2": ["404"]}, "pipelinetaskinstances": [{"id": "2"}]}}"#, "unknown_stage");
    warns(br#"{"pipelinerun": {"id": "1", "pipelinetaskinstancemappers": {"2": []}, "pipelinetaskinstances": [{"id": "2"}, {"id": "2"}]}}"#, "duplicate_stage");
}

#[test]
fn inverted_and_unreadable_timestamps() {
    warns(br#"{"pipelinerun": {"id": "1", "pipelinetaskinstancemappers": {"2": []}, "pipelinetaskinstances": [{"id": "2", "start_time": 2000, "completion_time": 1000}]}}"#, "inverted_timestamps");
    warns(br#"{"pipelinerun": {"id": "1", "created_time": "soon", "pipelinetaskinstancemappers": {"2": []}, "pipelinetaskinstances": [{"id": "2", "start_time": "2026-02-30T00:00:00Z"}]}}"#, "unreadable_timestamp");
}

#[test]
fn nesting_10_000_deep() {
    let doc = format!(
        "{{\"pipelinerun\": {{\"id\": \"1\", \"deep\": {}{}}}}}",
        "{\"a\":".repeat(10_000),
        "}".repeat(10_000)
    );
    fails_with(doc.as_bytes(), "nests deeper than 128 levels");
}

#[test]
fn invalid_utf8() {
    fails_with(
        b"{\"pipelinerun\": {\"id\": \"\xff\xfe\"}}",
        "invalid JSON at line 1, column",
    );
}

#[test]
fn a_number_with_100_000_digits() {
    let digits = "9".repeat(100_000);
    // In a counted field: a wrong-kind diagnostic.
    let doc = format!("{{\"pipelinerun\": {{\"id\": \"1\", \"row_count\": {digits}, \"pipelinetaskinstancemappers\": {{}}}}}}");
    warns(doc.as_bytes(), "wrong_kind");
    // As an id: kept digit for digit by the model, shortened in the output
    // (longer than 200 characters: beginning, `…`, hash of the whole).
    let doc = format!("{{\"pipelinerun\": {{\"id\": {digits}}}}}");
    let summary = dataprep_lineage::JobSummary::from_str(&doc).unwrap();
    assert_eq!(
        summary.run().id.get().map(|i| i.as_str()),
        Some(digits.as_str())
    );
    let o = run(doc.as_bytes(), &["why", "--format", "json"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(!o.stdout.contains(&digits));
    assert!(o
        .stdout
        .contains(&*dataprep_lineage::limits::shorten(&digits)));
}

#[test]
fn names_built_to_break_dot_and_mermaid_and_ids_that_collide_after_escaping() {
    // Ids that would collide if node names were derived from them: generated names keep them apart.
    let doc = br#"{"pipelinerun": {"id": "1", "pipelinetaskinstancemappers": {"a\"b": [], "a'b": ["a\"b"], "a b": ["a'b"], "a_b": ["a b"]},
        "pipelinetaskinstances": [{"id": "a\"b", "pipelinetask": {"name": "x\"]; y -> z [label=\""}}, {"id": "a'b", "pipelinetask": {"name": "end"}},
        {"id": "a b", "pipelinetask": {"name": "%%{init: {}}%%"}}, {"id": "a_b", "pipelinetask": {"name": "a\\\nb"}}]}}"#;
    let dot = run(doc, &["dot"]);
    assert_eq!(dot.code, Some(0));
    let stage_edges = dot
        .stdout
        .lines()
        .filter(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            t.len() >= 3 && t[0].starts_with('s') && t[1] == "->" && t[2].starts_with('s')
        })
        .count();
    assert_eq!(stage_edges, 3, "{}", dot.stdout);
    if let Some(result) = crate::outputs::graphviz_svg(&dot.stdout) {
        result.expect("dot accepts the output");
    }
    let mermaid = run(doc, &["mermaid"]);
    assert_eq!(mermaid.code, Some(0));
    assert_eq!(mermaid.stdout.matches(" --> ").count(), 3);
    assert!(!mermaid.stdout.contains("%%{"));
}

/// Found by the `structured` fuzz target: timestamps at the ends of i64
/// overflowed `start - completion` in the inverted-timestamp diagnostic.
#[test]
fn extreme_timestamps_do_not_overflow() {
    let doc = format!(
        r#"{{"pipelinerun": {{"id": "1", "created_time": {min}, "completion_time": {max}, "execution_status": 0,
        "pipelinetaskinstancemappers": {{"2": [], "3": ["2"]}},
        "pipelinetaskinstances": [{{"id": "2", "start_time": {max}, "completion_time": {min}}},
                                  {{"id": "3", "execution_status": 0, "start_time": {min}}}]}}}}"#,
        min = i64::MIN,
        max = i64::MAX
    );
    for cmd in ["why", "summary", "critical-path", "dot"] {
        let o = run(doc.as_bytes(), &[cmd]);
        assert_eq!(o.code, Some(0), "{cmd}: {}", o.stderr);
    }
    // i64::MIN and i64::MAX are no calendar's moments: unreadable (a
    // warning each), not durations of 292 million years.
    warns(doc.as_bytes(), "unreadable_timestamp");
}
