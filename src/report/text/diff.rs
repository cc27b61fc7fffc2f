//! `diff` as text: the verdict, the first divergence and what changed, stage by stage.

use super::*;

use crate::diff::{DiffNote, RootCauseChange, RunDiff, StageChange};

/// `diff BASELINE CURRENT`: the verdict and its reason first, then the
/// first divergence with both errors, then what changed, each list capped.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn diff(out: &mut dyn Write, d: &crate::diff::RunDiff, opts: TextOptions) -> io::Result<()> {
    let p = Paint { color: opts.color };
    verdict_lines(out, d, &p)?;
    first_divergence(out, d, &p)?;
    stages_and_root_causes(out, d, &p, &opts)?;
    time_section(out, d, &p, &opts)?;
    structure_section(out, d, &p, &opts)?;
    other_notes(out, d, &p)?;
    next_lines(out, &p, opts.next_file(), |f| {
        vec![format!(
            "dataprep-lineage why {}   # the current run in full",
            crate::report::next::shell_quote(f)
        )]
    })
}

/// A note about the pair itself (two pipelines, a run still going).
fn about_pair(n: &DiffNote) -> bool {
    n.kind.is_about_the_pair()
}

/// A stage as a person reads it: its name quoted, else its key.
fn stage_called(key: &str, name: &Option<String>) -> String {
    match name {
        Some(n) => format!("\"{}\"", one_line(n)),
        None => format!("stage {}", one_line(key)),
    }
}

/// A key as a person reads it: the stage's name quoted, else the key.
fn key_called(d: &RunDiff, key: &str) -> String {
    match d.name_of(key) {
        Some(n) => format!("\"{}\"", one_line(n)),
        None => one_line(key).to_string(),
    }
}

/// A list of names, capped, one entry a line (a lone entry beside its
/// label): never one line of thousands of characters.
fn labelled_list(
    out: &mut dyn Write,
    opts: &TextOptions,
    label: &str,
    items: &[String],
) -> io::Result<()> {
    match items {
        [] => Ok(()),
        [one] => writeln!(out, "  {label}: {one}"),
        _ => {
            writeln!(out, "  {label} ({}):", items.len())?;
            let n = shown(opts.caps.screen, items.len());
            for item in &items[..n] {
                writeln!(out, "    {item}")?;
            }
            more(out, "    ", n, items.len(), opts.advice.more())
        }
    }
}

/// The notes about the pair, the verdict with its reason, both runs and the pipeline.
fn verdict_lines(out: &mut dyn Write, d: &RunDiff, p: &Paint) -> io::Result<()> {
    let verdict_code = match d.verdict {
        crate::diff::Verdict::Regressed => "31",
        crate::diff::Verdict::Slower => "33",
        crate::diff::Verdict::Improved => "32",
        _ => "1",
    };
    // What is said about the pair itself comes before the verdict: the
    // verdict reads differently when the runs are of two pipelines or one
    // is still going.
    for n in d.diagnostics.iter().filter(|n| about_pair(n)) {
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
    Ok(())
}

/// The first divergence: the stage, its statuses and both errors.
fn first_divergence(out: &mut dyn Write, d: &RunDiff, p: &Paint) -> io::Result<()> {
    let Some(f) = &d.first_divergence_detail else {
        return Ok(());
    };
    writeln!(out)?;
    let stage = d
        .stages
        .iter()
        .find(|s| Some(&s.key) == d.first_divergence.as_ref());
    write!(
        out,
        "{} {}",
        p.bold("First divergence:"),
        stage_called(&f.key, &f.name)
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
    Ok(())
}

/// The names of the matched stages with outcome `o`.
fn stages_with(d: &RunDiff, o: StageChange) -> Vec<String> {
    d.stages
        .iter()
        .filter(|s| s.outcome == o)
        .map(|s| stage_called(&s.key, &s.name))
        .collect()
}

/// Root causes by name, each with whether its error stayed the same when `with_same`.
fn root_cause_names(list: &[RootCauseChange], with_same: bool) -> Vec<String> {
    list.iter()
        .map(|r| {
            let mut t = stage_called(&r.key, &r.name);
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
}

/// "Stages and root causes:": the stages by outcome, then new, resolved and persisting root causes.
fn stages_and_root_causes(
    out: &mut dyn Write,
    d: &RunDiff,
    p: &Paint,
    opts: &TextOptions,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", p.bold("Stages and root causes:"))?;
    writeln!(out, "  {} stages matched by key", d.stages.len())?;
    labelled_list(
        out,
        opts,
        "newly failing",
        &stages_with(d, StageChange::NewlyFailing),
    )?;
    labelled_list(
        out,
        opts,
        "newly fixed",
        &stages_with(d, StageChange::NewlyFixed),
    )?;
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
            format!("{} ({what})", stage_called(&s.key, &s.name))
        })
        .collect();
    labelled_list(out, opts, "still failing", &still)?;
    labelled_list(
        out,
        opts,
        "newly not run, held back or never started",
        &stages_with(d, StageChange::NewlyNotRun),
    )?;
    labelled_list(
        out,
        opts,
        "status changed",
        &stages_with(d, StageChange::StatusChanged),
    )?;
    labelled_list(
        out,
        opts,
        "new root causes",
        &root_cause_names(&d.new_root_causes, false),
    )?;
    labelled_list(
        out,
        opts,
        "resolved root causes",
        &root_cause_names(&d.resolved_root_causes, false),
    )?;
    labelled_list(
        out,
        opts,
        "persisting root causes",
        &root_cause_names(&d.persisting_root_causes, true),
    )
}

/// "Time:": the work on the critical path, the wall time, slower stages and critical-path changes.
fn time_section(out: &mut dyn Write, d: &RunDiff, p: &Paint, opts: &TextOptions) -> io::Result<()> {
    let slower: Vec<String> = d
        .stages
        .iter()
        .filter(|s| s.slower)
        .map(|s| {
            format!(
                "{} {} → {} (+{})",
                stage_called(&s.key, &s.name),
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
    labelled_list(out, opts, "slower", &slower)?;
    // Keys are task definition ids: a person reads the names.
    let keys = |ks: &[String]| -> Vec<String> { ks.iter().map(|k| key_called(d, k)).collect() };
    labelled_list(
        out,
        opts,
        "joined the critical path",
        &keys(&d.critical_path.joined),
    )?;
    labelled_list(
        out,
        opts,
        "left the critical path",
        &keys(&d.critical_path.left),
    )
}

/// What changed in structure, lineage and volumes, as labelled lists.
fn structure_changes(d: &RunDiff) -> Vec<(String, Vec<String>)> {
    let called = |key: &str| key_called(d, key);
    let mut changes: Vec<(String, Vec<String>)> = Vec::new();
    changes.push((
        "added".into(),
        d.added
            .iter()
            .map(|s| stage_called(&s.key, &s.name))
            .collect(),
    ));
    changes.push((
        "removed".into(),
        d.removed
            .iter()
            .map(|s| stage_called(&s.key, &s.name))
            .collect(),
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
                    stage_called(&s.key, &s.name),
                    s.baseline_rows.unwrap_or(0),
                    s.current_rows.unwrap_or(0)
                )
            })
            .collect(),
    ));
    changes
}

/// "Structure, lineage and volumes:", when anything there changed.
fn structure_section(
    out: &mut dyn Write,
    d: &RunDiff,
    p: &Paint,
    opts: &TextOptions,
) -> io::Result<()> {
    let changes = structure_changes(d);
    if changes.iter().any(|(_, items)| !items.is_empty()) {
        writeln!(out)?;
        writeln!(out, "{}", p.bold("Structure, lineage and volumes:"))?;
        for (label, items) in &changes {
            labelled_list(out, opts, label, items)?;
        }
    }
    Ok(())
}

/// The notes not about the pair itself, after the lists.
fn other_notes(out: &mut dyn Write, d: &RunDiff, p: &Paint) -> io::Result<()> {
    if d.diagnostics.iter().any(|n| !about_pair(n)) {
        writeln!(out)?;
        for n in d.diagnostics.iter().filter(|n| !about_pair(n)) {
            writeln!(out, "{} {}", p.bold("Note:"), one_line(&n.detail))?;
        }
    }
    Ok(())
}
