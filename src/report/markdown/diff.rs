//! `diff` as Markdown: the verdict, the first divergence and what changed, stage by stage.

use super::*;

use crate::diff::{DiffNote, RunDiff, StageChange, StageDiff};

/// `diff BASELINE CURRENT` in Markdown: the verdict and its reason as the
/// heading, the first divergence with both errors, and a table of the
/// stages that changed.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn diff(
    out: &mut dyn Write,
    d: &crate::diff::RunDiff,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    verdict_heading(out, d)?;
    first_divergence(out, d)?;
    changed_stages(out, d, opts)?;
    structure_facts(out, d, opts)?;
    for note in d.diagnostics.iter().filter(|n| !about_pair(n)) {
        writeln!(out, "> {}", escape(&note.detail))?;
        writeln!(out)?;
    }
    next_lines(out, opts, |f| {
        vec![format!(
            "dataprep-lineage why {}",
            crate::report::next::shell_quote(f)
        )]
    })
}

/// A note about the pair itself (two pipelines, a run still going).
fn about_pair(n: &DiffNote) -> bool {
    n.kind.is_about_the_pair()
}

/// The notes about the pair, the verdict with its reason as the heading, then both runs.
fn verdict_heading(out: &mut dyn Write, d: &RunDiff) -> io::Result<()> {
    // What is said about the pair itself comes before the verdict (as in text).
    for note in d.diagnostics.iter().filter(|n| about_pair(n)) {
        writeln!(out, "> **Note:** {}", escape(&note.detail))?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "### {}: {}",
        d.verdict.label(),
        escape(&cut(&d.reason, HEADING_CHARS))
    )?;
    writeln!(out)?;
    let side = |s: &crate::run_ref::RunRef| {
        format!(
            "run {} (**{}**{})",
            code(s.shown_id()),
            s.status,
            s.created_ms
                .map_or_else(String::new, |c| format!(", {}", Timestamp(c)))
        )
    };
    writeln!(out, "{} → {}", side(&d.baseline), side(&d.current))?;
    writeln!(out)
}

/// The first divergence: the stage, then its error before and now in code blocks.
fn first_divergence(out: &mut dyn Write, d: &RunDiff) -> io::Result<()> {
    let Some(f) = &d.first_divergence_detail else {
        return Ok(());
    };
    writeln!(
        out,
        "**First divergence:** {}",
        f.name
            .as_deref()
            .map_or_else(|| code(&f.key), |n| escape(n).to_string())
    )?;
    writeln!(out)?;
    for (label, text, fp) in [
        ("before", &f.baseline_error, &f.baseline_fingerprint),
        ("now", &f.current_error, &f.current_fingerprint),
    ] {
        let fp = fp.map_or_else(String::new, |f| {
            format!(" (fingerprint {})", code(&f.to_string()))
        });
        writeln!(out, "{label}{fp}:")?;
        writeln!(out)?;
        code_block(out, "text", &quote(text.as_deref().unwrap_or("(no error)")))?;
        writeln!(out)?;
    }
    Ok(())
}

/// A table of the stages that changed outcome, got slower or changed row count, capped.
fn changed_stages(out: &mut dyn Write, d: &RunDiff, opts: &MarkdownOptions) -> io::Result<()> {
    let changed: Vec<&StageDiff> = d
        .stages
        .iter()
        .filter(|s| s.outcome != StageChange::Unchanged || s.slower || s.rows_flagged)
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let n = shown(opts.caps.screen, changed.len());
    table(
        out,
        ["stage", "before", "now", "outcome", ">time", ">rows"],
        changed[..n].iter().map(|s| changed_row(s)),
    )?;
    more(out, n, changed.len(), opts.advice.more())
}

/// One row of the changed stages' table.
fn changed_row(s: &StageDiff) -> [String; 6] {
    let outcome = match s.outcome {
        StageChange::NewlyFailing => "newly failing".to_owned(),
        StageChange::NewlyFixed => "newly fixed".to_owned(),
        StageChange::StillFailing if s.same_error == Some(true) => {
            "still failing, same error".to_owned()
        }
        StageChange::StillFailing => "still failing, a different error".to_owned(),
        StageChange::NewlyNotRun => "newly not run".to_owned(),
        StageChange::StatusChanged => "status changed".to_owned(),
        StageChange::Unchanged if s.slower => "slower".to_owned(),
        StageChange::Unchanged => "rows changed".to_owned(),
    };
    let time = match (s.baseline_ms, s.current_ms) {
        (Some(b), Some(c)) => format!("{} → {}", human_duration(b), human_duration(c)),
        _ => String::new(),
    };
    let rows = match (s.baseline_rows, s.current_rows) {
        (Some(b), Some(c)) if b != c => format!("{b} → {c}"),
        _ => String::new(),
    };
    [
        s.name
            .as_deref()
            .map_or_else(|| code(&s.key), |n| escape(n).to_string()),
        s.baseline_status.to_string(),
        s.current_status.to_string(),
        outcome,
        time,
        rows,
    ]
}

/// A list of what else changed: stages and dependencies added or removed, trigger rules, the critical path and the work on it.
fn structure_facts(out: &mut dyn Write, d: &RunDiff, opts: &MarkdownOptions) -> io::Result<()> {
    let mut facts = Vec::new();
    if !d.added.is_empty() || !d.removed.is_empty() {
        facts.push(format!(
            "{} stage{} added, {} removed",
            d.added.len(),
            plural(d.added.len()),
            d.removed.len()
        ));
    }
    if !d.edges_added.is_empty() || !d.edges_removed.is_empty() {
        facts.push(format!(
            "{} dependenc{} added, {} removed",
            d.edges_added.len(),
            if d.edges_added.len() == 1 { "y" } else { "ies" },
            d.edges_removed.len()
        ));
    }
    for c in &d.rule_changes {
        facts.push(format!(
            "trigger rule of {}: {} → {}",
            code(&c.key),
            code(c.baseline.as_deref().unwrap_or("")),
            code(c.current.as_deref().unwrap_or(""))
        ));
    }
    if !d.critical_path.joined.is_empty() || !d.critical_path.left.is_empty() {
        facts.push(format!(
            "critical path: {} joined, {} left",
            d.critical_path.joined.len(),
            d.critical_path.left.len()
        ));
    }
    if let (Some(b), Some(c)) = (d.makespan_ms.baseline, d.makespan_ms.current) {
        facts.push(format!(
            "work {} → {}",
            human_duration(b),
            human_duration(c)
        ));
    }
    let n = shown(opts.caps.screen, facts.len());
    for f in &facts[..n] {
        writeln!(out, "- {f}")?;
    }
    if !facts.is_empty() {
        writeln!(out)?;
    }
    more(out, n, facts.len(), opts.advice.more())
}
