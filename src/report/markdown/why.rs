//! `why` and `why --stage` as Markdown: each root cause with its evidence, data and what it held back; a stage traced back to its culprits.

use super::*;

/// The `why` report in Markdown.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn why(out: &mut dyn Write, r: &Why, opts: &MarkdownOptions) -> io::Result<()> {
    run_title(out, &r.run, &why_title(r))?;
    errors(
        out,
        &r.errors,
        r.errors_count,
        r.root_causes_count,
        opts.caps.screen,
        opts.advice.more(),
    )?;
    let cap = opts.caps.screen;
    // Each root cause takes several lines: half a list of them is a screen.
    let causes_shown = shown(cap.map(|c| c.div_ceil(2)), r.root_causes.len());
    for (i, rc) in r.root_causes[..causes_shown].iter().enumerate() {
        root_cause_section(out, r, i, rc, opts)?;
    }
    more(out, causes_shown, r.root_causes_count, opts.advice.more())?;
    // A gate that held back a root cause listed above was said there.
    let listed: Vec<&str> = r.root_causes[..causes_shown]
        .iter()
        .map(|rc| rc.stage.id.as_str())
        .collect();
    run_causes(
        out,
        &not_said_above(&r.outcome.run_causes, &listed),
        cap,
        opts.advice.more(),
    )?;
    critical_section(
        out,
        &r.outcome.critical_path,
        cap,
        opts.advice.more(),
        false,
    )?;
    diagram(out, opts)?;
    next_lines(out, opts, |f| r.next(f))
}

/// The heading: what failed first and the most specific thing the response says about it.
fn why_title(r: &Why) -> String {
    let mut heading = verdict(&r.run, r.root_causes_count, r.errors_count);
    // A run stopped by someone or killed by the system: that leads.
    let halted = r
        .outcome
        .run_causes
        .iter()
        .find(|c| matches!(c, RunCause::Stopped { .. } | RunCause::Killed { .. }));
    if let Some(c) = halted {
        heading = format!("{}: {}", heading, escape(&c.to_string()));
    } else if let Some(rc) = r.root_causes.first() {
        heading.push_str(&format!(": {}", escape(rc.stage.name_or_id())));
        if let Some(h) = &rc.headline {
            heading.push_str(&format!(
                " — {}",
                escape(first_line(&cut(&h.shown(), HEADING_CHARS)))
            ));
        }
    }
    heading
}

/// Root cause number `i + 1`: its heading, facts, evidence, data, what it blocked and the exports below it.
fn root_cause_section(
    out: &mut dyn Write,
    r: &Why,
    i: usize,
    rc: &crate::report::RootCause,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    writeln!(
        out,
        "#### {}. {} — {}",
        i + 1,
        title(&rc.stage),
        rc.stage.status
    )?;
    writeln!(out)?;
    root_cause_facts(out, rc)?;
    if rc.evidence.is_empty() {
        writeln!(out, "The response holds no message for this stage.")?;
        writeln!(out)?;
    } else {
        evidence_blocks(
            out,
            &rc.evidence_groups(),
            rc.evidence_count,
            opts.caps.screen,
            opts.advice.more(),
        )?;
    }
    if !rc.reads.is_empty() || !rc.writes.is_empty() {
        for d in &rc.reads {
            writeln!(out, "- reads {}", data(d))?;
        }
        for d in &rc.writes {
            writeln!(out, "- writes {}", data(d))?;
        }
        writeln!(out)?;
    }
    blocked_downstream(out, rc, opts)?;
    if let Some(gate) = quality_gate_of(&r.outcome.run_causes, &rc.stage.id) {
        writeln!(
            out,
            "Held back by the data-quality gate: {}.",
            escape(&gate)
        )?;
        writeln!(out)?;
    }
    exports_below(out, rc, opts)
}

/// One line of facts: when it ran, retries, operator, trigger rule and fingerprint.
fn root_cause_facts(out: &mut dyn Write, rc: &crate::report::RootCause) -> io::Result<()> {
    let mut facts = Vec::new();
    if let (Some(s0), Some(s1)) = (rc.started_ms, rc.completed_ms) {
        facts.push(format!(
            "ran {} → {} ({})",
            Timestamp(s0),
            Timestamp(s1),
            human_duration(s1.saturating_sub(s0))
        ));
    }
    match rc.retry_count {
        Some(0) | None => {}
        Some(n) => facts.push(format!("{n} retr{}", if n == 1 { "y" } else { "ies" })),
    }
    if let Some(op) = &rc.operator_id {
        facts.push(format!("operator {}", code(op)));
    }
    if rc.trigger_rule != "ALL_SUCCESS" {
        facts.push(format!("trigger rule {}", code(&rc.trigger_rule)));
    }
    if let Some(fp) = rc.fingerprint {
        facts.push(format!("fingerprint {}", code(&fp.to_string())));
    }
    if !facts.is_empty() {
        writeln!(out, "{}", facts.join(" · "))?;
        writeln!(out)?;
    }
    Ok(())
}

/// A table of the stages a root cause blocked downstream, capped, or that it blocked nothing.
fn blocked_downstream(
    out: &mut dyn Write,
    rc: &crate::report::RootCause,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    if rc.blocked_count == 0 {
        writeln!(out, "Blocked nothing downstream.")?;
        writeln!(out)?;
    } else {
        let n = rc.blocked_count;
        writeln!(out, "Blocked downstream ({n} stage{}):", plural(n))?;
        writeln!(out)?;
        let n = shown(opts.caps.screen, rc.blocked_stages.len());
        table(
            out,
            ["stage", "type", "id", "status"],
            rc.blocked_stages[..n].iter().map(|b| {
                [
                    cell(b),
                    escape(b.kind_label()).to_string(),
                    code(&b.id),
                    b.status.to_string(),
                ]
            }),
        )?;
        more(out, n, rc.blocked_count, opts.advice.more())?;
    }
    Ok(())
}

/// The export targets below a root cause, capped; one it writes itself is listed above.
fn exports_below(
    out: &mut dyn Write,
    rc: &crate::report::RootCause,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    let own = |d: &&DataRef| rc.writes.iter().any(|w| w.kind == d.kind && w.id == d.id);
    let below: Vec<&DataRef> = rc.exports_downstream.iter().filter(|d| !own(d)).collect();
    if !below.is_empty() {
        // With nothing blocked, the exports below were not held back by it.
        if rc.blocked_count == 0 {
            writeln!(out, "Downstream of it, not blocked by it:")?;
        } else {
            writeln!(out, "Exports downstream:")?;
        }
        writeln!(out)?;
        let n = shown(opts.caps.screen, below.len());
        for d in &below[..n] {
            writeln!(out, "- {}", data(d))?;
        }
        writeln!(out)?;
        let total = rc.exports_downstream_count - (rc.exports_downstream.len() - below.len());
        more(out, n, total, opts.advice.more())?;
    }
    Ok(())
}

/// The `why --stage` report in Markdown.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn trace(out: &mut dyn Write, r: &Trace, opts: &MarkdownOptions) -> io::Result<()> {
    let me = r.stage_ref();
    writeln!(out, "#### {} — {}", title(&me), r.status)?;
    writeln!(out)?;
    if r.root_cause {
        writeln!(out, "This stage {ITS_OWN_CULPRIT}")?;
        writeln!(out)?;
        if let Some(e) = &r.error {
            let groups = e.evidence_groups();
            if groups.is_empty() {
                writeln!(out, "The response holds no message for this stage.")?;
                writeln!(out)?;
            } else {
                evidence_blocks(
                    out,
                    &groups,
                    e.evidence_count,
                    opts.caps.screen,
                    opts.advice.more(),
                )?;
            }
            if let Some(f) = &e.fingerprint {
                writeln!(out, "Error fingerprint `{f}`.")?;
                writeln!(out)?;
            }
        }
        return next_lines(out, opts, |f| r.next(f));
    }
    if r.culprits.is_empty() {
        return writeln!(out, "{NOTHING_HELD_BACK}");
    }
    let n = shown(opts.caps.screen, r.culprits.len());
    for c in &r.culprits[..n] {
        let (head, skipped, tail) = c.path_ends(opts.caps.screen);
        let mut path: Vec<String> = head.iter().map(cell).collect();
        if skipped > 0 {
            path.push(format!("… {skipped} more …"));
        }
        path.extend(tail.iter().map(cell));
        writeln!(
            out,
            "- held back by {} ({}): {}",
            title(&c.stage),
            c.stage.status,
            path.join(" → ")
        )?;
        if let Some(h) = &c.headline {
            writeln!(out, "  - {}", escape(first_line(&quote(&h.shown()))))?;
        }
    }
    if r.culprits_count > n {
        writeln!(out)?;
    }
    more(out, n, r.culprits_count, opts.advice.more())?;
    writeln!(out)?;
    next_lines(out, opts, |f| r.next(f))
}
