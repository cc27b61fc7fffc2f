//! The run-level records: response status, pipeline run and its audits,
//! users, pipeline and workspace.

use super::codes::{AliveStatus, ExecutionStatus, MigrationStatus, RunType};
use super::lenient::{record, Flag, Id, Int, Lazy, List, Text, Timestamp};
use super::stage::{Mappers, TaskInstance};

record! {
    /// `response_status`: whether the API call itself succeeded.
    pub struct ResponseStatus<'a> {
        /// `"success"` or `"failure"`.
        status: Text<'a>,
        /// 2000 on success; 4000 and above is an error.
        status_code: Int,
        /// Messages about the call.
        messages: List<ResponseMessage<'a>>,
    }
}

record! {
    /// One entry of `response_status.messages`.
    pub struct ResponseMessage<'a> {
        /// `"success"` or `"error"`.
        kind as "type": Text<'a>,
        /// 2000 on success; 4000 and above is an error.
        status_code: Int,
        /// The message text, when the API gives one (not in the reference, but
        /// error responses carry it).
        message: Text<'a>,
    }
}

record! {
    /// `pipelinerun`: one execution of a pipeline, with its stages.
    ///
    /// The same structure appears nested inside each task instance, usually
    /// without the stages.
    pub struct PipelineRun<'a> {
        /// Pipeline run id.
        id: Id<'a>,
        /// Outcome of the run.
        execution_status: ExecutionStatus,
        /// How the run was started.
        run_type as "type": RunType,
        /// When the run started.
        created_time: Timestamp,
        /// When the run was last modified (stopped or killed).
        modified_time: Timestamp,
        /// When the run finished.
        completion_time: Timestamp,
        /// Start of the data interval.
        data_interval_start_time: Timestamp,
        /// End of the data interval.
        data_interval_end_time: Timestamp,
        /// Number of times the run was re-run.
        rerun_count: Int,
        /// Internal: output profiling.
        profile_output: Flag,
        /// Stop the export when data quality is below 100%.
        skip_export_invalid_data: Flag,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Storage used, in bytes.
        storage_used: Int,
        /// Rows processed.
        row_count: Int,
        /// The pipeline version this run used.
        pipelineaudit: Box<PipelineAudit<'a>>,
        /// The settings the run used.
        pipelinerunconfigaudit: Box<RunConfigAudit<'a>>,
        /// Who started the run.
        created_by: Box<User<'a>>,
        /// Who last modified the run (stopped it, for a stopped run).
        modified_by: Box<User<'a>>,
        /// Child stage id → parent stage ids.
        pipelinetaskinstancemappers: Mappers<'a>,
        /// The stages of the run.
        pipelinetaskinstances: List<TaskInstance<'a>>,
        /// The run's audit, with the pipeline and workspace.
        pipelinerunaudit: Box<PipelineRunAudit<'a>>,
        /// The pipeline that ran.
        pipeline: Box<Pipeline<'a>>,
    }
}

record! {
    /// `pipelineaudit`: the version of the pipeline a run used.
    pub struct PipelineAudit<'a> {
        /// Pipeline audit id.
        id: Id<'a>,
        /// Published (1) or draft (0).
        is_committed: Flag,
        /// The pipeline.
        pipeline: Box<Pipeline<'a>>,
        /// Active (1) or inactive (0).
        status: AliveStatus,
    }
}

record! {
    /// `pipelinerunconfigaudit`: the settings a run used.
    pub struct RunConfigAudit<'a> {
        /// Config audit id.
        id: Id<'a>,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Stop the export when data quality is below 100%.
        skip_export_invalid_data: Flag,
        /// How the run was started.
        run_type as "type": RunType,
        /// The pipeline.
        pipeline: Box<Pipeline<'a>>,
        /// The file downloaded from the Output tab.
        pipelinefile: Ref<'a>,
    }
}

record! {
    /// A reference to another record by id (`{"id": "..."}`).
    pub struct Ref<'a> {
        /// The referenced id.
        id: Id<'a>,
    }
}

record! {
    /// A user (`created_by`, `modified_by`, `owner`).
    pub struct User<'a> {
        /// User id.
        id: Id<'a>,
        /// Zoho user id.
        zuid: Id<'a>,
        /// Display name.
        username: Text<'a>,
        /// Email address.
        email_id: Text<'a>,
        /// Id of the user who invited this one.
        invited_by: Id<'a>,
        /// When the user was invited.
        invited_time: Timestamp,
        /// The user's profile (role).
        profile: Box<Profile<'a>>,
        /// Active (1) or inactive (0).
        status: AliveStatus,
        /// Zoho organization id.
        zsoid: Id<'a>,
        /// URL of the user's Zoho profile.
        profilelink: Text<'a>,
        /// Internal pagination flags.
        has_more_rows: List<Flag>,
    }
}

impl User<'_> {
    /// The best name to show: username, else email, else id.
    pub fn display_name(&self) -> Option<&str> {
        self.username
            .get()
            .map(Text::as_str)
            .filter(|s| !s.is_empty())
            .or_else(|| {
                self.email_id
                    .get()
                    .map(Text::as_str)
                    .filter(|s| !s.is_empty())
            })
            .or_else(|| self.id.get().map(Id::as_str))
    }
}

record! {
    /// A user's profile (role).
    pub struct Profile<'a> {
        /// Profile id.
        id: Id<'a>,
        /// Role name, e.g. "Org Admin".
        name: Text<'a>,
        /// Whether this is the user's default profile.
        is_default: Flag,
        /// Zoho user id mapped to the profile.
        zuid: Id<'a>,
        /// Permission code, e.g. "7FFFFFFF".
        permission: Text<'a>,
    }
}

record! {
    /// `pipelinerunaudit`: the run's audit record.
    pub struct PipelineRunAudit<'a> {
        /// Run audit id.
        id: Id<'a>,
        /// When the audit was created.
        created_time: Timestamp,
        /// Last modified.
        modtime: Timestamp,
        /// Alive (1) or inactive (0).
        status: AliveStatus,
        /// Internal execution policy.
        execution_policy: Int,
        /// Outcome of the run.
        execution_status: ExecutionStatus,
        /// Who created the run audit.
        created_by: Lazy<'a, User<'a>>,
        /// Who last modified it.
        modified_by: Lazy<'a, User<'a>>,
        /// When the run finished.
        completion_time: Timestamp,
        /// Storage used, in bytes.
        storage_used: Int,
        /// Rows processed.
        row_count: Int,
        /// The pipeline, with its workspace.
        pipeline: Box<Pipeline<'a>>,
    }
}

record! {
    /// `pipeline`: the pipeline that ran.
    pub struct Pipeline<'a> {
        /// Pipeline id.
        id: Id<'a>,
        /// Pipeline name.
        name: Text<'a>,
        /// Description.
        description: Text<'a>,
        /// Who created it.
        created_by: Lazy<'a, User<'a>>,
        /// When it was created.
        created_time: Timestamp,
        /// Who last modified it.
        modified_by: Lazy<'a, User<'a>>,
        /// Last modified.
        modtime: Timestamp,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Ready to run.
        is_ready: Flag,
        /// Whether a run depends on past runs.
        depends_on_past: Flag,
        /// The workspace.
        project: Box<Project<'a>>,
    }
}

record! {
    /// `project`: a workspace.
    pub struct Project<'a> {
        /// Workspace id.
        id: Id<'a>,
        /// Workspace name.
        name: Text<'a>,
        /// Not in use.
        description: Text<'a>,
        /// Who created it.
        created_by: Lazy<'a, User<'a>>,
        /// When it was created.
        created_time: Timestamp,
        /// Who last modified it.
        modified_by: Lazy<'a, User<'a>>,
        /// Last modified.
        modtime: Timestamp,
        /// Active (1) or inactive (0).
        status: AliveStatus,
        /// Where the workspace came from.
        migration_status: MigrationStatus,
        /// No longer in use.
        is_locked: Flag,
    }
}

impl PipelineRun<'_> {
    /// The pipeline, from wherever the response carries it (the run, its
    /// audit, its pipeline audit or its config audit), preferring one with a
    /// name.
    pub fn pipeline(&self) -> Option<&Pipeline<'_>> {
        let candidates: [Option<&Pipeline>; 4] = [
            self.pipeline.get().map(|p| &**p),
            self.pipelinerunaudit
                .get()
                .and_then(|a| a.pipeline.get())
                .map(|p| &**p),
            self.pipelineaudit
                .get()
                .and_then(|a| a.pipeline.get())
                .map(|p| &**p),
            self.pipelinerunconfigaudit
                .get()
                .and_then(|a| a.pipeline.get())
                .map(|p| &**p),
        ];
        candidates
            .iter()
            .flatten()
            .find(|p| p.name.get().is_some())
            .or_else(|| candidates.iter().flatten().next())
            .copied()
    }

    /// Whether the export is held back when data quality is below 100%: true
    /// when the run or its config audit says so.
    pub fn skips_invalid_exports(&self) -> bool {
        self.skip_export_invalid_data.value() == Some(Flag(true))
            || self
                .pipelinerunconfigaudit
                .get()
                .and_then(|c| c.skip_export_invalid_data.value())
                == Some(Flag(true))
    }
}
