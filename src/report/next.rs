//! What to run next: one or two real commands for the input at hand, at
//! the end of every text and Markdown report.

use super::{CriticalPath, RunInfo, StageOrder, Summary, Trace, Why};
use crate::limits::DIAGRAM_MAX_STAGES as MAX_STAGES;

/// `text` quoted for a POSIX shell when it needs it.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_./-:@%+=,".contains(&b));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// A picture of the run that stays readable: the whole lineage when the
/// run is small enough to draw ([`MAX_STAGES`]); else what the failure
/// touched, or the end of the critical path and what led to it. Never a
/// diagram over the cap (Graphviz may not finish one).
fn diagram(file: &str, run: &RunInfo, failed: bool, last_on_path: Option<&str>) -> Option<String> {
    if run.stage_count <= MAX_STAGES {
        return Some(format!(
            "dataprep-lineage dot {file} --view lineage | dot -Tsvg > run.svg"
        ));
    }
    if failed {
        return Some(format!(
            "dataprep-lineage dot {file} --focus failure | dot -Tsvg > failure.svg   # what the failure touched"
        ));
    }
    last_on_path.map(|id| {
        format!(
            "dataprep-lineage dot {file} --focus {} | dot -Tsvg > path.svg   # the last stage and what led to it",
            shell_quote(id)
        )
    })
}

impl Why {
    /// What to run after `why`: trace a stage the first root cause
    /// blocked, and draw the run.
    pub fn next(&self, file: &str) -> Vec<String> {
        let file = shell_quote(file);
        let blocked = self
            .root_causes
            .iter()
            .find_map(|rc| rc.blocked_stages.first());
        let mut steps = Vec::new();
        match blocked {
            Some(stage) => steps.push(format!(
                "dataprep-lineage why {file} --stage {}   # what held it back",
                shell_quote(&stage.id)
            )),
            None if self.root_causes.is_empty() => {
                steps.push(format!(
                    "dataprep-lineage critical-path {file}   # where the time went"
                ));
            }
            None => {}
        }
        steps.extend(diagram(
            &file,
            &self.run,
            !self.root_causes.is_empty(),
            self.outcome.critical_path.path.last().map(String::as_str),
        ));
        steps
    }
}

impl Summary {
    /// What to run after `summary`: the full explanation, or the timing.
    pub fn next(&self, file: &str) -> Vec<String> {
        let file = shell_quote(file);
        let first = if self.root_causes_count > 0 || !self.outcome.run_causes.is_empty() {
            format!("dataprep-lineage why {file}   # every message, what it blocked")
        } else {
            format!("dataprep-lineage critical-path {file}   # where the time went")
        };
        vec![first, page(&file)]
    }
}

impl CriticalPath {
    /// What to run after `critical-path`: the timeline as a picture, and
    /// the lineage with the critical path marked.
    pub fn next(&self, file: &str) -> Vec<String> {
        let file = shell_quote(file);
        std::iter::once(page(&file))
            .chain(diagram(
                &file,
                &self.run,
                false,
                self.path.last().map(String::as_str),
            ))
            .collect()
    }
}

/// The run as one page to open in a browser: the lineage, the timeline and
/// the root causes together (any size: the page stays within its budget).
fn page(file: &str) -> String {
    format!("dataprep-lineage html {file} > run.html   # the run as a page: lineage and timeline")
}

impl StageOrder {
    /// What to run after `order`: why the run ended as it did.
    pub fn next(&self, file: &str) -> Vec<String> {
        vec![format!("dataprep-lineage why {}", shell_quote(file))]
    }
}

impl Trace {
    /// What to run after `why --stage`: the culprit's own story.
    pub fn next(&self, file: &str) -> Vec<String> {
        vec![format!(
            "dataprep-lineage why {}   # every root cause with its messages",
            shell_quote(file)
        )]
    }
}

impl crate::history::History {
    /// What to run after `history`: for each pipeline whose latest run did
    /// not succeed (the first three), `why` on that run's file and `diff`
    /// of the last good run against it; when every latest run succeeded,
    /// where the time went in the first pipeline's latest run.
    pub fn next(&self) -> Vec<String> {
        const PIPELINES: usize = 3;
        let mut steps = Vec::new();
        let failing = self.pipelines.iter().filter(|p| {
            p.latest_run.as_ref().is_some_and(|l| {
                l.run.status != crate::status::Status::Success && l.run.file.is_some()
            })
        });
        for p in failing.take(PIPELINES) {
            let Some(latest) = p.latest_run.as_ref().and_then(|l| l.run.file.as_deref()) else {
                continue;
            };
            let latest = shell_quote(latest);
            steps.push(format!(
                "dataprep-lineage why {latest}   # the latest run in full"
            ));
            if let Some(good) = p.last_good_run.as_ref().and_then(|g| g.file.as_deref()) {
                steps.push(format!(
                    "dataprep-lineage diff {} {latest}   # what changed since it last worked",
                    shell_quote(good)
                ));
            }
        }
        if steps.is_empty() {
            if let Some(latest) = self
                .pipelines
                .iter()
                .find_map(|p| p.latest_run.as_ref().and_then(|l| l.run.file.as_deref()))
            {
                steps.push(format!(
                    "dataprep-lineage critical-path {}   # where the time went in the latest run",
                    shell_quote(latest)
                ));
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn quotes_only_what_a_shell_would_split() {
        assert_eq!(shell_quote("fixtures/run.json"), "fixtures/run.json");
        assert_eq!(shell_quote("my run.json"), "'my run.json'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
