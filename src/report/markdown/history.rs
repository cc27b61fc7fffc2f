//! `history` as Markdown: per pipeline, the latest run against the ones before it, flaky stages, recurring causes and slower stages.

use super::*;

use crate::history::{History, LatestRun, PipelineHistory, RecurringCause, StageHistory};

/// `history` for a chat message or an issue: a section per pipeline with
/// its latest run (each root cause new or seen before), then tables of at
/// most `top` flaky stages, recurring root causes and stages slower than
/// usual; the skipped files last.
pub fn history(
    out: &mut dyn Write,
    h: &crate::history::History,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    let runs: usize = h.pipelines.iter().map(|p| p.runs).sum();
    writeln!(
        out,
        "### History: {runs} run{} of {} pipeline{}",
        plural(runs),
        h.pipelines.len(),
        plural(h.pipelines.len())
    )?;
    writeln!(out)?;
    for pipe in &h.pipelines {
        pipeline_section(out, pipe, opts)?;
    }
    skipped_files(out, h, opts)?;
    let steps = if opts.advice.next {
        h.next()
    } else {
        Vec::new()
    };
    if !steps.is_empty() {
        writeln!(out)?;
    }
    for step in steps {
        writeln!(out, "**Next:** {}  ", code(&step))?;
    }
    Ok(())
}

/// A stage as a person reads it: its name escaped and cut, else its key as code.
fn stage_named(key: &str, name: &Option<String>) -> String {
    match name {
        Some(n) => escape(&cut(n, HEADING_CHARS)).to_string(),
        None => code(key),
    }
}

/// One pipeline: its heading and id, latest run, duplicate ids, then its tables.
fn pipeline_section(
    out: &mut dyn Write,
    pipe: &PipelineHistory,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    let title = match &pipe.name {
        Some(n) => escape(&cut(n, HEADING_CHARS)).to_string(),
        None if pipe.pipeline_id.is_empty() => "(no pipeline id)".to_owned(),
        None => escape(&pipe.pipeline_id).to_string(),
    };
    writeln!(out, "#### {title} ({} run{})", pipe.runs, plural(pipe.runs))?;
    writeln!(out)?;
    if !pipe.pipeline_id.is_empty() {
        writeln!(out, "Pipeline id {}.", code(&pipe.pipeline_id))?;
        writeln!(out)?;
    }
    if let Some(l) = &pipe.latest_run {
        latest_run(out, pipe, l, opts)?;
    }
    if !pipe.duplicate_run_ids.is_empty() {
        let ids = &pipe.duplicate_run_ids;
        writeln!(
            out,
            "**Note:** run id{} in more than one file, each counted as a run: {}.",
            plural(ids.len()),
            joined(ids, opts.caps.screen, |id| code(id))
        )?;
        writeln!(out)?;
    }
    flaky_stages(out, &History::flaky(pipe), opts)?;
    let recurring: Vec<_> = pipe
        .recurring_root_causes
        .iter()
        .filter(|c| c.count > 1)
        .collect();
    recurring_causes(out, &recurring, opts)?;
    slower_stages(out, &History::slower(pipe), opts)
}

/// "**Latest run**": its status and how many root causes, its file and the last good run, then its root causes.
fn latest_run(
    out: &mut dyn Write,
    pipe: &PipelineHistory,
    l: &LatestRun,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    writeln!(
        out,
        "**Latest run** {} ({}**{}**): {}",
        code(l.run.shown_id()),
        l.run
            .created_ms
            .map_or_else(String::new, |c| format!("{}, ", Timestamp(c))),
        l.run.status,
        match l.root_causes.len() {
            0 if l.run.status.is_failed_like() => "no stage failed on its own.".to_owned(),
            0 => "no root cause.".to_owned(),
            n => format!("{n} root cause{}.", plural(n)),
        }
    )?;
    writeln!(out)?;
    let mut files = Vec::new();
    if let Some(f) = &l.run.file {
        files.push(format!("file {}", code(f)));
    }
    if l.run.status != Status::Success {
        files.push(match &pipe.last_good_run {
            Some(g) => format!(
                "last good run {}{}",
                code(g.shown_id()),
                g.file
                    .as_deref()
                    .map_or_else(String::new, |f| format!(", file {}", code(f)))
            ),
            None => "no earlier run succeeded".to_owned(),
        });
    }
    if !files.is_empty() {
        writeln!(out, "{}", files.join(" · "))?;
        writeln!(out)?;
    }
    latest_root_causes(out, pipe, l, opts)
}

/// Each root cause of the latest run, new or seen before, with its error in a block under it.
fn latest_root_causes(
    out: &mut dyn Write,
    pipe: &PipelineHistory,
    l: &LatestRun,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    let earlier = pipe.runs.saturating_sub(1);
    // Never cut by --top: a cut could hide the one that is new.
    let n = shown(opts.caps.screen, l.root_causes.len());
    for c in &l.root_causes[..n] {
        let seen = match &c.last_seen_run_id {
            None => format!(
                "**new**: not a root cause with this error in the {earlier} earlier run{}",
                plural(earlier)
            ),
            Some(last) => format!(
                "seen in {} earlier run{}, last in run {}",
                c.seen_before,
                plural(c.seen_before),
                code(last)
            ),
        };
        writeln!(out, "- {} — {seen}", stage_named(&c.key, &c.name))?;
        match &c.text {
            Some(t) => {
                // Indented under the item, so that the list goes on
                // after the block.
                let mut block = Vec::new();
                code_block(&mut block, "text", &quote(t))?;
                writeln!(out)?;
                for line in String::from_utf8_lossy(&block).lines() {
                    writeln!(out, "  {line}")?;
                }
            }
            None => writeln!(out, "  *(no error message)*")?,
        }
    }
    if n < l.root_causes.len() {
        writeln!(out)?;
    }
    more(out, n, l.root_causes.len(), opts.advice.more())?;
    if n > 0 {
        writeln!(out)?;
    }
    Ok(())
}

/// "**Flaky stages**": a table of at most `top` stages whose success and failure alternate.
fn flaky_stages(
    out: &mut dyn Write,
    flaky: &[&StageHistory],
    opts: &MarkdownOptions,
) -> io::Result<()> {
    if flaky.is_empty() {
        return Ok(());
    }
    let top = opts.caps.top.unwrap_or(usize::MAX);
    writeln!(out, "**Flaky stages** (success and failure alternate):")?;
    writeln!(out)?;
    let n = flaky.len().min(top);
    table(
        out,
        ["stage", ">flips", ">runs", "outcomes"],
        flaky[..n].iter().map(|s| {
            [
                stage_named(&s.key, &s.name),
                s.flips.to_string(),
                s.runs.to_string(),
                outcome_counts(s),
            ]
        }),
    )?;
    more_top(out, n, flaky.len(), opts.advice.more_top())
}

/// "**Recurring root causes**": a table of at most `top` of them with the first line of each error.
fn recurring_causes(
    out: &mut dyn Write,
    recurring: &[&RecurringCause],
    opts: &MarkdownOptions,
) -> io::Result<()> {
    if recurring.is_empty() {
        return Ok(());
    }
    let top = opts.caps.top.unwrap_or(usize::MAX);
    writeln!(out, "**Recurring root causes** (same stage, same error):")?;
    writeln!(out)?;
    let n = recurring.len().min(top);
    table(
        out,
        [">runs", "stage", "first", "last", "error"],
        recurring[..n].iter().map(|c| {
            [
                c.count.to_string(),
                stage_named(&c.key, &c.name),
                code(&c.first_run_id),
                code(&c.last_run_id),
                error_cell(c.text.as_deref()),
            ]
        }),
    )?;
    more_top(out, n, recurring.len(), opts.advice.more_top())
}

/// An error as a table cell: its first line, cut, "…" when there is more.
fn error_cell(text: Option<&str>) -> String {
    text.map_or_else(
        || "*(no error message)*".to_owned(),
        |t| {
            // The first line; "…" says there is more.
            let line = first_line(t);
            match cut(line, 120) {
                Cow::Borrowed(l) if l.len() < t.trim_end().len() => {
                    format!("{}…", escape(l))
                }
                l => escape(&l).to_string(),
            }
        },
    )
}

/// "**Slower than usual**": a table of at most `top` stages against their p50 and p95.
fn slower_stages(
    out: &mut dyn Write,
    slower: &[&StageHistory],
    opts: &MarkdownOptions,
) -> io::Result<()> {
    if slower.is_empty() {
        return Ok(());
    }
    let top = opts.caps.top.unwrap_or(usize::MAX);
    writeln!(out, "**Slower than usual** in the latest run:")?;
    writeln!(out)?;
    let n = slower.len().min(top);
    table(
        out,
        ["stage", ">latest", ">p50", ">p95", ">ratio"],
        slower[..n].iter().map(|s| {
            [
                stage_named(&s.key, &s.name),
                human_duration(s.latest_ms.unwrap_or(0)),
                human_duration(s.p50_ms.unwrap_or(0)),
                human_duration(s.p95_ms.unwrap_or(0)),
                format!("{:.1}x", s.latest_ratio.unwrap_or(0.0)),
            ]
        }),
    )?;
    more_top(out, n, slower.len(), opts.advice.more_top())
}

/// "**Skipped** N files": each with the first line of why, capped.
fn skipped_files(out: &mut dyn Write, h: &History, opts: &MarkdownOptions) -> io::Result<()> {
    if h.skipped.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "**Skipped** {} file{}:",
        h.skipped.len(),
        plural(h.skipped.len())
    )?;
    writeln!(out)?;
    let n = shown(opts.caps.screen, h.skipped.len());
    for s in &h.skipped[..n] {
        writeln!(
            out,
            "- {}: {}",
            code(&s.path),
            escape(&cut(first_line(&s.error), 300))
        )?;
    }
    more(out, n, h.skipped.len(), opts.advice.more())
}

/// `… and N more` under a `--top` list.
fn more_top(out: &mut dyn Write, shown: usize, total: usize, hint: Hint<'_>) -> io::Result<()> {
    if total > shown {
        writeln!(out, "… and {} more{hint}", total - shown)?;
        writeln!(out)?;
    }
    Ok(())
}
