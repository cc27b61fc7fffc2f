//! The data a stage reads and writes: imports (raw dataset audits and their
//! datasources), transforms (dataset audits) and exports (dataset export
//! audits, datasinks and connections).

use super::codes::{AliveStatus, ConnectionType, ExecutionStatus};
use super::embedded::{self, ConnectionInfo, ExportInfo, Quality, Streams};
use super::lenient::{record, Flag, Id, Int, JsonText, Text, Timestamp};
use super::run::Ref;
use super::run::{Project, User};
use crate::error::Result;

record! {
    /// `rawdatasetaudit`: the import a stage read.
    pub struct RawDatasetAudit {
        /// Raw dataset audit id.
        id: Id,
        /// When the import was audited.
        audit_time: Timestamp,
        /// Reused from a previous import.
        is_referred: Flag,
        /// The datasource read.
        datasourceaudit: Box<DatasourceAudit>,
        /// Dataset config audit.
        rawdatasetconfigaudit: Ref,
        /// The imported dataset.
        rawdataset: Box<RawDataset>,
        /// Audit status.
        status: Int,
        /// Error, if the import failed.
        error_message: Text,
    }
}

record! {
    /// `rawdataset`: an imported dataset.
    pub struct RawDataset {
        /// Raw dataset id.
        id: Id,
        /// Name, e.g. "public.contactnew".
        name: Text,
        /// How often it replicates.
        replication_frequency: Text,
        /// Who imported it.
        created_by: Box<User>,
        /// When it was imported.
        created_time: Timestamp,
        /// Last modified.
        modtime: Timestamp,
        /// Dataset status.
        status: Int,
        /// The datasource it comes from.
        pipelinedatasource: Box<PipelineDatasource>,
    }
}

record! {
    /// `pipelinedatasource`: where an import comes from.
    pub struct PipelineDatasource {
        /// Datasource id.
        id: Id,
        /// Datasource name.
        name: Text,
        /// Replication strategy.
        replication_type: Text,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Who created it.
        created_by: Box<User>,
        /// The workspace.
        project: Box<Project>,
        /// The connection used to read it.
        connection: Box<Connection>,
    }
}

record! {
    /// `datasourceaudit`: one read of a datasource.
    pub struct DatasourceAudit {
        /// Datasource audit id.
        id: Id,
        /// Outcome of the read.
        execution_status: ExecutionStatus,
        /// Per-stream notes (JSON in a string).
        streams_info: JsonText,
        /// Batch catalogs killed during the read.
        killed_batch_catalog_ids: Text,
        /// When the read completed.
        completed_time: Timestamp,
        /// Audit status.
        status: Int,
        /// Audit type (1 = datasource).
        audit_type as "type": Int,
        /// The datasource read.
        pipelinedatasource: Box<PipelineDatasource>,
        /// Error, if the read failed.
        error_message: Text,
    }
}

impl DatasourceAudit {
    /// `streams_info`, decoded: each stream with its outcome, in document order.
    pub fn streams(&self) -> Result<Option<Streams>> {
        embedded::decode(&self.streams_info, "streams_info")
    }
}

record! {
    /// `datasetaudit`: the dataset a transform produced.
    pub struct DatasetAudit {
        /// Dataset audit id.
        id: Id,
        /// When the audit was created.
        created_time: Timestamp,
        /// Who triggered it.
        created_by: Box<User>,
        /// When the audit started.
        audit_time: Timestamp,
        /// When the audit finished.
        completion_time: Timestamp,
        /// Outcome.
        execution_status: ExecutionStatus,
        /// Description.
        description: Text,
        /// The dataset.
        dataset: Box<Dataset>,
        /// Target matching.
        exportcatalogaudit: Ref,
        /// The ruleset applied.
        rulesetaudit: Box<RulesetAudit>,
        /// Last modified.
        modtime: Timestamp,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Internal.
        audit_type as "type": Int,
        /// Error, if the audit failed.
        error_message: Text,
        /// Valid / invalid / missing state after the audit.
        datasetstate: Box<DatasetState>,
        /// Rules applied.
        rules_count: Int,
    }
}

record! {
    /// `dataset`: a dataset of the workspace.
    pub struct Dataset {
        /// Dataset id.
        id: Id,
        /// Dataset name.
        name: Text,
        /// Description.
        description: Text,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Ready for use.
        is_ready: Flag,
        /// Marked as holding personal data.
        is_pii_marked: Flag,
        /// The workspace.
        project: Box<Project>,
        /// The sample chosen for preview.
        selected_sample: Ref,
    }
}

record! {
    /// `rulesetaudit`: the ruleset a transform applied.
    pub struct RulesetAudit {
        /// Ruleset audit id.
        id: Id,
        /// When it ran.
        audit_time: Timestamp,
        /// Committed (1).
        is_committed: Flag,
        /// The ruleset.
        ruleset: Ref,
        /// Status.
        status: Int,
        /// Rules applied.
        rules_count: Int,
    }
}

record! {
    /// `datasetstate`: the dataset's state after a transform.
    pub struct DatasetState {
        /// State id.
        id: Id,
        /// Back to the dataset audit.
        datasetaudit: Ref,
        /// Outcome.
        execution_status: ExecutionStatus,
        /// Whether the state holds an error.
        is_error: Flag,
        /// The error, when `is_error`.
        error_message: Text,
    }
}

record! {
    /// `datasetexportaudit`: one export of a dataset.
    pub struct DatasetExportAudit {
        /// Export audit id.
        id: Id,
        /// Dataset state file used.
        dsauditstatefile: Ref,
        /// Datasink audit.
        datasinkaudit: Ref,
        /// What was exported where.
        datasetexport: Box<DatasetExport>,
        /// Export config audit.
        datasetexportconfigaudit: Ref,
        /// When the export audit was created.
        created_time: Timestamp,
        /// Error, if the export failed.
        error_message: Text,
        /// Extra execution info (JSON in a string), e.g. `{"currentRetry":0}`.
        info: JsonText,
        /// Outcome.
        execution_status: ExecutionStatus,
        /// Progress in percent.
        progress: Int,
        /// Status.
        status: Int,
        /// Internal.
        audit_type as "type": Int,
        /// Output metrics, with the data quality.
        datasetexportauditmetric: Box<ExportMetric>,
    }
}

impl DatasetExportAudit {
    /// `info`, decoded.
    pub fn info(&self) -> Result<Option<ExportInfo>> {
        embedded::decode(&self.info, "info")
    }
}

record! {
    /// `datasetexport`: an export configuration.
    pub struct DatasetExport {
        /// Dataset export id.
        id: Id,
        /// The dataset exported.
        dataset: Box<Dataset>,
        /// Where it goes.
        datasink: Box<Datasink>,
        /// Who created the export.
        created_by: Box<User>,
        /// When.
        created_time: Timestamp,
        /// Who last modified it.
        modified_by: Box<User>,
        /// Last modified.
        modtime: Timestamp,
        /// Status.
        status: Int,
        /// Back to the export audit (self-reference).
        datasetexportaudit: Ref,
    }
}

record! {
    /// `datasink`: an export destination.
    pub struct Datasink {
        /// Datasink id.
        id: Id,
        /// Status (1 = active).
        status: Int,
        /// The workspace.
        project: Box<Project>,
        /// The connection written to.
        connection: Box<Connection>,
    }
}

record! {
    /// `connection`: credentials and address of a source or destination.
    pub struct Connection {
        /// Connection id.
        id: Id,
        /// Display name, e.g. "teststream@gmail.com - box".
        name: Text,
        /// Service details (JSON in a string).
        connection_json: JsonText,
        /// What kind of connection.
        connection_type as "type": ConnectionType,
        /// Who created it.
        created_by: Box<User>,
        /// Who owns it.
        owner: Box<User>,
        /// When it was created.
        created_time: Timestamp,
        /// Who last modified it.
        modified_by: Box<User>,
        /// Last modified.
        modtime: Timestamp,
        /// Status (1 = active).
        status: Int,
        /// Category.
        category: Text,
        /// Base service, e.g. "box".
        base_type: Text,
        /// Sub-type.
        sub_type: Text,
    }
}

impl Connection {
    /// `connection_json`, decoded.
    pub fn info(&self) -> Result<Option<ConnectionInfo>> {
        embedded::decode(&self.connection_json, "connection_json")
    }
}

record! {
    /// `datasetexportauditmetric`: what an export wrote.
    pub struct ExportMetric {
        /// Metric id.
        id: Id,
        /// Rows exported.
        row_count: Int,
        /// Columns exported.
        col_count: Int,
        /// Bytes exported.
        size: Int,
        /// Status.
        status: Int,
        /// Back to the export audit.
        datasetexportaudit: Ref,
        /// Data quality: JSON in a string, or an object.
        quality: JsonText,
    }
}

impl ExportMetric {
    /// `quality`, decoded: valid / invalid / missing counts.
    pub fn quality(&self) -> Result<Option<Quality>> {
        embedded::decode(&self.quality, "quality")
    }
}
