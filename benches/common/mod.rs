//! A generator of realistic synthetic Job Summary responses, for benchmarks
//! and the `generate` example. Same shape as the fixtures: every audit present,
//! nested users, JSON-in-string fields, 17-digit string ids.

#![allow(dead_code)]

use std::fmt::Write as _;

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

const T0: u64 = 1_795_847_400_000;
const BASE: u64 = 14_057_000_007_000_000;

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
    let mut out = String::with_capacity(n * 6000);
    let run_id = BASE;
    let stage_id = |i: usize| BASE + 1000 + (i as u64) * 100;
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
    let _ = write!(
        out,
        r#"{{"pipelinerun":{{"id":"{run_id}","execution_status":{},"type":1,"created_time":{T0},"modified_time":{},"completion_time":{},"skip_export_invalid_data":true,"status":1,"storage_used":1048576,"row_count":4210,"created_by":"#,
        if fail_every > 0 { -1 } else { 1 },
        T0 + n as u64 * 1000,
        T0 + n as u64 * 1000
    );
    user(&mut out, BASE + 11, "Priya Raman");
    out.push_str(",\"modified_by\":");
    user(&mut out, BASE + 21, "Marco Ruiz");
    out.push_str(r#","pipelinetaskinstancemappers":{"#);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"{}\":[", stage_id(i));
        for (k, p) in parents(i).iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{}\"", stage_id(*p));
        }
        out.push(']');
    }
    out.push_str("},\"pipelinetaskinstances\":[");
    // Parents come before children, so one pass settles who never ran.
    let mut not_run = vec![false; n];
    let mut failed_at = vec![false; n];
    for i in 0..n {
        let upstream_failed = parents(i).iter().any(|&p| failed_at[p] || not_run[p]);
        not_run[i] = upstream_failed;
        failed_at[i] = !upstream_failed && fail_every > 0 && i % fail_every == fail_every / 2;
    }
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let id = stage_id(i);
        let failed = failed_at[i];
        let status: i32 = if failed {
            -1
        } else if not_run[i] {
            2
        } else {
            1
        };
        let kind = match i % 3 {
            0 => 5,
            1 => 10,
            _ => 20,
        };
        let start = T0 + i as u64 * 1000 + 100;
        let end = start + 500 + (i as u64 * 37) % 400;
        // Times as JSON values: quoted digit strings, or null for a stage that never ran.
        let (start, end) = if not_run[i] {
            ("null".to_owned(), "null".to_owned())
        } else {
            (format!("\"{start}\""), format!("\"{end}\""))
        };
        let message = if failed {
            format!("\"Stage {i} failed: column 'amount_{i}' not found\"")
        } else {
            "null".to_owned()
        };
        let _ = write!(
            out,
            r#"{{"id":"{id}","pipelinerun":{{"id":"{run_id}","execution_status":1,"type":1}},"pipelinetask":{{"id":"{}","name":"stage {i} of the nightly load","type":{kind},"pipeline":{{"id":"{}"}},"created_by":"#,
            id + 1,
            BASE + 5
        );
        user(&mut out, id + 2, "Priya Raman");
        let _ = write!(out, r#","created_time":{},"modified_by":"#, T0 - 1000);
        user(&mut out, id + 4, "Marco Ruiz");
        let _ = write!(
            out,
            r#","modified_time":{},"status":1,"latest_only":false,"depends_on_past":false,"trigger_rule":"ALL_SUCCESS","client_meta":"{{\"top\":235,\"left\":{},\"version\":1}}","weight":1}},"execution_status":{status},"index":{i},"created_time":"{}","start_time":{start},"completion_time":{end},"client_meta":"{{\"top\":235,\"left\":{},\"version\":1}}","message":{message},"operator_id":"com.zoho.dataprep.operator.ZSOrchOperator","retry_count":0,"storage_used":"20480","row_count":"1840","status":1,"time_to_live":"{}""#,
            T0 - 500,
            i * 40,
            T0,
            i * 40,
            T0 + 86_400_000
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
                    stage_id(i.saturating_sub(1)) + 11,
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
