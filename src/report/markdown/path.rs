//! `order` and `critical-path` as Markdown: the stages in order, and the chain that decided the run's length.

use super::*;

/// The `critical-path` report in Markdown.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn critical_path(
    out: &mut dyn Write,
    r: &CriticalPath,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    run_title(out, &r.run, "where the time went")?;
    critical_section(
        out,
        &r.path_summary(),
        opts.caps.screen,
        opts.advice.more(),
        true,
    )?;
    writeln!(out, "#### Every stage (topological order)")?;
    writeln!(out)?;
    let n = shown(opts.caps.screen, r.stages.len());
    table(
        out,
        [
            "stage",
            "status",
            ">duration",
            ">earliest finish",
            ">slack",
            "critical",
        ],
        r.stages[..n].iter().map(|s| {
            // As in text: a stage that did not run has no times to show.
            let never_ran = !s.ran && s.stage.status != Status::Running;
            let time = |ms: i64| {
                if never_ran {
                    "—".to_owned()
                } else {
                    human_duration(ms)
                }
            };
            [
                cell(&s.stage),
                s.stage.status.to_string(),
                time(s.duration_ms),
                time(s.earliest_finish_ms),
                time(s.slack_ms),
                if s.critical { "yes" } else { "" }.to_owned(),
            ]
        }),
    )?;
    more(out, n, r.stages.len(), opts.advice.more())?;
    diagram(out, opts)?;
    next_lines(out, opts, |f| r.next(f))
}

/// The `order` report in Markdown.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn order(out: &mut dyn Write, r: &StageOrder) -> io::Result<()> {
    let n = r.stages.len();
    writeln!(
        out,
        "{n} stage{} in topological order (parents first; ties by smallest id):",
        plural(n)
    )?;
    writeln!(out)?;
    table(
        out,
        [">#", ">level", "id", "name", "status"],
        r.stages.iter().enumerate().map(|(i, s)| {
            [
                (i + 1).to_string(),
                s.level.to_string(),
                code(&s.stage.id),
                s.stage
                    .name
                    .as_deref()
                    .map_or_else(|| "—".to_owned(), |n| escape(n).to_string()),
                s.stage.status.to_string(),
            ]
        }),
    )
}
