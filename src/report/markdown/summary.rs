//! `summary` as Markdown: one screen with the run, its root causes and its critical path.

use super::*;

/// The `summary` report in Markdown.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn summary(out: &mut dyn Write, r: &Summary, opts: &MarkdownOptions) -> io::Result<()> {
    run_title(
        out,
        &r.run,
        &verdict(&r.run, r.root_causes_count, r.errors_count),
    )?;
    let total = r.stages.total();
    let parts: Vec<String> = r
        .stages
        .by_status()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    writeln!(out, "{total} stage{}: {}", plural(total), parts.join(", "))?;
    writeln!(out)?;
    if r.root_causes.is_empty() {
        writeln!(out, "Root causes: none.")?;
        writeln!(out)?;
    } else {
        errors(
            out,
            &r.errors,
            r.errors_count,
            r.root_causes_count,
            opts.caps.screen,
            opts.advice.more(),
        )?;
        let n = shown(opts.caps.screen, r.root_causes.len());
        table(
            out,
            [
                "root cause",
                "type",
                "status",
                ">blocked",
                "what the response says",
            ],
            r.root_causes[..n].iter().map(|rc| {
                [
                    cell(&rc.stage),
                    escape(rc.stage.kind_label()).to_string(),
                    rc.stage.status.to_string(),
                    rc.blocked.to_string(),
                    rc.headline
                        .as_deref()
                        .map_or_else(String::new, |t| escape(&quote(t)).to_string()),
                ]
            }),
        )?;
        more(out, n, r.root_causes_count, opts.advice.more())?;
    }
    // The table has no room for a gate's counts: every run-level cause.
    run_causes(
        out,
        &not_said_above(&r.outcome.run_causes, &[]),
        opts.caps.screen,
        opts.advice.more(),
    )?;
    critical_section(
        out,
        &r.outcome.critical_path,
        opts.caps.screen,
        opts.advice.more(),
        false,
    )?;
    diagram(out, opts)?;
    next_lines(out, opts, |f| r.next(f))
}
