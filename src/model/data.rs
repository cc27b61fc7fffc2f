//! The data a stage reads and writes: imports (raw dataset audits and their
//! datasources), transforms (dataset audits) and exports (dataset export
//! audits, datasinks and connections).

use super::codes::{AliveStatus, ConnectionType, ExecutionStatus};
use super::embedded::{self, ConnectionInfo, ExportInfo, Quality, Streams};
use super::lenient::{record, Flag, Id, Int, JsonText, Lazy, Text, Timestamp};
use super::run::Ref;
use super::run::{Project, User};
use crate::error::Result;

record! {
    /// `rawdatasetaudit`: the import a stage read.
    pub struct RawDatasetAudit<'a> {
        /// Raw dataset audit id.
        id: Id<'a>,
        /// When the import was audited.
        audit_time: Timestamp,
        /// Reused from a previous import.
        is_referred: Flag,
        /// The datasource read.
        datasourceaudit: Box<DatasourceAudit<'a>>,
        /// Dataset config audit.
        rawdatasetconfigaudit: Ref<'a>,
        /// The imported dataset.
        rawdataset: Box<RawDataset<'a>>,
        /// Audit status.
        status: Int,
        /// Error, if the import failed.
        error_message: Text<'a>,
    }
}

record! {
    /// `rawdataset`: an imported dataset.
    pub struct RawDataset<'a> {
        /// Raw dataset id.
        id: Id<'a>,
        /// Name, e.g. "public.contactnew".
        name: Text<'a>,
        /// How often it replicates.
        replication_frequency: Text<'a>,
        /// Who imported it.
        created_by: Lazy<'a, User<'a>>,
        /// When it was imported.
        created_time: Timestamp,
        /// Last modified.
        modtime: Timestamp,
        /// Dataset status.
        status: Int,
        /// The datasource it comes from.
        pipelinedatasource: Box<PipelineDatasource<'a>>,
    }
}

record! {
    /// `pipelinedatasource`: where an import comes from.
    pub struct PipelineDatasource<'a> {
        /// Datasource id.
        id: Id<'a>,
        /// Datasource name.
        name: Text<'a>,
        /// Replication strategy.
        replication_type: Text<'a>,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Who created it.
        created_by: Lazy<'a, User<'a>>,
        /// The workspace.
        project: Box<Project<'a>>,
        /// The connection used to read it.
        connection: Box<Connection<'a>>,
    }
}

record! {
    /// `datasourceaudit`: one read of a datasource.
    pub struct DatasourceAudit<'a> {
        /// Datasource audit id.
        id: Id<'a>,
        /// Outcome of the read.
        execution_status: ExecutionStatus,
        /// Per-stream notes (JSON in a string).
        streams_info: JsonText<'a>,
        /// Batch catalogs killed during the read.
        killed_batch_catalog_ids: Text<'a>,
        /// When the read completed.
        completed_time: Timestamp,
        /// Audit status.
        status: Int,
        /// Audit type (1 = datasource).
        audit_type as "type": Int,
        /// The datasource read.
        pipelinedatasource: Box<PipelineDatasource<'a>>,
        /// Error, if the read failed.
        error_message: Text<'a>,
    }
}

impl DatasourceAudit<'_> {
    /// `streams_info`, decoded: each stream with its outcome, in document order.
    pub fn streams(&self) -> Result<Option<Streams>> {
        embedded::decode(&self.streams_info, "streams_info")
    }
}

record! {
    /// `datasetaudit`: the dataset a transform produced.
    pub struct DatasetAudit<'a> {
        /// Dataset audit id.
        id: Id<'a>,
        /// When the audit was created.
        created_time: Timestamp,
        /// Who triggered it.
        created_by: Lazy<'a, User<'a>>,
        /// When the audit started.
        audit_time: Timestamp,
        /// When the audit finished.
        completion_time: Timestamp,
        /// Outcome.
        execution_status: ExecutionStatus,
        /// Description.
        description: Text<'a>,
        /// The dataset.
        dataset: Box<Dataset<'a>>,
        /// Target matching.
        exportcatalogaudit: Ref<'a>,
        /// The ruleset applied.
        rulesetaudit: Box<RulesetAudit<'a>>,
        /// Last modified.
        modtime: Timestamp,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Internal.
        audit_type as "type": Int,
        /// Error, if the audit failed.
        error_message: Text<'a>,
        /// Valid / invalid / missing state after the audit.
        datasetstate: Box<DatasetState<'a>>,
        /// Rules applied.
        rules_count: Int,
    }
}

record! {
    /// `dataset`: a dataset of the workspace.
    pub struct Dataset<'a> {
        /// Dataset id.
        id: Id<'a>,
        /// Dataset name.
        name: Text<'a>,
        /// Description.
        description: Text<'a>,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Ready for use.
        is_ready: Flag,
        /// Marked as holding personal data.
        is_pii_marked: Flag,
        /// The workspace.
        project: Box<Project<'a>>,
        /// The sample chosen for preview.
        selected_sample: Ref<'a>,
    }
}

record! {
    /// `rulesetaudit`: the ruleset a transform applied.
    pub struct RulesetAudit<'a> {
        /// Ruleset audit id.
        id: Id<'a>,
        /// When it ran.
        audit_time: Timestamp,
        /// Committed (1).
        is_committed: Flag,
        /// The ruleset.
        ruleset: Ref<'a>,
        /// Status.
        status: Int,
        /// Rules applied.
        rules_count: Int,
    }
}

record! {
    /// `datasetstate`: the dataset's state after a transform.
    pub struct DatasetState<'a> {
        /// State id.
        id: Id<'a>,
        /// Back to the dataset audit.
        datasetaudit: Ref<'a>,
        /// Outcome.
        execution_status: ExecutionStatus,
        /// Whether the state holds an error.
        is_error: Flag,
        /// The error, when `is_error`.
        error_message: Text<'a>,
    }
}

record! {
    /// `datasetexportaudit`: one export of a dataset.
    pub struct DatasetExportAudit<'a> {
        /// Export audit id.
        id: Id<'a>,
        /// Dataset state file used.
        dsauditstatefile: Ref<'a>,
        /// Datasink audit.
        datasinkaudit: Ref<'a>,
        /// What was exported where.
        datasetexport: Box<DatasetExport<'a>>,
        /// Export config audit.
        datasetexportconfigaudit: Ref<'a>,
        /// When the export audit was created.
        created_time: Timestamp,
        /// Error, if the export failed.
        error_message: Text<'a>,
        /// Extra execution info (JSON in a string), e.g. `{"currentRetry":0}`.
        info: JsonText<'a>,
        /// Outcome.
        execution_status: ExecutionStatus,
        /// Progress in percent.
        progress: Int,
        /// Status.
        status: Int,
        /// Internal.
        audit_type as "type": Int,
        /// Output metrics, with the data quality.
        datasetexportauditmetric: Box<ExportMetric<'a>>,
    }
}

impl DatasetExportAudit<'_> {
    /// `info`, decoded.
    pub fn info(&self) -> Result<Option<ExportInfo>> {
        embedded::decode(&self.info, "info")
    }
}

record! {
    /// `datasetexport`: an export configuration.
    pub struct DatasetExport<'a> {
        /// Dataset export id.
        id: Id<'a>,
        /// The dataset exported.
        dataset: Box<Dataset<'a>>,
        /// Where it goes.
        datasink: Box<Datasink<'a>>,
        /// Who created the export.
        created_by: Lazy<'a, User<'a>>,
        /// When.
        created_time: Timestamp,
        /// Who last modified it.
        modified_by: Lazy<'a, User<'a>>,
        /// Last modified.
        modtime: Timestamp,
        /// Status.
        status: Int,
        /// Back to the export audit (self-reference).
        datasetexportaudit: Ref<'a>,
    }
}

record! {
    /// `datasink`: an export destination.
    pub struct Datasink<'a> {
        /// Datasink id.
        id: Id<'a>,
        /// Status (1 = active).
        status: Int,
        /// The workspace.
        project: Box<Project<'a>>,
        /// The connection written to.
        connection: Box<Connection<'a>>,
    }
}

record! {
    /// `connection`: credentials and address of a source or destination.
    pub struct Connection<'a> {
        /// Connection id.
        id: Id<'a>,
        /// Display name, e.g. "teststream@gmail.com - box".
        name: Text<'a>,
        /// Service details (JSON in a string).
        connection_json: JsonText<'a>,
        /// What kind of connection.
        connection_type as "type": ConnectionType,
        /// Who created it.
        created_by: Lazy<'a, User<'a>>,
        /// Who owns it.
        owner: Lazy<'a, User<'a>>,
        /// When it was created.
        created_time: Timestamp,
        /// Who last modified it.
        modified_by: Lazy<'a, User<'a>>,
        /// Last modified.
        modtime: Timestamp,
        /// Status (1 = active).
        status: Int,
        /// Category.
        category: Text<'a>,
        /// Base service, e.g. "box".
        base_type: Text<'a>,
        /// Sub-type.
        sub_type: Text<'a>,
    }
}

impl Connection<'_> {
    /// `connection_json`, decoded.
    pub fn info(&self) -> Result<Option<ConnectionInfo>> {
        embedded::decode(&self.connection_json, "connection_json")
    }
}

record! {
    /// `datasetexportauditmetric`: what an export wrote.
    pub struct ExportMetric<'a> {
        /// Metric id.
        id: Id<'a>,
        /// Rows exported.
        row_count: Int,
        /// Columns exported.
        col_count: Int,
        /// Bytes exported.
        size: Int,
        /// Status.
        status: Int,
        /// Back to the export audit.
        datasetexportaudit: Ref<'a>,
        /// Data quality: JSON in a string, or an object.
        quality: JsonText<'a>,
    }
}

impl ExportMetric<'_> {
    /// `quality`, decoded: valid / invalid / missing counts.
    pub fn quality(&self) -> Result<Option<Quality>> {
        embedded::decode(&self.quality, "quality")
    }
}
