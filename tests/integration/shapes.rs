//! Hostile shapes of input, each built to make one part of the work
//! explode (docs/semantics.md#bounded-output). Shared by the hostile tests
//! and the `shapes` fuzz target (which includes this file by path).

/// A stage of a generated run, as JSON text.
pub fn stage(id: &str, status: i64, name: &str) -> String {
    format!(
        r#"{{"id": {}, "execution_status": {status}, "pipelinetask": {{"id": {}, "name": {}, "type": 4}}}}"#,
        json(id),
        json(&format!("t{id}")),
        json(name)
    )
}

pub fn json(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// A run document from stage texts and (child, parents) mapper entries.
pub fn run_doc(stages: &[String], mappers: &[(String, Vec<String>)]) -> String {
    let mut m = String::from("{");
    for (i, (child, parents)) in mappers.iter().enumerate() {
        if i > 0 {
            m.push(',');
        }
        let parents: Vec<String> = parents.iter().map(|p| json(p)).collect();
        m.push_str(&format!("{}: [{}]", json(child), parents.join(",")));
    }
    m.push('}');
    format!(
        r#"{{"pipelinerun": {{"id": "1", "execution_status": -1, "created_time": 1700000000000, "pipelinetaskinstancemappers": {m}, "pipelinetaskinstances": [{}]}}}}"#,
        stages.join(",")
    )
}

/// A stage's copy of the run, nested in itself `depth` times, a message at
/// the bottom (the evidence walk must not follow it all the way down).
pub fn nested_run_copies(depth: usize) -> String {
    let open =
        r#"{"id": "r", "pipelinetaskinstances": [{"id": "s", "message": "deep", "pipelinerun": "#;
    let close = "}]}";
    let nested = format!("{}{{}}{}", open.repeat(depth), close.repeat(depth));
    format!(
        r#"{{"pipelinerun": {{"id": "1", "execution_status": -1, "pipelinetaskinstancemappers": {{"1": []}}, "pipelinetaskinstances": [{{"id": "1", "execution_status": -1, "pipelinerun": {nested}}}]}}}}"#
    )
}

/// One mapper key of 100 KB whose parents are `n` values of the wrong kind.
pub fn long_mapper_key(n: usize) -> String {
    let key = "k".repeat(100_000);
    let parents = vec!["true"; n].join(",");
    format!(
        r#"{{"pipelinerun": {{"id": "1", "execution_status": -1, "pipelinetaskinstancemappers": {{{}: [{parents}]}}, "pipelinetaskinstances": [{}]}}}}"#,
        json(&key),
        stage(&key, -1, "x")
    )
}

/// An unknown field with a 100 KB key holding `n` messages, on a stage that
/// succeeded (skimmed by the parser, never evidence).
pub fn messages_under_a_long_key(n: usize) -> String {
    let key = "u".repeat(100_000);
    let messages = vec![r#"{"message": "m"}"#; n].join(",");
    let st = format!(
        r#"{{"id": "1", "execution_status": 1, {}: [{messages}]}}"#,
        json(&key)
    );
    run_doc(&[st], &[("1".into(), vec![])])
}

/// `n` failed roots, each with its (empty) mapper entry: the ids, stage
/// texts and mapper entries the shapes that start from them extend.
#[allow(clippy::type_complexity)]
fn failed_roots(n: usize) -> (Vec<String>, Vec<String>, Vec<(String, Vec<String>)>) {
    let roots: Vec<String> = (0..n).map(|i| format!("{}", 1_000_000 + i)).collect();
    let stages = roots.iter().map(|r| stage(r, -1, "root")).collect();
    let mappers = roots.iter().map(|r| (r.clone(), vec![])).collect();
    (roots, stages, mappers)
}

/// `n` failed roots all feeding the first of an `n`-stage chain.
pub fn roots_into_a_chain(n: usize) -> String {
    let (roots, mut stages, mut mappers) = failed_roots(n);
    for j in 0..n {
        let id = chain_id(j, n);
        stages.push(stage(&id, 2, "chain"));
        let parents = if j == 0 {
            roots.clone()
        } else {
            vec![chain_id(j - 1, n)]
        };
        mappers.push((id, parents));
    }
    run_doc(&stages, &mappers)
}

/// The id of step `j` of an `n`-step chain: the last is "9", which the
/// hostile runs trace with `why --stage 9` (every root is its culprit, at
/// the end of an `n`-stage path).
fn chain_id(j: usize, n: usize) -> String {
    if j + 1 == n {
        "9".into()
    } else {
        format!("{}", 2_000_000 + j)
    }
}

/// A chain whose every step also has a failed root of its own.
pub fn ladder(n: usize) -> String {
    let mut stages = Vec::new();
    let mut mappers = Vec::new();
    for j in 0..n {
        let root = format!("{}", 1_000_000 + j);
        let step = format!("{}", 2_000_000 + j);
        stages.push(stage(&root, -1, "rung"));
        stages.push(stage(&step, 2, "step"));
        mappers.push((root.clone(), vec![]));
        let mut parents = vec![root];
        if j > 0 {
            parents.push(format!("{}", 2_000_000 + j - 1));
        }
        mappers.push((step, parents));
    }
    run_doc(&stages, &mappers)
}

/// `n` roots feeding one stage with a 100 KB name, and one more 100 KB name.
pub fn long_names(n: usize) -> String {
    let (roots, mut stages, mut mappers) = failed_roots(n);
    stages.push(stage("9", 2, &"N".repeat(100_000)));
    mappers.push(("9".into(), roots));
    stages.push(stage("8", 1, &"M".repeat(100_000)));
    mappers.push(("8".into(), vec![]));
    run_doc(&stages, &mappers)
}

/// `n` roots feeding one export that writes `n` export targets.
pub fn roots_into_many_targets(n: usize) -> String {
    let (roots, mut stages, mut mappers) = failed_roots(n);
    let audits: Vec<String> = (0..n)
        .map(|t| {
            format!(
                r#"{{"id": "a{t}", "datasetexport": {{"id": "e{t}", "datasink": {{"id": "sink{t}", "connection": {{"name": "target {t}"}}}}}}}}"#
            )
        })
        .collect();
    stages.push(format!(
        r#"{{"id": "9", "execution_status": 2, "pipelinetask": {{"name": "export", "type": 5}}, "datasetexportaudit": [{}]}}"#,
        audits.join(",")
    ));
    mappers.push(("9".into(), roots));
    run_doc(&stages, &mappers)
}

/// `n` stages with four oddities each: an unknown trigger rule, an
/// unreadable and an inverted timestamp, and no mapper entry.
pub fn anomalies(n: usize) -> String {
    let stages: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id": "{i}", "execution_status": -1, "start_time": 2000, "completion_time": 1000, "created_time": "yesterday", "pipelinetask": {{"trigger_rule": "SOMETIMES"}}}}"#
            )
        })
        .collect();
    run_doc(&stages, &[("none".into(), vec![])])
}

/// One failed stage whose message is `n` KB long.
pub fn long_message(n: usize) -> String {
    let st = format!(
        r#"{{"id": "1", "execution_status": -1, "message": {}}}"#,
        json(&"boom ".repeat(n * 200))
    );
    run_doc(&[st], &[("1".into(), vec![])])
}

/// `n` failed roots all feeding an `n`-stage chain of exports, each writing
/// its own target: every root cause blocks `n` stages and reaches `2n`
/// stages and data nodes (the caps multiply unless one budget holds them).
pub fn roots_into_an_export_chain(n: usize) -> String {
    let (roots, mut stages, mut mappers) = failed_roots(n);
    for j in 0..n {
        let id = chain_id(j, n);
        stages.push(format!(
            r#"{{"id": "{id}", "execution_status": 2, "pipelinetask": {{"name": "export", "type": 5}}, "datasetexportaudit": [{{"id": "a{j}", "datasetexport": {{"id": "e{j}", "datasink": {{"id": "sink{j}"}}}}}}]}}"#
        ));
        let parents = if j == 0 {
            roots.clone()
        } else {
            vec![chain_id(j - 1, n)]
        };
        mappers.push((id, parents));
    }
    run_doc(&stages, &mappers)
}

/// One failed import whose `streams_info` lists `n` failed streams (each a
/// line of evidence).
pub fn many_failed_streams(n: usize) -> String {
    let streams: Vec<String> = (0..n)
        .map(|i| format!(r#""{i}": {{"execution_status": "FAILURE", "size": {i}}}"#))
        .collect();
    let info = json(&format!("{{{}}}", streams.join(",")));
    let st = format!(
        r#"{{"id": "1", "execution_status": -1, "datasourceaudit": [{{"id": "d", "streams_info": {info}}}]}}"#
    );
    run_doc(&[st], &[("1".into(), vec![])])
}

pub type Make = fn(usize) -> String;

/// Each shape with a size small enough for the test suite.
pub const SHAPES: [(&str, Make, usize); 11] = [
    ("nested run copies", nested_run_copies, 2_000),
    ("a long mapper key", long_mapper_key, 1_000),
    (
        "messages under a long key",
        messages_under_a_long_key,
        2_000,
    ),
    ("roots into a chain", roots_into_a_chain, 300),
    ("a ladder", ladder, 500),
    ("long names", long_names, 200),
    ("roots into many targets", roots_into_many_targets, 150),
    ("four anomalies per stage", anomalies, 2_000),
    ("a long message", long_message, 1_000),
    (
        "roots into an export chain",
        roots_into_an_export_chain,
        300,
    ),
    ("many failed streams", many_failed_streams, 5_000),
];
