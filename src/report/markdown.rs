//! Markdown reports (GitHub-flavoured), for chat, issues and pull requests.
//!
//! What a bot posts after a run: a heading with the verdict, each root
//! cause with its evidence in code blocks, tables for the blocked stages and
//! the critical path, and, when asked, the Mermaid diagram in a fenced
//! `mermaid` block (GitHub and GitLab draw it). Drawn from the same report
//! structs as the text and JSON, so the three say the same.
//!
//! The response is untrusted text: every name, id and message is escaped
//! ([`escape`]) or put in a code block whose fence is longer than any run of
//! backticks inside it ([`code_block`]), so nothing from the input can open a
//! link, an image, a table cell or raw HTML.

use std::fmt;
use std::io::{self, Write};

use super::text::{
    causes_and_errors, error_text, errors_shown, first_line, not_said_above, quality_gate_of,
    quote, shown,
};
use super::{
    condensed, human_duration, plural, CriticalPath, DataRef, ErrorGroup, Fmt, PathSummary,
    RunInfo, StageOrder, StageRef, Summary, Trace, Why, CONDENSED_HEAVIEST, CONDENSED_WAITS,
    ITS_OWN_CULPRIT, NOTHING_HELD_BACK,
};
use crate::cause::RunCause;
use crate::model::Timestamp;
use crate::status::Status;
use std::borrow::Cow;

/// How to render Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// A Mermaid diagram (from [`crate::mermaid`]) to include in a fenced
    /// `mermaid` block.
    pub diagram: Option<String>,
    /// The most entries a list or table shows (then "… and N more");
    /// `None` shows every one. Default 20.
    pub list_cap: Option<usize>,
    /// The input as the reader named it, for the `Next:` lines; `None`
    /// leaves them out.
    pub file: Option<String>,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            diagram: None,
            list_cap: Some(super::text::LIST_CAP),
            file: None,
        }
    }
}

/// `*… and N more (--all shows every one)*` after a list that showed fewer
/// than `total`, as its own paragraph.
fn more(out: &mut dyn Write, shown: usize, total: usize) -> io::Result<()> {
    if total > shown {
        writeln!(
            out,
            "*… and {} more (--all shows every one)*",
            total - shown
        )?;
        writeln!(out)?;
    }
    Ok(())
}

/// Inline text from the response, escaped for Markdown: ASCII punctuation
/// that Markdown reads as syntax gets a backslash, line breaks and other
/// control characters become spaces, so the text stays on its line and in its
/// table cell.
///
/// ```
/// use dataprep_lineage::report::markdown::escape;
/// assert_eq!(escape("a|b *c* <x>").to_string(), r"a\|b \*c\* \<x\>");
/// ```
pub fn escape(text: &str) -> impl fmt::Display + '_ {
    super::Fmt(move |f: &mut fmt::Formatter<'_>| {
        for c in text.chars() {
            match c {
                // Enough to keep text inert: with `[` `]` escaped no link or
                // image can open, with `<` `&` no HTML or entity, with `|` no
                // table cell; `(`, `!` and `"` are then harmless and kept.
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '&' => {
                    write!(f, "\\{c}")?
                }
                c if c.is_control() => f.write_str(" ")?,
                c => write!(f, "{c}")?,
            }
        }
        Ok(())
    })
}

/// An inline code span holding `text`, with a fence longer than any run of
/// backticks in it; control characters become spaces.
fn code(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let fence = "`".repeat(longest_backtick_run(&clean) + 1);
    let pad = if clean.starts_with('`') || clean.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{clean}{pad}{fence}")
}

fn longest_backtick_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// A fenced code block holding `text` verbatim (line breaks kept), with a
/// fence longer than any run of backticks inside and at least three.
pub fn code_block(out: &mut dyn Write, info: &str, text: &str) -> io::Result<()> {
    let fence = "`".repeat((longest_backtick_run(text) + 1).max(3));
    writeln!(out, "{fence}{info}")?;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Other control characters (an ANSI escape) are shown, not sent.
        writeln!(out, "{}", super::text::one_line_keep_tabs(line))?;
    }
    writeln!(out, "{fence}")
}

/// A table: the header's cells (a leading `>` right-aligns the column),
/// then the rows, then a blank line. Cells are already escaped.
fn table<const N: usize>(
    out: &mut dyn Write,
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> io::Result<()> {
    let mut rule = String::from("|");
    write!(out, "|")?;
    for h in header {
        let (name, right) = match h.strip_prefix('>') {
            Some(name) => (name, true),
            None => (h, false),
        };
        write!(out, " {name} |")?;
        rule.push_str(if right { "---:|" } else { "---|" });
    }
    writeln!(out)?;
    writeln!(out, "{rule}")?;
    for row in rows {
        write!(out, "|")?;
        for cell in row {
            write!(out, " {cell} |")?;
        }
        writeln!(out)?;
    }
    writeln!(out)
}

/// `**name** (type, id `N`)`.
fn title(s: &StageRef) -> impl fmt::Display + '_ {
    Fmt(move |f: &mut fmt::Formatter<'_>| {
        match &s.name {
            Some(n) => write!(f, "**{}**", escape(n))?,
            None => write!(f, "stage {}", code(&s.id))?,
        }
        write!(f, " ({}, id {})", escape(s.kind_label()), code(&s.id))
    })
}

/// A stage's name (or id) for a table cell.
fn cell(s: &StageRef) -> String {
    match &s.name {
        Some(n) => escape(n).to_string(),
        None => code(&s.id),
    }
}

/// `dataset **name** via connection \[type\]`.
fn data(d: &DataRef) -> impl fmt::Display + '_ {
    Fmt(move |f: &mut fmt::Formatter<'_>| {
        write!(f, "{} ", d.kind.label())?;
        match &d.name {
            Some(n) => write!(f, "**{}**", escape(n))?,
            None => write!(f, "{}", code(&d.id))?,
        }
        let via = d
            .connection
            .as_deref()
            .filter(|c| Some(*c) != d.name.as_deref());
        if let Some(c) = via {
            write!(f, " via {}", escape(c))?;
        }
        if let Some(t) = &d.connection_type {
            write!(f, " \\[{}\\]", escape(t))?;
        }
        Ok(())
    })
}

fn run_title(out: &mut dyn Write, run: &RunInfo, verdict: &str) -> io::Result<()> {
    write!(
        out,
        "### Run {}",
        code(run.id.as_deref().unwrap_or("(no id)"))
    )?;
    if let Some(p) = &run.run.pipeline_name {
        write!(out, " of {}", escape(p))?;
    }
    writeln!(out, ": {verdict}")?;
    writeln!(out)?;
    let mut facts = vec![format!("**{}**", run.run.status)];
    if let Some(w) = &run.workspace {
        facts.push(format!("workspace {}", escape(w)));
    }
    if let Some(t) = &run.run_type {
        facts.push(format!("{} run", escape(t)));
    }
    if let Some(t) = run.run.created_ms {
        facts.push(format!("started {}", Timestamp(t)));
    }
    match (run.wall_ms, run.run.status) {
        (Some(w), Status::Running) => {
            facts.push(format!("running for {} so far", human_duration(w)))
        }
        (Some(w), _) => facts.push(format!("wall time {}", human_duration(w))),
        _ => {}
    }
    writeln!(out, "{}", facts.join(" · "))?;
    writeln!(out)
}

fn verdict(run: &RunInfo, root_causes: usize, errors: usize) -> String {
    match (run.run.status, root_causes) {
        (Status::Running, n) if n > 0 => {
            format!("still running — {} so far", causes_and_errors(n, errors))
        }
        (_, n) if n > 0 => format!("{} — {}", run.run.status, causes_and_errors(n, errors)),
        (Status::Success, _) => "succeeded".to_owned(),
        (Status::Running, _) => "still running, nothing failed so far".to_owned(),
        (s, _) => format!("{s}, no stage failed"),
    }
}

/// One bullet per distinct error of the root causes (how many fail with
/// it, its text, the first stage names), when there are two or more.
fn errors(
    out: &mut dyn Write,
    groups: &[ErrorGroup],
    groups_count: usize,
    causes: usize,
    cap: Option<usize>,
) -> io::Result<()> {
    if causes < 2 {
        return Ok(());
    }
    let n = errors_shown(cap, groups.len());
    for group in &groups[..n] {
        let names: Vec<String> = group
            .first_stages
            .iter()
            .map(|st| escape(st.name_or_id()).to_string())
            .collect();
        let rest = group.count - group.first_stages.len();
        writeln!(
            out,
            "- **{} ×** {} — {}{}",
            group.count,
            escape(first_line(&error_text(group))),
            names.join(", "),
            if rest > 0 {
                format!(" and {rest} more")
            } else {
                String::new()
            }
        )?;
    }
    writeln!(out)?;
    more(out, n, groups_count)
}

/// The `why` report in Markdown.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn why(out: &mut dyn Write, r: &Why, opts: &MarkdownOptions) -> io::Result<()> {
    // The heading says what failed first and the most specific thing the
    // response says about it.
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
    run_title(out, &r.run, &heading)?;
    errors(
        out,
        &r.errors,
        r.errors_count,
        r.root_causes_count,
        opts.list_cap,
    )?;
    let cap = opts.list_cap;
    // Each root cause takes several lines: half a list of them is a screen.
    let causes_shown = shown(cap.map(|c| c.div_ceil(2)), r.root_causes.len());
    for (i, rc) in r.root_causes[..causes_shown].iter().enumerate() {
        writeln!(
            out,
            "#### {}. {} — {}",
            i + 1,
            title(&rc.stage),
            rc.stage.status
        )?;
        writeln!(out)?;
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
        if rc.evidence.is_empty() {
            writeln!(out, "The response holds no message for this stage.")?;
            writeln!(out)?;
        } else {
            evidence_blocks(out, &rc.evidence_groups(), rc.evidence_count, cap)?;
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
        if rc.blocked_count == 0 {
            writeln!(out, "Blocked nothing downstream.")?;
            writeln!(out)?;
        } else {
            let n = rc.blocked_count;
            writeln!(out, "Blocked downstream ({n} stage{}):", plural(n))?;
            writeln!(out)?;
            let n = shown(cap, rc.blocked_stages.len());
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
            more(out, n, rc.blocked_count)?;
        }
        if let Some(gate) = quality_gate_of(&r.outcome.run_causes, &rc.stage.id) {
            writeln!(
                out,
                "Held back by the data-quality gate: {}.",
                escape(&gate)
            )?;
            writeln!(out)?;
        }
        // The export targets below it; one it writes itself is listed above.
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
            let n = shown(cap, below.len());
            for d in &below[..n] {
                writeln!(out, "- {}", data(d))?;
            }
            writeln!(out)?;
            let total = rc.exports_downstream_count - (rc.exports_downstream.len() - below.len());
            more(out, n, total)?;
        }
    }
    more(out, causes_shown, r.root_causes_count)?;
    // A gate that held back a root cause listed above was said there.
    let listed: Vec<&str> = r.root_causes[..causes_shown]
        .iter()
        .map(|rc| rc.stage.id.as_str())
        .collect();
    run_causes(out, &not_said_above(&r.outcome.run_causes, &listed), cap)?;
    critical_section(out, &r.outcome.critical_path, cap, false)?;
    diagram(out, opts)?;
    next_lines(out, opts, |f| r.next(f))
}

/// How much of a quoted text a heading shows.
const HEADING_CHARS: usize = 160;

/// `text` cut at `max` characters, with `…` where it was cut.
fn cut(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
    }
}

/// `**Next:** `command`` lines: real commands to run on this input.
fn next_lines(
    out: &mut dyn Write,
    opts: &MarkdownOptions,
    next: impl FnOnce(&str) -> Vec<String>,
) -> io::Result<()> {
    let Some(file) = opts.file.as_deref() else {
        return Ok(());
    };
    for step in next(file) {
        writeln!(out, "**Next:** {}  ", code(&step))?;
    }
    Ok(())
}

fn run_causes(out: &mut dyn Write, causes: &[&RunCause], cap: Option<usize>) -> io::Result<()> {
    if causes.is_empty() {
        return Ok(());
    }
    writeln!(out, "#### Run-level causes")?;
    writeln!(out)?;
    let n = shown(cap, causes.len());
    for c in &causes[..n] {
        writeln!(
            out,
            "- **{}**: {}",
            c.kind().label(),
            escape(&c.to_string())
        )?;
    }
    writeln!(out)?;
    more(out, n, causes.len())
}

fn critical_section(
    out: &mut dyn Write,
    c: &PathSummary,
    cap: Option<usize>,
    timing_report: bool,
) -> io::Result<()> {
    write!(
        out,
        "#### Critical path: {} of work",
        human_duration(c.makespan_ms)
    )?;
    if let Some(w) = c.wall_ms {
        write!(out, " against {} of wall time", human_duration(w))?;
    }
    writeln!(out)?;
    writeln!(out)?;
    if c.path_steps.is_empty() {
        writeln!(out, "No stages.")?;
        writeln!(out)?;
    } else {
        let steps = &c.path_steps;
        let row = |i: usize| {
            let s = &steps[i];
            [
                (i + 1).to_string(),
                cell(&s.stage),
                escape(s.stage.kind_label()).to_string(),
                s.stage.status.to_string(),
                if s.stage.status == Status::Running {
                    format!("{} so far", human_duration(s.duration_ms))
                } else {
                    human_duration(s.duration_ms)
                },
                format!("+{}", human_duration(s.earliest_finish_ms)),
            ]
        };
        let header = [">#", "stage", "type", "status", ">duration", ">finishes at"];
        match condensed(steps.len(), cap, CONDENSED_HEAVIEST, |i| {
            steps[i].duration_ms
        }) {
            None => table(out, header, (0..steps.len()).map(row))?,
            Some(keep) => {
                writeln!(
                    out,
                    "{} stages; the first, the last and the {} longest (`--all` shows every one):",
                    steps.len(),
                    keep.len().saturating_sub(2)
                )?;
                writeln!(out)?;
                let gap = |from: usize, to: usize| {
                    let work: i64 = steps[from..to].iter().map(|s| s.duration_ms).sum();
                    let mut r: [String; 6] = Default::default();
                    r[1] = format!(
                        "*… {} stage{}, {} of work …*",
                        to - from,
                        plural(to - from),
                        human_duration(work)
                    );
                    r
                };
                table(out, header, with_gaps(&keep, row, gap).into_iter())?;
            }
        }
    }
    let observed = &c.observed.steps;
    if observed.is_empty() {
        return Ok(());
    }
    if c.observed.path == c.path && !timing_report {
        // The same stages again would fill a second screen with nothing new
        // (`critical-path`, the timing report, keeps their waits).
        writeln!(
            out,
            "Observed chain (what actually finished last): the critical path itself."
        )?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "Observed chain (what actually finished last):")?;
    writeln!(out)?;
    let row = |i: usize| {
        let s = &observed[i];
        [
            (i + 1).to_string(),
            cell(&s.stage),
            s.wait_ms
                .map_or_else(|| "unknown".to_owned(), human_duration),
            s.completed_ms
                .map_or_else(String::new, |t| Timestamp(t).to_string()),
        ]
    };
    let header = [">#", "stage", ">waited", "completed"];
    match condensed(
        observed.len(),
        cap,
        if timing_report {
            CONDENSED_HEAVIEST
        } else {
            CONDENSED_WAITS
        },
        |i| observed[i].wait_ms.unwrap_or(0),
    ) {
        None => table(out, header, (0..observed.len()).map(row))?,
        Some(keep) => {
            writeln!(
                out,
                "{} stages; the first, the last and the {} longest waits (`--all` shows every one):",
                observed.len(),
                keep.len().saturating_sub(2)
            )?;
            writeln!(out)?;
            let gap = |from: usize, to: usize| {
                let waited: i64 = observed[from..to].iter().filter_map(|s| s.wait_ms).sum();
                let mut r: [String; 4] = Default::default();
                r[1] = format!(
                    "*… {} stage{}, {} waited …*",
                    to - from,
                    plural(to - from),
                    human_duration(waited)
                );
                r
            };
            table(out, header, with_gaps(&keep, row, gap).into_iter())?;
        }
    }
    Ok(())
}

/// The rows of the kept entries of a condensed chain, a row saying each gap
/// between them.
fn with_gaps<const N: usize>(
    keep: &[usize],
    row: impl Fn(usize) -> [String; N],
    gap: impl Fn(usize, usize) -> [String; N],
) -> Vec<[String; N]> {
    let mut rows = Vec::with_capacity(keep.len() * 2);
    let mut next = 0;
    for &i in keep {
        if i == next + 1 {
            // A gap of one stage takes the row the stage itself would.
            rows.push(row(next));
        } else if i > next {
            rows.push(gap(next, i));
        }
        rows.push(row(i));
        next = i + 1;
    }
    rows
}

fn diagram(out: &mut dyn Write, opts: &MarkdownOptions) -> io::Result<()> {
    if let Some(d) = &opts.diagram {
        code_block(out, "mermaid", d.trim_end())?;
    }
    Ok(())
}

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
            opts.list_cap,
        )?;
        let n = shown(opts.list_cap, r.root_causes.len());
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
        more(out, n, r.root_causes_count)?;
    }
    // The table has no room for a gate's counts: every run-level cause.
    run_causes(
        out,
        &not_said_above(&r.outcome.run_causes, &[]),
        opts.list_cap,
    )?;
    critical_section(out, &r.outcome.critical_path, opts.list_cap, false)?;
    diagram(out, opts)?;
    next_lines(out, opts, |f| r.next(f))
}

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
    critical_section(out, &r.path_summary(), opts.list_cap, true)?;
    writeln!(out, "#### Every stage (topological order)")?;
    writeln!(out)?;
    let n = shown(opts.list_cap, r.stages.len());
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
    more(out, n, r.stages.len())?;
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
                evidence_blocks(out, &groups, e.evidence_count, opts.list_cap)?;
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
    let n = shown(opts.list_cap, r.culprits.len());
    for c in &r.culprits[..n] {
        let (head, skipped, tail) = c.path_ends(opts.list_cap);
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
    more(out, n, r.culprits_count)?;
    writeln!(out)?;
    next_lines(out, opts, |f| r.next(f))
}

/// "What the response says:", each distinct text once in a code block with
/// every path it was found at.
fn evidence_blocks(
    out: &mut dyn Write,
    groups: &[super::EvidenceGroup<'_>],
    count: usize,
    cap: Option<usize>,
) -> io::Result<()> {
    writeln!(out, "What the response says:")?;
    writeln!(out)?;
    let n = shown(cap, groups.len());
    for g in &groups[..n] {
        let paths = shown(cap, g.paths.len());
        let at: Vec<String> = g.paths[..paths]
            .iter()
            .map(|p| code(&p.to_string()))
            .collect();
        let more_paths = match g.paths.len() - paths {
            0 => String::new(),
            m => format!(" and {m} more"),
        };
        writeln!(out, "at {}{more_paths}:", at.join(", "))?;
        writeln!(out)?;
        code_block(out, "text", &quote(&g.text))?;
        writeln!(out)?;
    }
    let listed: usize = groups[..n].iter().map(|g| g.paths.len()).sum();
    more(out, listed, count)
}

/// `diff BASELINE CURRENT` in Markdown: the verdict and its reason as the
/// heading, the first divergence with both errors, and a table of the
/// stages that changed.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn diff(
    out: &mut dyn Write,
    d: &crate::diff::RunDiff,
    opts: &MarkdownOptions,
) -> io::Result<()> {
    use crate::diff::StageChange;
    // What is said about the pair itself comes before the verdict (as in text).
    let about_pair = |n: &&crate::diff::DiffNote| n.kind.is_about_the_pair();
    for note in d.diagnostics.iter().filter(about_pair) {
        writeln!(out, "> **Note:** {}", escape(&note.detail))?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "### {}: {}",
        d.verdict.label(),
        escape(&cut(&d.reason, HEADING_CHARS))
    )?;
    writeln!(out)?;
    let side = |s: &crate::run_ref::RunRef| {
        format!(
            "run {} (**{}**{})",
            code(s.shown_id()),
            s.status,
            s.created_ms
                .map_or_else(String::new, |c| format!(", {}", Timestamp(c)))
        )
    };
    writeln!(out, "{} → {}", side(&d.baseline), side(&d.current))?;
    writeln!(out)?;
    if let Some(f) = &d.first_divergence_detail {
        writeln!(
            out,
            "**First divergence:** {}",
            f.name
                .as_deref()
                .map_or_else(|| code(&f.key), |n| escape(n).to_string())
        )?;
        writeln!(out)?;
        for (label, text, fp) in [
            ("before", &f.baseline_error, &f.baseline_fingerprint),
            ("now", &f.current_error, &f.current_fingerprint),
        ] {
            let fp = fp.map_or_else(String::new, |f| {
                format!(" (fingerprint {})", code(&f.to_string()))
            });
            writeln!(out, "{label}{fp}:")?;
            writeln!(out)?;
            code_block(out, "text", &quote(text.as_deref().unwrap_or("(no error)")))?;
            writeln!(out)?;
        }
    }
    let changed: Vec<&crate::diff::StageDiff> = d
        .stages
        .iter()
        .filter(|s| s.outcome != StageChange::Unchanged || s.slower || s.rows_flagged)
        .collect();
    if !changed.is_empty() {
        let n = shown(opts.list_cap, changed.len());
        table(
            out,
            ["stage", "before", "now", "outcome", ">time", ">rows"],
            changed[..n].iter().map(|s| {
                let outcome = match s.outcome {
                    StageChange::NewlyFailing => "newly failing".to_owned(),
                    StageChange::NewlyFixed => "newly fixed".to_owned(),
                    StageChange::StillFailing if s.same_error == Some(true) => {
                        "still failing, same error".to_owned()
                    }
                    StageChange::StillFailing => "still failing, a different error".to_owned(),
                    StageChange::NewlyNotRun => "newly not run".to_owned(),
                    StageChange::StatusChanged => "status changed".to_owned(),
                    StageChange::Unchanged if s.slower => "slower".to_owned(),
                    StageChange::Unchanged => "rows changed".to_owned(),
                };
                let time = match (s.baseline_ms, s.current_ms) {
                    (Some(b), Some(c)) => format!("{} → {}", human_duration(b), human_duration(c)),
                    _ => String::new(),
                };
                let rows = match (s.baseline_rows, s.current_rows) {
                    (Some(b), Some(c)) if b != c => format!("{b} → {c}"),
                    _ => String::new(),
                };
                [
                    s.name
                        .as_deref()
                        .map_or_else(|| code(&s.key), |n| escape(n).to_string()),
                    s.baseline_status.to_string(),
                    s.current_status.to_string(),
                    outcome,
                    time,
                    rows,
                ]
            }),
        )?;
        more(out, n, changed.len())?;
    }
    let mut facts = Vec::new();
    if !d.added.is_empty() || !d.removed.is_empty() {
        facts.push(format!(
            "{} stage{} added, {} removed",
            d.added.len(),
            plural(d.added.len()),
            d.removed.len()
        ));
    }
    if !d.edges_added.is_empty() || !d.edges_removed.is_empty() {
        facts.push(format!(
            "{} dependenc{} added, {} removed",
            d.edges_added.len(),
            if d.edges_added.len() == 1 { "y" } else { "ies" },
            d.edges_removed.len()
        ));
    }
    for c in &d.rule_changes {
        facts.push(format!(
            "trigger rule of {}: {} → {}",
            code(&c.key),
            code(c.baseline.as_deref().unwrap_or("")),
            code(c.current.as_deref().unwrap_or(""))
        ));
    }
    if !d.critical_path.joined.is_empty() || !d.critical_path.left.is_empty() {
        facts.push(format!(
            "critical path: {} joined, {} left",
            d.critical_path.joined.len(),
            d.critical_path.left.len()
        ));
    }
    if let (Some(b), Some(c)) = (d.makespan_ms.baseline, d.makespan_ms.current) {
        facts.push(format!(
            "work {} → {}",
            human_duration(b),
            human_duration(c)
        ));
    }
    let n = shown(opts.list_cap, facts.len());
    for f in &facts[..n] {
        writeln!(out, "- {f}")?;
    }
    if !facts.is_empty() {
        writeln!(out)?;
    }
    more(out, n, facts.len())?;
    for note in d.diagnostics.iter().filter(|n| !about_pair(n)) {
        writeln!(out, "> {}", escape(&note.detail))?;
        writeln!(out)?;
    }
    next_lines(out, opts, |f| {
        vec![format!(
            "dataprep-lineage why {}",
            super::next::shell_quote(f)
        )]
    })
}

/// `history` for a chat message or an issue: a section per pipeline with
/// its latest run (each root cause new or seen before), then tables of at
/// most `top` flaky stages, recurring root causes and stages slower than
/// usual; the skipped files last.
pub fn history(
    out: &mut dyn Write,
    h: &crate::history::History,
    opts: &MarkdownOptions,
    top: usize,
) -> io::Result<()> {
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
            let n = shown(opts.list_cap, l.root_causes.len());
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
            more(out, n, l.root_causes.len())?;
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
                super::text::joined(ids, opts.list_cap, |id| code(id))
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
                        super::text::outcome_counts(s),
                    ]
                }),
            )?;
            more_top(out, n, flaky.len())?;
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
            more_top(out, n, recurring.len())?;
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
            more_top(out, n, slower.len())?;
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
        let n = shown(opts.list_cap, h.skipped.len());
        for s in &h.skipped[..n] {
            writeln!(
                out,
                "- {}: {}",
                code(&s.path),
                escape(&cut(first_line(&s.error), 300))
            )?;
        }
        more(out, n, h.skipped.len())?;
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
fn more_top(out: &mut dyn Write, shown: usize, total: usize) -> io::Result<()> {
    if total > shown {
        writeln!(
            out,
            "… and {} more (`--top N` or `--all` shows more)",
            total - shown
        )?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_and_blocks_outlast_backticks() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        let mut out = Vec::new();
        code_block(&mut out, "text", "x ```` y\nz").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "`````text\nx ```` y\nz\n`````\n"
        );
    }

    #[test]
    fn escaped_text_stays_on_its_line() {
        assert_eq!(escape("a\nb").to_string(), "a b");
        assert_eq!(
            escape("[x](javascript:1)").to_string(),
            r"\[x\](javascript:1)"
        );
    }
}
