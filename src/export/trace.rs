//! The run as a Chrome trace (Trace Event Format, JSON object form) that
//! Perfetto (<https://ui.perfetto.dev>) and `chrome://tracing` open: where
//! the time went, stage by stage.
//!
//! # Design
//!
//! One process is the run. Track 0, sorted first, is the **critical path**
//! (the path of `critical-path`, stage for stage): its stages laid end to
//! end at their earliest finishes, so the track reads as the chain that
//! decided the run's length. Then one track per stage, sorted by its
//! topological position, with one complete event (`X`) from its start for
//! its duration — the duration of `critical-path`, so a running stage
//! lasts until the document's latest timestamp (SPEC §4). A stage that
//! never started is an instant event (`i`) where it would have started —
//! when the last of its parents that ran ended, else at its created time,
//! else at the run's latest timestamp — with its culprits. Every
//! dependency between two stages that started is a flow: `s` on the
//! parent's track at the start of its slice, `f` with `bp: "e"` on the
//! child's track at the start of the child's slice, both with the slices'
//! `cat` (`stage`), the `s` written first (SPEC §8).
//!
//! Why at the starts: the Trace Event Format binds an `s` to the slice that
//! encloses it, and Perfetto and catapult do; the Chrome DevTools trace
//! engine binds a flow event only to an event of the same `ts`, `pid`,
//! `tid` and `cat` (its `FlowsHandler`), ignoring `bp`. A slice's start is
//! both. So a slice's `cat` is the same for every stage, and its status is
//! in `args.status` and its colour in `cname` (catapult's reserved names:
//! `good`, `terrible`, …). One limit stays: DevTools keys a flow's ends by
//! time, so a dependency whose parent and child start in the same
//! microsecond (a parent of 0 ms) is drawn by Perfetto but not by DevTools.
//!
//! Times are integer microseconds from the run's created time (or from an
//! earlier stage time, so that no time is negative); the absolute start is
//! in `otherData.start`. A slice lasts at least 1 µs, so a stage of 0 ms
//! still shows; on the critical-path track such a slice pushes the next
//! one 1 µs later, so slices never overlap. No time exceeds 2^53 − 1 µs
//! (a year-9999 timestamp is cut there), so every viewer reads it exactly.

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::analysis::Analysis;
use crate::graph::StageIx;
use crate::status::Status;

use super::{rfc3339_ms, CULPRITS_SHOWN};

/// The process id of the run.
const PID: u32 = 1;
/// The track of the critical path.
const CRITICAL_TID: u64 = 0;

/// The track of the stage at topological position `position`.
fn tid(position: usize) -> u64 {
    position as u64 + 1
}

/// Where a started stage's slice is, in µs from the origin.
#[derive(Debug, Clone, Copy)]
struct Slice {
    ts: i64,
    dur: i64,
}

/// Writes the trace of `a` as one JSON object, an event per line.
/// O(V + E) events; memory a few words per stage.
pub fn write_trace(out: &mut dyn Write, a: &Analysis<'_, '_>) -> io::Result<()> {
    let t = Tracer::new(a);
    out.write_all(b"{\"displayTimeUnit\":\"ms\",\"otherData\":")?;
    serde_json::to_writer(&mut *out, &t.other_data())?;
    out.write_all(b",\"traceEvents\":[\n")?;
    let mut first = true;
    let mut write = |e: Value| -> io::Result<()> {
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut *out, &e).map_err(io::Error::from)
    };
    t.each_event(&mut write)?;
    out.write_all(b"\n]}\n")
}

/// The trace of `a` as a value (what [`write_trace`] writes).
pub fn trace(a: &Analysis<'_, '_>) -> Value {
    let t = Tracer::new(a);
    let mut events = Vec::new();
    let _ = t.each_event(&mut |e| {
        events.push(e);
        Ok(())
    });
    json!({"displayTimeUnit": "ms", "otherData": t.other_data(), "traceEvents": events})
}

struct Tracer<'r, 'g, 'a> {
    a: &'r Analysis<'g, 'a>,
    /// Epoch ms of time 0.
    origin: i64,
    /// Per stage: its slice, when it started.
    slices: Vec<Option<Slice>>,
}

impl<'r, 'g, 'a> Tracer<'r, 'g, 'a> {
    fn new(a: &'r Analysis<'g, 'a>) -> Self {
        let g = a.graph;
        let run = g.summary().run();
        let created = run.created_time.value().map(|t| t.0);
        let earliest_stage = g
            .stages()
            .iter()
            .flat_map(|s| [s.created, s.start])
            .flatten()
            .min();
        let origin = match (created, earliest_stage) {
            (Some(c), Some(e)) => c.min(e),
            (c, e) => c.or(e).or(a.timing.latest_timestamp()).unwrap_or(0),
        };
        let slices = g
            .stage_indices()
            .map(|s| {
                let start = g.stage(s).start?;
                let ts = us(start.saturating_sub(origin)).min(MAX_US - 1);
                let dur = us(a.timing.duration(s)).clamp(1, MAX_US - ts);
                Some(Slice { ts, dur })
            })
            .collect();
        Tracer { a, origin, slices }
    }

    fn other_data(&self) -> Value {
        let run = self.a.graph.summary().run();
        let pipeline = run
            .pipeline()
            .and_then(|p| p.name.get())
            .map(|t| t.as_str().to_owned());
        json!({
            "run_id": run.id.get().map_or("", |i| i.as_str()),
            "start": rfc3339_ms(self.origin),
            "pipeline": pipeline.unwrap_or_default(),
            "status": crate::status::Status::of(run.execution_status.value()).label(),
        })
    }

    /// A stage as a slice names it: its name, else its id (both shortened
    /// past 200 characters, so a long one is not repeated in full).
    fn label(&self, s: StageIx) -> String {
        let st = self.a.graph.stage(s);
        st.shown_name().unwrap_or(st.shown_id()).to_owned()
    }

    fn each_event(&self, emit: &mut dyn FnMut(Value) -> io::Result<()>) -> io::Result<()> {
        let a = self.a;
        let g = a.graph;
        let t = &a.timing;
        let run = g.summary().run();

        // The process and its tracks.
        let run_name = {
            let pipeline = run
                .pipeline()
                .and_then(|p| p.name.get())
                .map(|t| crate::limits::shorten(t.as_str()));
            let id = run.id.get().map(|i| crate::limits::shorten(i.as_str()));
            let status = crate::status::Status::of(run.execution_status.value()).label();
            match (pipeline, id) {
                (Some(p), Some(i)) => format!("{p} — run {i} ({status})"),
                (Some(p), None) => format!("{p} ({status})"),
                (None, Some(i)) => format!("run {i} ({status})"),
                (None, None) => format!("run ({status})"),
            }
        };
        emit(
            json!({"ph": "M", "pid": PID, "tid": CRITICAL_TID, "name": "process_name",
            "args": {"name": run_name}}),
        )?;
        emit(
            json!({"ph": "M", "pid": PID, "tid": CRITICAL_TID, "name": "thread_name",
            "args": {"name": "Critical path"}}),
        )?;
        emit(
            json!({"ph": "M", "pid": PID, "tid": CRITICAL_TID, "name": "thread_sort_index",
            "args": {"sort_index": -1}}),
        )?;
        for s in g.topological_order() {
            let position = g.topological_position(s);
            let st = g.stage(s);
            let name = match st.shown_name() {
                Some(n) => format!("{n} ({})", st.shown_id()),
                None => st.shown_id().to_owned(),
            };
            emit(
                json!({"ph": "M", "pid": PID, "tid": tid(position), "name": "thread_name",
                "args": {"name": name}}),
            )?;
            emit(
                json!({"ph": "M", "pid": PID, "tid": tid(position), "name": "thread_sort_index",
                "args": {"sort_index": position}}),
            )?;
        }

        // The critical path, end to end at the earliest finishes.
        let mut cursor = 0i64;
        for &s in t.critical_path() {
            let d = t.duration(s);
            let scheduled = us(t.earliest_finish(s).saturating_sub(d));
            let ts = scheduled.max(cursor).min(MAX_US - 1);
            let dur = us(d).clamp(1, MAX_US - ts);
            cursor = ts + dur;
            emit(
                json!({"ph": "X", "pid": PID, "tid": CRITICAL_TID, "name": self.label(s),
                "cat": "critical path", "ts": ts, "dur": dur,
                "cname": cname(g.stage(s).status()),
                "args": {"stage_id": g.stage(s).shown_id(), "duration_ms": d,
                    "earliest_finish_ms": t.earliest_finish(s)}}),
            )?;
        }

        // A slice per stage that started; an instant per stage that did not.
        let culprits = a.causes.first_culprits(a.graph, CULPRITS_SHOWN);
        let latest = t.latest_timestamp().unwrap_or(self.origin);
        for s in g.topological_order() {
            let st = g.stage(s);
            let position = g.topological_position(s);
            let status = st.status().label();
            let colour = cname(st.status());
            match self.slices[s.index()] {
                Some(slice) => {
                    let mut args = json!({
                        "stage_id": st.shown_id(),
                        "status": status,
                        "duration_ms": t.duration(s),
                        "slack_ms": t.slack(s),
                    });
                    if let Some(ty) = st.stage_type() {
                        args["type"] = json!(ty.label());
                    }
                    if let Some(r) = st.instance.and_then(|ti| ti.retry_count.value()) {
                        args["retries"] = json!(r.0);
                    }
                    if let Some(e) = a.leading_error(s) {
                        args["evidence"] = json!(e);
                    }
                    emit(json!({"ph": "X", "pid": PID, "tid": tid(position),
                        "name": self.label(s), "cat": STAGE_CAT, "cname": colour,
                        "ts": slice.ts, "dur": slice.dur, "args": args}))?;
                }
                None => {
                    // Where it would have started: once its last parent
                    // that ran ended; else when it was created.
                    let after_parents = g
                        .parents(s)
                        .filter_map(|p| self.slices[p.index()])
                        .map(|p| p.ts + p.dur)
                        .max();
                    let at = after_parents.unwrap_or_else(|| {
                        us(st.created.unwrap_or(latest).saturating_sub(self.origin))
                    });
                    let (list, more) = &culprits[s.index()];
                    let blocked = a.causes.has_culprits(s) && !a.causes.is_root_cause(s);
                    let mut args = json!({"stage_id": st.shown_id(), "status": status,
                        "blocked": blocked});
                    if blocked {
                        args["culprits"] =
                            Value::Array(list.iter().map(|&c| json!(self.label(c))).collect());
                        args["more_culprits"] = json!(more);
                    }
                    let said = if blocked { "blocked" } else { "not started" };
                    emit(
                        json!({"ph": "i", "s": "t", "pid": PID, "tid": tid(position),
                        "name": format!("{} ({said})", self.label(s)), "cat": "never ran",
                        "cname": colour, "ts": at, "args": args}),
                    )?;
                }
            }
        }

        // Dependencies between stages that started, as flows.
        let mut id = 0u64;
        for child in g.topological_order() {
            let Some(c) = self.slices[child.index()] else {
                continue;
            };
            for parent in g.parents(child) {
                let Some(p) = self.slices[parent.index()] else {
                    continue;
                };
                id += 1;
                // At the starts of both slices: inside each, and where every
                // viewer binds it (see the module docs).
                emit(json!({"ph": "s", "id": id, "pid": PID,
                    "tid": tid(g.topological_position(parent)), "ts": p.ts,
                    "name": "dependency", "cat": STAGE_CAT}))?;
                emit(json!({"ph": "f", "bp": "e", "id": id, "pid": PID,
                    "tid": tid(g.topological_position(child)), "ts": c.ts,
                    "name": "dependency", "cat": STAGE_CAT}))?;
            }
        }
        Ok(())
    }
}

/// The `cat` of every stage slice and dependency flow: one category, so
/// that each flow event binds to the slice it starts or ends at.
const STAGE_CAT: &str = "stage";

/// A slice's colour by status, as a reserved color name of the trace
/// viewers (catapult's `color_scheme`): green for success, red for a
/// failure, yellow while running.
fn cname(status: Status) -> &'static str {
    match status {
        Status::Success => "good",
        Status::Failed => "terrible",
        Status::Stopped => "bad",
        Status::Killed => "black",
        Status::Running => "yellow",
        Status::Created | Status::Unknown => "grey",
    }
}

/// Milliseconds as microseconds, never negative, at most [`MAX_US`].
fn us(ms: i64) -> i64 {
    ms.max(0).saturating_mul(1_000).min(MAX_US)
}

/// The largest time a trace holds, in µs: 2^53 − 1 (about 285 years), the
/// largest integer a JavaScript viewer reads exactly and, times 1,000,
/// still a 64-bit count of nanoseconds (Perfetto's unit).
const MAX_US: i64 = (1 << 53) - 1;
