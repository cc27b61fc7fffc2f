//! The one error type of the crate.
//!
//! Only what stops an analysis is an error: input that is not JSON, an API
//! error response, no run to analyse, a stage without an id, a dependency
//! cycle. Everything else odd about the input is a
//! [`Diagnostic`](crate::Diagnostic) and the analysis goes on.

use std::fmt;

/// Everything that can stop the analysis of a response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not JSON (or not UTF-8, or nests too deep).
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What was wrong there.
        message: String,
        /// The error of the reader that found it.
        #[source]
        source: SyntaxSource,
    },
    /// The API answered with an error instead of a run: a failed
    /// `response_status`, or a body of another common error shape
    /// (`{"status": "failure", "messages": [...]}`, `{"error": {...}}`,
    /// `{"message": ...}`) with no run in it.
    #[error("the API returned an error{}{}", .status_code.map_or_else(String::new, |c| format!(" (status code {c})")), ApiMessages(.messages))]
    Api {
        /// The status code (`response_status.status_code`, or a `status_code`
        /// or `code` of another error shape), when present.
        status_code: Option<i64>,
        /// The messages of `response_status.messages`, as written.
        messages: Vec<String>,
    },
    /// The input holds no pipeline run.
    #[error("no pipeline run found: expected an object with a `pipelinerun` field (or a bare run object), found {found}")]
    NoRun {
        /// What the top level held instead.
        found: String,
    },
    /// A task instance has no usable id, so no stage can be built for it.
    #[error("task instance at `{path}` has no id: expected a string or an integer, found {found}")]
    MissingId {
        /// JSON path of the task instance.
        path: crate::json_path::JsonPath,
        /// What its `id` field held.
        found: String,
    },
    /// The stage dependencies form a cycle, so there is no order to run them in.
    #[error("dependency cycle between stages: {}", CycleText(.stages))]
    Cycle {
        /// The stage ids of one cycle, in dependency order (each depends on the one before it; the first depends on the last).
        stages: Vec<String>,
    },
    /// A field that holds JSON in a string could not be decoded.
    #[error("field `{field}` holds invalid JSON at line {line}, column {column}: {message}")]
    EmbeddedJson {
        /// The field's name.
        field: &'static str,
        /// 1-based line inside the field's text.
        line: usize,
        /// 1-based column inside the field's text.
        column: usize,
        /// What was wrong there.
        message: String,
    },
    /// Reading the input failed.
    #[error("could not read the input: {0}")]
    Io(#[from] std::io::Error),
}

/// What found a syntax error: the JSON reader, or the UTF-8 check before it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyntaxSource {
    /// serde_json's error.
    #[error(transparent)]
    Json(serde_json::Error),
    /// The input is not UTF-8.
    #[error(transparent)]
    Utf8(std::str::Utf8Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

struct ApiMessages<'a>(&'a [String]);

impl fmt::Display for ApiMessages<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.is_empty() {
            write!(f, ": {}", self.0.join("; "))?;
        }
        Ok(())
    }
}

struct CycleText<'a>(&'a [String]);

impl fmt::Display for CycleText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for id in self.0 {
            write!(f, "{} -> ", crate::limits::shorten(id))?;
        }
        match self.0.first() {
            Some(first) => write!(f, "{}", crate::limits::shorten(first)),
            None => Ok(()),
        }
    }
}

/// `serde_json`'s message without its trailing " at line L column C".
pub(crate) fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let text = text
        .strip_suffix(&suffix)
        .map(str::to_owned)
        .unwrap_or(text);
    if text == "recursion limit exceeded" {
        "the input nests deeper than 128 levels".to_owned()
    } else {
        text
    }
}

impl Error {
    /// A syntax error at the first byte that is not UTF-8, positioned like
    /// serde_json's (1-based line, 1-based column counted in bytes).
    pub(crate) fn not_utf8(bytes: &[u8], e: &std::str::Utf8Error) -> Self {
        let before = &bytes[..e.valid_up_to()];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Error::Syntax {
            line,
            column: before.len() - line_start + 1,
            message: "invalid UTF-8 (the input must be UTF-8 JSON)".to_owned(),
            source: SyntaxSource::Utf8(*e),
        }
    }

    pub(crate) fn from_json(e: serde_json::Error) -> Self {
        if e.is_io() {
            return Error::Io(std::io::Error::other(e.to_string()));
        }
        Error::Syntax {
            line: e.line(),
            // serde_json says column 0 for an end of input met at the start
            // of a line (an empty file); the column promised here is 1-based.
            column: e.column().max(1),
            message: strip_position(&e),
            source: SyntaxSource::Json(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycle_message_closes_the_loop() {
        let e = Error::Cycle {
            stages: vec!["1".into(), "2".into(), "3".into()],
        };
        assert_eq!(
            e.to_string(),
            "dependency cycle between stages: 1 -> 2 -> 3 -> 1"
        );
    }

    #[test]
    fn api_error_lists_messages() {
        let e = Error::Api {
            status_code: Some(4004),
            messages: vec!["Invalid run id".into()],
        };
        assert_eq!(
            e.to_string(),
            "the API returned an error (status code 4004): Invalid run id"
        );
    }
}
