//! The numeric codes of the API, as enums that say what they mean.
//!
//! Each code the reference documents has a variant; any other number is kept
//! in `Unknown(n)` so that a new code in a later API version is shown, not lost.
//! Codes may be written as numbers or digit strings (`"type": "5"`).

use std::fmt;

use super::lenient::{Int, Raw, Scalar};

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident = $code:literal => $label:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[doc = $doc])*
                $variant,
            )*
            /// A code the reference does not document, kept as written.
            Unknown(i64),
        }

        impl $name {
            /// The variant for a numeric code.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $( $code => $name::$variant, )*
                    other => $name::Unknown(other),
                }
            }

            /// The numeric code.
            pub fn code(self) -> i64 {
                match self {
                    $( $name::$variant => $code, )*
                    $name::Unknown(n) => n,
                }
            }

            /// A short lower-case label for reports.
            pub fn label(self) -> &'static str {
                match self {
                    $( $name::$variant => $label, )*
                    $name::Unknown(_) => "unknown",
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $name::Unknown(n) => write!(f, "unknown ({n})"),
                    other => f.write_str(other.label()),
                }
            }
        }

        impl Scalar<'_> for $name {
            const EXPECTED: &'static str = "a numeric code";
            fn from_raw(raw: Raw<'_>) -> Option<Self> {
                Int::from_raw(raw).map(|Int(n)| $name::from_code(n))
            }
            fn from_integer(n: i64) -> Option<Self> {
                Some($name::from_code(n))
            }
        }

        super::lenient::scalar_read!($name);
        super::lenient::owned_as_is!($name);
        impl super::lenient::Walk for $name {
            /// A code holds no nested values, so there is nothing to walk.
            fn walk(&self, _: &mut super::lenient::Walker<'_>) {
            }
        }
    };
}

code_enum! {
    /// Execution status of a run, a stage or an audit (`execution_status`).
    pub enum ExecutionStatus {
        /// `1`: finished successfully.
        Success = 1 => "success",
        /// `0`: still running.
        Running = 0 => "running",
        /// `2`: created, not started yet.
        Created = 2 => "created",
        /// `-1`: failed.
        Failed = -1 => "failed",
        /// `-2`: stopped by a user.
        Stopped = -2 => "stopped",
        /// `-3`: killed by the system.
        Killed = -3 => "killed",
    }
}

impl ExecutionStatus {
    /// Failed, stopped or killed: an outcome that blocks what depends on it.
    pub fn is_failed_like(self) -> bool {
        matches!(
            self,
            ExecutionStatus::Failed | ExecutionStatus::Stopped | ExecutionStatus::Killed
        )
    }
}

code_enum! {
    /// How a pipeline run was started (`type` of a run or run config audit).
    pub enum RunType {
        /// `0`: started by hand.
        Manual = 0 => "manual",
        /// `1`: started by its schedule.
        Schedule = 1 => "schedule",
        /// `2`: a reload.
        Reload = 2 => "reload",
        /// `3`: a backfill.
        Backfill = 3 => "backfill",
        /// `4`: a sectional run.
        Sectional = 4 => "sectional",
        /// `5`: started by a webhook.
        Webhook = 5 => "webhook",
        /// `6`: started from Zoho Flow.
        ZohoFlow = 6 => "zoho flow",
        /// `8`: started by hand, refreshing data from the source.
        ManualRefresh = 8 => "manual (refresh data from source)",
    }
}

code_enum! {
    /// What a stage does (`pipelinetask.type`).
    pub enum StageType {
        /// `5`: import (the API's "extract") from a source. Variants are
        /// named by the words the outputs use, not the API's ETL names.
        Import = 5 => "import",
        /// `7`: parse the raw import.
        RawParse = 7 => "raw parse",
        /// `10`: transform (apply a ruleset).
        Transform = 10 => "transform",
        /// `15`: extract staged data.
        StagesExtract = 15 => "stages extract",
        /// `20`: export (the API's "load") to a destination.
        Export = 20 => "export",
    }
}

code_enum! {
    /// The kind of a connection (`connection.type`).
    pub enum ConnectionType {
        /// `0`: cloud storage.
        CloudStorage = 0 => "cloud storage",
        /// `1`: a local file.
        LocalFile = 1 => "local file",
        /// `2`: a URL.
        Url = 2 => "URL",
        /// `3`: a local database.
        LocalDatabase = 3 => "local database",
        /// `4`: FTP.
        Ftp = 4 => "FTP",
        /// `5`: a cloud database.
        CloudDatabase = 5 => "cloud database",
        /// `10`: Zoho CRM.
        ZohoCrm = 10 => "Zoho CRM",
        /// `11`: Zoho Analytics.
        ZohoAnalytics = 11 => "Zoho Analytics",
        /// `15`: Amazon S3.
        AmazonS3 = 15 => "Amazon S3",
        /// `19`: a local FTP server.
        LocalFtp = 19 => "local FTP",
        /// `20`: a local file through Databridge.
        DatabridgeLocalFile = 20 => "Databridge local file",
        /// `21`: Zoho Creator.
        ZohoCreator = 21 => "Zoho Creator",
        /// `22`: Zoho Directory.
        ZohoDirectory = 22 => "Zoho Directory",
    }
}

code_enum! {
    /// Where a workspace came from (`project.migration_status`).
    pub enum MigrationStatus {
        /// `0`: created in DataPrep 1.0.
        CreatedV1 = 0 => "created in DataPrep 1.0",
        /// `1`: migrated from 1.0 to 2.0.
        Migrated = 1 => "migrated from 1.0 to 2.0",
        /// `3`: created in DataPrep 2.0.
        CreatedV2 = 3 => "created in DataPrep 2.0",
    }
}

code_enum! {
    /// Whether a record is alive or in the trash (`status` of most records;
    /// for users and workspaces: active or inactive).
    pub enum AliveStatus {
        /// `1`: alive (active).
        Alive = 1 => "alive",
        /// `0`: in the trash (inactive).
        Trash = 0 => "trash",
    }
}

/// When a stage runs given its parents' outcomes (`pipelinetask.trigger_rule`,
/// Airflow's names, matched case-insensitively).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TriggerRule {
    /// Every parent succeeded (the default).
    AllSuccess,
    /// No parent failed.
    NoneFailed,
    /// No parent failed and at least one succeeded.
    NoneFailedMinOneSuccess,
    /// No parent failed or was skipped.
    NoneFailedOrSkipped,
    /// At least one parent succeeded.
    OneSuccess,
    /// Every parent is done and at least one succeeded.
    AllDoneMinOneSuccess,
    /// Every parent is done, whatever its outcome.
    AllDone,
    /// Every parent is done and every setup parent succeeded.
    AllDoneSetupSuccess,
    /// Every parent failed.
    AllFailed,
    /// At least one parent failed.
    OneFailed,
    /// At least one parent is done.
    OneDone,
    /// No parent was skipped.
    NoneSkipped,
    /// Every parent was skipped.
    AllSkipped,
    /// Always runs.
    Always,
    /// Runs regardless (Airflow's `dummy`).
    Dummy,
}

impl TriggerRule {
    /// The rule named `text` (case-insensitive), or `None` for a name the
    /// spec does not list.
    pub fn parse(text: &str) -> Option<Self> {
        const RULES: [(&str, TriggerRule); 15] = [
            ("ALL_SUCCESS", TriggerRule::AllSuccess),
            ("NONE_FAILED", TriggerRule::NoneFailed),
            (
                "NONE_FAILED_MIN_ONE_SUCCESS",
                TriggerRule::NoneFailedMinOneSuccess,
            ),
            ("NONE_FAILED_OR_SKIPPED", TriggerRule::NoneFailedOrSkipped),
            ("ONE_SUCCESS", TriggerRule::OneSuccess),
            (
                "ALL_DONE_MIN_ONE_SUCCESS",
                TriggerRule::AllDoneMinOneSuccess,
            ),
            ("ALL_DONE", TriggerRule::AllDone),
            ("ALL_DONE_SETUP_SUCCESS", TriggerRule::AllDoneSetupSuccess),
            ("ALL_FAILED", TriggerRule::AllFailed),
            ("ONE_FAILED", TriggerRule::OneFailed),
            ("ONE_DONE", TriggerRule::OneDone),
            ("NONE_SKIPPED", TriggerRule::NoneSkipped),
            ("ALL_SKIPPED", TriggerRule::AllSkipped),
            ("ALWAYS", TriggerRule::Always),
            ("DUMMY", TriggerRule::Dummy),
        ];
        RULES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
            .map(|&(_, rule)| rule)
    }

    /// The rule's name as Airflow writes it.
    pub fn name(self) -> &'static str {
        match self {
            TriggerRule::AllSuccess => "ALL_SUCCESS",
            TriggerRule::NoneFailed => "NONE_FAILED",
            TriggerRule::NoneFailedMinOneSuccess => "NONE_FAILED_MIN_ONE_SUCCESS",
            TriggerRule::NoneFailedOrSkipped => "NONE_FAILED_OR_SKIPPED",
            TriggerRule::OneSuccess => "ONE_SUCCESS",
            TriggerRule::AllDoneMinOneSuccess => "ALL_DONE_MIN_ONE_SUCCESS",
            TriggerRule::AllDone => "ALL_DONE",
            TriggerRule::AllDoneSetupSuccess => "ALL_DONE_SETUP_SUCCESS",
            TriggerRule::AllFailed => "ALL_FAILED",
            TriggerRule::OneFailed => "ONE_FAILED",
            TriggerRule::OneDone => "ONE_DONE",
            TriggerRule::NoneSkipped => "NONE_SKIPPED",
            TriggerRule::AllSkipped => "ALL_SKIPPED",
            TriggerRule::Always => "ALWAYS",
            TriggerRule::Dummy => "DUMMY",
        }
    }

    /// Whether a failure upstream makes this stage fail too (`docs/semantics.md#trigger-rules`):
    /// always for the `ALL_SUCCESS` / `NONE_FAILED*` family, only when no
    /// parent succeeded for `ONE_SUCCESS` and `ALL_DONE_MIN_ONE_SUCCESS`,
    /// never for the rest.
    pub fn propagates_failure(self, any_parent_succeeded: bool) -> bool {
        match self {
            TriggerRule::AllSuccess
            | TriggerRule::NoneFailed
            | TriggerRule::NoneFailedMinOneSuccess
            | TriggerRule::NoneFailedOrSkipped => true,
            TriggerRule::OneSuccess | TriggerRule::AllDoneMinOneSuccess => !any_parent_succeeded,
            TriggerRule::AllDone
            | TriggerRule::AllDoneSetupSuccess
            | TriggerRule::AllFailed
            | TriggerRule::OneFailed
            | TriggerRule::OneDone
            | TriggerRule::NoneSkipped
            | TriggerRule::AllSkipped
            | TriggerRule::Always
            | TriggerRule::Dummy => false,
        }
    }
}

impl fmt::Display for TriggerRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_keep_unknowns() {
        assert_eq!(ExecutionStatus::from_code(-3), ExecutionStatus::Killed);
        assert_eq!(ExecutionStatus::from_code(7), ExecutionStatus::Unknown(7));
        assert_eq!(ExecutionStatus::Unknown(7).to_string(), "unknown (7)");
        assert_eq!(ConnectionType::from_code(15).label(), "Amazon S3");
        assert_eq!(StageType::from_code(20).code(), 20);
        assert!(ExecutionStatus::Stopped.is_failed_like());
        assert!(!ExecutionStatus::Created.is_failed_like());
    }

    #[test]
    fn trigger_rules_case_insensitive() {
        assert_eq!(TriggerRule::parse("all_done"), Some(TriggerRule::AllDone));
        assert_eq!(
            TriggerRule::parse("One_Success"),
            Some(TriggerRule::OneSuccess)
        );
        assert_eq!(TriggerRule::parse("SOMETIMES"), None);
        assert!(TriggerRule::OneSuccess.propagates_failure(false));
        assert!(!TriggerRule::OneSuccess.propagates_failure(true));
        assert!(!TriggerRule::AllDone.propagates_failure(false));
    }
}
