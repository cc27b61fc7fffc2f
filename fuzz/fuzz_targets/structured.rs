//! Arbitrary JSON shaped like a job summary: random DAG mappers (cycles
//! included), statuses, rules, timestamps of every encoding, random names.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use serde_json::{json, Value};

#[derive(Debug, Arbitrary)]
struct Stage {
    id: u16,
    numeric_id: bool,
    status: i8,
    status_as_string: bool,
    rule: u8,
    name: String,
    parents: Vec<u16>,
    start: Time,
    end: Time,
    message: Option<String>,
}

#[derive(Debug, Arbitrary)]
enum Time {
    Missing,
    Number(i64),
    Digits(u32),
    Rfc3339(u8, u8, u8),
    Text(String),
    Bool(bool),
}

const RULES: [&str; 8] = ["ALL_SUCCESS", "one_success", "ALL_DONE", "NONE_FAILED", "ALWAYS", "???", "", "all_done_min_one_success"];

fn time(t: &Time) -> Value {
    match t {
        Time::Missing => Value::Null,
        Time::Number(n) => json!(n),
        Time::Digits(n) => json!(n.to_string()),
        Time::Rfc3339(h, m, s) => json!(format!("2026-11-28T{:02}:{:02}:{:02}Z", h % 30, m % 70, s % 70)),
        Time::Text(s) => json!(s),
        Time::Bool(b) => json!(b),
    }
}

libfuzzer_sys::fuzz_target!(|input: (Vec<Stage>, i8, bool)| {
    let (stages, run_status, envelope) = input;
    let id = |s: u16, numeric: bool| if numeric { json!(s) } else { json!(s.to_string()) };
    let instances: Vec<Value> = stages
        .iter()
        .map(|s| {
            json!({
                "id": id(s.id, s.numeric_id),
                "execution_status": if s.status_as_string { json!(s.status.to_string()) } else { json!(s.status % 5) },
                "start_time": time(&s.start),
                "completion_time": time(&s.end),
                "message": s.message,
                "pipelinetask": {"name": s.name, "type": 10, "trigger_rule": RULES[s.rule as usize % RULES.len()]},
            })
        })
        .collect();
    let mappers: serde_json::Map<String, Value> = stages
        .iter()
        .map(|s| (s.id.to_string(), json!(s.parents.iter().map(|p| p.to_string()).collect::<Vec<_>>())))
        .collect();
    let run = json!({"id": "1", "execution_status": run_status % 4, "created_time": 0,
        "pipelinetaskinstancemappers": mappers, "pipelinetaskinstances": instances});
    let doc = if envelope { json!({"pipelinerun": run, "response_status": {"status": "success", "status_code": 2000}}) } else { run };
    common::exercise(doc.to_string().as_bytes());
});
