//! OpenLineage run events (spec 2-0-2): the run and its stages as the jobs,
//! runs and datasets that lineage catalogs (Marquez, DataHub, OpenMetadata…)
//! ingest. One JSON object per line, in time order.
//!
//! # Design
//!
//! **Jobs.** The pipeline is one job, each stage another, both in the
//! namespace the caller chooses ([`DEFAULT_NAMESPACE`] otherwise). Names
//! must be the same on every run of the pipeline, so they are made of ids
//! that do not change between runs: the pipeline job is the pipeline's id
//! (else its name), a stage job is `PIPELINE.KEY` where KEY is the stage
//! key of run comparison — its `pipelinetask.id`, else `NAME@TYPE` — the
//! way OpenLineage's Airflow integration names a task `dag_id.task_id`.
//! A stage with no key, or with a key an earlier stage of the run has, is
//! `PIPELINE.KEY.STAGE_ID` (or `PIPELINE.STAGE_ID`). The readable names
//! travel in the standard `documentation` facet.
//!
//! **Run ids** are name-based UUIDs (version 5), so the same response gives
//! the same ids: the pipeline run's is derived from this crate's namespace
//! and the run id (a run without one: its pipeline, created time and first
//! stage id), and each stage run's from the pipeline run's UUID and the
//! stage's task instance id. Different runs, different stages: different
//! ids.
//!
//! **Events.** The pipeline run: `START` at its created time and, once it
//! ended, `COMPLETE`, `FAIL` or `ABORT` (stopped, killed) at its completion
//! time. Each stage that started: `START` at its start and, once it ended,
//! `COMPLETE` / `FAIL` (with `errorMessage`) / `ABORT`. A stage that never
//! started gets no events of its own: the pipeline's terminal event lists
//! such stages in the custom run facet [`NOT_RUN_FACET`], with their
//! culprits. Events are sorted by time; at one instant the pipeline's
//! `START` comes first and its end last, stages in topological order, a
//! stage's `START` before its end. An end before its start (a clock that
//! went backwards) is written at the start, so no run goes back in time.
//!
//! **Datasets.** A stage's inputs and outputs are the data nodes it reads
//! and writes. A source or export target whose name is a URI with a host
//! (`s3://bucket/prefix`) is named as `Naming.md` says — namespace
//! `s3://bucket`, name `prefix`; any other is in
//! `zoho-dataprep://SERVICE/CONNECTION_ID` (the connection's service and
//! id: no host is in the response), a source named by its name, an export
//! target by its datasink id (its only name is its connection's, shared by
//! every export through it). DataPrep's own datasets are in
//! `zoho-dataprep://workspace/WORKSPACE_ID`, raw datasets named `raw/NAME`.
//! Ids and names past 200 characters are shortened, with a hash of the
//! whole (`limits::shorten`), as in every output: a job name is repeated
//! in each event of its run.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::Value;
use uuid::Uuid;

use crate::analysis::Analysis;
use crate::graph::{DataIx, DataKind, LineageGraph, StageIx};
use crate::json_out::write_line;
use crate::limits::shorten;
use crate::status::Status;

use super::{rfc3339_ms, CULPRITS_SHOWN};

/// The job namespace when the caller gives none.
pub const DEFAULT_NAMESPACE: &str = "zoho-dataprep";

/// The `producer` of every event and facet when the caller gives none:
/// this crate, at its version.
pub const DEFAULT_PRODUCER: &str = concat!(
    "https://crates.io/crates/dataprep-lineage/",
    env!("CARGO_PKG_VERSION")
);

/// The core schema the events follow.
pub const SCHEMA_URL: &str = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

/// The key of the custom run facet that lists, on the pipeline's terminal
/// event, the stages that never started. Custom facets are prefixed to
/// keep clear of standard ones, as the spec asks.
pub const NOT_RUN_FACET: &str = "zohoDataprep_notRunStages";

/// The schema of [`NOT_RUN_FACET`]: `schema/openlineage/` in this crate's
/// published source, at this version (so the URL never changes meaning).
pub const NOT_RUN_SCHEMA_URL: &str = concat!(
    "https://docs.rs/crate/dataprep-lineage/",
    env!("CARGO_PKG_VERSION"),
    "/source/schema/openlineage/ZohoDataprepNotRunStagesRunFacet.json#/$defs/ZohoDataprepNotRunStagesRunFacet"
);

/// How many stages [`NOT_RUN_FACET`] lists; `count` says how many there are.
pub const NOT_RUN_SHOWN: usize = 1_000;

/// What `errorMessage.programmingLanguage` says: DataPrep's stages run on
/// the JVM (the response names their operators as Java classes,
/// `com.zoho.dataprep.operator.*`).
pub const PROGRAMMING_LANGUAGE: &str = "JAVA";

/// Where the standard facets' schemas are.
const PARENT: &str =
    "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet";
const ERROR_MESSAGE: &str =
    "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";
const JOB_TYPE: &str =
    "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet";
const NOMINAL_TIME: &str =
    "https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet";
const JOB_DEPENDENCIES: &str = "https://openlineage.io/spec/facets/1-0-1/JobDependenciesRunFacet.json#/$defs/JobDependenciesRunFacet";
const DOCUMENTATION_JOB: &str = "https://openlineage.io/spec/facets/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet";
const DOCUMENTATION_DATASET: &str = "https://openlineage.io/spec/facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet";
const DATASOURCE: &str = "https://openlineage.io/spec/facets/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet";
const OUTPUT_STATISTICS: &str = "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet";

/// The job namespace and the producer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenLineageOptions {
    /// The namespace of the pipeline's and the stages' jobs.
    pub namespace: String,
    /// A URI naming what produced the events.
    pub producer: String,
}

impl Default for OpenLineageOptions {
    fn default() -> Self {
        OpenLineageOptions {
            namespace: DEFAULT_NAMESPACE.to_owned(),
            producer: DEFAULT_PRODUCER.to_owned(),
        }
    }
}

/// The lifecycle step of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventType {
    /// The run started.
    Start,
    /// It succeeded.
    Complete,
    /// It failed.
    Fail,
    /// It was stopped or killed.
    Abort,
}

impl EventType {
    /// As the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Start => "START",
            EventType::Complete => "COMPLETE",
            EventType::Fail => "FAIL",
            EventType::Abort => "ABORT",
        }
    }

    /// The terminal event of a run that ended with `status`; `None` while
    /// it runs, or when the response does not say how it ended.
    pub fn terminal(status: Status) -> Option<EventType> {
        match status {
            Status::Success => Some(EventType::Complete),
            Status::Failed => Some(EventType::Fail),
            Status::Stopped | Status::Killed => Some(EventType::Abort),
            Status::Running | Status::Created | Status::Unknown => None,
        }
    }
}

/// One event to write: whose, what, when.
#[derive(Debug, Clone, Copy)]
struct Planned {
    time: i64,
    /// 0: the pipeline's start; 1: a stage's event; 2: the pipeline's end.
    rank: u8,
    /// The stage's topological position (0 for the pipeline's events).
    position: usize,
    kind: EventType,
    stage: Option<StageIx>,
}

/// Everything the events of one run share.
struct Context<'r, 'g, 'a> {
    a: &'r Analysis<'g, 'a>,
    opts: &'r OpenLineageOptions,
    pipeline_job: String,
    pipeline_run: Uuid,
    pipeline_doc: Option<String>,
    /// Per stage: its job name.
    jobs: Vec<String>,
    /// Per stage: its run id, when it started.
    runs: Vec<Option<Uuid>>,
    workspace: Option<String>,
    /// Per data node: its dataset's names, built when first written and
    /// kept (its connection's JSON is decoded once, however many stages
    /// read or write it; a node only stages that never ran touch is never
    /// built).
    datasets: Vec<std::cell::OnceCell<DatasetNames>>,
}

// The events' shape, after the spec's schemas. Every object's keys are
// declared in sorted order: that is the order the events have always had
// (serde_json's `Map` without `preserve_order` sorts them), so the bytes
// a catalog receives, and a diff of two exports, do not change.

/// A run event (the core schema's `RunEvent`).
#[derive(Serialize)]
struct RunEvent<'e> {
    #[serde(rename = "eventTime")]
    event_time: String,
    #[serde(rename = "eventType")]
    event_type: &'static str,
    inputs: Vec<Dataset<'e>>,
    job: Job<'e>,
    outputs: Vec<Dataset<'e>>,
    producer: &'e str,
    run: Run<'e>,
    #[serde(rename = "schemaURL")]
    schema_url: &'static str,
}

/// An event's run: its id and facets.
#[derive(Serialize)]
struct Run<'e> {
    facets: RunFacets<'e>,
    #[serde(rename = "runId")]
    run_id: RunId,
}

/// A run named by its id alone.
#[derive(Clone, Copy, Serialize)]
struct RunRef {
    #[serde(rename = "runId")]
    run_id: RunId,
}

/// A run id as the spec writes it: the UUID, hyphenated, in lower case
/// ("" when there is none).
#[derive(Clone, Copy)]
struct RunId(Option<Uuid>);

impl Serialize for RunId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(id) => serializer.collect_str(id),
            None => serializer.serialize_str(""),
        }
    }
}

/// The run facets any event has.
#[derive(Default, Serialize)]
struct RunFacets<'e> {
    /// A failed run's (the pipeline's: its first root cause's).
    #[serde(rename = "errorMessage", skip_serializing_if = "Option::is_none")]
    error_message: Option<Facet<'e, ErrorMessage>>,
    /// A stage's `START`, when the stage has parents.
    #[serde(rename = "jobDependencies", skip_serializing_if = "Option::is_none")]
    job_dependencies: Option<Facet<'e, JobDependencies<'e>>>,
    /// The pipeline's, when the run has a data interval.
    #[serde(rename = "nominalTime", skip_serializing_if = "Option::is_none")]
    nominal_time: Option<Facet<'e, NominalTime>>,
    /// Every stage's: the pipeline run.
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<Facet<'e, ParentRun<'e>>>,
    /// The pipeline's terminal event's, when some stage never started.
    /// (Renamed to [`NOT_RUN_FACET`]; a test checks the two agree.)
    #[serde(
        rename = "zohoDataprep_notRunStages",
        skip_serializing_if = "Option::is_none"
    )]
    not_run: Option<Facet<'e, NotRunStages<'e>>>,
}

/// A facet: what produced it, its schema, and its own fields.
#[derive(Serialize)]
struct Facet<'e, F> {
    #[serde(rename = "_producer")]
    producer: &'e str,
    #[serde(rename = "_schemaURL")]
    schema_url: &'static str,
    /// Every facet's fields start with a lower-case letter, so they sort
    /// after the two above.
    #[serde(flatten)]
    fields: F,
}

/// `errorMessage`.
#[derive(Serialize)]
struct ErrorMessage {
    message: String,
    #[serde(rename = "programmingLanguage")]
    programming_language: &'static str,
}

/// `jobDependencies`: a stage's parents.
#[derive(Serialize)]
struct JobDependencies<'e> {
    trigger_rule: &'static str,
    upstream: Vec<Upstream<'e>>,
}

/// One parent in `jobDependencies`.
#[derive(Serialize)]
struct Upstream<'e> {
    dependency_type: &'static str,
    job: JobRef<'e>,
    /// The parent's run, when it started.
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<RunRef>,
    sequence_trigger_rule: &'static str,
}

/// `nominalTime`: the run's data interval.
#[derive(Serialize)]
struct NominalTime {
    #[serde(rename = "nominalEndTime", skip_serializing_if = "Option::is_none")]
    nominal_end_time: Option<String>,
    #[serde(rename = "nominalStartTime")]
    nominal_start_time: String,
}

/// `parent`: the pipeline run, which is also the root.
#[derive(Serialize)]
struct ParentRun<'e> {
    job: JobRef<'e>,
    root: RootRun<'e>,
    run: RunRef,
}

/// `parent.root`.
#[derive(Serialize)]
struct RootRun<'e> {
    job: JobRef<'e>,
    run: RunRef,
}

/// [`NOT_RUN_FACET`]: the stages that never started (the first
/// [`NOT_RUN_SHOWN`]), and how many there are.
#[derive(Serialize)]
struct NotRunStages<'e> {
    count: usize,
    stages: Vec<NotRunStage<'e>>,
}

/// A stage that never started, and what blocked it.
#[derive(Serialize)]
struct NotRunStage<'e> {
    blocked: bool,
    /// A blocked stage's first culprits.
    #[serde(skip_serializing_if = "Option::is_none")]
    culprits: Option<Vec<StageRef<'e>>>,
    job: JobRef<'e>,
    /// A blocked stage's: whether it has more culprits than listed.
    #[serde(rename = "moreCulprits", skip_serializing_if = "Option::is_none")]
    more_culprits: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'e str>,
    #[serde(rename = "stageId")]
    stage_id: &'e str,
    status: &'static str,
}

/// A stage's job, and the stage's id.
#[derive(Serialize)]
struct StageRef<'e> {
    name: &'e str,
    namespace: &'e str,
    #[serde(rename = "stageId")]
    stage_id: &'e str,
}

/// A job named by its namespace and name.
#[derive(Serialize)]
struct JobRef<'e> {
    name: &'e str,
    namespace: &'e str,
}

/// An event's job.
#[derive(Serialize)]
struct Job<'e> {
    facets: JobFacets<'e>,
    name: &'e str,
    namespace: &'e str,
}

#[derive(Serialize)]
struct JobFacets<'e> {
    /// The readable name, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    documentation: Option<Facet<'e, Documentation<'e>>>,
    #[serde(rename = "jobType")]
    job_type: Facet<'e, JobType>,
}

/// `documentation` (of a job or a dataset).
#[derive(Serialize)]
struct Documentation<'e> {
    description: Cow<'e, str>,
}

/// `jobType`.
#[derive(Serialize)]
struct JobType {
    integration: &'static str,
    #[serde(rename = "jobType")]
    job_type: &'static str,
    #[serde(rename = "processingType")]
    processing_type: &'static str,
}

/// An input or output dataset.
#[derive(Serialize)]
struct Dataset<'e> {
    facets: DatasetFacets<'e>,
    name: &'e str,
    namespace: &'e str,
    /// An output's row count, once its stage ended, when known.
    #[serde(rename = "outputFacets", skip_serializing_if = "Option::is_none")]
    output_facets: Option<OutputFacets<'e>>,
}

#[derive(Serialize)]
struct DatasetFacets<'e> {
    #[serde(rename = "dataSource")]
    data_source: Facet<'e, DataSource<'e>>,
    documentation: Facet<'e, Documentation<'e>>,
}

/// `dataSource`.
#[derive(Serialize)]
struct DataSource<'e> {
    name: &'e str,
    uri: &'e str,
}

#[derive(Serialize)]
struct OutputFacets<'e> {
    #[serde(rename = "outputStatistics")]
    output_statistics: Facet<'e, OutputStatistics>,
}

/// `outputStatistics`.
#[derive(Serialize)]
struct OutputStatistics {
    #[serde(rename = "rowCount")]
    row_count: i64,
}

/// What a data node's dataset is called and says, built once per node.
#[derive(Debug, Clone)]
struct DatasetNames {
    namespace: String,
    name: String,
    /// The `dataSource` name.
    source: String,
    /// The `documentation` description.
    doc: String,
}

/// This crate's UUID namespace: version 5 of its URL.
fn crate_namespace() -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        b"https://crates.io/crates/dataprep-lineage",
    )
}

/// Writes the run events of `a`, one JSON object per line, in time order;
/// returns how many. O((V + E) log V) time; memory a few words per stage.
pub fn write_events(
    out: &mut dyn Write,
    a: &Analysis<'_, '_>,
    opts: &OpenLineageOptions,
) -> io::Result<usize> {
    let cx = Context::new(a, opts);
    let plan = cx.plan();
    let culprits = a.causes.first_culprits(a.graph, CULPRITS_SHOWN);
    for p in &plan {
        write_line(out, &cx.event(p, &culprits))?;
    }
    Ok(plan.len())
}

/// The run events of `a`, in the order [`write_events`] writes them.
pub fn events(a: &Analysis<'_, '_>, opts: &OpenLineageOptions) -> Vec<Value> {
    let cx = Context::new(a, opts);
    let culprits = a.causes.first_culprits(a.graph, CULPRITS_SHOWN);
    cx.plan()
        .iter()
        // The event types have string keys and plain values only: they
        // always convert.
        .map(|p| serde_json::to_value(cx.event(p, &culprits)).unwrap_or_default())
        .collect()
}

impl<'r, 'g, 'a> Context<'r, 'g, 'a> {
    fn new(a: &'r Analysis<'g, 'a>, opts: &'r OpenLineageOptions) -> Self {
        let g = a.graph;
        let run = g.summary().run();
        let pipeline = run.pipeline();
        let pipeline_name = pipeline.and_then(|p| p.name.get()).map(|t| t.as_str());
        let pipeline_id = pipeline.and_then(|p| p.id.get()).map(|i| i.as_str());
        // Ids and names past 200 characters are shortened (with a hash of
        // the whole, so they stay distinct): a job name is repeated in
        // every event of the run, and must not multiply the input.
        let pipeline_job = shorten(
            pipeline_id
                .or(pipeline_name)
                .filter(|s| !s.is_empty())
                .unwrap_or("pipeline"),
        )
        .into_owned();
        let workspace = pipeline
            .and_then(|p| p.project.get())
            .and_then(|p| p.id.get())
            .map(|i| i.as_str().to_owned());
        let run_id = run.id.get().map(|i| i.as_str()).unwrap_or("");
        let pipeline_run = if run_id.is_empty() {
            // No run id: what else tells this run from another of its
            // pipeline — its created time and its stages' ids.
            let created = run
                .created_time
                .value()
                .map_or_else(String::new, |t| t.0.to_string());
            let mut name = format!("run-without-id\u{0}{pipeline_job}\u{0}{created}");
            for st in g.stages() {
                name.push('\u{0}');
                name.push_str(st.id);
            }
            Uuid::new_v5(&crate_namespace(), name.as_bytes())
        } else {
            Uuid::new_v5(&crate_namespace(), format!("run\u{0}{run_id}").as_bytes())
        };
        let pipeline_doc =
            pipeline_name.map(|n| format!("Zoho DataPrep pipeline \"{}\"", shorten(n)));

        let mut seen = std::collections::HashSet::new();
        let mut jobs = vec![String::new(); g.stage_count()];
        for s in g.topological_order() {
            let st = g.stage(s);
            let name = match st.key().map(|k| shorten(&k).into_owned()) {
                Some(key) if seen.insert(key.clone()) => format!("{pipeline_job}.{key}"),
                Some(key) => format!("{pipeline_job}.{key}.{}", st.shown_id()),
                None => format!("{pipeline_job}.{}", st.shown_id()),
            };
            jobs[s.index()] = name;
        }
        let runs = g
            .stages()
            .iter()
            .map(|st| {
                st.start
                    .is_some()
                    .then(|| Uuid::new_v5(&pipeline_run, st.id.as_bytes()))
            })
            .collect();
        Context {
            a,
            opts,
            pipeline_job,
            pipeline_run,
            pipeline_doc,
            jobs,
            runs,
            workspace,
            datasets: vec![std::cell::OnceCell::new(); g.data_nodes().len()],
        }
    }

    /// What data node `d`'s dataset is called and says (built once).
    fn dataset_of(&self, d: DataIx) -> &DatasetNames {
        self.datasets[d.index()].get_or_init(|| self.dataset_names(d))
    }

    /// Every event, sorted.
    fn plan(&self) -> Vec<Planned> {
        let a = self.a;
        let g = a.graph;
        let run = g.summary().run();
        let latest = a.timing.latest_timestamp();
        let earliest = [run.created_time.value().map(|t| t.0)]
            .into_iter()
            .flatten()
            .chain(
                g.stages()
                    .iter()
                    .flat_map(|s| [s.created, s.start])
                    .flatten(),
            )
            .min();
        let start = run
            .created_time
            .value()
            .map(|t| t.0)
            .or(earliest)
            .unwrap_or(0);
        let mut plan = vec![Planned {
            time: start,
            rank: 0,
            position: 0,
            kind: EventType::Start,
            stage: None,
        }];
        for s in g.topological_order() {
            let st = g.stage(s);
            let Some(began) = st.start else { continue };
            let position = g.topological_position(s);
            plan.push(Planned {
                time: began,
                rank: 1,
                position,
                kind: EventType::Start,
                stage: Some(s),
            });
            if let Some(kind) = EventType::terminal(st.status()) {
                let end = st.completion.or(latest).unwrap_or(began).max(began);
                plan.push(Planned {
                    time: end,
                    rank: 1,
                    position,
                    kind,
                    stage: Some(s),
                });
            }
        }
        if let Some(kind) = EventType::terminal(Status::of(run.execution_status.value())) {
            let end = run
                .completion_time
                .value()
                .or(run.modified_time.value())
                .map(|t| t.0)
                .or(latest)
                .unwrap_or(start)
                .max(start);
            plan.push(Planned {
                time: end,
                rank: 2,
                position: 0,
                kind,
                stage: None,
            });
        }
        plan.sort_by(|x, y| {
            x.time
                .cmp(&y.time)
                .then(x.rank.cmp(&y.rank))
                .then(x.position.cmp(&y.position))
                .then((x.kind != EventType::Start).cmp(&(y.kind != EventType::Start)))
        });
        plan
    }

    fn facet<F>(&self, schema_url: &'static str, fields: F) -> Facet<'_, F> {
        Facet {
            producer: &self.opts.producer,
            schema_url,
            fields,
        }
    }

    /// The `jobType` facet: a batch job of this integration, `DAG` (the
    /// pipeline) or `TASK` (a stage).
    fn job_type(&self, job_type: &'static str) -> Facet<'_, JobType> {
        self.facet(
            JOB_TYPE,
            JobType {
                integration: "ZOHO_DATAPREP",
                job_type,
                processing_type: "BATCH",
            },
        )
    }

    /// The `errorMessage` facet saying `message`.
    fn error_message(&self, message: String) -> Facet<'_, ErrorMessage> {
        self.facet(
            ERROR_MESSAGE,
            ErrorMessage {
                message,
                programming_language: PROGRAMMING_LANGUAGE,
            },
        )
    }

    /// A job's `documentation` facet.
    fn job_documentation<'e>(&'e self, description: Cow<'e, str>) -> Facet<'e, Documentation<'e>> {
        self.facet(DOCUMENTATION_JOB, Documentation { description })
    }

    fn job_ref<'e>(&'e self, name: &'e str) -> JobRef<'e> {
        JobRef {
            name,
            namespace: &self.opts.namespace,
        }
    }

    fn event(&self, p: &Planned, culprits: &[(Vec<StageIx>, bool)]) -> RunEvent<'_> {
        match p.stage {
            None => self.pipeline_event(p, culprits),
            Some(s) => self.stage_event(p, s),
        }
    }

    fn pipeline_event(&self, p: &Planned, culprits: &[(Vec<StageIx>, bool)]) -> RunEvent<'_> {
        let a = self.a;
        let g = a.graph;
        let run = g.summary().run();
        let mut run_facets = RunFacets::default();
        if let Some(start) = run.data_interval_start_time.value() {
            run_facets.nominal_time = Some(
                self.facet(
                    NOMINAL_TIME,
                    NominalTime {
                        nominal_end_time: run
                            .data_interval_end_time
                            .value()
                            .map(|end| rfc3339_ms(end.0)),
                        nominal_start_time: rfc3339_ms(start.0),
                    },
                ),
            );
        }
        if p.kind != EventType::Start {
            if p.kind == EventType::Fail {
                if let Some(&root) = a.root_causes().first() {
                    let st = g.stage(root);
                    let said = a
                        .leading_error(root)
                        .unwrap_or_else(|| "(no error message in the response)".to_owned());
                    let message = format!(
                        "stage {} failed: {said}",
                        st.shown_name()
                            .map_or_else(|| st.shown_id().to_owned(), |n| format!("\"{n}\"")),
                    );
                    run_facets.error_message = Some(self.error_message(message));
                }
            }
            run_facets.not_run = self.not_run(culprits);
        }
        RunEvent {
            event_time: rfc3339_ms(p.time),
            event_type: p.kind.as_str(),
            inputs: Vec::new(),
            job: Job {
                facets: JobFacets {
                    documentation: self
                        .pipeline_doc
                        .as_deref()
                        .map(|doc| self.job_documentation(Cow::Borrowed(doc))),
                    job_type: self.job_type("DAG"),
                },
                name: &self.pipeline_job,
                namespace: &self.opts.namespace,
            },
            outputs: Vec::new(),
            producer: &self.opts.producer,
            run: Run {
                facets: run_facets,
                run_id: RunId(Some(self.pipeline_run)),
            },
            schema_url: SCHEMA_URL,
        }
    }

    /// The custom facet listing the stages that never started, when there
    /// are any.
    fn not_run(&self, culprits: &[(Vec<StageIx>, bool)]) -> Option<Facet<'_, NotRunStages<'_>>> {
        let g = self.a.graph;
        let causes = &self.a.causes;
        let mut count = 0usize;
        let mut stages = Vec::new();
        for s in g.topological_order() {
            let st = g.stage(s);
            if st.start.is_some() {
                continue;
            }
            count += 1;
            if stages.len() == NOT_RUN_SHOWN {
                continue;
            }
            let (list, more) = &culprits[s.index()];
            let blocked = causes.has_culprits(s) && !causes.is_root_cause(s);
            stages.push(NotRunStage {
                blocked,
                culprits: blocked.then(|| {
                    list.iter()
                        .map(|&c| StageRef {
                            name: &self.jobs[c.index()],
                            namespace: &self.opts.namespace,
                            stage_id: g.stage(c).shown_id(),
                        })
                        .collect()
                }),
                job: self.job_ref(&self.jobs[s.index()]),
                more_culprits: blocked.then_some(*more),
                name: st.shown_name(),
                stage_id: st.shown_id(),
                status: st.status().label(),
            });
        }
        (count > 0).then(|| self.facet(NOT_RUN_SCHEMA_URL, NotRunStages { count, stages }))
    }

    fn stage_event(&self, p: &Planned, s: StageIx) -> RunEvent<'_> {
        let a = self.a;
        let g = a.graph;
        let st = g.stage(s);
        let pipeline_run = RunRef {
            run_id: RunId(Some(self.pipeline_run)),
        };
        let mut run_facets = RunFacets {
            parent: Some(self.facet(
                PARENT,
                ParentRun {
                    job: self.job_ref(&self.pipeline_job),
                    root: RootRun {
                        job: self.job_ref(&self.pipeline_job),
                        run: pipeline_run,
                    },
                    run: pipeline_run,
                },
            )),
            ..RunFacets::default()
        };
        if p.kind == EventType::Start && g.parents(s).len() > 0 {
            let upstream = g
                .parents(s)
                .map(|parent| Upstream {
                    dependency_type: "DIRECT_INVOCATION",
                    job: self.job_ref(&self.jobs[parent.index()]),
                    run: self.runs[parent.index()].map(|r| RunRef {
                        run_id: RunId(Some(r)),
                    }),
                    sequence_trigger_rule: "FINISH_TO_START",
                })
                .collect();
            run_facets.job_dependencies = Some(self.facet(
                JOB_DEPENDENCIES,
                JobDependencies {
                    trigger_rule: st.trigger_rule.name(),
                    upstream,
                },
            ));
        }
        if p.kind == EventType::Fail {
            let message = a
                .leading_error(s)
                .unwrap_or_else(|| "(no error message in the response)".to_owned());
            run_facets.error_message = Some(self.error_message(message));
        }
        let kind = st.stage_type().map(|t| t.label());
        let description = match (st.shown_name(), kind) {
            (Some(n), Some(k)) => Some(format!("{k} stage \"{n}\"")),
            (Some(n), None) => Some(format!("stage \"{n}\"")),
            (None, Some(k)) => Some(format!("{k} stage {}", st.shown_id())),
            (None, None) => None,
        };
        let ended = p.kind != EventType::Start;
        let inputs = g
            .reads(s)
            .into_iter()
            .map(|d| self.dataset(d, None))
            .collect();
        let writes = g.writes(s);
        let rows = if ended {
            row_counts(g, s, &writes)
        } else {
            vec![None; writes.len()]
        };
        let outputs = writes
            .iter()
            .zip(rows)
            .map(|(&d, rows)| self.dataset(d, rows))
            .collect();
        RunEvent {
            event_time: rfc3339_ms(p.time),
            event_type: p.kind.as_str(),
            inputs,
            job: Job {
                facets: JobFacets {
                    documentation: description.map(|d| self.job_documentation(Cow::Owned(d))),
                    job_type: self.job_type("TASK"),
                },
                name: &self.jobs[s.index()],
                namespace: &self.opts.namespace,
            },
            outputs,
            producer: &self.opts.producer,
            run: Run {
                facets: run_facets,
                run_id: RunId(self.runs[s.index()]),
            },
            schema_url: SCHEMA_URL,
        }
    }

    /// Data node `d` as a dataset of an event, with the rows written to it
    /// when `rows` says.
    fn dataset(&self, d: DataIx, rows: Option<i64>) -> Dataset<'_> {
        let names = self.dataset_of(d);
        Dataset {
            facets: DatasetFacets {
                data_source: self.facet(
                    DATASOURCE,
                    DataSource {
                        name: &names.source,
                        uri: &names.namespace,
                    },
                ),
                documentation: self.facet(
                    DOCUMENTATION_DATASET,
                    Documentation {
                        description: Cow::Borrowed(&names.doc),
                    },
                ),
            },
            name: &names.name,
            namespace: &names.namespace,
            output_facets: rows.map(|row_count| OutputFacets {
                output_statistics: self.facet(OUTPUT_STATISTICS, OutputStatistics { row_count }),
            }),
        }
    }

    /// A data node's dataset: namespace, name, and what its facets say.
    fn dataset_names(&self, d: DataIx) -> DatasetNames {
        let node = self.a.graph.data_node(d);
        let (namespace, name, source) = match node.kind {
            DataKind::Source | DataKind::ExportTarget => {
                let named = node.name.unwrap_or(node.id);
                match split_uri(named) {
                    Some((ns, path)) => (
                        shorten(ns).into_owned(),
                        shorten(path).into_owned(),
                        shorten(named).into_owned(),
                    ),
                    None => {
                        let service = node
                            .connection
                            .and_then(|c| c.info().ok().flatten())
                            .and_then(|i| i.servicename)
                            .filter(|s| !s.is_empty())
                            .unwrap_or_else(|| "connection".to_owned());
                        let conn = node
                            .connection
                            .and_then(|c| c.id.get())
                            .map_or("unknown", |i| i.as_str());
                        let ns = format!(
                            "zoho-dataprep://{}/{}",
                            encode(&shorten(&service.to_ascii_lowercase())),
                            encode(&shorten(conn))
                        );
                        let shown = node
                            .shown_connection()
                            .map_or_else(|| shorten(&service).into_owned(), str::to_owned);
                        // A source by its name (the table or file it reads);
                        // an export target by its datasink id: its "name"
                        // is its connection's, shared by every export
                        // through that connection.
                        let name = if node.kind == DataKind::ExportTarget {
                            node.shown_id()
                        } else {
                            node.shown_name().unwrap_or(node.shown_id())
                        };
                        (ns, name.to_owned(), shown)
                    }
                }
            }
            DataKind::RawDataset | DataKind::Dataset => {
                let ns = match &self.workspace {
                    Some(w) => format!("zoho-dataprep://workspace/{}", encode(&shorten(w))),
                    None => "zoho-dataprep://workspace".to_owned(),
                };
                let named = node.shown_name().unwrap_or(node.shown_id());
                let name = if node.kind == DataKind::RawDataset {
                    format!("raw/{named}")
                } else {
                    named.to_owned()
                };
                (ns, name, "Zoho DataPrep".to_owned())
            }
        };
        let doc = format!(
            "{} {}{}",
            node.kind.label(),
            node.shown_id(),
            node.shown_name()
                .map_or_else(String::new, |n| format!(" \"{n}\""))
        );
        DatasetNames {
            namespace,
            name,
            source,
            doc,
        }
    }
}

/// The rows stage `s` wrote to each of `writes`: an export target's from
/// the first of the stage's export audits to it that has a metric; any
/// other output's from the stage's own `row_count` when it is the stage's
/// only output. One pass over the stage's export audits, however many
/// targets it writes.
fn row_counts(g: &LineageGraph<'_>, s: StageIx, writes: &[DataIx]) -> Vec<Option<i64>> {
    let Some(ti) = g.stage(s).instance else {
        return vec![None; writes.len()];
    };
    let mut by_sink: HashMap<&str, i64> = HashMap::new();
    for (_, ea) in ti.datasetexportaudit.items() {
        let sink = ea
            .datasetexport
            .get()
            .and_then(|e| e.datasink.get())
            .and_then(|d| d.id.get());
        let rows = ea
            .datasetexportauditmetric
            .get()
            .and_then(|m| m.row_count.value());
        if let (Some(sink), Some(rows)) = (sink, rows) {
            by_sink.entry(sink.as_str()).or_insert(rows.0);
        }
    }
    writes
        .iter()
        .map(|&d| {
            let node = g.data_node(d);
            if node.kind == DataKind::ExportTarget {
                by_sink.get(node.id).copied()
            } else if writes.len() == 1 {
                ti.row_count.value().map(|r| r.0)
            } else {
                None
            }
        })
        .collect()
}

/// `s3://bucket/prefix` → (`s3://bucket`, `prefix`): a URI with a scheme
/// and a host, as `Naming.md` splits it; `None` for anything else, or a
/// host with characters a URI does not allow there.
fn split_uri(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    let mut chars = scheme.chars();
    if !chars.next()?.is_ascii_alphabetic()
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | ':'))
    {
        return None;
    }
    let ns_len = scheme.len() + 3 + host.len();
    let name = if path.is_empty() { "/" } else { path };
    Some((&text[..ns_len], name))
}

/// Percent-encodes all but URI's unreserved characters, so that any id is
/// a valid part of a namespace URI.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    if out.is_empty() {
        out.push_str("unknown");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_split_at_the_host() {
        assert_eq!(
            split_uri("s3://acme-data-lake/sales"),
            Some(("s3://acme-data-lake", "sales"))
        );
        assert_eq!(split_uri("gs://b/a/b/c.csv"), Some(("gs://b", "a/b/c.csv")));
        assert_eq!(split_uri("s3://bucket"), Some(("s3://bucket", "/")));
        assert_eq!(split_uri("shop.orders"), None);
        assert_eq!(split_uri("://x/y"), None);
        assert_eq!(split_uri("s3://bad host/y"), None);
        assert_eq!(split_uri("1s://h/y"), None);
    }

    #[test]
    fn the_not_run_facet_is_written_under_its_published_key() {
        let facets = RunFacets {
            not_run: Some(Facet {
                producer: DEFAULT_PRODUCER,
                schema_url: NOT_RUN_SCHEMA_URL,
                fields: NotRunStages {
                    count: 0,
                    stages: Vec::new(),
                },
            }),
            ..RunFacets::default()
        };
        let value = serde_json::to_value(&facets).expect("serialises");
        let keys: Vec<&String> = value.as_object().expect("an object").keys().collect();
        assert_eq!(keys, [NOT_RUN_FACET]);
    }

    #[test]
    fn encoding_keeps_unreserved_characters_only() {
        assert_eq!(encode("zohocrm"), "zohocrm");
        assert_eq!(encode("a b/é"), "a%20b%2F%C3%A9");
        assert_eq!(encode(""), "unknown");
    }
}
