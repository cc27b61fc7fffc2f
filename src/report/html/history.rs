//! The history page: per pipeline, the latest run's root causes (new, or
//! seen before), a small duration chart of every stage over its runs
//! (latest marked, p50 and p95 drawn), and the flaky and recurring tables.

use std::io::{self, Write};

use super::{foot, head, more, status, Esc, PAGE_ROWS};
use crate::history::{History, PipelineHistory, StageHistory};
use crate::report::phrases::quote;
use crate::report::{human_duration, plural};

/// Writes the history page.
pub fn history(out: &mut dyn Write, h: &History) -> io::Result<()> {
    let runs: usize = h.pipelines.iter().map(|p| p.runs).sum();
    head(out, "Pipeline history")?;
    writeln!(out, "<header>")?;
    writeln!(
        out,
        "<h1>History: {} run{} of {} pipeline{}</h1>",
        runs,
        plural(runs),
        h.pipelines.len(),
        plural(h.pipelines.len())
    )?;
    writeln!(out, "</header>")?;
    for p in &h.pipelines {
        pipeline(out, p)?;
    }
    if !h.skipped.is_empty() {
        writeln!(out, "<section id=\"skipped\"><h2>Files skipped</h2><ul>")?;
        for s in h.skipped.iter().take(PAGE_ROWS) {
            writeln!(
                out,
                "<li><code>{}</code>: {}</li>",
                Esc(&s.path),
                Esc(&s.error)
            )?;
        }
        writeln!(out, "</ul>")?;
        more(out, h.skipped.len().min(PAGE_ROWS), h.skipped.len())?;
        writeln!(out, "</section>")?;
    }
    foot(out)
}

/// One pipeline's section.
fn pipeline(out: &mut dyn Write, p: &PipelineHistory) -> io::Result<()> {
    writeln!(out, "<section class=\"pipeline\">")?;
    writeln!(
        out,
        "<h2>{} <small>{} run{}</small></h2>",
        Esc(p.name.as_deref().unwrap_or(if p.pipeline_id.is_empty() {
            "(no pipeline id)"
        } else {
            &p.pipeline_id
        })),
        p.runs,
        plural(p.runs)
    )?;
    if !p.pipeline_id.is_empty() {
        writeln!(
            out,
            "<p class=\"facts\">pipeline id <code>{}</code></p>",
            Esc(&p.pipeline_id)
        )?;
    }
    if let Some(l) = &p.latest_run {
        writeln!(
            out,
            "<p class=\"facts\">latest run <b>{}</b> {}{}</p>",
            Esc(l.run.shown_id()),
            status(l.run.status),
            l.run
                .file
                .as_deref()
                .map_or_else(String::new, |f| format!(" <code>{}</code>", Esc(f)))
        )?;
        if !l.root_causes.is_empty() {
            writeln!(out, "<h3>Its root causes</h3><ul>")?;
            for c in &l.root_causes {
                let seen = if c.seen_before == 0 {
                    "<b>new</b>".to_owned()
                } else {
                    format!(
                        "seen {} time{} before",
                        c.seen_before,
                        plural(c.seen_before)
                    )
                };
                writeln!(
                    out,
                    "<li>{} — {}: {}</li>",
                    Esc(c.name.as_deref().unwrap_or(&c.key)),
                    seen,
                    Esc(&quote(c.text.as_deref().unwrap_or("(no error message)")))
                )?;
            }
            writeln!(out, "</ul>")?;
        }
    }
    stages(out, p)?;
    flaky(out, p)?;
    recurring(out, p)?;
    writeln!(out, "</section>")
}

/// Every stage with its chart.
fn stages(out: &mut dyn Write, p: &PipelineHistory) -> io::Result<()> {
    writeln!(
        out,
        "<h3>Stages</h3><table><thead><tr><th>Stage</th><th>Runs</th><th>Failed on its own</th><th>p50</th><th>p95</th><th>Latest</th><th>Durations over the runs</th></tr></thead><tbody>"
    )?;
    let shown = p.stages.len().min(PAGE_ROWS);
    for s in &p.stages[..shown] {
        let time = |ms: Option<i64>| ms.map_or_else(|| "—".to_owned(), human_duration);
        writeln!(
            out,
            "<tr><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}{}</td><td>",
            Esc(s.name.as_deref().unwrap_or(&s.key)),
            if s.flaky { " <span class=\"st\">flaky</span>" } else { "" },
            s.runs,
            s.root_cause,
            time(s.p50_ms),
            time(s.p95_ms),
            time(s.latest_ms),
            if s.slower { " <b>slower</b>" } else { "" },
        )?;
        chart(out, s)?;
        writeln!(out, "</td></tr>")?;
    }
    writeln!(out, "</tbody></table>")?;
    more(out, shown, p.stages.len())
}

/// A stage's durations over its last runs as small bars, the p50 and p95
/// as lines, the latest run's bar marked.
fn chart(out: &mut dyn Write, s: &StageHistory) -> io::Result<()> {
    const W: i64 = 180;
    const H: i64 = 28;
    let values = &s.recent_ms;
    if values.is_empty() {
        return write!(out, "—");
    }
    let top = values
        .iter()
        .copied()
        .chain(s.p95_ms)
        .max()
        .unwrap_or(1)
        .max(1);
    let bar = (W / values.len() as i64).clamp(2, 12);
    let y = |ms: i64| H - ((ms.max(0) as f64 / top as f64) * (H - 2) as f64).round() as i64;
    write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"durations\">"
    )?;
    let last = values.len() - 1;
    for (i, &v) in values.iter().enumerate() {
        // The last bar is the latest run's when it ran in the latest run.
        let latest = i == last && s.latest_ms == Some(v);
        let fill = if latest { "#e65100" } else { "#8c959f" };
        write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"><title>{}{}</title></rect>",
            i as i64 * bar,
            y(v),
            (bar - 1).max(1),
            H - y(v),
            human_duration(v),
            if latest { " (latest run)" } else { "" }
        )?;
    }
    for (label, v, colour) in [("p50", s.p50_ms, "#1565c0"), ("p95", s.p95_ms, "#6a1b9a")] {
        if let Some(v) = v {
            write!(
                out,
                "<line x1=\"0\" x2=\"{W}\" y1=\"{0}\" y2=\"{0}\" stroke=\"{colour}\" stroke-dasharray=\"3 2\"><title>{label} {1}</title></line>",
                y(v),
                human_duration(v)
            )?;
        }
    }
    write!(out, "</svg>")
}

/// Stages that flip between success and failure.
fn flaky(out: &mut dyn Write, p: &PipelineHistory) -> io::Result<()> {
    let flaky: Vec<&StageHistory> = p.stages.iter().filter(|s| s.flaky).collect();
    if flaky.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<h3>Flaky stages</h3><table><thead><tr><th>Stage</th><th>Flips</th><th>Succeeded</th><th>Failed on its own</th><th>Runs</th></tr></thead><tbody>"
    )?;
    let shown = flaky.len().min(PAGE_ROWS);
    for s in &flaky[..shown] {
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            Esc(s.name.as_deref().unwrap_or(&s.key)),
            s.flips,
            s.success,
            s.root_cause,
            s.runs
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    more(out, shown, flaky.len())
}

/// Root causes that came back.
fn recurring(out: &mut dyn Write, p: &PipelineHistory) -> io::Result<()> {
    // Recurring: in more than one run, as text and Markdown count them.
    let recurring: Vec<_> = p
        .recurring_root_causes
        .iter()
        .filter(|c| c.count > 1)
        .collect();
    if recurring.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<h3>Recurring root causes</h3><table><thead><tr><th>Stage</th><th>Runs</th><th>First</th><th>Last</th><th>Error</th></tr></thead><tbody>"
    )?;
    let shown = recurring.len().min(PAGE_ROWS);
    for c in &recurring[..shown] {
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
            Esc(c.name.as_deref().unwrap_or(&c.key)),
            c.count,
            Esc(&c.first_run_id),
            Esc(&c.last_run_id),
            Esc(&quote(c.text.as_deref().unwrap_or("(no error message)")))
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    more(out, shown, recurring.len())
}
