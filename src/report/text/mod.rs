//! Text reports, for people.
//!
//! Written the way a senior engineer would explain a run to a colleague: the
//! headline first, then each root cause with what the response says about it,
//! what it read and wrote, and what it held back; then the timing. Failure
//! texts are printed verbatim, with their line breaks (further lines indented
//! under their bullet). The response is untrusted text bound for a terminal,
//! so every other control character in it, in a message, a name or an id, is
//! shown as an escape ([`one_line`]). Colour is the caller's choice (the CLI
//! turns it on only for a terminal without `NO_COLOR`).

use std::fmt;
use std::io::{self, Write};

use super::phrases::{Hint, *};
pub use super::phrases::{QUOTE_MAX_CHARS, QUOTE_MAX_LINES};
use super::{
    condensed, human_duration, plural, Advice, Caps, CriticalPath, DataRef, ErrorGroup,
    PathSummary, RunInfo, StageOrder, StageRef, Summary, Trace, Why, CONDENSED_HEAVIEST,
    CONDENSED_WAITS, ITS_OWN_CULPRIT, NOTHING_HELD_BACK,
};
use crate::model::Timestamp;
use crate::status::Status;

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

/// How to render text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextOptions {
    /// Use ANSI colours for statuses and headings.
    pub color: bool,
    /// How much of each list to show: `caps.screen` entries (then "… and
    /// N more"; `None` shows every one, the CLI's `--all`), `caps.top`
    /// stages a `history` ranking. Default [`Caps::DEFAULT`]: one screen.
    pub caps: Caps,
    /// The input as the reader named it, for the `Next:` lines (real
    /// commands to run next); `None` leaves them out.
    pub file: Option<String>,
    /// The CLI's advice after cut lists and the `Next:` lines; an embedder
    /// drops or rewords it.
    pub advice: Advice,
}

impl TextOptions {
    /// The file to name in `Next:` lines, when the advice keeps them.
    fn next_file(&self) -> Option<&str> {
        self.file.as_deref().filter(|_| self.advice.next)
    }
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            caps: Caps::DEFAULT,
            file: None,
            advice: Advice::CLI,
        }
    }
}

/// `… and N more (--all shows every one)` when a list showed fewer than
/// its `total` entries (the hint as the options' [`Advice`] says).
pub(crate) fn more(
    out: &mut dyn Write,
    indent: &str,
    shown: usize,
    total: usize,
    hint: Hint<'_>,
) -> io::Result<()> {
    if total > shown {
        writeln!(out, "{indent}… and {} more{hint}", total - shown)?;
    }
    Ok(())
}

/// The ANSI SGR code of a status in a terminal.
fn ansi(status: Status) -> &'static str {
    match status {
        Status::Success => "32",
        Status::Failed | Status::Killed => "31",
        Status::Stopped => "35",
        Status::Running => "33",
        Status::Created | Status::Unknown => "2",
    }
}

struct Paint {
    color: bool,
}

impl Paint {
    /// `text` in the colour `code` (an SGR code) when colour is on. Lazy, so
    /// that a report of thousands of lines formats each straight into the
    /// output.
    fn wrap<T: fmt::Display>(&self, code: &'static str, text: T) -> Painted<T> {
        Painted {
            code: self.color.then_some(code),
            text,
        }
    }

    fn bold<T: fmt::Display>(&self, text: T) -> Painted<T> {
        self.wrap("1", text)
    }

    fn dim<T: fmt::Display>(&self, text: T) -> Painted<T> {
        self.wrap("2", text)
    }

    fn status(&self, status: Status) -> Painted<&'static str> {
        self.wrap(ansi(status), status.label())
    }
}

/// A text, in colour or not; see [`Paint`].
struct Painted<T> {
    code: Option<&'static str>,
    text: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "\x1b[{code}m{}\x1b[0m", self.text),
            None => self.text.fmt(f),
        }
    }
}

/// Text from the response made fit for one line of a terminal: control
/// characters (a line break, an ANSI escape that would recolour the screen or
/// move the cursor) are shown as escapes (`\n`, `\u{1b}`), everything else
/// as it is. Every name and id in these reports goes through it; the CLI also
/// passes its warnings and errors through it, since they quote the input.
///
/// ```
/// use dataprep_lineage::report::text::one_line;
/// assert_eq!(one_line("a\u{1b}[2Jb\n").to_string(), "a\\u{1b}[2Jb\\n");
/// ```
pub fn one_line(text: &str) -> OneLine<'_> {
    OneLine(text)
}

/// See [`one_line`].
#[derive(Debug, Clone, Copy)]
pub struct OneLine<'t>(&'t str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Control characters are C0, DEL and C1; in UTF-8 a C1 character
        // starts with 0xC2. Names without those bytes are written at once.
        if !self.0.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
            return f.write_str(self.0);
        }
        let mut rest = self.0;
        while let Some(at) = rest.find(char::is_control) {
            f.write_str(&rest[..at])?;
            let mut chars = rest[at..].chars();
            if let Some(c) = chars.next() {
                write!(f, "{}", c.escape_default())?;
            }
            rest = chars.as_str();
        }
        f.write_str(rest)
    }
}

/// A text from the response that may span lines (a stack trace, a
/// pretty-printed stream entry): its line breaks kept, each further line
/// indented by `indent` spaces so that it stays under its bullet, and every
/// other control character but tab shown as an escape, so that no text in
/// the input can move the cursor or recolour the terminal.
fn block(text: &str, indent: usize) -> Block<'_> {
    Block { text, indent }
}

/// See [`block`].
struct Block<'t> {
    text: &'t str,
    indent: usize,
}

impl fmt::Display for Block<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.text.split('\n').enumerate() {
            if i > 0 {
                write!(f, "\n{:1$}", "", self.indent)?;
            }
            // A CRLF line break is a line break.
            let line = line.strip_suffix('\r').unwrap_or(line);
            for (j, part) in line.split('\t').enumerate() {
                if j > 0 {
                    f.write_str("\t")?;
                }
                one_line(part).fmt(f)?;
            }
        }
        Ok(())
    }
}

/// One line of a multi-line text: tabs kept, every other control character
/// shown as an escape.
pub(crate) fn one_line_keep_tabs(line: &str) -> impl fmt::Display + '_ {
    KeepTabs(line)
}

struct KeepTabs<'t>(&'t str);

impl fmt::Display for KeepTabs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (j, part) in self.0.split('\t').enumerate() {
            if j > 0 {
                f.write_str("\t")?;
            }
            one_line(part).fmt(f)?;
        }
        Ok(())
    }
}

/// `"name" (kind, id N)`, or `stage N (kind, id N)` for a stage without a name.
fn stage_title(stage: &StageRef) -> StageTitle<'_> {
    StageTitle(stage)
}

/// See [`stage_title`].
struct StageTitle<'s>(&'s StageRef);

impl fmt::Display for StageTitle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = self.0;
        match &stage.name {
            // Quotes and backslashes inside the quotes are escaped, as line
            // breaks are: the name can be told from what surrounds it.
            Some(n) => {
                let n = n.replace('\\', "\\\\").replace('"', "\\\"");
                let n = one_line(&n);
                write!(
                    f,
                    "\"{n}\" ({}, id {})",
                    stage.kind_label(),
                    one_line(&stage.id)
                )
            }
            // No name: the id once, and the kind only when it is known.
            None => match (stage.placeholder, &stage.stage_type) {
                (true, _) => write!(f, "stage {} (placeholder)", one_line(&stage.id)),
                (false, Some(t)) => write!(f, "stage {} ({t})", one_line(&stage.id)),
                (false, None) => write!(f, "stage {}", one_line(&stage.id)),
            },
        }
    }
}

fn time(ms: i64) -> Timestamp {
    Timestamp(ms)
}

/// `Run N of pipeline "P" in workspace "W"`: the first line of a report.
struct RunTitle<'r>(&'r RunInfo);

impl fmt::Display for RunTitle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let run = self.0;
        write!(f, "Run {}", one_line(run.id.as_deref().unwrap_or(NO_ID)))?;
        if let Some(p) = &run.run.pipeline_name {
            write!(f, " of pipeline \"{}\"", one_line(p))?;
        }
        if let Some(w) = &run.workspace {
            write!(f, " in workspace \"{}\"", one_line(w))?;
        }
        Ok(())
    }
}

fn headline(out: &mut dyn Write, run: &RunInfo, p: &Paint) -> io::Result<()> {
    writeln!(out, "{}", p.bold(RunTitle(run)))?;
    write!(out, "  {}", p.status(run.run.status))?;
    if let Some(t) = &run.run_type {
        write!(out, " · {t} run")?;
    }
    if let Some(t) = run.run.created_ms {
        write!(out, " · started {}", time(t))?;
    }
    match (run.wall_ms, run.run.status) {
        (Some(w), Status::Running) => write!(out, " · running for {} so far", human_duration(w))?,
        (Some(w), _) => write!(out, " · wall time {}", human_duration(w))?,
        _ => {}
    }
    writeln!(out)
}

/// `dataset "name" via connection [type]`.
struct DataLine<'d>(&'d DataRef);

impl fmt::Display for DataLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let node = self.0;
        match &node.name {
            Some(n) => write!(f, "{} \"{}\"", node.kind.label(), one_line(n))?,
            None => write!(f, "{} {}", node.kind.label(), one_line(&node.id))?,
        }
        let conn = node.connection.as_deref();
        let differs = conn.is_some() && conn != node.name.as_deref();
        match (conn, &node.connection_type) {
            (Some(c), Some(t)) if differs => write!(f, " via {} [{}]", one_line(c), one_line(t)),
            (_, Some(t)) => write!(f, " [{}]", one_line(t)),
            (Some(c), None) if differs => write!(f, " via {}", one_line(c)),
            _ => Ok(()),
        }
    }
}

/// One line per distinct error of the root causes — how many fail with it,
/// its text, the first stage names — when there are two root causes or more.
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
        write!(
            out,
            "  {} × {} — ",
            group.count,
            one_line(first_line(&error_text(group)))
        )?;
        for (i, st) in group.first_stages.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(out, "{sep}\"{}\"", one_line(st.name_or_id()))?;
        }
        if group.count > group.first_stages.len() {
            write!(out, " and {} more", group.count - group.first_stages.len())?;
        }
        writeln!(out)?;
    }
    more(out, "  ", n, groups_count, hint)
}

/// `Next:` lines: real commands to run on this input.
fn next_lines(
    out: &mut dyn Write,
    p: &Paint,
    file: Option<&str>,
    next: impl FnOnce(&str) -> Vec<String>,
) -> io::Result<()> {
    let Some(file) = file else { return Ok(()) };
    let steps = next(file);
    if !steps.is_empty() {
        writeln!(out)?;
    }
    for step in steps {
        writeln!(out, "{} {}", p.bold("Next:"), one_line(&step))?;
    }
    Ok(())
}

fn critical_section(
    out: &mut dyn Write,
    c: &PathSummary,
    p: &Paint,
    cap: Option<usize>,
    hint: Hint<'_>,
    timing_report: bool,
) -> io::Result<()> {
    let mut line = format!("Critical path: {} of work", human_duration(c.makespan_ms));
    if let Some(w) = c.wall_ms {
        line.push_str(&format!(" against {} of wall time", human_duration(w)));
        if w > c.makespan_ms {
            line.push_str(&format!(
                " ({} spent waiting)",
                human_duration(w.saturating_sub(c.makespan_ms))
            ));
        }
    }
    writeln!(out, "{}", p.bold(&line))?;
    if c.path_steps.is_empty() {
        writeln!(out, "  (no stages)")?;
    }
    let path_line = |i: usize| {
        let s = &c.path_steps[i];
        // A running stage has not finished: its time so far, where it stands.
        let (took, at) = if s.stage.status == Status::Running {
            (" so far", "at")
        } else {
            ("", "finishes at")
        };
        format!(
            "  {}. {} — {}, {}{took}, {at} +{}",
            i + 1,
            stage_title(&s.stage),
            p.status(s.stage.status),
            human_duration(s.duration_ms),
            human_duration(s.earliest_finish_ms)
        )
    };
    let steps = &c.path_steps;
    match condensed(steps.len(), cap, CONDENSED_HEAVIEST, |i| {
        steps[i].duration_ms
    }) {
        None => {
            for i in 0..steps.len() {
                writeln!(out, "{}", path_line(i))?;
            }
        }
        Some(keep) => {
            writeln!(
                out,
                "  {} stages; the first, the last and the {} longest{hint}:",
                steps.len(),
                keep.len().saturating_sub(2)
            )?;
            condensed_lines(out, &keep, path_line, |from, to| {
                let work: i64 = steps[from..to].iter().map(|s| s.duration_ms).sum();
                format!("{} of work", human_duration(work))
            })?;
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
            "{} the critical path itself",
            p.bold("Observed chain (what actually finished last):")
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        p.bold("Observed chain (what actually finished last):")
    )?;
    let observed_line = |i: usize| {
        let s = &observed[i];
        let wait = match s.wait_ms {
            Some(w) => format!("waited {}", human_duration(w)),
            None => "wait unknown".to_owned(),
        };
        let done = s
            .completed_ms
            .map(|t| time(t).to_string())
            .unwrap_or_default();
        format!(
            "  {}. {} — {wait}, completed {done}",
            i + 1,
            stage_title(&s.stage)
        )
    };
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
        None => {
            for i in 0..observed.len() {
                writeln!(out, "{}", observed_line(i))?;
            }
        }
        Some(keep) => {
            writeln!(
                out,
                "  {} stages; the first, the last and the {} longest waits{hint}:",
                observed.len(),
                keep.len().saturating_sub(2)
            )?;
            condensed_lines(out, &keep, observed_line, |from, to| {
                let waited: i64 = observed[from..to].iter().filter_map(|s| s.wait_ms).sum();
                format!("{} waited", human_duration(waited))
            })?;
        }
    }
    Ok(())
}

/// The kept entries of a condensed chain, each gap between them said in one
/// line (`… 1234 stages, 3h 02m of work …`).
fn condensed_lines(
    out: &mut dyn Write,
    keep: &[usize],
    line: impl Fn(usize) -> String,
    gap: impl Fn(usize, usize) -> String,
) -> io::Result<()> {
    let mut next = 0;
    for &i in keep {
        if i > next {
            let n = i - next;
            writeln!(out, "     … {n} stage{}, {} …", plural(n), gap(next, i))?;
        }
        writeln!(out, "{}", line(i))?;
        next = i + 1;
    }
    Ok(())
}

/// "What the response says:", each distinct text once with every path it
/// was found at (or that it holds no message), indented by `indent`.
fn evidence_lines(
    out: &mut dyn Write,
    p: &Paint,
    groups: &[super::EvidenceGroup<'_>],
    count: usize,
    cap: Option<usize>,
    hint: Hint<'_>,
    indent: &str,
) -> io::Result<()> {
    if groups.is_empty() {
        return writeln!(out, "{indent}The response holds no message for this stage.");
    }
    writeln!(out, "{indent}What the response says:")?;
    let n = shown(cap, groups.len());
    let width = indent.len() + 4;
    for g in &groups[..n] {
        writeln!(out, "{indent}  • {}", block(&quote(&g.text), width))?;
        let paths = shown(cap, g.paths.len());
        for path in &g.paths[..paths] {
            writeln!(
                out,
                "{indent}    {}",
                p.dim(format_args!("at {}", one_line(&path.to_string())))
            )?;
        }
        more(out, &format!("{indent}    "), paths, g.paths.len(), hint)?;
    }
    let listed: usize = groups[..n].iter().map(|g| g.paths.len()).sum();
    more(out, &format!("{indent}  "), listed, count, hint)
}

/// Renders a report into a `String` with one of the writers above.
///
/// ```
/// # use dataprep_lineage::{Analysis, JobSummary, LineageGraph, report::{self, text}};
/// # let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/run_stopped_by_user.json")).unwrap();
/// # let summary = JobSummary::from_slice(&bytes).unwrap();
/// # let graph = LineageGraph::build(&summary).unwrap();
/// let why = report::Why::new(&Analysis::new(&graph));
/// let out = text::to_string(|w| text::why(w, &why, Default::default()));
/// assert!(out.contains("stopped"));
/// ```
pub fn to_string(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = render(&mut buf);
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Left-aligned columns, two spaces apart; `cut_at` is the column whose
/// cells are cut at 48 characters (the name); `status_col` names the column
/// painted with each row's status.
fn table<const N: usize>(
    out: &mut dyn Write,
    header: &[&str; N],
    rows: &[[String; N]],
    status_col: Option<(usize, &[Status])>,
    p: &Paint,
    cut_at: usize,
) -> io::Result<()> {
    let cut = |s: &str| -> String {
        if s.chars().count() > 48 {
            let mut c: String = s.chars().take(47).collect();
            c.push('…');
            c
        } else {
            s.to_owned()
        }
    };
    let rows: Vec<[String; N]> = rows
        .iter()
        .map(|r| {
            std::array::from_fn(|i| {
                if i == cut_at {
                    cut(&r[i])
                } else {
                    r[i].clone()
                }
            })
        })
        .collect();
    let mut widths = [0usize; N];
    for (i, h) in header.iter().enumerate() {
        widths[i] = h.chars().count();
    }
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write,
                cells: &[String; N],
                status: Option<(usize, Status)>|
     -> io::Result<()> {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            match status {
                Some((col, s)) if col == i => l.push_str(&p.status(s).to_string()),
                _ => l.push_str(c),
            }
            if i + 1 < N {
                l.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(out, "{}", l.trim_end())
    };
    let head: [String; N] = std::array::from_fn(|i| header[i].to_owned());
    writeln!(out, "{}", p.bold(TrimEnd(&head, &widths)))?;
    for (row, r) in rows.iter().enumerate() {
        let status = status_col.and_then(|(col, st)| st.get(row).map(|&s| (col, s)));
        line(out, r, status)?;
    }
    Ok(())
}

/// A header row, padded and trimmed like the other rows.
struct TrimEnd<'a, const N: usize>(&'a [String; N], &'a [usize; N]);

impl<const N: usize> fmt::Display for TrimEnd<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut l = String::new();
        for (i, c) in self.0.iter().enumerate() {
            l.push_str(c);
            if i + 1 < N {
                l.push_str(&" ".repeat(self.1[i] - c.chars().count() + 2));
            }
        }
        f.write_str(l.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_control_characters_only() {
        assert_eq!(
            one_line("plain «naïve» name").to_string(),
            "plain «naïve» name"
        );
        assert_eq!(
            one_line("a\tb\nc\u{7}\u{85}é").to_string(),
            "a\\tb\\nc\\u{7}\\u{85}é"
        );
        // 0xC2 starts C1 controls and also ordinary characters such as «.
        assert_eq!(one_line("«\u{9f}»\u{7f}").to_string(), "«\\u{9f}»\\u{7f}");
    }

    #[test]
    fn block_keeps_lines_under_their_bullet() {
        assert_eq!(
            block("at x\r\n\tat y\n\u{1b}[2J", 4).to_string(),
            "at x\n    \tat y\n    \\u{1b}[2J"
        );
        assert_eq!(block("one line", 7).to_string(), "one line");
    }

    #[test]
    fn paint_wraps_only_with_colour() {
        let on = Paint { color: true };
        let off = Paint { color: false };
        assert_eq!(
            on.status(Status::Failed).to_string(),
            "\x1b[31mfailed\x1b[0m"
        );
        assert_eq!(off.status(Status::Failed).to_string(), "failed");
        assert_eq!(on.bold(one_line("x\ty")).to_string(), "\x1b[1mx\\ty\x1b[0m");
    }
}
