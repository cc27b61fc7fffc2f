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

use serde::Serialize;
use serde_json::Value;

use crate::analysis::Analysis;
use crate::graph::StageIx;
use crate::json_out::write_line;
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

// The document's shape. Every object's keys are declared in sorted order:
// that is the order the trace has always had (serde_json's `Map` without
// `preserve_order` sorts them), and a viewer or a diff of two traces sees
// the same bytes.

/// `otherData`: what the run is, and the absolute time of time 0.
#[derive(Serialize)]
struct OtherData<'e> {
    /// The pipeline's name as written ("" when none).
    pipeline: &'e str,
    /// The run id as written ("" when none).
    run_id: &'e str,
    /// Time 0, RFC 3339 with milliseconds.
    start: String,
    status: &'static str,
}

/// The whole document as [`trace`] returns it: its events already values.
#[derive(Serialize)]
struct Document<'e> {
    #[serde(rename = "displayTimeUnit")]
    display_time_unit: &'static str,
    #[serde(rename = "otherData")]
    other_data: OtherData<'e>,
    #[serde(rename = "traceEvents")]
    trace_events: Vec<Value>,
}

/// An event's `ph`: what kind of event it is.
#[derive(Debug, Clone, Copy, Serialize)]
enum Phase {
    /// Names and sorts the process and its tracks.
    #[serde(rename = "M")]
    Metadata,
    /// A slice with a start and a duration.
    #[serde(rename = "X")]
    Complete,
    /// A point in time.
    #[serde(rename = "i")]
    Instant,
    /// A flow's start (on the parent's track).
    #[serde(rename = "s")]
    FlowStart,
    /// A flow's end (on the child's track).
    #[serde(rename = "f")]
    FlowEnd,
}

/// One element of `traceEvents`.
#[derive(Serialize)]
#[serde(untagged)]
enum Event<'e> {
    Metadata(Metadata<'e>),
    /// A slice of the critical-path track.
    Critical(Complete<'e, CriticalArgs<'e>>),
    /// A stage's slice on its own track.
    Stage(Complete<'e, StageArgs<'e>>),
    /// A stage that never started.
    NeverRan(Instant<'e>),
    Flow(Flow),
}

/// A metadata event (`M`): a process's or a track's name or sort index.
#[derive(Serialize)]
struct Metadata<'e> {
    args: MetadataArgs<'e>,
    /// `process_name`, `thread_name` or `thread_sort_index`.
    name: &'static str,
    ph: Phase,
    pid: u32,
    tid: u64,
}

#[derive(Serialize)]
#[serde(untagged)]
enum MetadataArgs<'e> {
    Name { name: &'e str },
    SortIndex { sort_index: i64 },
}

/// A complete event (`X`): a slice.
#[derive(Serialize)]
struct Complete<'e, A> {
    args: A,
    cat: &'static str,
    cname: &'static str,
    dur: i64,
    name: &'e str,
    ph: Phase,
    pid: u32,
    tid: u64,
    ts: i64,
}

/// A critical-path slice's `args`.
#[derive(Serialize)]
struct CriticalArgs<'e> {
    duration_ms: i64,
    earliest_finish_ms: i64,
    stage_id: &'e str,
}

/// A stage slice's `args`.
#[derive(Serialize)]
struct StageArgs<'e> {
    duration_ms: i64,
    /// The stage's leading error, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'e str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retries: Option<i64>,
    slack_ms: i64,
    stage_id: &'e str,
    status: &'static str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    stage_type: Option<&'static str>,
}

/// An instant event (`i`, thread-scoped): a stage that never started.
#[derive(Serialize)]
struct Instant<'e> {
    args: InstantArgs<'e>,
    cat: &'static str,
    cname: &'static str,
    name: &'e str,
    ph: Phase,
    pid: u32,
    /// The scope: `t`, the track.
    s: &'static str,
    tid: u64,
    ts: i64,
}

/// A never-run stage's `args`: its culprits, when it is blocked.
#[derive(Serialize)]
struct InstantArgs<'e> {
    blocked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    culprits: Option<Vec<&'e str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    more_culprits: Option<bool>,
    stage_id: &'e str,
    status: &'static str,
}

/// A flow event (`s` or `f`): one end of a dependency.
#[derive(Serialize)]
struct Flow {
    /// `e` on the flow's end (binds to the enclosing slice); absent on its
    /// start.
    #[serde(skip_serializing_if = "Option::is_none")]
    bp: Option<&'static str>,
    cat: &'static str,
    id: u64,
    name: &'static str,
    ph: Phase,
    pid: u32,
    tid: u64,
    ts: i64,
}

/// Writes the trace of `a` as one JSON object, an event per line.
/// O(V + E) events; memory a few words per stage.
pub fn write_trace(out: &mut dyn Write, a: &Analysis<'_, '_>) -> io::Result<()> {
    let t = Tracer::new(a);
    // Each value is written by the crate's JSON writer into `buf`, then
    // copied out without its newline: the events sit one a line between
    // the object's own brackets, `,` ending each line but the last.
    let mut buf = Vec::new();
    out.write_all(b"{\"displayTimeUnit\":\"ms\",\"otherData\":")?;
    out.write_all(compact(&mut buf, &t.other_data())?)?;
    out.write_all(b",\"traceEvents\":[\n")?;
    let mut first = true;
    t.each_event(&mut |e| {
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        out.write_all(compact(&mut buf, e)?)
    })?;
    out.write_all(b"\n]}\n")
}

/// `value` as one line of compact JSON in `buf` (cleared first), without
/// the line's newline.
fn compact<'b, T: Serialize + ?Sized>(buf: &'b mut Vec<u8>, value: &T) -> io::Result<&'b [u8]> {
    buf.clear();
    write_line(buf, value)?;
    let line: &'b [u8] = buf;
    Ok(line.strip_suffix(b"\n").unwrap_or(line))
}

/// The trace of `a` as a value (what [`write_trace`] writes).
pub fn trace(a: &Analysis<'_, '_>) -> Value {
    let t = Tracer::new(a);
    let mut trace_events = Vec::new();
    let _ = t.each_event(&mut |e| {
        // The event types have string keys and plain values only: they
        // always convert.
        trace_events.push(serde_json::to_value(e).unwrap_or_default());
        Ok(())
    });
    let doc = Document {
        display_time_unit: "ms",
        other_data: t.other_data(),
        trace_events,
    };
    serde_json::to_value(&doc).unwrap_or_default()
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

    fn other_data(&self) -> OtherData<'g> {
        let run = self.a.graph.summary().run();
        let pipeline = run
            .pipeline()
            .and_then(|p| p.name.get())
            .map(|t| t.as_str());
        OtherData {
            pipeline: pipeline.unwrap_or_default(),
            run_id: run.id.get().map_or("", |i| i.as_str()),
            start: rfc3339_ms(self.origin),
            status: crate::status::Status::of(run.execution_status.value()).label(),
        }
    }

    /// A stage as a slice names it: its name, else its id (both shortened
    /// past 200 characters, so a long one is not repeated in full).
    fn label(&self, s: StageIx) -> &'g str {
        let st = self.a.graph.stage(s);
        st.shown_name().unwrap_or(st.shown_id())
    }

    /// Every event of the trace, in order: the tracks, the critical path,
    /// the stages, the dependencies.
    fn each_event(&self, emit: &mut dyn FnMut(&Event<'_>) -> io::Result<()>) -> io::Result<()> {
        self.tracks(emit)?;
        self.critical_path(emit)?;
        self.stages(emit)?;
        self.flows(emit)
    }

    /// The process and its tracks: the critical path's, then one per stage.
    fn tracks(&self, emit: &mut dyn FnMut(&Event<'_>) -> io::Result<()>) -> io::Result<()> {
        let g = self.a.graph;
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
        fn metadata<'e>(tid: u64, name: &'static str, args: MetadataArgs<'e>) -> Event<'e> {
            Event::Metadata(Metadata {
                args,
                name,
                ph: Phase::Metadata,
                pid: PID,
                tid,
            })
        }
        emit(&metadata(
            CRITICAL_TID,
            "process_name",
            MetadataArgs::Name { name: &run_name },
        ))?;
        emit(&metadata(
            CRITICAL_TID,
            "thread_name",
            MetadataArgs::Name {
                name: "Critical path",
            },
        ))?;
        emit(&metadata(
            CRITICAL_TID,
            "thread_sort_index",
            MetadataArgs::SortIndex { sort_index: -1 },
        ))?;
        for s in g.topological_order() {
            let position = g.topological_position(s);
            let st = g.stage(s);
            let name = match st.shown_name() {
                Some(n) => format!("{n} ({})", st.shown_id()),
                None => st.shown_id().to_owned(),
            };
            emit(&metadata(
                tid(position),
                "thread_name",
                MetadataArgs::Name { name: &name },
            ))?;
            emit(&metadata(
                tid(position),
                "thread_sort_index",
                MetadataArgs::SortIndex {
                    sort_index: i64::try_from(position).unwrap_or(i64::MAX),
                },
            ))?;
        }

        Ok(())
    }

    /// The critical path, end to end at the earliest finishes.
    fn critical_path(&self, emit: &mut dyn FnMut(&Event<'_>) -> io::Result<()>) -> io::Result<()> {
        let g = self.a.graph;
        let t = &self.a.timing;
        // The critical path, end to end at the earliest finishes.
        let mut cursor = 0i64;
        for &s in t.critical_path() {
            let d = t.duration(s);
            let scheduled = us(t.earliest_finish(s).saturating_sub(d));
            let ts = scheduled.max(cursor).min(MAX_US - 1);
            let dur = us(d).clamp(1, MAX_US - ts);
            cursor = ts + dur;
            emit(&Event::Critical(Complete {
                args: CriticalArgs {
                    duration_ms: d,
                    earliest_finish_ms: t.earliest_finish(s),
                    stage_id: g.stage(s).shown_id(),
                },
                cat: "critical path",
                cname: cname(g.stage(s).status()),
                dur,
                name: self.label(s),
                ph: Phase::Complete,
                pid: PID,
                tid: CRITICAL_TID,
                ts,
            }))?;
        }

        Ok(())
    }

    /// A slice per stage that started; an instant per stage that did not.
    fn stages(&self, emit: &mut dyn FnMut(&Event<'_>) -> io::Result<()>) -> io::Result<()> {
        let a = self.a;
        let g = a.graph;
        let t = &a.timing;
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
                    let evidence = a.leading_error(s);
                    emit(&Event::Stage(Complete {
                        args: StageArgs {
                            duration_ms: t.duration(s),
                            evidence: evidence.as_deref(),
                            retries: st
                                .instance
                                .and_then(|ti| ti.retry_count.value())
                                .map(|r| r.0),
                            slack_ms: t.slack(s),
                            stage_id: st.shown_id(),
                            status,
                            stage_type: st.stage_type().map(|ty| ty.label()),
                        },
                        cat: STAGE_CAT,
                        cname: colour,
                        dur: slice.dur,
                        name: self.label(s),
                        ph: Phase::Complete,
                        pid: PID,
                        tid: tid(position),
                        ts: slice.ts,
                    }))?;
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
                    let said = if blocked { "blocked" } else { "not started" };
                    let name = format!("{} ({said})", self.label(s));
                    emit(&Event::NeverRan(Instant {
                        args: InstantArgs {
                            blocked,
                            culprits: blocked
                                .then(|| list.iter().map(|&c| self.label(c)).collect()),
                            more_culprits: blocked.then_some(*more),
                            stage_id: st.shown_id(),
                            status,
                        },
                        cat: "never ran",
                        cname: colour,
                        name: &name,
                        ph: Phase::Instant,
                        pid: PID,
                        s: "t",
                        tid: tid(position),
                        ts: at,
                    }))?;
                }
            }
        }

        Ok(())
    }

    /// Dependencies between stages that started, as flows.
    fn flows(&self, emit: &mut dyn FnMut(&Event<'_>) -> io::Result<()>) -> io::Result<()> {
        let g = self.a.graph;
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
                emit(&Event::Flow(Flow {
                    bp: None,
                    cat: STAGE_CAT,
                    id,
                    name: "dependency",
                    ph: Phase::FlowStart,
                    pid: PID,
                    tid: tid(g.topological_position(parent)),
                    ts: p.ts,
                }))?;
                emit(&Event::Flow(Flow {
                    bp: Some("e"),
                    cat: STAGE_CAT,
                    id,
                    name: "dependency",
                    ph: Phase::FlowEnd,
                    pid: PID,
                    tid: tid(g.topological_position(child)),
                    ts: c.ts,
                }))?;
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
