//! `order` and `critical-path` as text: the stages in order, and the chain that decided the run's length.

use super::*;

/// The `order` report: stages in topological order with their levels.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn order(out: &mut dyn Write, r: &StageOrder, opts: TextOptions) -> io::Result<()> {
    let p = Paint { color: opts.color };
    let n = r.stages.len();
    writeln!(
        out,
        "{n} stage{} in topological order (parents first; ties by smallest id)\n",
        plural(n)
    )?;
    let rows: Vec<[String; 5]> = r
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| {
            [
                (i + 1).to_string(),
                s.level.to_string(),
                one_line(&s.stage.id).to_string(),
                s.stage
                    .name
                    .as_deref()
                    .map_or_else(|| "—".to_owned(), |n| one_line(n).to_string()),
                s.stage.status.label().to_owned(),
            ]
        })
        .collect();
    let statuses: Vec<Status> = r.stages.iter().map(|s| s.stage.status).collect();
    table(
        out,
        &["#", "level", "id", "name", "status"],
        &rows,
        Some((4, &statuses)),
        &p,
        3,
    )?;
    next_lines(out, &p, opts.next_file(), |f| r.next(f))
}

/// The `critical-path` report: the path, every stage's timing, and the
/// observed chain with its waits.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn critical_path(out: &mut dyn Write, r: &CriticalPath, opts: TextOptions) -> io::Result<()> {
    let p = Paint { color: opts.color };
    headline(out, &r.run, &p)?;
    writeln!(out)?;
    critical_section(
        out,
        &r.path_summary(),
        &p,
        opts.caps.screen,
        opts.advice.more(),
        true,
    )?;

    writeln!(out)?;
    writeln!(out, "{}", p.bold("Every stage (topological order):"))?;
    let n = shown(opts.caps.screen, r.stages.len());
    let rows: Vec<[String; 6]> = r.stages[..n]
        .iter()
        .map(|s| {
            // A stage that did not run has no duration, finish or slack to
            // show (a running one has its time so far).
            let never_ran = !s.ran && s.stage.status != Status::Running;
            let time = |ms: i64| {
                if never_ran {
                    "—".to_owned()
                } else {
                    human_duration(ms)
                }
            };
            [
                one_line(s.stage.name_or_id()).to_string(),
                s.stage.status.label().to_owned(),
                time(s.duration_ms),
                time(s.earliest_finish_ms),
                time(s.slack_ms),
                if s.critical {
                    "critical".to_owned()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    let statuses: Vec<Status> = r.stages[..n].iter().map(|s| s.stage.status).collect();
    table(
        out,
        &[
            "stage",
            "status",
            "duration",
            "earliest finish",
            "slack",
            "",
        ],
        &rows,
        Some((1, &statuses)),
        &p,
        0,
    )?;
    more(out, "", n, r.stages.len(), opts.advice.more())?;
    next_lines(out, &p, opts.next_file(), |f| r.next(f))
}
