//! The run page: verdict, root causes, lineage, timeline, stages,
//! diagnostics — and the details of every stage it names.

use std::io::{self, Write};

use super::{foot, head, more, status, svg, Esc, PAGE_ROWS};
use crate::analysis::Analysis;
use crate::caps::Caps;
use crate::diagram::{self, Diagram, DiagramOptions, Focus, View};
use crate::graph::StageIx;
use crate::report::phrases::{causes_and_errors, error_text, quote, verdict};
use crate::report::{human_duration, plural, EvidenceText, RootCause, StageRef, Timeline, Why};
use crate::status::Status;

/// Everything the run page draws, built once from an analysis.
#[derive(Debug, Clone)]
pub struct RunPage {
    /// The root causes and the run, as `why` gives them on a screen.
    pub why: Why,
    /// The lineage picture.
    pub diagram: Diagram,
    /// When each stage ran.
    pub timeline: Timeline,
    /// The stages the page names (table rows, picture nodes, timeline
    /// bars, root causes), in topological order, with their details.
    pub stages: Vec<PageStage>,
    /// How many stages the run has.
    pub stage_count: usize,
    /// How many of the first stages in topological order the table lists.
    pub table_rows: usize,
    /// Every root cause, by name (as many as JSON lists, 1,000 by default),
    /// beyond the ones `why` details: so a page names them all, or says how
    /// many it left out.
    pub root_cause_names: Vec<StageRef>,
    /// Stage id → graph index, for the stages the page details.
    by_id: std::collections::HashMap<String, usize>,
}

/// One stage as the page details it.
#[derive(Debug, Clone)]
pub struct PageStage {
    /// Its index in the graph: how every element of the page names it.
    pub index: usize,
    /// The stage.
    pub stage: StageRef,
    /// Start, epoch ms.
    pub started_ms: Option<i64>,
    /// Completion, epoch ms.
    pub completed_ms: Option<i64>,
    /// Its duration when it ran.
    pub duration_ms: Option<i64>,
    /// Its work on the critical-path clock (for a running stage: so far).
    pub work_ms: i64,
    /// Earliest finish on the run's critical-path clock.
    pub earliest_finish_ms: i64,
    /// How much later it could have finished without delaying the run.
    pub slack_ms: i64,
    /// On the critical path.
    pub critical: bool,
    /// Its own culprit.
    pub root_cause: bool,
    /// Held back by culprits upstream.
    pub blocked: bool,
    /// Its first culprits (root causes upstream), at most ten.
    pub culprits: Vec<StageRef>,
    /// It has more culprits than those.
    pub more_culprits: bool,
    /// The leading failure text of a failed-like stage.
    pub error: Option<String>,
}

/// How many culprits a stage's details name.
const CULPRITS_NAMED: usize = 10;

impl RunPage {
    /// The page of an analysis: the lineage in `view`, focused on the
    /// failure when the run did not succeed (the whole run otherwise), both
    /// within the diagram budget.
    pub fn new(a: &Analysis<'_, '_>, view: View) -> RunPage {
        let focus = if a.root_causes().is_empty() {
            Focus::All
        } else {
            Focus::Failure
        };
        RunPage::with(a, DiagramOptions::new(view, focus), Caps::DEFAULT)
    }

    /// The page with these diagram options and caps (`Caps::ALL` lists
    /// every stage, every root cause and draws the whole lineage).
    pub fn with(a: &Analysis<'_, '_>, mut options: DiagramOptions, caps: Caps) -> RunPage {
        let g = a.graph;
        if caps.max_entries.is_none() {
            options.max_stages = None;
        } else if options.max_stages.is_none() {
            options.max_stages = Some(diagram::MAX_STAGES);
        }
        let why = Why::with_caps(a, caps.on_screen());
        let diagram = diagram::layout_with(a, options);
        let rows = Caps {
            max_entries: caps.max_entries.map(|m| m.min(PAGE_ROWS)),
            ..caps
        };
        let timeline = Timeline::with_caps(a, rows);
        let table_rows = rows.keep(g.stage_count());
        let mut named = vec![false; g.stage_count()];
        let order: Vec<StageIx> = g.topological_order().collect();
        for &s in &order[..table_rows] {
            named[s.index()] = true;
        }
        for s in diagram.nodes.iter().filter_map(|n| n.stage) {
            named[s.index()] = true;
        }
        for r in &timeline.rows {
            named[r.index] = true;
        }
        for &s in &a.root_causes()[..caps.on_screen().root_causes(a.root_causes().len())] {
            named[s.index()] = true;
        }
        let culprits = a.causes.first_culprits(g, CULPRITS_NAMED);
        let stages: Vec<PageStage> = order
            .iter()
            .filter(|s| named[s.index()])
            .map(|&s| {
                let st = g.stage(s);
                let (list, more_culprits) = &culprits[s.index()];
                let root_cause = a.causes.is_root_cause(s);
                PageStage {
                    index: s.index(),
                    stage: StageRef::of(g, s),
                    started_ms: st.start,
                    completed_ms: st.completion,
                    duration_ms: a.ran_ms(s),
                    work_ms: a.timing.duration(s),
                    earliest_finish_ms: a.timing.earliest_finish(s),
                    slack_ms: a.timing.slack(s),
                    critical: a.timing.is_critical(s),
                    root_cause,
                    blocked: !root_cause && a.causes.has_culprits(s),
                    culprits: list.iter().map(|&c| StageRef::of(g, c)).collect(),
                    more_culprits: *more_culprits,
                    error: st
                        .status()
                        .is_failed_like()
                        .then(|| a.leading_error(s))
                        .flatten(),
                }
            })
            .collect();
        let root_cause_names = a.root_causes()[..caps.root_causes(a.root_causes().len())]
            .iter()
            .map(|&s| StageRef::of(g, s))
            .collect();
        let by_id = stages
            .iter()
            .map(|p: &PageStage| (p.stage.id.clone(), p.index))
            .collect();
        RunPage {
            why,
            diagram,
            timeline,
            stages,
            stage_count: g.stage_count(),
            table_rows,
            root_cause_names,
            by_id,
        }
    }

    /// The graph index of the root cause shown at `i`: found by id among
    /// the stages the page names.
    fn index_of(&self, stage: &StageRef) -> Option<usize> {
        self.by_id.get(&stage.id).copied()
    }
}

/// Writes the run page.
pub fn run(out: &mut dyn Write, page: &RunPage) -> io::Result<()> {
    let w = &page.why;
    let r = &w.run;
    let name = r.run.pipeline_name.as_deref().unwrap_or("Pipeline run");
    head(out, &format!("{name} — {}", r.run.status))?;
    let verdict_line = verdict(r, w.root_causes_count, w.errors_count);
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>{}: {}</h1>", Esc(name), Esc(&verdict_line))?;
    facts(out, page)?;
    writeln!(out, "</header>")?;
    root_causes(out, page)?;
    writeln!(out, "<section id=\"lineage\"><h2>Lineage</h2>")?;
    let d = &page.diagram;
    if d.drawn_stages < d.run_stages {
        let collapsed = d.nodes.iter().any(|n| n.collapsed > 0);
        writeln!(
            out,
            "<p class=\"facts\">{} of {} stages drawn ({}){}.</p>",
            d.drawn_stages,
            d.run_stages,
            Esc(&d.title),
            if collapsed {
                "; what the picture leaves out is counted in dashed “… and N more” nodes"
            } else {
                "; the stages the failure did not touch are left out"
            }
        )?;
    }
    writeln!(out, "<div class=\"pic\"><div class=\"zoom\"><button type=\"button\" data-zoom=\"in\" title=\"Zoom in (or Ctrl + wheel)\">+</button><button type=\"button\" data-zoom=\"out\" title=\"Zoom out\">−</button><button type=\"button\" data-zoom=\"home\" title=\"Whole picture\">⤢</button></div>")?;
    svg::lineage(out, d)?;
    writeln!(out, "</div>")?;
    legend(out)?;
    writeln!(out, "</section>")?;
    timeline(out, page)?;
    stage_table(out, page)?;
    diagnostics(out, w)?;
    details(out, page)?;
    foot(out)
}

/// The run's facts under the verdict.
fn facts(out: &mut dyn Write, page: &RunPage) -> io::Result<()> {
    let r = &page.why.run;
    let mut facts = vec![format!("run <b>{}</b>", Esc(r.run.shown_id()))];
    facts.push(status(r.run.status));
    if let Some(ws) = &r.workspace {
        facts.push(format!("workspace {}", Esc(ws)));
    }
    if let Some(t) = &r.run_type {
        facts.push(Esc(t).to_string());
    }
    if let Some(c) = r.run.created_ms {
        facts.push(format!("created {}", crate::model::Timestamp(c)));
    }
    if let Some(wall) = r.wall_ms {
        let so_far = if r.run.status == Status::Running {
            " so far"
        } else {
            ""
        };
        facts.push(format!("took <b>{}</b>{so_far}", human_duration(wall)));
    }
    facts.push(format!(
        "{} stage{}",
        page.stage_count,
        plural(page.stage_count)
    ));
    writeln!(out, "<p class=\"facts\">{}</p>", facts.join(" · "))?;
    // Where the time went, as the text report says it.
    let c = &page.why.outcome.critical_path;
    if c.makespan_ms > 0 {
        let waiting = r
            .wall_ms
            .map(|w| w.saturating_sub(c.makespan_ms))
            .filter(|&w| w > 0)
            .map_or_else(String::new, |w| {
                format!(" ({} spent waiting)", human_duration(w))
            });
        let wall = r.wall_ms.map_or_else(String::new, |w| {
            format!(" against {} of wall time{waiting}", human_duration(w))
        });
        writeln!(
            out,
            "<p class=\"facts\">Critical path: <b>{}</b> of work{wall}, through {} stage{}.</p>",
            human_duration(c.makespan_ms),
            c.path.len(),
            plural(c.path.len())
        )?;
    }
    Ok(())
}

/// The root causes, grouped by error first when there are several.
fn root_causes(out: &mut dyn Write, page: &RunPage) -> io::Result<()> {
    let w = &page.why;
    writeln!(out, "<section id=\"causes\">")?;
    if w.root_causes_count == 0 {
        writeln!(out, "<h2>Root causes</h2>")?;
        let said = match w.run.run.status {
            Status::Success => "The run succeeded: no stage failed.",
            Status::Running => "The run is still going; no stage has failed so far.",
            _ => "No stage failed on its own.",
        };
        writeln!(out, "<p>{said}</p>")?;
    } else {
        writeln!(
            out,
            "<h2>Root causes: {}</h2>",
            causes_and_errors(w.root_causes_count, w.errors_count)
        )?;
    }
    if w.root_causes_count > 1 {
        // One line per distinct error first, as text and Markdown open.
        writeln!(out, "<ul class=\"errors\">")?;
        for e in &w.errors {
            let mut names: Vec<String> =
                e.first_stages.iter().map(|s| stage_link(page, s)).collect();
            if e.stages_count > names.len() {
                names.push(format!("and {} more", e.stages_count - names.len()));
            }
            writeln!(
                out,
                "<li><b>{} ×</b> {} — {}</li>",
                e.count,
                Esc(&quote(&error_text(e))),
                names.join(", ")
            )?;
        }
        writeln!(out, "</ul>")?;
        more(out, w.errors.len(), w.errors_count)?;
    }
    // The first root cause of each error is open; the others with the same
    // error are folded (a click, or the browser's find, opens them).
    let mut seen = std::collections::HashSet::new();
    for rc in &w.root_causes {
        let first_of_its_error = seen.insert(rc.fingerprint);
        root_cause(out, page, rc, first_of_its_error)?;
    }
    if w.root_causes_count > w.root_causes.len() {
        let rest = &page.root_cause_names[w.root_causes.len().min(page.root_cause_names.len())..];
        writeln!(
            out,
            "<p>And {} more root cause{}: {}</p>",
            w.root_causes_count - w.root_causes.len(),
            plural(w.root_causes_count - w.root_causes.len()),
            rest.iter()
                .map(|s| stage_link(page, s))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        more(out, w.root_causes.len() + rest.len(), w.root_causes_count)?;
    }
    for c in &w.outcome.run_causes {
        writeln!(
            out,
            "<p class=\"cause\"><b>Run-level cause ({}):</b> {}</p>",
            Esc(c.kind().label()),
            Esc(&c.to_string())
        )?;
    }
    writeln!(out, "</section>")
}

/// One root cause: what the response says, what it read and wrote, what it
/// held back.
fn root_cause(out: &mut dyn Write, page: &RunPage, rc: &RootCause, open: bool) -> io::Result<()> {
    let s = page
        .index_of(&rc.stage)
        .map_or_else(String::new, |i| format!(" data-s=\"{i}\""));
    let open = if open { " open" } else { "" };
    writeln!(out, "<details class=\"cause\"{open}{s}>")?;
    writeln!(
        out,
        "<summary><h3>{} {} <small>{}</small></h3></summary>",
        Esc(rc.stage.name.as_deref().unwrap_or(&rc.stage.id)),
        status(rc.stage.status),
        Esc(rc.stage.stage_type.as_deref().unwrap_or("stage"))
    )?;
    let mut facts = vec![format!("id <code>{}</code>", Esc(&rc.stage.id))];
    if let Some(r) = rc.retry_count.filter(|&r| r > 0) {
        facts.push(format!(
            "after {r} retr{}",
            if r == 1 { "y" } else { "ies" }
        ));
    }
    if let Some(op) = &rc.operator_id {
        facts.push(format!("operator <code>{}</code>", Esc(op)));
    }
    writeln!(out, "<p class=\"facts\">{}</p>", facts.join(" · "))?;
    if rc.evidence.is_empty() {
        writeln!(out, "<p>The response gives no error message for it.</p>")?;
    }
    for e in &rc.evidence {
        evidence(out, e)?;
    }
    more(out, rc.evidence.len(), rc.evidence_count)?;
    let names = |list: &[crate::report::DataRef]| {
        list.iter()
            .map(|d| {
                let name = format!("“{}”", Esc(d.name.as_deref().unwrap_or(&d.id)));
                match &d.connection_type {
                    Some(t) => format!("{name} [{}]", Esc(t)),
                    None => name,
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !rc.reads.is_empty() {
        writeln!(out, "<p>Read: {}</p>", names(&rc.reads))?;
    }
    if !rc.writes.is_empty() {
        writeln!(out, "<p>Wrote: {}</p>", names(&rc.writes))?;
    }
    if rc.blocked_count > 0 {
        writeln!(
            out,
            "<p>Held back {} stage{}: {}{}</p>",
            rc.blocked_count,
            plural(rc.blocked_count),
            rc.blocked_stages
                .iter()
                .map(|b| stage_link(page, b))
                .collect::<Vec<_>>()
                .join(", "),
            if rc.blocked_count > rc.blocked_stages.len() {
                format!(" … and {} more", rc.blocked_count - rc.blocked_stages.len())
            } else {
                String::new()
            }
        )?;
    }
    if rc.exports_downstream_count > 0 {
        writeln!(
            out,
            "<p>Exports that did not get fresh data: {}{}</p>",
            names(&rc.exports_downstream),
            if rc.exports_downstream_count > rc.exports_downstream.len() {
                format!(
                    " … and {} more",
                    rc.exports_downstream_count - rc.exports_downstream.len()
                )
            } else {
                String::new()
            }
        )?;
    }
    writeln!(out, "</details>")
}

/// A failure text with the JSON path it was read from.
fn evidence(out: &mut dyn Write, e: &EvidenceText) -> io::Result<()> {
    writeln!(
        out,
        "<blockquote>{}<br><span class=\"path\">at {}</span></blockquote>",
        Esc(&quote(&e.text)),
        Esc(&e.path.to_string())
    )
}

/// A stage's name, selectable when the page details it.
fn stage_link(page: &RunPage, s: &StageRef) -> String {
    let name = format!("“{}”", Esc(s.name.as_deref().unwrap_or(&s.id)));
    match page.index_of(s) {
        Some(i) => format!("<span class=\"stage-ref\" data-s=\"{i}\" tabindex=\"0\">{name}</span>"),
        None => name,
    }
}

/// The legend of the lineage, as the DOT legend marks it.
fn legend(out: &mut dyn Write) -> io::Result<()> {
    let sw = |fill: &str, stroke: &str, extra: &str| {
        format!("<i class=\"sw\" style=\"background:{fill};border-color:{stroke}{extra}\"></i>")
    };
    writeln!(
        out,
        "<p class=\"legend\"><span>{}root cause</span><span>{}blocked</span><span>{}critical path</span><span>{}succeeded</span><span>{}never ran</span><span>{}running</span><span>{}“… and N more”</span></p>",
        sw(crate::palette::fill(Status::Failed), crate::palette::border(Status::Failed), ";border-width:3px"),
        sw("#eeeeee", "#9e9e9e", ";border-style:dashed"),
        sw("#ffffff", crate::diagram::CRITICAL, ""),
        sw(crate::palette::fill(Status::Success), crate::palette::border(Status::Success), ""),
        sw(crate::palette::fill(Status::Created), crate::palette::border(Status::Created), ""),
        sw(crate::palette::fill(Status::Running), crate::palette::border(Status::Running), ""),
        sw("#ffffff", crate::diagram::COLLAPSED, ";border-style:dashed"),
    )
}

/// The timeline and the stages that never ran.
fn timeline(out: &mut dyn Write, page: &RunPage) -> io::Result<()> {
    let t = &page.timeline;
    writeln!(out, "<section id=\"timeline\"><h2>Timeline</h2>")?;
    match svg::Axis::of(t) {
        Some(axis) => {
            writeln!(out, "<div class=\"pic\">")?;
            svg::timeline(out, t, axis)?;
            writeln!(out, "</div>")?;
            writeln!(
                out,
                "<p class=\"legend\"><span>bars: start to completion, coloured by status</span><span>orange outline and connectors: the critical path, its waits the gaps between</span><span>dashed outline: still running, so far</span></p>"
            )?;
            more(out, t.rows.len(), t.rows_count)?;
        }
        None => svg::empty_timeline(out)?,
    }
    if t.never_ran_count > 0 {
        writeln!(
            out,
            "<h3>Never ran ({})</h3><ul class=\"stages\">",
            t.never_ran_count
        )?;
        for s in &t.never_ran {
            writeln!(out, "<li>{}</li>", stage_link(page, s))?;
        }
        writeln!(out, "</ul>")?;
        more(out, t.never_ran.len(), t.never_ran_count)?;
    }
    writeln!(out, "</section>")
}

/// Every stage (the first ones) with its timing.
fn stage_table(out: &mut dyn Write, page: &RunPage) -> io::Result<()> {
    writeln!(out, "<section id=\"stages\"><h2>Stages</h2>")?;
    writeln!(
        out,
        "<p><input type=\"search\" id=\"filter\" placeholder=\"Filter stages by name or status\" aria-label=\"Filter stages\"></p>"
    )?;
    writeln!(
        out,
        "<table><thead><tr><th>Stage</th><th>Status</th><th>Duration</th><th>Earliest finish</th><th>Slack</th></tr></thead><tbody>"
    )?;
    let mut listed = 0;
    for p in &page.stages {
        if listed == page.table_rows {
            break;
        }
        listed += 1;
        let crit = if p.critical { " class=\"crit\"" } else { "" };
        let started = p.started_ms.is_some();
        let dash = || "—".to_owned();
        writeln!(
            out,
            "<tr{crit} data-s=\"{}\"><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            p.index,
            Esc(p.stage.name.as_deref().unwrap_or(&p.stage.id)),
            status(p.stage.status),
            duration(p),
            if started { human_duration(p.earliest_finish_ms) } else { dash() },
            if started { human_duration(p.slack_ms) } else { dash() },
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    more(out, listed, page.stage_count)?;
    writeln!(out, "</section>")
}

/// A stage's duration as the page says it: what it took, "so far" for a
/// running stage, "—" when it did not run.
fn duration(p: &PageStage) -> String {
    match (p.duration_ms, p.stage.status) {
        (Some(d), _) => human_duration(d),
        (None, Status::Running) if p.work_ms > 0 => format!("{} so far", human_duration(p.work_ms)),
        _ => "—".to_owned(),
    }
}

/// What the reader said about odd input.
fn diagnostics(out: &mut dyn Write, w: &Why) -> io::Result<()> {
    let o = &w.outcome;
    if o.diagnostics.is_empty() {
        return Ok(());
    }
    writeln!(out, "<section id=\"diagnostics\"><h2>Diagnostics</h2><ul>")?;
    for d in &o.diagnostics {
        writeln!(out, "<li>{}</li>", Esc(&d.to_string()))?;
    }
    writeln!(out, "</ul>")?;
    let total: usize = o.diagnostic_counts.iter().map(|c| c.count).sum();
    more(out, o.diagnostics.len(), total)?;
    writeln!(out, "</section>")
}

/// The details panel: one hidden block per stage the page names, shown by
/// the script when the stage is selected.
fn details(out: &mut dyn Write, page: &RunPage) -> io::Result<()> {
    writeln!(
        out,
        "<aside id=\"details\" hidden><button type=\"button\" id=\"close-details\" style=\"float:right\">close</button><p id=\"no-detail\" hidden>No details for this stage on this page.</p>"
    )?;
    for p in &page.stages {
        writeln!(out, "<div class=\"detail\" data-s=\"{}\" hidden>", p.index)?;
        writeln!(
            out,
            "<h3>{} {}</h3><dl>",
            Esc(p.stage.name.as_deref().unwrap_or(&p.stage.id)),
            status(p.stage.status)
        )?;
        let dd =
            |out: &mut dyn Write, k: &str, v: String| writeln!(out, "<dt>{k}</dt><dd>{v}</dd>");
        dd(out, "id", format!("<code>{}</code>", Esc(&p.stage.id)))?;
        if let Some(t) = &p.stage.stage_type {
            dd(out, "type", Esc(t).to_string())?;
        }
        if let Some(t) = p.started_ms {
            dd(out, "started", crate::model::Timestamp(t).to_string())?;
        }
        if let Some(t) = p.completed_ms {
            dd(out, "completed", crate::model::Timestamp(t).to_string())?;
        }
        if p.duration_ms.is_some() || p.stage.status == Status::Running {
            dd(out, "took", duration(p))?;
        }
        dd(
            out,
            "critical path",
            if p.critical {
                "on it".to_owned()
            } else if p.started_ms.is_none() {
                "no: it did not start".to_owned()
            } else {
                format!("no; {} of slack", human_duration(p.slack_ms))
            },
        )?;
        let role = if p.root_cause {
            "root cause: it failed on its own"
        } else if p.blocked {
            "blocked by a failure upstream"
        } else {
            "not held back"
        };
        dd(out, "outcome", role.to_owned())?;
        if p.blocked {
            let mut names: Vec<String> = p.culprits.iter().map(|c| stage_link(page, c)).collect();
            if p.more_culprits {
                names.push("…".to_owned());
            }
            dd(out, "culprits", names.join(", "))?;
        }
        if let Some(e) = &p.error {
            dd(
                out,
                "error",
                format!("<blockquote>{}</blockquote>", Esc(&quote(e))),
            )?;
        }
        writeln!(out, "</dl></div>")?;
    }
    writeln!(out, "</aside>")
}
