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

use std::fmt::{self, Write as _};

use super::{human_duration, Analysis};
use crate::cause::{self, RunCauseKind};
use crate::error::{Error, Result};
use crate::graph::{status_label, DataIx, LineageGraph, Stage};
use crate::model::{ExecutionStatus, Timestamp};

/// How to render text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Use ANSI colours for statuses and headings.
    pub color: bool,
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

    fn status<'l>(&self, label: &'l str) -> Painted<&'l str> {
        let code = match label {
            "success" => "32",
            "failed" | "killed" => "31",
            "stopped" => "35",
            "running" => "33",
            _ => "2",
        };
        self.wrap(code, label)
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

/// `"name" (kind, id N)`, or `stage N (kind, id N)` for a stage without a name.
fn stage_title<'s>(stage: &'s Stage<'_>) -> StageTitle<'s> {
    StageTitle(stage)
}

/// See [`stage_title`].
struct StageTitle<'s>(&'s Stage<'s>);

impl fmt::Display for StageTitle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = self.0;
        match stage.name() {
            Some(n) => write!(f, "\"{}\"", one_line(n))?,
            None => write!(f, "stage {}", one_line(stage.id))?,
        }
        let kind = match (stage.is_placeholder(), stage.stage_type()) {
            (true, _) => "placeholder",
            (false, Some(t)) => t.label(),
            (false, None) => "stage",
        };
        write!(f, " ({kind}, id {})", one_line(stage.id))
    }
}

fn time(ms: i64) -> String {
    Timestamp(ms).to_string()
}

fn headline(out: &mut String, a: &Analysis<'_, '_>, p: &Paint) {
    let run = a.graph.summary().run();
    let pipeline = run.pipeline();
    let id = run.id.get().map_or("(no id)", |i| i.as_str());
    let mut first = format!("Run {}", one_line(id));
    if let Some(name) = pipeline.and_then(|p| p.name.get()) {
        let _ = write!(first, " of pipeline \"{}\"", one_line(name.as_str()));
    }
    if let Some(ws) = pipeline
        .and_then(|p| p.project.get())
        .and_then(|p| p.name.get())
    {
        let _ = write!(first, " in workspace \"{}\"", one_line(ws.as_str()));
    }
    let _ = writeln!(out, "{}", p.bold(&first));
    let mut facts = vec![p
        .status(status_label(run.execution_status.value()))
        .to_string()];
    if let Some(t) = run.run_type.value() {
        facts.push(format!("{} run", t.label()));
    }
    if let Some(t) = run.created_time.value() {
        facts.push(format!("started {t}"));
    }
    match (a.wall_time(), run.execution_status.value()) {
        (Some(w), Some(ExecutionStatus::Running)) => {
            facts.push(format!("running for {} so far", human_duration(w)))
        }
        (Some(w), _) => facts.push(format!("wall time {}", human_duration(w))),
        _ => {}
    }
    let _ = writeln!(out, "  {}", facts.join(" · "));
}

fn data_line(g: &LineageGraph<'_>, d: DataIx) -> String {
    let node = &g.data_nodes()[d];
    let mut line = match node.name {
        Some(n) => format!("{} \"{}\"", node.kind.label(), one_line(n)),
        None => format!("{} {}", node.kind.label(), one_line(node.id)),
    };
    let conn = node
        .connection
        .and_then(|c| c.name.get())
        .map(|t| t.as_str());
    match (conn, node.connection_type()) {
        (Some(c), Some(t)) if Some(c) != node.name => {
            let _ = write!(line, " via {} [{}]", one_line(c), t.label());
        }
        (_, Some(t)) => {
            let _ = write!(line, " [{}]", t.label());
        }
        (Some(c), None) if Some(c) != node.name => {
            let _ = write!(line, " via {}", one_line(c));
        }
        _ => {}
    }
    line
}

/// The `why` report: root causes with their evidence, data and blast radius,
/// then run-level causes.
pub fn why(a: &Analysis<'_, '_>, opts: TextOptions) -> String {
    let p = Paint { color: opts.color };
    let g = a.graph;
    let mut out = String::new();
    headline(&mut out, a, &p);
    out.push('\n');

    let evidence = a.evidence();
    let run_status = g.summary().run().execution_status.value();
    if evidence.is_empty() {
        let line = match run_status {
            Some(ExecutionStatus::Success) => "No stage failed: the run succeeded.",
            Some(ExecutionStatus::Running) => "No stage has failed so far: the run is still going.",
            _ => "No stage failed, stopped or was killed.",
        };
        let _ = writeln!(out, "{line}");
    } else {
        let n = evidence.len();
        let _ = writeln!(
            out,
            "{}",
            p.bold(&format!(
                "Why it failed: {n} root cause{}",
                if n == 1 { "" } else { "s" }
            ))
        );
    }

    for (i, (s, ev)) in evidence.iter().enumerate() {
        let st = &g.stages()[*s];
        out.push('\n');
        let _ = writeln!(
            out,
            "{}. {} {}",
            i + 1,
            p.bold(&stage_title(st)),
            p.status(st.status_label())
        );
        let mut when = Vec::new();
        match (st.start, st.completion) {
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
        match ev.retry_count {
            Some(0) | None => {}
            Some(1) => when.push("after 1 retry".to_owned()),
            Some(r) => when.push(format!("after {r} retries")),
        }
        if !when.is_empty() {
            let _ = writeln!(out, "   {}", when.join(", "));
        }
        if let Some(op) = &ev.operator_id {
            let _ = writeln!(out, "   operator {}", one_line(op));
        }
        if st.trigger_rule != crate::model::TriggerRule::AllSuccess {
            let _ = writeln!(out, "   trigger rule {}", st.trigger_rule.name());
        }
        if ev.texts.is_empty() {
            let _ = writeln!(out, "   The response holds no message for this stage.");
        } else {
            let _ = writeln!(out, "   What the response says:");
            for t in &ev.texts {
                let _ = writeln!(out, "     • {}", block(&t.text, 7));
                let _ = writeln!(out, "       {}", p.dim(&format!("at {}", t.path)));
            }
        }
        if !ev.reads.is_empty() || !ev.writes.is_empty() {
            let _ = writeln!(out, "   Data:");
            for &d in &ev.reads {
                let _ = writeln!(out, "     reads  {}", data_line(g, d));
            }
            for &d in &ev.writes {
                let _ = writeln!(out, "     writes {}", data_line(g, d));
            }
        }
        let blocked = a.causes.blocked(*s);
        if blocked.is_empty() {
            let _ = writeln!(out, "   Blocked nothing downstream.");
        } else {
            let _ = writeln!(
                out,
                "   Blocked downstream ({} stage{}):",
                blocked.len(),
                if blocked.len() == 1 { "" } else { "s" }
            );
            for &b in blocked {
                let bs = &g.stages()[b];
                let _ = writeln!(
                    out,
                    "     • {} — {}",
                    stage_title(bs),
                    p.status(bs.status_label())
                );
            }
        }
        let radius = cause::blast_radius(g, *s);
        let targets: Vec<String> = radius
            .data
            .iter()
            .filter(|&&d| g.data_nodes()[d].kind == crate::graph::DataKind::ExportTarget)
            .map(|&d| data_line(g, d))
            .collect();
        if !targets.is_empty() {
            let _ = writeln!(out, "   Exports downstream: {}", targets.join("; "));
        }
    }

    if !a.run_causes.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", p.bold("Run-level causes:"));
        for c in &a.run_causes {
            let kind = match c.kind {
                RunCauseKind::Stopped => "stopped",
                RunCauseKind::Killed => "killed",
                RunCauseKind::QualityGate => "quality gate",
                RunCauseKind::Unexplained => "unexplained",
            };
            let _ = writeln!(out, "  • {}: {}", p.bold(kind), one_line(&c.detail));
        }
    }
    out.push('\n');
    critical_section(&mut out, a, &p);
    out
}

/// The `why --stage ID` report: the stage's culprits and a path from each.
///
/// # Errors
///
/// [`Error::UnknownStage`] when the run has no stage with id `id`.
pub fn trace(a: &Analysis<'_, '_>, id: &str, opts: TextOptions) -> Result<String> {
    let p = Paint { color: opts.color };
    let g = a.graph;
    let s = g
        .stage_by_id(id)
        .ok_or_else(|| Error::UnknownStage { id: id.to_owned() })?;
    let st = &g.stages()[s];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        p.bold(&stage_title(st)),
        p.status(st.status_label())
    );
    let traces = a.causes.trace(g, s);
    if traces.is_empty() {
        let _ = writeln!(
            out,
            "Nothing upstream held this stage back, and it did not fail itself."
        );
        return Ok(out);
    }
    for t in &traces {
        if t.culprit == s {
            let _ = writeln!(out, "  is a root cause itself: it failed on its own.");
            continue;
        }
        let c = &g.stages()[t.culprit];
        let _ = writeln!(
            out,
            "  held back by {} {}",
            stage_title(c),
            p.status(c.status_label())
        );
        let names: Vec<String> = t
            .path
            .iter()
            .map(|&x| {
                g.stages()[x].name().map_or_else(
                    || one_line(g.stages()[x].id).to_string(),
                    |n| one_line(n).to_string(),
                )
            })
            .collect();
        let _ = writeln!(out, "    path: {}", names.join(" → "));
    }
    Ok(out)
}

/// The `order` report: stages in topological order with their levels.
pub fn order(a: &Analysis<'_, '_>, opts: TextOptions) -> String {
    let p = Paint { color: opts.color };
    let g = a.graph;
    let rows: Vec<[String; 5]> = a
        .order
        .stages()
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let st = &g.stages()[s];
            [
                (i + 1).to_string(),
                a.order.level(s).to_string(),
                one_line(st.id).to_string(),
                st.name()
                    .map_or_else(|| "—".to_owned(), |n| one_line(n).to_string()),
                st.status_label().to_owned(),
            ]
        })
        .collect();
    let mut out = format!(
        "{} stage{} in topological order (parents first; ties by smallest id)\n\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    table(
        &mut out,
        &["#", "level", "id", "name", "status"],
        &rows,
        &p,
        4,
    );
    out
}

/// The `critical-path` report: the path, every stage's timing, and the
/// observed chain with its waits.
pub fn critical_path(a: &Analysis<'_, '_>, opts: TextOptions) -> String {
    let p = Paint { color: opts.color };
    let g = a.graph;
    let t = &a.timing;
    let mut out = String::new();
    headline(&mut out, a, &p);
    out.push('\n');
    critical_section(&mut out, a, &p);

    out.push('\n');
    let _ = writeln!(out, "{}", p.bold("Every stage (topological order):"));
    let rows: Vec<[String; 6]> = a
        .order
        .stages()
        .iter()
        .map(|&s| {
            let st = &g.stages()[s];
            [
                st.name()
                    .map_or_else(|| one_line(st.id).to_string(), |n| one_line(n).to_string()),
                st.status_label().to_owned(),
                human_duration(t.duration(s)),
                human_duration(t.earliest_finish(s)),
                human_duration(t.slack(s)),
                if t.is_critical(s) {
                    "critical".to_owned()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "stage",
            "status",
            "duration",
            "earliest finish",
            "slack",
            "",
        ],
        &rows,
        &p,
        1,
    );
    out
}

fn critical_section(out: &mut String, a: &Analysis<'_, '_>, p: &Paint) {
    let g = a.graph;
    let t = &a.timing;
    let mut line = format!("Critical path: {} of work", human_duration(t.makespan()));
    if let Some(w) = a.wall_time() {
        let _ = write!(line, " against {} of wall time", human_duration(w));
        if w > t.makespan() {
            let _ = write!(
                line,
                " ({} spent waiting)",
                human_duration(w.saturating_sub(t.makespan()))
            );
        }
    }
    let _ = writeln!(out, "{}", p.bold(&line));
    if t.critical_path().is_empty() {
        let _ = writeln!(out, "  (no stages)");
    }
    for (i, &s) in t.critical_path().iter().enumerate() {
        let st = &g.stages()[s];
        let _ = writeln!(
            out,
            "  {}. {} — {}, {}, finishes at +{}",
            i + 1,
            stage_title(st),
            p.status(st.status_label()),
            human_duration(t.duration(s)),
            human_duration(t.earliest_finish(s))
        );
    }
    let chain = t.observed_chain();
    if !chain.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            p.bold("Observed chain (what actually finished last):")
        );
        for (i, &s) in chain.iter().enumerate() {
            let st = &g.stages()[s];
            let wait = match t.waits()[i] {
                Some(w) => format!("waited {}", human_duration(w)),
                None => "wait unknown".to_owned(),
            };
            let done = st.completion.map(time).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}. {} — {wait}, completed {done}",
                i + 1,
                stage_title(st)
            );
        }
    }
}

/// The `summary` report: one screen with the run, its stages, root causes,
/// run-level causes and critical path.
pub fn summary(a: &Analysis<'_, '_>, opts: TextOptions) -> String {
    let p = Paint { color: opts.color };
    let g = a.graph;
    let mut out = String::new();
    headline(&mut out, a, &p);

    let mut counts: Vec<(&str, usize)> = Vec::new();
    for label in [
        "success", "failed", "stopped", "killed", "running", "created", "unknown",
    ] {
        let n = g
            .stages()
            .iter()
            .filter(|s| s.status_label() == label)
            .count();
        if n > 0 {
            counts.push((label, n));
        }
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(l, n)| format!("{n} {}", p.status(l)))
        .collect();
    let _ = writeln!(
        out,
        "  {} stage{}{}{}",
        g.stages().len(),
        if g.stages().len() == 1 { "" } else { "s" },
        if parts.is_empty() { "" } else { ": " },
        parts.join(", ")
    );
    out.push('\n');

    let evidence = a.evidence();
    if evidence.is_empty() {
        let _ = writeln!(out, "Root causes: none");
    } else {
        let _ = writeln!(out, "{}", p.bold("Root causes:"));
        for (s, ev) in &evidence {
            let st = &g.stages()[*s];
            let blocked = a.causes.blocked(*s).len();
            let _ = writeln!(
                out,
                "  • {} {} — blocked {blocked} stage{}",
                stage_title(st),
                p.status(st.status_label()),
                if blocked == 1 { "" } else { "s" }
            );
            if let Some(first) = ev.texts.first() {
                let _ = writeln!(out, "    {}", block(&first.text, 4));
            }
        }
    }
    if !a.run_causes.is_empty() {
        let _ = writeln!(out, "{}", p.bold("Run-level causes:"));
        for c in &a.run_causes {
            let _ = writeln!(out, "  • {}", one_line(&c.detail));
        }
    }
    out.push('\n');
    critical_section(&mut out, a, &p);
    out
}

/// Left-aligned columns, two spaces apart; `wrap_at` is the column whose
/// cells are cut at 48 characters (names).
fn table<const N: usize>(
    out: &mut String,
    header: &[&str; N],
    rows: &[[String; N]],
    p: &Paint,
    wrap_at: usize,
) {
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
                if i == wrap_at {
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
    let line = |cells: &[String; N], status_col: Option<usize>| -> String {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            let shown = if Some(i) == status_col {
                p.status(c).to_string()
            } else {
                c.clone()
            };
            l.push_str(&shown);
            if i + 1 < N {
                l.push_str(&" ".repeat(pad + 2));
            }
        }
        l.trim_end().to_owned()
    };
    let head: [String; N] = std::array::from_fn(|i| header[i].to_owned());
    let _ = writeln!(out, "{}", p.bold(&line(&head, None)));
    let status_col = header.iter().position(|h| *h == "status");
    for r in &rows {
        let _ = writeln!(out, "{}", line(r, status_col));
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
        assert_eq!(on.status("failed").to_string(), "\x1b[31mfailed\x1b[0m");
        assert_eq!(off.status("failed").to_string(), "failed");
        assert_eq!(on.bold(one_line("x\ty")).to_string(), "\x1b[1mx\\ty\x1b[0m");
    }
}
