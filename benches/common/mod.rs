//! A generator of realistic synthetic Job Summary responses, for benchmarks
//! and the `generate` example. Same shape as the fixtures: every audit present,
//! nested users, JSON-in-string fields, 17-digit string ids.

#![allow(dead_code)]

use std::fmt::Write as _;

pub mod history;

/// The DAG shape of a generated pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Each stage depends on the one before.
    Chain,
    /// Layers of 10 stages, each depending on up to 3 stages of the layer above.
    Layered,
    /// Every stage but the last feeds the last.
    FanIn,
}

pub const T0: u64 = 1_795_847_400_000;
pub const BASE: u64 = 14_057_000_007_000_000;

fn user(out: &mut String, id: u64, name: &str) {
    let _ = write!(
        out,
        r#"{{"id":"{id}","zuid":"600100{id}","username":"{name}","email_id":"{}@example.com","invited_by":null,"invited_time":"{}","profile":{{"id":"{}","name":"Org Admin","is_default":true,"zuid":null,"permission":"7FFFFFFF"}},"status":1,"zsoid":"60010000001","profilelink":"https://profile.zoho.com/file?ID={id}&fs=thumb","has_more_rows":[false]}}"#,
        name.to_lowercase().replace(' ', "."),
        T0 - 86_400_000,
        id + 1
    );
}

fn connection(out: &mut String, id: u64, name: &str, ctype: u32, service: &str) {
    let _ = write!(
        out,
        r#"{{"id":"{id}","name":"{name}","connection_json":"{{\"servicename\":\"{service}\",\"accountId\":\"{}\",\"display_email\":\"integrations@example.com\",\"display_name\":\"{name}\",\"is_authorised\":true}}","type":"{ctype}","created_by":"#,
        id + 7
    );
    user(out, id + 1, "Priya Raman");
    out.push_str(",\"owner\":");
    user(out, id + 1, "Priya Raman");
    let _ = write!(out, r#","created_time":"{}","modified_by":"#, T0 - 864_000);
    user(out, id + 1, "Priya Raman");
    let _ = write!(
        out,
        r#","modtime":"{}","status":1,"category":null,"base_type":"{service}","sub_type":null}}"#,
        T0 - 86_400
    );
}

/// A response with `n` stages of the given shape; every `fail_every`-th
/// stage fails (0: none) when it runs.
///
/// As in a real run, a stage downstream of a failure never runs (every
/// generated stage has the `ALL_SUCCESS` rule): it is left `created`, without
/// start or completion times, its audits still present.
pub fn generate(n: usize, shape: Shape, fail_every: usize) -> String {
    let fates = (0..n)
        .map(|i| {
            if fail_every > 0 && i % fail_every == fail_every / 2 {
                Fate::Fail {
                    ms: 500 + (i as u64 * 37) % 400,
                    message: format!("Stage {i} failed: column 'amount_{i}' not found"),
                }
            } else {
                Fate::Success {
                    ms: 500 + (i as u64 * 37) % 400,
                }
            }
        })
        .collect();
    generate_run(&RunSpec {
        shape,
        fates,
        ..RunSpec::default()
    })
}

/// What a generated stage does when nothing upstream stopped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Succeeds after `ms`.
    Success { ms: u64 },
    /// Fails after `ms` with `message`.
    Fail { ms: u64, message: String },
    /// Started and still running.
    Running,
}

/// One generated run: which pipeline, when, and each stage's fate (one
/// stage per fate).
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// DAG shape.
    pub shape: Shape,
    /// Per stage, in id order.
    pub fates: Vec<Fate>,
    /// The run id; task instance ids are derived from it, so that every
    /// run has its own, while task definition ids stay the same.
    pub run_id: u64,
    /// `created_time`, epoch ms.
    pub created: u64,
    /// The pipeline's id and name.
    pub pipeline_id: u64,
    pub pipeline_name: String,
    /// Stage names by position; a stage without one is "stage {i} of the
    /// nightly load".
    pub names: Vec<String>,
}

impl Default for RunSpec {
    fn default() -> Self {
        RunSpec {
            shape: Shape::Layered,
            fates: Vec::new(),
            run_id: BASE,
            created: T0,
            pipeline_id: BASE + 5,
            pipeline_name: "Nightly sales load".to_owned(),
            names: Vec::new(),
        }
    }
}

/// A response for `spec`. As in a real run, a stage downstream of a
/// failure (or of a stage still running) never runs: it is left `created`,
/// without start or completion times, its audits still present. Stages run
/// one after another in id order, each starting 100 ms after the one before
/// completed.
pub fn generate_run(spec: &RunSpec) -> String {
    let n = spec.fates.len();
    let shape = spec.shape;
    let t0 = spec.created;
    let mut out = String::with_capacity(n * 6000);
    let run_id = spec.run_id;
    // Instance ids: new in every run (offset by the run id); task
    // definition ids (`id + 1` below) fixed by position: BASE + 1000 + 100i + 1.
    let offset = run_id.wrapping_sub(BASE).wrapping_mul(1_000_000);
    let stage_id = |i: usize| BASE + 1000 + (i as u64) * 100;
    let instance_id = |i: usize| stage_id(i).wrapping_add(offset);
    let parents = |i: usize| -> Vec<usize> {
        match shape {
            Shape::Chain => {
                if i == 0 {
                    vec![]
                } else {
                    vec![i - 1]
                }
            }
            Shape::FanIn => {
                if i + 1 == n {
                    (0..i).collect()
                } else {
                    vec![]
                }
            }
            Shape::Layered => {
                let layer = i / 10;
                if layer == 0 {
                    return vec![];
                }
                let above = (layer - 1) * 10;
                let mut p: Vec<usize> = (0..3)
                    .map(|k| above + (i * 7 + k * 3) % 10)
                    .filter(|&p| p < i)
                    .collect();
                p.sort_unstable();
                p.dedup();
                p
            }
        }
    };
    // Parents come before children, so one pass settles who never ran and
    // when each stage started and completed.
    let mut not_run = vec![false; n];
    let mut failed_at = vec![false; n];
    let mut running = vec![false; n];
    let mut times: Vec<(u64, Option<u64>)> = vec![(0, None); n];
    let mut clock = t0;
    for i in 0..n {
        let upstream = parents(i)
            .iter()
            .any(|&p| failed_at[p] || not_run[p] || running[p]);
        not_run[i] = upstream;
        if upstream {
            continue;
        }
        let start = clock + 100;
        match &spec.fates[i] {
            Fate::Success { ms } => times[i] = (start, Some(start + ms)),
            Fate::Fail { ms, .. } => {
                failed_at[i] = true;
                times[i] = (start, Some(start + ms));
            }
            Fate::Running => {
                running[i] = true;
                times[i] = (start, None);
            }
        }
        clock = times[i].1.unwrap_or(start);
    }
    let run_status = if running.iter().any(|&r| r) {
        0
    } else if failed_at.iter().any(|&f| f) {
        -1
    } else {
        1
    };
    let end_of_run = clock + 100;
    let _ = write!(
        out,
        r#"{{"pipelinerun":{{"id":"{run_id}","execution_status":{},"type":1,"created_time":{t0},"modified_time":{},"completion_time":{},"skip_export_invalid_data":true,"status":1,"storage_used":1048576,"row_count":4210,"pipelineaudit":{{"id":"{}","is_committed":"1","pipeline":{{"id":"{}","name":"{}"}},"status":1}},"created_by":"#,
        run_status,
        end_of_run,
        if run_status == 0 {
            "null".to_owned()
        } else {
            end_of_run.to_string()
        },
        run_id + 7,
        spec.pipeline_id,
        spec.pipeline_name
    );
    user(&mut out, BASE + 11, "Priya Raman");
    out.push_str(",\"modified_by\":");
    user(&mut out, BASE + 21, "Marco Ruiz");
    out.push_str(r#","pipelinetaskinstancemappers":{"#);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"{}\":[", instance_id(i));
        for (k, p) in parents(i).iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{}\"", instance_id(*p));
        }
        out.push(']');
    }
    out.push_str("},\"pipelinetaskinstances\":[");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let id = instance_id(i);
        let task_id = stage_id(i) + 1;
        let failed = failed_at[i];
        let status: i32 = if failed {
            -1
        } else if not_run[i] {
            2
        } else if running[i] {
            0
        } else {
            1
        };
        let kind = match i % 3 {
            0 => 5,
            1 => 10,
            _ => 20,
        };
        // Times as JSON values: quoted digit strings, or null for a stage
        // that never ran (or has not completed).
        let (start, end) = if not_run[i] {
            ("null".to_owned(), "null".to_owned())
        } else {
            (
                format!("\"{}\"", times[i].0),
                times[i]
                    .1
                    .map_or_else(|| "null".to_owned(), |e| format!("\"{e}\"")),
            )
        };
        let message = match &spec.fates[i] {
            Fate::Fail { message, .. } if failed => {
                serde_json::to_string(message).unwrap_or_else(|_| "null".to_owned())
            }
            _ => "null".to_owned(),
        };
        let name = spec.names.get(i).map_or_else(
            || format!("\"stage {i} of the nightly load\""),
            |n| serde_json::to_string(n).unwrap_or_else(|_| "null".to_owned()),
        );
        let _ = write!(
            out,
            r#"{{"id":"{id}","pipelinerun":{{"id":"{run_id}","execution_status":1,"type":1}},"pipelinetask":{{"id":"{task_id}","name":{name},"type":{kind},"pipeline":{{"id":"{}"}},"created_by":"#,
            spec.pipeline_id
        );
        user(&mut out, id + 2, "Priya Raman");
        let _ = write!(out, r#","created_time":{},"modified_by":"#, T0 - 1000);
        user(&mut out, id + 4, "Marco Ruiz");
        let _ = write!(
            out,
            r#","modified_time":{},"status":1,"latest_only":false,"depends_on_past":false,"trigger_rule":"ALL_SUCCESS","client_meta":"{{\"top\":235,\"left\":{},\"version\":1}}","weight":1}},"execution_status":{status},"index":{i},"created_time":"{}","start_time":{start},"completion_time":{end},"client_meta":"{{\"top\":235,\"left\":{},\"version\":1}}","message":{message},"operator_id":"com.zoho.dataprep.operator.ZSOrchOperator","retry_count":0,"storage_used":"20480","row_count":"1840","status":1,"time_to_live":"{}""#,
            t0 - 500,
            i * 40,
            t0,
            i * 40,
            t0 + 86_400_000
        );
        match kind {
            5 => {
                let _ = write!(
                    out,
                    r#","rawdatasetaudit":{{"id":"{}","audit_time":{end},"is_referred":false,"datasourceaudit":{{"id":"{}","execution_status":{status},"streams_info":"{{\"{}\":{{\"size\":20480,\"catalog_stream_id\":\"{}\",\"execution_status\":\"{}\",\"progress\":100}}}}","killed_batch_catalog_ids":null,"completed_time":{end},"status":1,"type":1,"error_message":{message},"logs":[]}},"rawdatasetconfigaudit":{{"id":"{}"}},"rawdataset":{{"id":"{}","name":"public.table_{i}","replication_frequency":null,"created_time":{T0},"modtime":null,"status":1,"pipelinedatasource":{{"id":"{}","name":"source {}","replication_type":"FULL","status":1,"project":{{"id":"{}"}},"connection":"#,
                    id + 10,
                    id + 11,
                    id + 12,
                    id + 12,
                    if failed { "FAILURE" } else { "SUCCESS" },
                    id + 13,
                    id + 14,
                    BASE + 100 + (i % 5) as u64,
                    i % 5,
                    BASE + 3
                );
                connection(
                    &mut out,
                    BASE + 200 + (i % 5) as u64 * 10,
                    "shop-db (MySQL)",
                    5,
                    "mysql",
                );
                let _ = write!(out, r#"}}}},"status":1,"error_message":{message}}}"#);
            }
            10 => {
                let _ = write!(
                    out,
                    r#","datasetaudit":{{"id":"{}","created_time":{end},"audit_time":{start},"completion_time":{end},"execution_status":{status},"description":null,"dataset":{{"id":"{}","name":"dataset_{i}","description":null,"status":1,"is_ready":true,"is_pii_marked":false,"project":{{"id":"{}"}},"selected_sample":{{"id":"{}"}}}},"exportcatalogaudit":null,"rulesetaudit":{{"id":"{}","audit_time":{start},"is_committed":"1","ruleset":{{"id":"{}"}},"status":1,"rules_count":12}},"modtime":{end},"status":1,"type":1,"error_message":{message},"datasetstate":{{"id":"{}","datasetaudit":{{"id":"{}"}},"execution_status":{status},"is_error":{failed},"error_message":{message}}},"rules_count":12}}"#,
                    id + 10,
                    id + 11,
                    BASE + 3,
                    id + 12,
                    id + 13,
                    id + 14,
                    id + 15,
                    id + 10
                );
            }
            _ => {
                let _ = write!(
                    out,
                    r#","datasetexportaudit":{{"id":"{}","dsauditstatefile":{{"id":"{}"}},"datasinkaudit":{{"id":"{}"}},"datasetexport":{{"id":"{}","dataset":{{"id":"{}","name":"dataset_{}"}},"datasink":{{"id":"{}","status":1,"project":{{"id":"{}"}},"connection":"#,
                    id + 10,
                    id + 11,
                    id + 12,
                    id + 13,
                    instance_id(i.saturating_sub(1)) + 11,
                    i.saturating_sub(1),
                    BASE + 300 + (i % 3) as u64,
                    BASE + 3
                );
                connection(
                    &mut out,
                    BASE + 400 + (i % 3) as u64 * 10,
                    "Sales dashboards - Zoho Analytics",
                    11,
                    "zohoanalytics",
                );
                let _ = write!(
                    out,
                    r#"}},"status":1,"datasetexportaudit":{{"id":"{}"}}}},"datasetexportconfigaudit":{{"id":"{}"}},"created_time":{end},"error_message":{message},"info":"{{\"currentRetry\":0}}","execution_status":{status},"progress":100,"status":1,"type":1,"datasetexportauditmetric":{{"id":"{}","row_count":"208","col_count":"14","size":"48213","status":1,"datasetexportaudit":{{"id":"{}"}},"quality":"{{\"valid\":57,\"invalid\":{},\"missing\":151}}"}}}}"#,
                    id + 10,
                    id + 14,
                    id + 15,
                    id + 10,
                    if failed { 3 } else { 0 }
                );
            }
        }
        out.push('}');
    }
    out.push_str(r#"]},"response_status":{"status":"success","status_code":2000,"messages":[{"type":"success","status_code":2000}]}}"#);
    out
}

/// A minimal chain of `n` stages: ids, statuses, times and mappers only.
/// The stages before `failed_at` succeeded, that one failed, the rest never
/// ran.
pub fn minimal_chain(n: usize, failed_at: usize) -> String {
    let mut s = String::with_capacity(n * 80);
    s.push_str(
        "{\"pipelinerun\":{\"id\":\"1\",\"execution_status\":-1,\"pipelinetaskinstancemappers\":{",
    );
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        if i == 0 {
            s.push_str("\"0\":[]");
        } else {
            let _ = write!(s, "\"{i}\":[\"{}\"]", i - 1);
        }
    }
    s.push_str("},\"pipelinetaskinstances\":[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let status = match i.cmp(&failed_at) {
            std::cmp::Ordering::Less => 1,
            std::cmp::Ordering::Equal => -1,
            std::cmp::Ordering::Greater => 2,
        };
        let _ = write!(s, "{{\"id\":\"{i}\",\"execution_status\":{status},\"start_time\":{},\"completion_time\":{}}}", i * 10, i * 10 + 5);
    }
    s.push_str("]}}");
    s
}
