//! The diff page: the verdict and its reason, the first divergence with
//! both errors, the outcome of every stage, and both timelines on one time
//! axis.

use std::io::{self, Write};

use super::{foot, head, more, status, svg, Esc, PAGE_ROWS};
use crate::caps::SCREEN;
use crate::diff::{RunDiff, StageChange};
use crate::report::phrases::quote;
use crate::report::{human_duration, Timeline};
use crate::run_ref::RunRef;

/// The word a table uses for what became of a stage.
fn change(c: StageChange) -> &'static str {
    match c {
        StageChange::NewlyFailing => "newly failing",
        StageChange::NewlyFixed => "newly fixed",
        StageChange::StillFailing => "still failing",
        StageChange::NewlyNotRun => "newly not run",
        StageChange::StatusChanged => "status changed",
        StageChange::Unchanged => "unchanged",
    }
}

/// Writes the diff page of `d`, with the timelines of its two runs.
pub fn diff(
    out: &mut dyn Write,
    d: &RunDiff,
    baseline: &Timeline,
    current: &Timeline,
) -> io::Result<()> {
    let name = d
        .current
        .pipeline_name
        .as_deref()
        .unwrap_or("Pipeline runs");
    head(out, &format!("{name} — {}", d.verdict.label()))?;
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>{}: {}</h1>", Esc(name), Esc(d.verdict.label()))?;
    writeln!(out, "<p>{}</p>", Esc(&d.reason))?;
    writeln!(
        out,
        "<p class=\"facts\">baseline {} · current {}</p>",
        side(&d.baseline),
        side(&d.current)
    )?;
    writeln!(out, "</header>")?;
    if let Some(f) = &d.first_divergence_detail {
        writeln!(out, "<section id=\"divergence\"><h2>First divergence</h2>")?;
        writeln!(
            out,
            "<p><b>{}</b> <code>{}</code></p>",
            Esc(f.name.as_deref().unwrap_or(&f.key)),
            Esc(&f.key)
        )?;
        for (label, text) in [
            ("Baseline", &f.baseline_error),
            ("Current", &f.current_error),
        ] {
            writeln!(
                out,
                "<h3>{label}</h3><blockquote>{}</blockquote>",
                text.as_deref()
                    .map_or_else(|| "(no error)".to_owned(), |t| Esc(&quote(t)).to_string())
            )?;
        }
        writeln!(out, "</section>")?;
    }
    outcomes(out, d)?;
    time(out, d)?;
    structure(out, d)?;
    timelines(out, baseline, current)?;
    let notes: Vec<_> = d
        .diagnostics
        .iter()
        .filter(|n| !n.kind.is_about_the_pair())
        .collect();
    if !notes.is_empty() {
        writeln!(out, "<section id=\"notes\"><h2>Notes</h2><ul>")?;
        for n in notes {
            writeln!(out, "<li>{}</li>", Esc(&n.detail))?;
        }
        writeln!(out, "</ul></section>")?;
    }
    foot(out)
}

/// A run as the page names it: id, status, file.
fn side(r: &RunRef) -> String {
    let mut s = format!("<b>{}</b> {}", Esc(r.shown_id()), status(r.status));
    if let Some(f) = &r.file {
        s.push_str(&format!(" <code>{}</code>", Esc(f)));
    }
    s
}

/// Every matched stage: its status in both runs and what became of it,
/// the changed ones first.
fn outcomes(out: &mut dyn Write, d: &RunDiff) -> io::Result<()> {
    writeln!(out, "<section id=\"outcomes\"><h2>Stages</h2>")?;
    writeln!(
        out,
        "<table><thead><tr><th>Stage</th><th>Baseline</th><th>Current</th><th>Outcome</th><th>Baseline time</th><th>Current time</th><th>Rows</th></tr></thead><tbody>"
    )?;
    let mut rows: Vec<&crate::diff::StageDiff> = d.stages.iter().collect();
    // Stable: changed stages first, each group in the diff's order.
    rows.sort_by_key(|s| s.outcome == StageChange::Unchanged && !s.slower);
    let shown = rows.len().min(PAGE_ROWS);
    for s in &rows[..shown] {
        let time = |ms: Option<i64>| ms.map_or_else(|| "—".to_owned(), human_duration);
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            Esc(s.name.as_deref().unwrap_or(&s.key)),
            status(s.baseline_status),
            status(s.current_status),
            change(s.outcome),
            if s.slower { ", slower" } else { "" },
            time(s.baseline_ms),
            time(s.current_ms),
            rows_of(s),
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    more(out, shown, rows.len())?;
    for (what, list) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !list.is_empty() {
            let names: Vec<String> = list
                .iter()
                .take(PAGE_ROWS)
                .map(|k| Esc(k.name.as_deref().unwrap_or(&k.key)).to_string())
                .collect();
            writeln!(out, "<p><b>{what}:</b> {}</p>", names.join(", "))?;
            more(out, names.len(), list.len())?;
        }
    }
    writeln!(out, "</section>")
}

/// A stage's rows in both runs, marked when they fell or swung by half.
fn rows_of(s: &crate::diff::StageDiff) -> String {
    let n = |r: Option<i64>| r.map_or_else(|| "—".to_owned(), |r| r.to_string());
    if s.baseline_rows.is_none() && s.current_rows.is_none() {
        return String::new();
    }
    let said = format!("{} → {}", n(s.baseline_rows), n(s.current_rows));
    if s.rows_flagged {
        format!("<b>{said}</b>")
    } else {
        said
    }
}

/// Stage key → name (either run), looked up once per page.
fn names_by_key(d: &RunDiff) -> std::collections::HashMap<&str, &str> {
    d.added
        .iter()
        .chain(&d.removed)
        .filter_map(|k| Some((k.key.as_str(), k.name.as_deref()?)))
        .chain(
            d.stages
                .iter()
                .filter_map(|s| Some((s.key.as_str(), s.name.as_deref()?))),
        )
        .collect()
}

/// The makespan and wall time of both runs, and the critical path's change.
fn time(out: &mut dyn Write, d: &RunDiff) -> io::Result<()> {
    let by_key = names_by_key(d);
    writeln!(out, "<section id=\"time\"><h2>Time</h2><ul>")?;
    for (what, delta) in [
        ("Critical path (work)", &d.makespan_ms),
        ("Wall time", &d.wall_ms),
    ] {
        let t = |ms: Option<i64>| ms.map_or_else(|| "—".to_owned(), human_duration);
        let change = match delta.delta {
            Some(x) if x > 0 => format!(" (+{})", human_duration(x)),
            Some(x) if x < 0 => format!(" (−{})", human_duration(x.saturating_neg())),
            _ => String::new(),
        };
        writeln!(
            out,
            "<li>{what}: {} → {}{change}</li>",
            t(delta.baseline),
            t(delta.current)
        )?;
    }
    let names = |keys: &[String]| {
        keys.iter()
            .take(PAGE_ROWS)
            .map(|k| format!("“{}”", Esc(by_key.get(k.as_str()).copied().unwrap_or(k))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !d.critical_path.joined.is_empty() {
        writeln!(
            out,
            "<li>Joined the critical path: {}</li>",
            names(&d.critical_path.joined)
        )?;
    }
    if !d.critical_path.left.is_empty() {
        writeln!(
            out,
            "<li>Left the critical path: {}</li>",
            names(&d.critical_path.left)
        )?;
    }
    writeln!(out, "</ul></section>")
}

/// Dependencies, trigger rules, names and data that changed.
fn structure(out: &mut dyn Write, d: &RunDiff) -> io::Result<()> {
    let mut items: Vec<String> = Vec::new();
    let by_key = names_by_key(d);
    let name = |k: &String| format!("“{}”", Esc(by_key.get(k.as_str()).copied().unwrap_or(k)));
    for (what, edges) in [
        ("dependency added", &d.edges_added),
        ("dependency removed", &d.edges_removed),
    ] {
        for [a, b] in edges.iter().take(PAGE_ROWS) {
            items.push(format!("{what}: {} → {}", name(a), name(b)));
        }
    }
    let value = |v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| "—".to_owned(), |v| Esc(v).to_string())
    };
    for c in d.rule_changes.iter().take(PAGE_ROWS) {
        items.push(format!(
            "trigger rule of {}: {} → {}",
            name(&c.key),
            value(&c.baseline),
            value(&c.current)
        ));
    }
    for c in d.name_changes.iter().take(PAGE_ROWS) {
        items.push(format!(
            "renamed: {} → {}",
            value(&c.baseline),
            value(&c.current)
        ));
    }
    for c in d.data_changes.iter().take(PAGE_ROWS) {
        // At most a screen of names per change, then how many more.
        let list = |l: &[String]| {
            let mut names: Vec<String> =
                l.iter().take(SCREEN).map(|x| Esc(x).to_string()).collect();
            if l.len() > names.len() {
                names.push(format!("and {} more", l.len() - names.len()));
            }
            names.join(", ")
        };
        if !c.added.is_empty() {
            items.push(format!("{} now touches {}", name(&c.key), list(&c.added)));
        }
        if !c.removed.is_empty() {
            items.push(format!(
                "{} no longer touches {}",
                name(&c.key),
                list(&c.removed)
            ));
        }
    }
    if items.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<section id=\"structure\"><h2>Structure and lineage</h2><ul>"
    )?;
    for i in &items {
        writeln!(out, "<li>{i}</li>")?;
    }
    writeln!(out, "</ul></section>")
}

/// Both timelines, drawn to one scale from each run's start.
fn timelines(out: &mut dyn Write, baseline: &Timeline, current: &Timeline) -> io::Result<()> {
    writeln!(out, "<section id=\"timelines\"><h2>Timelines</h2>")?;
    let (a, b) = (svg::Axis::of(baseline), svg::Axis::of(current));
    let span = a.map_or(1, |x| x.span).max(b.map_or(1, |x| x.span));
    for (label, t, axis) in [("Baseline", baseline, a), ("Current", current, b)] {
        writeln!(out, "<h3>{label}</h3>")?;
        match axis {
            Some(axis) => {
                writeln!(out, "<div class=\"pic\">")?;
                svg::timeline(
                    out,
                    t,
                    svg::Axis {
                        origin: axis.origin,
                        span,
                    },
                )?;
                writeln!(out, "</div>")?;
                more(out, t.rows.len(), t.rows_count)?;
            }
            None => svg::empty_timeline(out)?,
        }
    }
    writeln!(
        out,
        "<p class=\"legend\"><span>both on one scale, from each run's start</span><span>orange: the critical path</span></p>"
    )?;
    writeln!(out, "</section>")
}
