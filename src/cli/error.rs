//! Why a command did not print its report, and the exit status each reason gives.

use super::*;

/// The analysis was printed, whatever the run's own outcome.
pub const EXIT_OK: u8 = 0;

/// The input could not be analysed (unreadable, not JSON, an API error, a cycle…).
pub const EXIT_INPUT: u8 = 1;

/// The command line was wrong (unknown flag, missing file argument, unknown `--stage` id).
pub const EXIT_USAGE: u8 = 2;

/// Why the command did not print its report; each knows its exit status.
#[derive(Debug)]
pub(super) enum CliError {
    /// The input could not be read or analysed (exit 1).
    Input { file: String, error: Error },
    /// The input could not be read at all, or was refused (exit 1).
    Read { file: String, error: ReadError },
    /// The command line asked for something the input does not have (exit 2).
    Usage { message: String, hint: String },
    /// The report could not be written (exit 1).
    Output(io::Error),
    /// `history` found no file, or could analyse none (exit 1).
    NoRuns { message: String },
}

impl CliError {
    pub(super) fn exit_code(&self) -> u8 {
        match self {
            CliError::Input { .. }
            | CliError::Read { .. }
            | CliError::Output(_)
            | CliError::NoRuns { .. } => EXIT_INPUT,
            CliError::Usage { .. } => EXIT_USAGE,
        }
    }

    /// What to do next, when there is something to say.
    pub(super) fn hint(&self) -> Option<&str> {
        match self {
            CliError::Input { error, .. } => match error {
                Error::Syntax { .. } => Some("the file must be the JSON body of a Job Summary API response"),
                Error::NoRun { .. } => Some("a Job Summary API response looks like {\"pipelinerun\": {...}, \"response_status\": {...}}"),
                Error::Api { .. } => Some("the API call itself failed; check the run id and your access, then fetch the summary again"),
                Error::Cycle { .. } => Some("pipelinetaskinstancemappers maps each child stage to its parents; one of these entries is wrong"),
                Error::MissingId { .. } => Some("every entry of pipelinetaskinstances needs an `id`"),
                _ => None,
            },
            CliError::Usage { hint, .. } => Some(hint),
            CliError::NoRuns { .. } => Some("give the files or folders where the Job Summary API responses are saved (*.json, *.json.gz)"),
            CliError::Read { .. } | CliError::Output(_) => None,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input { file, error } => write!(f, "{file}: {error}"),
            CliError::Read { file, error } => write!(f, "cannot read {file}: {error}"),
            CliError::Usage { message, .. } => f.write_str(message),
            CliError::Output(e) => write!(f, "cannot write the report: {e}"),
            CliError::NoRuns { message } => f.write_str(message),
        }
    }
}

/// The comparison was printed and its verdict reached `--fail-on`.
pub const EXIT_FAIL_ON: u8 = 3;
