//! `why` and `why --stage` as text: each root cause with its evidence, data and what it held back; a stage traced back to its culprits.

use super::*;

/// The `why` report: root causes with their evidence, data and blast radius,
/// then run-level causes and the critical path.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn why(out: &mut dyn Write, r: &Why, opts: TextOptions) -> io::Result<()> {
    let p = Paint { color: opts.color };
    headline(out, &r.run, &p)?;
    writeln!(out)?;
    causes_summary(out, r, &p, &opts)?;

    let cap = opts.caps.screen;
    // Each root cause takes several lines: half a list of them is a screen.
    let causes_shown = shown(cap.map(|c| c.div_ceil(2)), r.root_causes.len());
    for (i, rc) in r.root_causes.iter().take(causes_shown).enumerate() {
        writeln!(out)?;
        root_cause_section(out, r, i, rc, &p, &opts)?;
    }
    if r.root_causes_count > causes_shown {
        writeln!(out)?;
        more(
            out,
            "",
            causes_shown,
            r.root_causes_count,
            opts.advice.more(),
        )?;
    }
    run_level_causes(out, r, causes_shown, &p, &opts)?;
    writeln!(out)?;
    critical_section(
        out,
        &r.outcome.critical_path,
        &p,
        cap,
        opts.advice.more(),
        false,
    )?;
    next_lines(out, &p, opts.next_file(), |f| r.next(f))
}

/// The line under the headline: no stage failed, or how many root causes and errors, with the errors.
fn causes_summary(out: &mut dyn Write, r: &Why, p: &Paint, opts: &TextOptions) -> io::Result<()> {
    if r.root_causes.is_empty() {
        let line = match r.run.run.status {
            Status::Success => "No stage failed: the run succeeded.",
            Status::Running => "No stage has failed so far: the run is still going.",
            _ => "No stage failed, stopped or was killed.",
        };
        writeln!(out, "{line}")?;
    } else {
        let n = r.root_causes_count;
        writeln!(
            out,
            "{}",
            p.bold(format_args!(
                "{}: {}",
                why_heading(r.run.run.status),
                causes_and_errors(n, r.errors_count)
            ))
        )?;
        errors(
            out,
            &r.errors,
            r.errors_count,
            n,
            opts.caps.screen,
            opts.advice.more(),
        )?;
    }
    Ok(())
}

/// Root cause number `i + 1`: its title, facts, evidence, data, what it blocked and the exports below it.
fn root_cause_section(
    out: &mut dyn Write,
    r: &Why,
    i: usize,
    rc: &crate::report::RootCause,
    p: &Paint,
    opts: &TextOptions,
) -> io::Result<()> {
    root_cause_title(out, i, rc, p)?;
    root_cause_facts(out, rc)?;
    let groups = rc.evidence_groups();
    evidence_lines(
        out,
        p,
        &groups,
        rc.evidence_count,
        opts.caps.screen,
        opts.advice.more(),
        "   ",
    )?;
    if !rc.reads.is_empty() || !rc.writes.is_empty() {
        writeln!(out, "   Data:")?;
        for d in &rc.reads {
            writeln!(out, "     reads  {}", DataLine(d))?;
        }
        for d in &rc.writes {
            writeln!(out, "     writes {}", DataLine(d))?;
        }
    }
    blocked_downstream(out, rc, p, opts)?;
    if let Some(gate) = quality_gate_of(&r.outcome.run_causes, &rc.stage.id) {
        writeln!(out, "   Held back by the data-quality gate: {gate}")?;
    }
    exports_below(out, rc, opts)
}

/// "N. STAGE STATUS: HEADLINE", the most specific text on the first line.
fn root_cause_title(
    out: &mut dyn Write,
    i: usize,
    rc: &crate::report::RootCause,
    p: &Paint,
) -> io::Result<()> {
    write!(
        out,
        "{}. {} {}",
        i + 1,
        p.bold(stage_title(&rc.stage)),
        p.status(rc.stage.status)
    )?;
    // The most specific text leads, on the first line.
    if let Some(h) = &rc.headline {
        write!(out, ": {}", one_line(first_line(&quote(&h.shown()))))?;
    }
    writeln!(out)
}

/// When it ran and its retries, its operator and a trigger rule other than `ALL_SUCCESS`.
fn root_cause_facts(out: &mut dyn Write, rc: &crate::report::RootCause) -> io::Result<()> {
    let mut when = Vec::new();
    match (rc.started_ms, rc.completed_ms) {
        (Some(s0), Some(s1)) => when.push(format!(
            "ran {} → {} ({})",
            time(s0),
            time(s1),
            human_duration(s1.saturating_sub(s0))
        )),
        (Some(s0), None) => when.push(format!("started {}", time(s0))),
        (None, Some(s1)) => when.push(format!("ended {}", time(s1))),
        (None, None) => {}
    }
    match rc.retry_count {
        Some(0) | None => {}
        Some(1) => when.push("after 1 retry".to_owned()),
        Some(r) => when.push(format!("after {r} retries")),
    }
    if !when.is_empty() {
        writeln!(out, "   {}", when.join(", "))?;
    }
    if let Some(op) = &rc.operator_id {
        writeln!(out, "   operator {}", one_line(op))?;
    }
    if rc.trigger_rule != "ALL_SUCCESS" {
        writeln!(out, "   trigger rule {}", rc.trigger_rule)?;
    }
    Ok(())
}

/// The stages a root cause blocked downstream, capped, or that it blocked nothing.
fn blocked_downstream(
    out: &mut dyn Write,
    rc: &crate::report::RootCause,
    p: &Paint,
    opts: &TextOptions,
) -> io::Result<()> {
    if rc.blocked_count == 0 {
        writeln!(out, "   Blocked nothing downstream.")?;
    } else {
        let n = rc.blocked_count;
        writeln!(out, "   Blocked downstream ({n} stage{}):", plural(n))?;
        let n = shown(opts.caps.screen, rc.blocked_stages.len());
        for b in &rc.blocked_stages[..n] {
            writeln!(out, "     • {} — {}", stage_title(b), p.status(b.status))?;
        }
        more(out, "     ", n, rc.blocked_count, opts.advice.more())?;
    }
    Ok(())
}

/// The export targets below a root cause on one line, capped; one it writes itself is in Data.
fn exports_below(
    out: &mut dyn Write,
    rc: &crate::report::RootCause,
    opts: &TextOptions,
) -> io::Result<()> {
    let own = |d: &&DataRef| rc.writes.iter().any(|w| w.kind == d.kind && w.id == d.id);
    let below: Vec<&DataRef> = rc.exports_downstream.iter().filter(|d| !own(d)).collect();
    if !below.is_empty() {
        // With nothing blocked, the exports below were not held back by it.
        let lead = if rc.blocked_count == 0 {
            "Downstream of it, not blocked by it"
        } else {
            "Exports downstream"
        };
        write!(out, "   {lead}: ")?;
        let n = shown(opts.caps.screen, below.len());
        for (i, d) in below[..n].iter().enumerate() {
            if i > 0 {
                write!(out, "; ")?;
            }
            write!(out, "{}", DataLine(d))?;
        }
        let total = rc.exports_downstream_count - (rc.exports_downstream.len() - below.len());
        if total > n {
            write!(out, "; … and {} more (--all shows every one)", total - n)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// "Run-level causes:" not already said under a root cause listed above.
fn run_level_causes(
    out: &mut dyn Write,
    r: &Why,
    causes_shown: usize,
    p: &Paint,
    opts: &TextOptions,
) -> io::Result<()> {
    // A gate that held back a root cause listed above was said there.
    let listed: Vec<&str> = r.root_causes[..causes_shown]
        .iter()
        .map(|rc| rc.stage.id.as_str())
        .collect();
    let run_causes = not_said_above(&r.outcome.run_causes, &listed);
    if !run_causes.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.bold("Run-level causes:"))?;
        let n = shown(opts.caps.screen, run_causes.len());
        for c in &run_causes[..n] {
            writeln!(
                out,
                "  • {}: {}",
                p.bold(c.kind().label()),
                one_line(&c.to_string())
            )?;
        }
        more(out, "  ", n, run_causes.len(), opts.advice.more())?;
    }
    Ok(())
}

/// The `why --stage` report: the stage's culprits and a path from each.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn trace(out: &mut dyn Write, r: &Trace, opts: TextOptions) -> io::Result<()> {
    let p = Paint { color: opts.color };
    let me = r.stage_ref();
    writeln!(out, "{} {}", p.bold(stage_title(&me)), p.status(r.status))?;
    match (r.root_cause, r.culprits.is_empty()) {
        (true, _) => {
            writeln!(out, "  {ITS_OWN_CULPRIT}")?;
            if let Some(e) = &r.error {
                let groups = e.evidence_groups();
                evidence_lines(
                    out,
                    &p,
                    &groups,
                    e.evidence_count,
                    opts.caps.screen,
                    opts.advice.more(),
                    "  ",
                )?;
                if let Some(f) = &e.fingerprint {
                    writeln!(out, "  {}", p.dim(format_args!("error fingerprint {f}")))?;
                }
            }
            return next_lines(out, &p, opts.next_file(), |f| r.next(f));
        }
        (false, true) => return writeln!(out, "{NOTHING_HELD_BACK}"),
        (false, false) => {}
    }
    let n = shown(opts.caps.screen, r.culprits.len());
    for c in &r.culprits[..n] {
        let said = c
            .headline
            .as_ref()
            .map(|h| format!(": {}", one_line(&quote(first_line(&h.shown())))))
            .unwrap_or_default();
        writeln!(
            out,
            "  held back by {} {}{said}",
            stage_title(&c.stage),
            p.status(c.stage.status)
        )?;
        // A long path shows its two ends: where it starts and where it arrives.
        let (head, skipped, tail) = c.path_ends(opts.caps.screen);
        write!(out, "    path: ")?;
        for (i, s) in head.iter().enumerate() {
            if i > 0 {
                write!(out, " → ")?;
            }
            write!(out, "{}", one_line(s.name_or_id()))?;
        }
        if skipped > 0 {
            write!(out, " → … {skipped} more …")?;
        }
        for s in tail {
            write!(out, " → {}", one_line(s.name_or_id()))?;
        }
        writeln!(out)?;
    }
    more(out, "  ", n, r.culprits_count, opts.advice.more())?;
    next_lines(out, &p, opts.next_file(), |f| r.next(f))
}
