//! `diff` as text: the verdict, the first divergence and what changed, stage by stage.

use super::*;

/// `diff BASELINE CURRENT`: the verdict and its reason first, then the
/// first divergence with both errors, then what changed, each list capped.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn diff(out: &mut dyn Write, d: &crate::diff::RunDiff, opts: TextOptions) -> io::Result<()> {
    use crate::diff::StageChange;
    let p = Paint { color: opts.color };
    let cap = opts.caps.screen;
    let verdict_code = match d.verdict {
        crate::diff::Verdict::Regressed => "31",
        crate::diff::Verdict::Slower => "33",
        crate::diff::Verdict::Improved => "32",
        _ => "1",
    };
    // What is said about the pair itself comes before the verdict: the
    // verdict reads differently when the runs are of two pipelines or one
    // is still going.
    let about_pair = |n: &&crate::diff::DiffNote| n.kind.is_about_the_pair();
    for n in d.diagnostics.iter().filter(about_pair) {
        writeln!(out, "{} {}", p.bold("Note:"), one_line(&n.detail))?;
    }
    writeln!(
        out,
        "{}: {}",
        p.wrap(verdict_code, d.verdict.label().to_uppercase()),
        one_line(&d.reason)
    )?;
    let side = |s: &crate::run_ref::RunRef| {
        let mut t = format!("run {}", s.shown_id());
        if let Some(c) = s.created_ms {
            t.push_str(&format!(" of {}", time(c)));
        }
        format!("{t}, {}", s.status)
    };
    writeln!(
        out,
        "  {} → {}",
        one_line(&side(&d.baseline)),
        one_line(&side(&d.current))
    )?;
    if let Some(p) = d.current.pipeline_name.as_deref() {
        writeln!(out, "  pipeline \"{}\"", one_line(p))?;
    }

    let name = |key: &str, name: &Option<String>| match name {
        Some(n) => format!("\"{}\"", one_line(n)),
        None => format!("stage {}", one_line(key)),
    };
    if let Some(f) = &d.first_divergence_detail {
        writeln!(out)?;
        let stage = d
            .stages
            .iter()
            .find(|s| Some(&s.key) == d.first_divergence.as_ref());
        write!(
            out,
            "{} {}",
            p.bold("First divergence:"),
            name(&f.key, &f.name)
        )?;
        if let Some(s) = stage {
            write!(
                out,
                " {} → {}",
                p.status(s.baseline_status),
                p.status(s.current_status)
            )?;
        }
        writeln!(out)?;
        let fp = |f: &Option<crate::Fingerprint>| f.map_or_else(String::new, |f| format!(" [{f}]"));
        writeln!(
            out,
            "  before: {}{}",
            one_line(first_line(&quote(
                f.baseline_error.as_deref().unwrap_or("(no error)")
            ))),
            fp(&f.baseline_fingerprint)
        )?;
        writeln!(
            out,
            "  now:    {}{}",
            one_line(first_line(&quote(
                f.current_error.as_deref().unwrap_or("(no error)")
            ))),
            fp(&f.current_fingerprint)
        )?;
        if f.baseline_fingerprint.is_some() && f.current_fingerprint.is_some() {
            let same = f.baseline_fingerprint == f.current_fingerprint;
            writeln!(
                out,
                "  {}",
                if same {
                    "the same error as before (numbers aside)"
                } else {
                    "a different error"
                }
            )?;
        }
    }

    // Lists of names, each capped, one entry a line (a lone entry beside
    // its label): never one line of thousands of characters.
    let line = |out: &mut dyn Write, label: &str, items: &[String]| -> io::Result<()> {
        match items {
            [] => Ok(()),
            [one] => writeln!(out, "  {label}: {one}"),
            _ => {
                writeln!(out, "  {label} ({}):", items.len())?;
                let n = shown(cap, items.len());
                for item in &items[..n] {
                    writeln!(out, "    {item}")?;
                }
                more(out, "    ", n, items.len(), opts.advice.more())
            }
        }
    };
    let stages_with = |o: StageChange| -> Vec<String> {
        d.stages
            .iter()
            .filter(|s| s.outcome == o)
            .map(|s| name(&s.key, &s.name))
            .collect()
    };
    let roots = |list: &[crate::diff::RootCauseChange], with_same: bool| -> Vec<String> {
        list.iter()
            .map(|r| {
                let mut t = name(&r.key, &r.name);
                if with_same {
                    let same = r.baseline_fingerprint.is_some()
                        && r.baseline_fingerprint == r.current_fingerprint;
                    t.push_str(if same {
                        " (same error)"
                    } else {
                        " (a different error)"
                    });
                }
                t
            })
            .collect()
    };
    writeln!(out)?;
    writeln!(out, "{}", p.bold("Stages and root causes:"))?;
    writeln!(out, "  {} stages matched by key", d.stages.len())?;
    line(
        out,
        "newly failing",
        &stages_with(StageChange::NewlyFailing),
    )?;
    line(out, "newly fixed", &stages_with(StageChange::NewlyFixed))?;
    let still: Vec<String> = d
        .stages
        .iter()
        .filter(|s| s.outcome == StageChange::StillFailing)
        .map(|s| {
            let what = if s.same_error == Some(true) {
                "same error"
            } else {
                "a different error"
            };
            format!("{} ({what})", name(&s.key, &s.name))
        })
        .collect();
    line(out, "still failing", &still)?;
    line(
        out,
        "newly not run, held back or never started",
        &stages_with(StageChange::NewlyNotRun),
    )?;
    line(
        out,
        "status changed",
        &stages_with(StageChange::StatusChanged),
    )?;
    line(out, "new root causes", &roots(&d.new_root_causes, false))?;
    line(
        out,
        "resolved root causes",
        &roots(&d.resolved_root_causes, false),
    )?;
    line(
        out,
        "persisting root causes",
        &roots(&d.persisting_root_causes, true),
    )?;

    let slower: Vec<String> = d
        .stages
        .iter()
        .filter(|s| s.slower)
        .map(|s| {
            format!(
                "{} {} → {} (+{})",
                name(&s.key, &s.name),
                human_duration(s.baseline_ms.unwrap_or(0)),
                human_duration(s.current_ms.unwrap_or(0)),
                human_duration(s.delta_ms.unwrap_or(0))
            )
        })
        .collect();
    writeln!(out)?;
    writeln!(out, "{}", p.bold("Time:"))?;
    let delta = |x: &crate::diff::Delta| match (x.baseline, x.current, x.delta) {
        (Some(b), Some(c), Some(dl)) => format!(
            "{} → {} ({}{})",
            human_duration(b),
            human_duration(c),
            if dl >= 0 { "+" } else { "" },
            human_duration(dl)
        ),
        _ => "unknown".to_owned(),
    };
    writeln!(out, "  work on the critical path {}", delta(&d.makespan_ms))?;
    writeln!(out, "  wall time {}", delta(&d.wall_ms))?;
    line(out, "slower", &slower)?;
    // Keys are task definition ids: a person reads the names.
    let called = |key: &str| match d.name_of(key) {
        Some(n) => format!("\"{}\"", one_line(n)),
        None => one_line(key).to_string(),
    };
    let keys = |ks: &[String]| -> Vec<String> { ks.iter().map(|k| called(k)).collect() };
    line(
        out,
        "joined the critical path",
        &keys(&d.critical_path.joined),
    )?;
    line(out, "left the critical path", &keys(&d.critical_path.left))?;

    let mut changes: Vec<(String, Vec<String>)> = Vec::new();
    changes.push((
        "added".into(),
        d.added.iter().map(|s| name(&s.key, &s.name)).collect(),
    ));
    changes.push((
        "removed".into(),
        d.removed.iter().map(|s| name(&s.key, &s.name)).collect(),
    ));
    let edge = |e: &[String; 2]| format!("{} → {}", called(&e[0]), called(&e[1]));
    changes.push((
        "dependencies added".into(),
        d.edges_added.iter().map(edge).collect(),
    ));
    changes.push((
        "dependencies removed".into(),
        d.edges_removed.iter().map(edge).collect(),
    ));
    let value = |c: &crate::diff::ValueChange| {
        format!(
            "{}: {} → {}",
            called(&c.key),
            one_line(c.baseline.as_deref().unwrap_or("—")),
            one_line(c.current.as_deref().unwrap_or("—"))
        )
    };
    changes.push((
        "trigger rules".into(),
        d.rule_changes.iter().map(value).collect(),
    ));
    changes.push(("names".into(), d.name_changes.iter().map(value).collect()));
    changes.push((
        "data".into(),
        d.data_changes
            .iter()
            .map(|c| {
                let mut parts: Vec<String> = c
                    .added
                    .iter()
                    .map(|a| format!("+{}", one_line(a)))
                    .collect();
                parts.extend(c.removed.iter().map(|r| format!("-{}", one_line(r))));
                format!("{}: {}", called(&c.key), parts.join(", "))
            })
            .collect(),
    ));
    changes.push((
        "row counts".into(),
        d.stages
            .iter()
            .filter(|s| s.rows_flagged)
            .map(|s| {
                format!(
                    "{} {} → {}",
                    name(&s.key, &s.name),
                    s.baseline_rows.unwrap_or(0),
                    s.current_rows.unwrap_or(0)
                )
            })
            .collect(),
    ));
    if changes.iter().any(|(_, items)| !items.is_empty()) {
        writeln!(out)?;
        writeln!(out, "{}", p.bold("Structure, lineage and volumes:"))?;
        for (label, items) in &changes {
            line(out, label, items)?;
        }
    }
    if d.diagnostics.iter().any(|n| !about_pair(&n)) {
        writeln!(out)?;
        for n in d.diagnostics.iter().filter(|n| !about_pair(n)) {
            writeln!(out, "{} {}", p.bold("Note:"), one_line(&n.detail))?;
        }
    }
    next_lines(out, &p, opts.file.as_deref(), |f| {
        vec![format!(
            "dataprep-lineage why {}   # the current run in full",
            crate::report::next::shell_quote(f)
        )]
    })
}
