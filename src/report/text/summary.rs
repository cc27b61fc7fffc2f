//! `summary` as text: one screen with the run, its root causes and its critical path.

use super::*;

/// The `summary` report: one screen with the run, its stages, root causes,
/// run-level causes and critical path.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn summary(out: &mut dyn Write, r: &Summary, opts: TextOptions) -> io::Result<()> {
    let p = Paint { color: opts.color };
    headline(out, &r.run, &p)?;
    let total = r.stages.total();
    write!(out, "  {total} stage{}", plural(total))?;
    let mut first = true;
    for (status, n) in r.stages.by_status() {
        if n > 0 {
            write!(
                out,
                "{}{n} {}",
                if first { ": " } else { ", " },
                p.status(status)
            )?;
            first = false;
        }
    }
    writeln!(out)?;
    writeln!(out)?;

    if r.root_causes.is_empty() {
        writeln!(out, "Root causes: none")?;
    } else {
        let heading = match r.root_causes_count {
            1 => "Root cause:".to_owned(),
            n => format!("{}:", causes_and_errors(n, r.errors_count)),
        };
        writeln!(out, "{}", p.bold(heading))?;
        errors(
            out,
            &r.errors,
            r.errors_count,
            r.root_causes_count,
            opts.caps.screen,
            opts.advice.more(),
        )?;
        if r.root_causes_count >= 2 {
            writeln!(out)?;
        }
        let n = shown(opts.caps.screen, r.root_causes.len());
        for rc in &r.root_causes[..n] {
            write!(
                out,
                "  • {} {} — ",
                stage_title(&rc.stage),
                p.status(rc.stage.status),
            )?;
            match rc.blocked {
                0 => writeln!(out, "blocked nothing downstream")?,
                b => writeln!(out, "blocked {b} stage{} downstream", plural(b))?,
            }
            if let Some(lead) = &rc.headline {
                writeln!(out, "    {}", block(&quote(lead), 4))?;
            }
            if let Some(gate) = quality_gate_of(&r.outcome.run_causes, &rc.stage.id) {
                writeln!(out, "    held back by the data-quality gate: {gate}")?;
            }
        }
        more(out, "  ", n, r.root_causes_count, opts.advice.more())?;
    }
    // A gate that held back a root cause listed above was said there.
    let listed: Vec<&str> = r.root_causes[..shown(opts.caps.screen, r.root_causes.len())]
        .iter()
        .map(|rc| rc.stage.id.as_str())
        .collect();
    let run_causes = not_said_above(&r.outcome.run_causes, &listed);
    if !run_causes.is_empty() {
        writeln!(out, "{}", p.bold("Run-level causes:"))?;
        let n = shown(opts.caps.screen, run_causes.len());
        for c in &run_causes[..n] {
            writeln!(out, "  • {}", one_line(&c.to_string()))?;
        }
        more(out, "  ", n, run_causes.len(), opts.advice.more())?;
    }
    writeln!(out)?;
    critical_section(
        out,
        &r.outcome.critical_path,
        &p,
        opts.caps.screen,
        opts.advice.more(),
        false,
    )?;
    next_lines(out, &p, opts.next_file(), |f| r.next(f))
}
