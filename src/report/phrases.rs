//! The words text and Markdown share: how many entries a list shows, how a
//! quoted failure text is cut, how root causes and errors are counted, what
//! a heading says for each outcome. One place, so the two formats never tell
//! the same run two ways.

use std::borrow::Cow;
use std::fmt;

use super::{plural, ErrorGroup};
use crate::cause::RunCause;
use crate::status::Status;

/// What a report prints for a run or a stage without an id.
pub(crate) const NO_ID: &str = "(no id)";

/// How many of `len` entries a list shows under `cap`.
pub(crate) fn shown(cap: Option<usize>, len: usize) -> usize {
    cap.map_or(len, |c| len.min(c))
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

/// The advice text and Markdown give a reader of the CLI: what to add to the
/// command to see what a list left out, and the `Next:` commands. A bot or a
/// dashboard that embeds the renderers drops it ([`Advice::NONE`]) or
/// rewords it for its own users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    /// Said after "… and N more" when a list was cut (the CLI: `--all shows
    /// every one`); `None` says nothing more.
    pub more: Option<Cow<'static, str>>,
    /// Said after a `history` ranking cut at its top stages (the CLI:
    /// `--top N or --all shows more`); `None` says nothing more.
    pub more_top: Option<Cow<'static, str>>,
    /// Write the `Next:` lines: commands of this CLI to run next (they also
    /// need the options' `file`).
    pub next: bool,
}

impl Advice {
    /// The CLI's advice, in text.
    pub const CLI: Advice = Advice {
        more: Some(Cow::Borrowed("--all shows every one")),
        more_top: Some(Cow::Borrowed("--top N or --all shows more")),
        next: true,
    };

    /// The CLI's advice, in Markdown (options as code).
    pub const CLI_MARKDOWN: Advice = Advice {
        more: Some(Cow::Borrowed("--all shows every one")),
        more_top: Some(Cow::Borrowed("`--top N` or `--all` shows more")),
        next: true,
    };

    /// No advice: no hints after cut lists, no `Next:` lines.
    pub const NONE: Advice = Advice {
        more: None,
        more_top: None,
        next: false,
    };

    /// The hint after a cut list, as ` (hint)`, or nothing.
    pub(crate) fn more(&self) -> Hint<'_> {
        Hint(self.more.as_deref())
    }

    /// The hint after a cut ranking, as ` (hint)`, or nothing.
    pub(crate) fn more_top(&self) -> Hint<'_> {
        Hint(self.more_top.as_deref())
    }
}

/// A hint written as ` (hint)` after a cut list, or nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hint<'a>(pub(crate) Option<&'a str>);

impl fmt::Display for Hint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(h) => write!(f, " ({h})"),
            None => Ok(()),
        }
    }
}

/// The verdict a report opens with: the run's outcome and how many root
/// causes and distinct errors it has.
pub(crate) fn verdict(run: &super::RunInfo, root_causes: usize, errors: usize) -> String {
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
