//! How fast could *any* parse that reads the analyses' fields with serde_json
//! be? A measurement for BENCHMARKS.md ("What remains"), not part of the
//! product.
//!
//! ```sh
//! cargo run --release --example generate -- 10000 layered 97 > run.json
//! cargo run --release --example lower_bound -- run.json 15
//! ```
//!
//! It times, on the same bytes and taking each one's minimum over the
//! iterations: the floor of BENCHMARKS.md (`serde_json::from_slice::<IgnoredAny>`),
//! and a parse by plain `#[derive(Deserialize)]` structs that borrow, after the
//! one UTF-8 validation the product must make. Those structs keep only what the
//! graph and the analyses read of a stage — its id, name, type, trigger rule,
//! status, times and message — and hold the four audit lists and every id as
//! unread `RawValue`s: fewer fields than the graph needs (its data nodes come
//! from the audits), no diagnostic for a wrong kind, nothing decoded. So no
//! design built on serde_json can parse faster than this, and the figure it
//! prints bounds what a redesign of the model could win.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

// The parse is the point: serde writes these fields and nothing reads them.
#[allow(dead_code)]
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    pipelinerun: Run<'a>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Run<'a> {
    #[serde(borrow, default, deserialize_with = "mappers")]
    pipelinetaskinstancemappers: Vec<(&'a str, Vec<&'a RawValue>)>,
    #[serde(borrow, default)]
    pipelinetaskinstances: Vec<Instance<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Instance<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    pipelinetask: Option<Task<'a>>,
    #[serde(borrow)]
    execution_status: Option<&'a RawValue>,
    #[serde(borrow)]
    created_time: Option<&'a RawValue>,
    #[serde(borrow)]
    start_time: Option<&'a RawValue>,
    #[serde(borrow)]
    completion_time: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
    #[serde(borrow)]
    rawdatasetaudit: Option<&'a RawValue>,
    #[serde(borrow)]
    datasetaudit: Option<&'a RawValue>,
    #[serde(borrow)]
    datasetexportaudit: Option<&'a RawValue>,
    #[serde(borrow)]
    datasourceaudit: Option<&'a RawValue>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Task<'a> {
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    stage_type: Option<&'a RawValue>,
    #[serde(borrow)]
    trigger_rule: Option<&'a RawValue>,
}

/// The mappers in document order, without a map's ordering work.
fn mappers<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<(&'de str, Vec<&'de RawValue>)>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<(&'de str, Vec<&'de RawValue>)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of child id to parent ids")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::new();
            while let Some(child) = map.next_key::<&'de str>()? {
                entries.push((child, map.next_value()?));
            }
            Ok(entries)
        }
    }
    d.deserialize_map(V)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: lower_bound FILE [ITERATIONS]");
        return ExitCode::from(2);
    };
    let iterations: u32 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let (mut floor, mut parse) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..iterations.max(1) {
        let start = Instant::now();
        black_box(serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok());
        floor = floor.min(start.elapsed().as_secs_f64() * 1000.0);

        let start = Instant::now();
        let parsed = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| serde_json::from_str::<Envelope>(text).ok());
        let Some(envelope) = parsed else {
            eprintln!("{path}: not a job summary in the documented envelope");
            return ExitCode::from(1);
        };
        // The fields are written, never read: `black_box` keeps the parse.
        drop(black_box(envelope));
        parse = parse.min(start.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "floor {floor:.2} ms, lower-bound parse {parse:.2} ms ({:.2}x the floor)",
        parse / floor
    );
    ExitCode::SUCCESS
}
