//! `history` as Markdown: per pipeline, the latest run against the ones before it, flaky stages, recurring causes and slower stages.

use super::*;

/// `history` for a chat message or an issue: a section per pipeline with
/// its latest run (each root cause new or seen before), then tables of at
/// most `top` flaky stages, recurring root causes and stages slower than
/// usual; the skipped files last.
pub fn history(
    out: &mut dyn Write,
    h: &crate::history::History,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    let top = opts.caps.top.unwrap_or(usize::MAX);
    use crate::history::History;
    let runs: usize = h.pipelines.iter().map(|p| p.runs).sum();
    writeln!(
        out,
        "### History: {runs} run{} of {} pipeline{}",
        plural(runs),
        h.pipelines.len(),
        plural(h.pipelines.len())
    )?;
    writeln!(out)?;
    let named = |key: &str, name: &Option<String>| match name {
        Some(n) => escape(&cut(n, HEADING_CHARS)).to_string(),
        None => code(key),
    };
    for pipe in &h.pipelines {
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
                writeln!(out, "- {} — {seen}", named(&c.key, &c.name))?;
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
        let flaky = History::flaky(pipe);
        if !flaky.is_empty() {
            writeln!(out, "**Flaky stages** (success and failure alternate):")?;
            writeln!(out)?;
            let n = flaky.len().min(top);
            table(
                out,
                ["stage", ">flips", ">runs", "outcomes"],
                flaky[..n].iter().map(|s| {
                    [
                        named(&s.key, &s.name),
                        s.flips.to_string(),
                        s.runs.to_string(),
                        outcome_counts(s),
                    ]
                }),
            )?;
            more_top(out, n, flaky.len(), opts.advice.more_top())?;
        }
        let recurring: Vec<_> = pipe
            .recurring_root_causes
            .iter()
            .filter(|c| c.count > 1)
            .collect();
        if !recurring.is_empty() {
            writeln!(out, "**Recurring root causes** (same stage, same error):")?;
            writeln!(out)?;
            let n = recurring.len().min(top);
            table(
                out,
                [">runs", "stage", "first", "last", "error"],
                recurring[..n].iter().map(|c| {
                    [
                        c.count.to_string(),
                        named(&c.key, &c.name),
                        code(&c.first_run_id),
                        code(&c.last_run_id),
                        c.text.as_deref().map_or_else(
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
                        ),
                    ]
                }),
            )?;
            more_top(out, n, recurring.len(), opts.advice.more_top())?;
        }
        let slower = History::slower(pipe);
        if !slower.is_empty() {
            writeln!(out, "**Slower than usual** in the latest run:")?;
            writeln!(out)?;
            let n = slower.len().min(top);
            table(
                out,
                ["stage", ">latest", ">p50", ">p95", ">ratio"],
                slower[..n].iter().map(|s| {
                    [
                        named(&s.key, &s.name),
                        human_duration(s.latest_ms.unwrap_or(0)),
                        human_duration(s.p50_ms.unwrap_or(0)),
                        human_duration(s.p95_ms.unwrap_or(0)),
                        format!("{:.1}x", s.latest_ratio.unwrap_or(0.0)),
                    ]
                }),
            )?;
            more_top(out, n, slower.len(), opts.advice.more_top())?;
        }
    }
    if !h.skipped.is_empty() {
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
        more(out, n, h.skipped.len(), opts.advice.more())?;
    }
    let steps = h.next();
    if !steps.is_empty() {
        writeln!(out)?;
    }
    for step in steps {
        writeln!(out, "**Next:** {}  ", code(&step))?;
    }
    Ok(())
}

/// `… and N more` under a `--top` list.
fn more_top(out: &mut dyn Write, shown: usize, total: usize, hint: Hint<'_>) -> io::Result<()> {
    if total > shown {
        writeln!(out, "… and {} more{hint}", total - shown)?;
        writeln!(out)?;
    }
    Ok(())
}
