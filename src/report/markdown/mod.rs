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

use super::phrases::{Hint, *};
use super::{
    condensed, human_duration, plural, Advice, Caps, CriticalPath, DataRef, ErrorGroup, Fmt,
    PathSummary, RunInfo, StageOrder, StageRef, Summary, Trace, Why, CONDENSED_HEAVIEST,
    CONDENSED_WAITS, ITS_OWN_CULPRIT, NOTHING_HELD_BACK,
};
use crate::cause::RunCause;
use crate::model::Timestamp;
use crate::status::Status;
use std::borrow::Cow;

mod diff;
mod history;
mod path;
mod summary;
mod why;

pub use diff::diff;
pub use history::history;
pub use path::{critical_path, order};
pub use summary::summary;
pub use why::{trace, why};

/// How to render Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// A Mermaid diagram (from [`crate::mermaid`]) to include in a fenced
    /// `mermaid` block.
    pub diagram: Option<String>,
    /// How much of each list or table to show: `caps.screen` entries (then
    /// "… and N more"; `None` shows every one), `caps.top` stages a
    /// `history` ranking. Default [`Caps::DEFAULT`].
    pub caps: Caps,
    /// The input as the reader named it, for the `Next:` lines; `None`
    /// leaves them out.
    pub file: Option<String>,
    /// The CLI's advice after cut lists and the `Next:` lines; an embedder
    /// drops or rewords it.
    pub advice: Advice,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            diagram: None,
            caps: Caps::DEFAULT,
            file: None,
            advice: Advice::CLI_MARKDOWN,
        }
    }
}

/// `*… and N more (--all shows every one)*` after a list that showed fewer
/// than `total`, as its own paragraph (the hint as the options' [`Advice`]
/// says).
fn more(out: &mut dyn Write, shown: usize, total: usize, hint: Hint<'_>) -> io::Result<()> {
    if total > shown {
        writeln!(out, "*… and {} more{hint}*", total - shown)?;
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
    write!(out, "### Run {}", code(run.id.as_deref().unwrap_or(NO_ID)))?;
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

/// One bullet per distinct error of the root causes (how many fail with
/// it, its text, the first stage names), when there are two or more.
fn errors(
    out: &mut dyn Write,
    groups: &[ErrorGroup],
    groups_count: usize,
    causes: usize,
    cap: Option<usize>,
    hint: Hint<'_>,
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
    more(out, n, groups_count, hint)
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
    let Some(file) = opts.file.as_deref().filter(|_| opts.advice.next) else {
        return Ok(());
    };
    for step in next(file) {
        writeln!(out, "**Next:** {}  ", code(&step))?;
    }
    Ok(())
}

fn run_causes(
    out: &mut dyn Write,
    causes: &[&RunCause],
    cap: Option<usize>,
    hint: Hint<'_>,
) -> io::Result<()> {
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
    more(out, n, causes.len(), hint)
}

fn critical_section(
    out: &mut dyn Write,
    c: &PathSummary,
    cap: Option<usize>,
    hint: Hint<'_>,
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
                    "{} stages; the first, the last and the {} longest{hint}:",
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
                "{} stages; the first, the last and the {} longest waits{hint}:",
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

/// "What the response says:", each distinct text once in a code block with
/// every path it was found at.
fn evidence_blocks(
    out: &mut dyn Write,
    groups: &[super::EvidenceGroup<'_>],
    count: usize,
    cap: Option<usize>,
    hint: Hint<'_>,
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
    more(out, listed, count, hint)
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
