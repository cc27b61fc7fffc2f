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

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use super::{
    condensed, human_duration, plural, CriticalPath, DataRef, ErrorGroup, PathSummary, RunInfo,
    StageOrder, StageRef, Summary, Trace, Why, CONDENSED_HEAVIEST, CONDENSED_WAITS,
    ITS_OWN_CULPRIT, NOTHING_HELD_BACK,
};
use crate::cause::RunCause;
use crate::model::Timestamp;
use crate::status::Status;

/// How to render text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextOptions {
    /// Use ANSI colours for statuses and headings.
    pub color: bool,
    /// The most entries a list shows (then "… and N more"); `None` shows
    /// every one (the CLI's `--all`). Default 20: one screen per list.
    pub list_cap: Option<usize>,
    /// The input as the reader named it, for the `Next:` lines (real
    /// commands to run next); `None` leaves them out.
    pub file: Option<String>,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            list_cap: Some(LIST_CAP),
            file: None,
        }
    }
}

/// Entries per list in text and Markdown, so that any run fits a screen.
pub const LIST_CAP: usize = 20;

/// How many of `len` entries a list shows under `cap`.
pub(crate) fn shown(cap: Option<usize>, len: usize) -> usize {
    cap.map_or(len, |c| len.min(c))
}

/// `… and N more (--all shows every one)` when a list showed fewer than
/// its `total` entries.
pub(crate) fn more(
    out: &mut dyn Write,
    indent: &str,
    shown: usize,
    total: usize,
) -> io::Result<()> {
    if total > shown {
        writeln!(
            out,
            "{indent}… and {} more (--all shows every one)",
            total - shown
        )?;
    }
    Ok(())
}

/// A text quoted from the input, cut for a person: at most
/// [`QUOTE_MAX_CHARS`] characters and [`QUOTE_MAX_LINES`] lines, with `…`
/// where it was cut (the JSON keeps it whole).
pub(crate) fn quote(text: &str) -> std::borrow::Cow<'_, str> {
    let mut end = text.len();
    if let Some((at, _)) = text.char_indices().nth(QUOTE_MAX_CHARS) {
        end = at;
    }
    if let Some((at, _)) = text.match_indices('\n').nth(QUOTE_MAX_LINES - 1) {
        end = end.min(at);
    }
    if end == text.len() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(format!("{}…", &text[..end]))
    }
}

/// The most characters of a quoted text that text and Markdown show.
pub const QUOTE_MAX_CHARS: usize = 400;
/// The most lines of a quoted text that text and Markdown show.
pub const QUOTE_MAX_LINES: usize = 8;

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
        self.wrap(status.ansi(), status.label())
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
        write!(
            f,
            "Run {}",
            one_line(run.id.as_deref().unwrap_or("(no id)"))
        )?;
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
        errors(out, &r.errors, r.errors_count, n, opts.list_cap)?;
    }

    let cap = opts.list_cap;
    // Each root cause takes several lines: half a list of them is a screen.
    let causes_shown = shown(cap.map(|c| c.div_ceil(2)), r.root_causes.len());
    for (i, rc) in r.root_causes.iter().take(causes_shown).enumerate() {
        writeln!(out)?;
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
        writeln!(out)?;
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
        let groups = rc.evidence_groups();
        evidence_lines(out, &p, &groups, rc.evidence_count, cap, "   ")?;
        if !rc.reads.is_empty() || !rc.writes.is_empty() {
            writeln!(out, "   Data:")?;
            for d in &rc.reads {
                writeln!(out, "     reads  {}", DataLine(d))?;
            }
            for d in &rc.writes {
                writeln!(out, "     writes {}", DataLine(d))?;
            }
        }
        if rc.blocked_count == 0 {
            writeln!(out, "   Blocked nothing downstream.")?;
        } else {
            let n = rc.blocked_count;
            writeln!(out, "   Blocked downstream ({n} stage{}):", plural(n))?;
            let n = shown(cap, rc.blocked_stages.len());
            for b in &rc.blocked_stages[..n] {
                writeln!(out, "     • {} — {}", stage_title(b), p.status(b.status))?;
            }
            more(out, "     ", n, rc.blocked_count)?;
        }
        if let Some(gate) = quality_gate_of(&r.outcome.run_causes, &rc.stage.id) {
            writeln!(out, "   Held back by the data-quality gate: {gate}")?;
        }
        // The export targets below it; one it writes itself is in Data.
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
            let n = shown(cap, below.len());
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
    }
    if r.root_causes_count > causes_shown {
        writeln!(out)?;
        more(out, "", causes_shown, r.root_causes_count)?;
    }

    // A gate that held back a root cause listed above was said there.
    let listed: Vec<&str> = r.root_causes[..causes_shown]
        .iter()
        .map(|rc| rc.stage.id.as_str())
        .collect();
    let run_causes = not_said_above(&r.outcome.run_causes, &listed);
    if !run_causes.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.bold("Run-level causes:"))?;
        let n = shown(cap, run_causes.len());
        for c in &run_causes[..n] {
            writeln!(
                out,
                "  • {}: {}",
                p.bold(c.kind().label()),
                one_line(&c.to_string())
            )?;
        }
        more(out, "  ", n, run_causes.len())?;
    }
    writeln!(out)?;
    critical_section(out, &r.outcome.critical_path, &p, cap, false)?;
    next_lines(out, &p, opts.file.as_deref(), |f| r.next(f))
}

/// `20 root causes, 1 distinct error`; `1 root cause` alone.
pub(crate) fn causes_and_errors(causes: usize, errors: usize) -> String {
    if causes < 2 {
        format!("{causes} root cause{}", plural(causes))
    } else {
        format!(
            "{causes} root causes, {errors} distinct error{}",
            plural(errors)
        )
    }
}

/// How many distinct errors text and Markdown list before the details: a
/// quarter of a list, so the first screen still reaches a root cause.
pub(crate) fn errors_shown(cap: Option<usize>, len: usize) -> usize {
    shown(cap.map(|c| c.div_ceil(4)), len)
}

/// The words for an error group's text.
pub(crate) fn error_text(group: &ErrorGroup) -> Cow<'_, str> {
    group
        .text
        .as_deref()
        .map_or(Cow::Borrowed(NO_ERROR_MESSAGE), quote)
}

/// What the reports say of a failure the response gives no text for.
pub(crate) const NO_ERROR_MESSAGE: &str = "(no error message)";

/// One line per distinct error of the root causes — how many fail with it,
/// its text, the first stage names — when there are two root causes or more.
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
    more(out, "  ", n, groups_count)
}

/// What the `why` heading says the run did.
pub(crate) fn why_heading(status: Status) -> &'static str {
    match status {
        Status::Stopped => "Why it stopped",
        Status::Killed => "Why it was killed",
        Status::Running | Status::Created => "Where it stands",
        _ => "Why it failed",
    }
}

/// The first line of a text.
pub(crate) fn first_line(text: &str) -> &str {
    let line = text.split('\n').next().unwrap_or(text);
    line.strip_suffix('\r').unwrap_or(line)
}

/// The run-level causes, less the data-quality gates of the root causes
/// `listed` (each says so where it is listed).
pub(crate) fn not_said_above<'c>(causes: &'c [RunCause], listed: &[&str]) -> Vec<&'c RunCause> {
    causes
        .iter()
        .filter(|c| !matches!(c, RunCause::QualityGate { stage, .. } if listed.contains(&stage.as_str())))
        .collect()
}

/// The counts of the data-quality gate that held back export stage `id`.
pub(crate) fn quality_gate_of(causes: &[RunCause], id: &str) -> Option<String> {
    causes.iter().find_map(|c| match c {
        RunCause::QualityGate {
            stage,
            valid,
            invalid,
            missing,
            ..
        } if stage == id => {
            let n = |c: &Option<i64>| c.map_or_else(|| "?".to_owned(), |c| c.to_string());
            Some(format!(
                "{} valid, {} invalid, {} missing values (stop export if quality < 100%)",
                n(valid),
                n(invalid),
                n(missing)
            ))
        }
        _ => None,
    })
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
                evidence_lines(out, &p, &groups, e.evidence_count, opts.list_cap, "  ")?;
                if let Some(f) = &e.fingerprint {
                    writeln!(out, "  {}", p.dim(format_args!("error fingerprint {f}")))?;
                }
            }
            return next_lines(out, &p, opts.file.as_deref(), |f| r.next(f));
        }
        (false, true) => return writeln!(out, "{NOTHING_HELD_BACK}"),
        (false, false) => {}
    }
    let n = shown(opts.list_cap, r.culprits.len());
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
        let (head, skipped, tail) = c.path_ends(opts.list_cap);
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
    more(out, "  ", n, r.culprits_count)?;
    next_lines(out, &p, opts.file.as_deref(), |f| r.next(f))
}

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
    next_lines(out, &p, opts.file.as_deref(), |f| r.next(f))
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
    critical_section(out, &r.path_summary(), &p, opts.list_cap, true)?;

    writeln!(out)?;
    writeln!(out, "{}", p.bold("Every stage (topological order):"))?;
    let n = shown(opts.list_cap, r.stages.len());
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
    more(out, "", n, r.stages.len())?;
    next_lines(out, &p, opts.file.as_deref(), |f| r.next(f))
}

fn critical_section(
    out: &mut dyn Write,
    c: &PathSummary,
    p: &Paint,
    cap: Option<usize>,
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
                "  {} stages; the first, the last and the {} longest (--all shows every one):",
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
                "  {} stages; the first, the last and the {} longest waits (--all shows every one):",
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
        more(out, &format!("{indent}    "), paths, g.paths.len())?;
    }
    let listed: usize = groups[..n].iter().map(|g| g.paths.len()).sum();
    more(out, &format!("{indent}  "), listed, count)
}

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
            opts.list_cap,
        )?;
        if r.root_causes_count >= 2 {
            writeln!(out)?;
        }
        let n = shown(opts.list_cap, r.root_causes.len());
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
        more(out, "  ", n, r.root_causes_count)?;
    }
    // A gate that held back a root cause listed above was said there.
    let listed: Vec<&str> = r.root_causes[..shown(opts.list_cap, r.root_causes.len())]
        .iter()
        .map(|rc| rc.stage.id.as_str())
        .collect();
    let run_causes = not_said_above(&r.outcome.run_causes, &listed);
    if !run_causes.is_empty() {
        writeln!(out, "{}", p.bold("Run-level causes:"))?;
        let n = shown(opts.list_cap, run_causes.len());
        for c in &run_causes[..n] {
            writeln!(out, "  • {}", one_line(&c.to_string()))?;
        }
        more(out, "  ", n, run_causes.len())?;
    }
    writeln!(out)?;
    critical_section(out, &r.outcome.critical_path, &p, opts.list_cap, false)?;
    next_lines(out, &p, opts.file.as_deref(), |f| r.next(f))
}

/// `diff BASELINE CURRENT`: the verdict and its reason first, then the
/// first divergence with both errors, then what changed, each list capped.
///
/// # Errors
///
/// What writing to `out` returns.
pub fn diff(out: &mut dyn Write, d: &crate::diff::RunDiff, opts: TextOptions) -> io::Result<()> {
    use crate::diff::StageChange;
    let p = Paint { color: opts.color };
    let cap = opts.list_cap;
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
                more(out, "    ", n, items.len())
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
            super::next::shell_quote(f)
        )]
    })
}

/// `history`: one screen per pipeline — its latest run and whether each of
/// its failures is new, then at most `top` flaky stages, recurring root
/// causes and stages slower than usual; the files that were skipped last.
pub fn history(
    out: &mut dyn Write,
    h: &crate::history::History,
    opts: TextOptions,
    top: usize,
) -> io::Result<()> {
    use crate::history::History;
    let p = Paint { color: opts.color };
    let runs: usize = h.pipelines.iter().map(|p| p.runs).sum();
    writeln!(
        out,
        "{} run{} of {} pipeline{}{}",
        runs,
        plural(runs),
        h.pipelines.len(),
        plural(h.pipelines.len()),
        match h.skipped.len() {
            0 => String::new(),
            n => format!("; {n} file{} skipped (listed at the end)", plural(n)),
        }
    )?;
    let named = |key: &str, name: &Option<String>| match name {
        Some(n) => format!("\"{}\"", one_line(n)),
        None => format!("stage {}", one_line(key)),
    };
    for pipe in &h.pipelines {
        writeln!(out)?;
        let title = match &pipe.name {
            Some(n) if *n != pipe.pipeline_id => {
                format!("\"{}\" (id {})", one_line(n), one_line(&pipe.pipeline_id))
            }
            Some(n) => format!("\"{}\"", one_line(n)),
            None if pipe.pipeline_id.is_empty() => "(no pipeline id)".to_owned(),
            None => one_line(&pipe.pipeline_id).to_string(),
        };
        let span = match (pipe.first_created_ms, pipe.latest_created_ms) {
            (Some(a), Some(b)) if pipe.runs > 1 => format!(", {} → {}", time(a), time(b)),
            (_, Some(b)) => format!(", {}", time(b)),
            _ => String::new(),
        };
        writeln!(
            out,
            "{} {}: {} run{}{span}",
            p.bold("Pipeline"),
            p.bold(title),
            pipe.runs,
            plural(pipe.runs)
        )?;
        if let Some(l) = &pipe.latest_run {
            writeln!(
                out,
                "  Latest run {}{}: {}",
                one_line(l.run.shown_id()),
                l.run
                    .created_ms
                    .map_or_else(String::new, |c| format!(" of {}", time(c))),
                p.status(l.run.status)
            )?;
            if let Some(f) = &l.run.file {
                writeln!(out, "    file {}", one_line(f))?;
            }
            if l.run.status != Status::Success {
                match &pipe.last_good_run {
                    Some(g) => writeln!(
                        out,
                        "    last good run {}{}",
                        one_line(g.shown_id()),
                        g.file
                            .as_deref()
                            .map_or_else(String::new, |f| format!(", file {}", one_line(f)))
                    )?,
                    None => writeln!(out, "    no earlier run succeeded")?,
                }
            }
            if l.root_causes.is_empty() {
                let said = if l.run.status.is_failed_like() {
                    "    no stage failed on its own (why on the run says what stopped it)"
                } else {
                    "    no root cause"
                };
                writeln!(out, "{said}")?;
            }
            let earlier = pipe.runs.saturating_sub(1);
            // Never cut by --top: a cut could hide the one that is new.
            let n = shown(opts.list_cap, l.root_causes.len());
            for c in &l.root_causes[..n] {
                let seen = match &c.last_seen_run_id {
                    None => p
                        .wrap(
                            "31",
                            format!(
                            "NEW: not a root cause with this error in the {earlier} earlier run{}",
                            plural(earlier)
                        ),
                        )
                        .to_string(),
                    Some(last) => format!(
                        "seen in {} earlier run{}, last in run {}",
                        c.seen_before,
                        plural(c.seen_before),
                        one_line(last)
                    ),
                };
                writeln!(out, "    ✗ {} — {seen}", named(&c.key, &c.name))?;
                match &c.text {
                    Some(t) => writeln!(out, "        {}", block(&quote(t), 8))?,
                    None => writeln!(out, "        {NO_ERROR_MESSAGE}")?,
                }
            }
            more(out, "    ", n, l.root_causes.len())?;
        }

        if !pipe.duplicate_run_ids.is_empty() {
            let ids = &pipe.duplicate_run_ids;
            writeln!(
                out,
                "  {} run id{} in more than one file, each counted as a run: {}",
                p.wrap("33", "Note:"),
                plural(ids.len()),
                joined(ids, opts.list_cap, |id| one_line(id).to_string())
            )?;
        }

        let flaky = History::flaky(pipe);
        if !flaky.is_empty() {
            writeln!(out, "  Flaky stages (success and failure alternate):")?;
            let n = flaky.len().min(top);
            for s in &flaky[..n] {
                writeln!(
                    out,
                    "    {:<40} {} flip{} in {} run{} ({})",
                    named(&s.key, &s.name),
                    s.flips,
                    plural(s.flips),
                    s.runs,
                    plural(s.runs),
                    outcome_counts(s)
                )?;
            }
            more_top(out, "    ", n, flaky.len())?;
        }

        let recurring: Vec<_> = pipe
            .recurring_root_causes
            .iter()
            .filter(|c| c.count > 1)
            .collect();
        if !recurring.is_empty() {
            writeln!(out, "  Recurring root causes (same stage, same error):")?;
            let n = recurring.len().min(top);
            for c in &recurring[..n] {
                writeln!(
                    out,
                    "    {:>4}×  {} — first in run {}, last in run {}",
                    c.count,
                    named(&c.key, &c.name),
                    one_line(&c.first_run_id),
                    one_line(&c.last_run_id)
                )?;
                match &c.text {
                    Some(t) => writeln!(out, "           {}", block(&quote(t), 11))?,
                    None => writeln!(out, "           {NO_ERROR_MESSAGE}")?,
                }
            }
            more_top(out, "    ", n, recurring.len())?;
        }

        let slower = History::slower(pipe);
        if !slower.is_empty() {
            writeln!(out, "  Slower than usual in the latest run:")?;
            let n = slower.len().min(top);
            for s in &slower[..n] {
                writeln!(
                    out,
                    "    {:<40} {} (p50 {}, p95 {}, {:.1}x)",
                    named(&s.key, &s.name),
                    crate::report::human_duration(s.latest_ms.unwrap_or(0)),
                    crate::report::human_duration(s.p50_ms.unwrap_or(0)),
                    crate::report::human_duration(s.p95_ms.unwrap_or(0)),
                    s.latest_ratio.unwrap_or(0.0)
                )?;
            }
            more_top(out, "    ", n, slower.len())?;
        }
        if flaky.is_empty() && recurring.is_empty() && slower.is_empty() {
            writeln!(
                out,
                "  No flaky stage, no recurring root cause, nothing slower than usual."
            )?;
        }
    }
    if !h.skipped.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Skipped {} file{}:",
            h.skipped.len(),
            plural(h.skipped.len())
        )?;
        let n = shown(opts.list_cap, h.skipped.len());
        for s in &h.skipped[..n] {
            writeln!(
                out,
                "  {}: {}",
                one_line(&s.path),
                one_line(&quote(&s.error))
            )?;
        }
        more(out, "  ", n, h.skipped.len())?;
    }
    let steps = h.next();
    if !steps.is_empty() {
        writeln!(out)?;
    }
    for step in steps {
        writeln!(out, "{} {}", p.bold("Next:"), one_line(&step))?;
    }
    Ok(())
}

/// `a, b, and N more`: the first `cap` entries, each drawn by `show`, and
/// the count of the rest.
pub(crate) fn joined<T>(items: &[T], cap: Option<usize>, show: impl Fn(&T) -> String) -> String {
    let n = shown(cap, items.len());
    let mut parts: Vec<String> = items[..n].iter().map(show).collect();
    if n < items.len() {
        parts.push(format!("and {} more", items.len() - n));
    }
    parts.join(", ")
}

/// `… and N more (--top N or --all shows more)`.
fn more_top(out: &mut dyn Write, indent: &str, shown: usize, total: usize) -> io::Result<()> {
    if total > shown {
        writeln!(
            out,
            "{indent}… and {} more (--top N or --all shows more)",
            total - shown
        )?;
    }
    Ok(())
}

/// `success 20 · root cause 8 · blocked 2`: the outcomes that happened.
pub(crate) fn outcome_counts(s: &crate::history::StageHistory) -> String {
    [
        ("success", s.success),
        ("root cause", s.root_cause),
        ("blocked", s.blocked),
        ("not run", s.not_run),
        ("running", s.running),
        ("unknown", s.unknown),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(l, n)| format!("{l} {n}"))
    .collect::<Vec<_>>()
    .join(" · ")
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
