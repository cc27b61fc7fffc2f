//! `history` as text: per pipeline, the latest run against the ones before it, flaky stages, recurring causes and slower stages.

use super::*;

use crate::history::{History, LatestRun, PipelineHistory, RecurringCause, StageHistory};

/// `history`: one screen per pipeline — its latest run and whether each of
/// its failures is new, then at most `top` flaky stages, recurring root
/// causes and stages slower than usual; the files that were skipped last.
pub fn history(
    out: &mut dyn Write,
    h: &crate::history::History,
    opts: TextOptions,
) -> io::Result<()> {
    let p = Paint { color: opts.color };
    totals_line(out, h)?;
    for pipe in &h.pipelines {
        pipeline_section(out, pipe, &p, &opts)?;
    }
    skipped_files(out, h, &opts)?;
    let steps = if opts.advice.next {
        h.next()
    } else {
        Vec::new()
    };
    if !steps.is_empty() {
        writeln!(out)?;
    }
    for step in steps {
        writeln!(out, "{} {}", p.bold("Next:"), one_line(&step))?;
    }
    Ok(())
}

/// A stage as a person reads it: its name quoted, else its key.
fn stage_named(key: &str, name: &Option<String>) -> String {
    match name {
        Some(n) => format!("\"{}\"", one_line(n)),
        None => format!("stage {}", one_line(key)),
    }
}

/// The first line: how many runs of how many pipelines, and how many files were skipped.
fn totals_line(out: &mut dyn Write, h: &History) -> io::Result<()> {
    let runs: usize = h.pipelines.iter().map(|p| p.runs).sum();
    writeln!(
        out,
        "{} run{} of {} pipeline{}{}",
        runs,
        plural(runs),
        h.pipelines.len(),
        plural(h.pipelines.len()),
        match h.skipped.len() {
            0 => String::new(),
            n => format!("; {n} file{} skipped (listed at the end)", plural(n)),
        }
    )
}

/// One pipeline: its heading, latest run, duplicate ids, then its rankings.
fn pipeline_section(
    out: &mut dyn Write,
    pipe: &PipelineHistory,
    p: &Paint,
    opts: &TextOptions,
) -> io::Result<()> {
    writeln!(out)?;
    pipeline_heading(out, pipe, p)?;
    if let Some(l) = &pipe.latest_run {
        latest_run(out, pipe, l, p, opts)?;
    }
    if !pipe.duplicate_run_ids.is_empty() {
        let ids = &pipe.duplicate_run_ids;
        writeln!(
            out,
            "  {} run id{} in more than one file, each counted as a run: {}",
            p.wrap("33", "Note:"),
            plural(ids.len()),
            joined(ids, opts.caps.screen, |id| one_line(id).to_string())
        )?;
    }
    let flaky = History::flaky(pipe);
    flaky_stages(out, &flaky, opts)?;
    let recurring: Vec<_> = pipe
        .recurring_root_causes
        .iter()
        .filter(|c| c.count > 1)
        .collect();
    recurring_causes(out, &recurring, opts)?;
    let slower = History::slower(pipe);
    slower_stages(out, &slower, opts)?;
    if flaky.is_empty() && recurring.is_empty() && slower.is_empty() {
        writeln!(
            out,
            "  No flaky stage, no recurring root cause, nothing slower than usual."
        )?;
    }
    Ok(())
}

/// "Pipeline NAME: N runs, FIRST → LATEST".
fn pipeline_heading(out: &mut dyn Write, pipe: &PipelineHistory, p: &Paint) -> io::Result<()> {
    let title = match &pipe.name {
        Some(n) if *n != pipe.pipeline_id => {
            format!("\"{}\" (id {})", one_line(n), one_line(&pipe.pipeline_id))
        }
        Some(n) => format!("\"{}\"", one_line(n)),
        None if pipe.pipeline_id.is_empty() => "(no pipeline id)".to_owned(),
        None => one_line(&pipe.pipeline_id).to_string(),
    };
    let span = match (pipe.first_created_ms, pipe.latest_created_ms) {
        (Some(a), Some(b)) if pipe.runs > 1 => format!(", {} → {}", time(a), time(b)),
        (_, Some(b)) => format!(", {}", time(b)),
        _ => String::new(),
    };
    writeln!(
        out,
        "{} {}: {} run{}{span}",
        p.bold("Pipeline"),
        p.bold(title),
        pipe.runs,
        plural(pipe.runs)
    )
}

/// The latest run: its status and file, the last good run, then its root causes.
fn latest_run(
    out: &mut dyn Write,
    pipe: &PipelineHistory,
    l: &LatestRun,
    p: &Paint,
    opts: &TextOptions,
) -> io::Result<()> {
    writeln!(
        out,
        "  Latest run {}{}: {}",
        one_line(l.run.shown_id()),
        l.run
            .created_ms
            .map_or_else(String::new, |c| format!(" of {}", time(c))),
        p.status(l.run.status)
    )?;
    if let Some(f) = &l.run.file {
        writeln!(out, "    file {}", one_line(f))?;
    }
    if l.run.status != Status::Success {
        match &pipe.last_good_run {
            Some(g) => writeln!(
                out,
                "    last good run {}{}",
                one_line(g.shown_id()),
                g.file
                    .as_deref()
                    .map_or_else(String::new, |f| format!(", file {}", one_line(f)))
            )?,
            None => writeln!(out, "    no earlier run succeeded")?,
        }
    }
    if l.root_causes.is_empty() {
        let said = if l.run.status.is_failed_like() {
            "    no stage failed on its own (why on the run says what stopped it)"
        } else {
            "    no root cause"
        };
        writeln!(out, "{said}")?;
    }
    latest_root_causes(out, pipe, l, p, opts)
}

/// Each root cause of the latest run, new or seen before, with its error.
fn latest_root_causes(
    out: &mut dyn Write,
    pipe: &PipelineHistory,
    l: &LatestRun,
    p: &Paint,
    opts: &TextOptions,
) -> io::Result<()> {
    let earlier = pipe.runs.saturating_sub(1);
    // Never cut by --top: a cut could hide the one that is new.
    let n = shown(opts.caps.screen, l.root_causes.len());
    for c in &l.root_causes[..n] {
        let seen = match &c.last_seen_run_id {
            None => p
                .wrap(
                    "31",
                    format!(
                        "NEW: not a root cause with this error in the {earlier} earlier run{}",
                        plural(earlier)
                    ),
                )
                .to_string(),
            Some(last) => format!(
                "seen in {} earlier run{}, last in run {}",
                c.seen_before,
                plural(c.seen_before),
                one_line(last)
            ),
        };
        writeln!(out, "    ✗ {} — {seen}", stage_named(&c.key, &c.name))?;
        match &c.text {
            Some(t) => writeln!(out, "        {}", block(&quote(t), 8))?,
            None => writeln!(out, "        {NO_ERROR_MESSAGE}")?,
        }
    }
    more(out, "    ", n, l.root_causes.len(), opts.advice.more())
}

/// "Flaky stages": at most `top` stages whose success and failure alternate.
fn flaky_stages(
    out: &mut dyn Write,
    flaky: &[&StageHistory],
    opts: &TextOptions,
) -> io::Result<()> {
    if flaky.is_empty() {
        return Ok(());
    }
    let top = opts.caps.top.unwrap_or(usize::MAX);
    writeln!(out, "  Flaky stages (success and failure alternate):")?;
    let n = flaky.len().min(top);
    for s in &flaky[..n] {
        writeln!(
            out,
            "    {:<40} {} flip{} in {} run{} ({})",
            stage_named(&s.key, &s.name),
            s.flips,
            plural(s.flips),
            s.runs,
            plural(s.runs),
            outcome_counts(s)
        )?;
    }
    more(out, "    ", n, flaky.len(), opts.advice.more_top())
}

/// "Recurring root causes": at most `top` of them, each with its error.
fn recurring_causes(
    out: &mut dyn Write,
    recurring: &[&RecurringCause],
    opts: &TextOptions,
) -> io::Result<()> {
    if recurring.is_empty() {
        return Ok(());
    }
    let top = opts.caps.top.unwrap_or(usize::MAX);
    writeln!(out, "  Recurring root causes (same stage, same error):")?;
    let n = recurring.len().min(top);
    for c in &recurring[..n] {
        writeln!(
            out,
            "    {:>4}×  {} — first in run {}, last in run {}",
            c.count,
            stage_named(&c.key, &c.name),
            one_line(&c.first_run_id),
            one_line(&c.last_run_id)
        )?;
        match &c.text {
            Some(t) => writeln!(out, "           {}", block(&quote(t), 11))?,
            None => writeln!(out, "           {NO_ERROR_MESSAGE}")?,
        }
    }
    more(out, "    ", n, recurring.len(), opts.advice.more_top())
}

/// "Slower than usual in the latest run": at most `top` stages against their p50 and p95.
fn slower_stages(
    out: &mut dyn Write,
    slower: &[&StageHistory],
    opts: &TextOptions,
) -> io::Result<()> {
    if slower.is_empty() {
        return Ok(());
    }
    let top = opts.caps.top.unwrap_or(usize::MAX);
    writeln!(out, "  Slower than usual in the latest run:")?;
    let n = slower.len().min(top);
    for s in &slower[..n] {
        writeln!(
            out,
            "    {:<40} {} (p50 {}, p95 {}, {:.1}x)",
            stage_named(&s.key, &s.name),
            crate::report::human_duration(s.latest_ms.unwrap_or(0)),
            crate::report::human_duration(s.p50_ms.unwrap_or(0)),
            crate::report::human_duration(s.p95_ms.unwrap_or(0)),
            s.latest_ratio.unwrap_or(0.0)
        )?;
    }
    more(out, "    ", n, slower.len(), opts.advice.more_top())
}

/// "Skipped N files": each with why, capped.
fn skipped_files(out: &mut dyn Write, h: &History, opts: &TextOptions) -> io::Result<()> {
    if h.skipped.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "Skipped {} file{}:",
        h.skipped.len(),
        plural(h.skipped.len())
    )?;
    let n = shown(opts.caps.screen, h.skipped.len());
    for s in &h.skipped[..n] {
        writeln!(
            out,
            "  {}: {}",
            one_line(&s.path),
            one_line(&quote(&s.error))
        )?;
    }
    more(out, "  ", n, h.skipped.len(), opts.advice.more())
}
