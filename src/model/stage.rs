//! Stages: task instances, their task definitions, and the child → parents
//! mapping between them.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::codes::{AliveStatus, ExecutionStatus, StageType};
use super::data::{DatasetAudit, DatasetExportAudit, DatasourceAudit, RawDatasetAudit};
use super::embedded::{self, ClientMeta};
use super::lenient::{
    record, Id, Int, IntoOwned, JsonKind, JsonText, Key, Lazy, Lenient, List, Read, Text,
    Timestamp, Walk, Walker,
};
use super::run::{Pipeline, PipelineRun, User};
use crate::error::Result;

record! {
    /// `pipelinetaskinstances[]`: one stage of the run (an import, a
    /// transform, an export).
    pub struct TaskInstance<'a> {
        /// Stage instance id; the graph is keyed by it.
        id: Id<'a>,
        /// The run this instance belongs to (same structure as the top-level run).
        pipelinerun: Lazy<'a, PipelineRun<'a>>,
        /// The stage definition.
        pipelinetask: Box<PipelineTask<'a>>,
        /// Outcome of the stage.
        execution_status: ExecutionStatus,
        /// Internal.
        index: Int,
        /// When the instance was created.
        created_time: Timestamp,
        /// When execution started.
        start_time: Timestamp,
        /// When execution finished.
        completion_time: Timestamp,
        /// UI placement in the pipeline builder (JSON in a string).
        client_meta: JsonText<'a>,
        /// System or log message.
        message: Text<'a>,
        /// The operator that ran the stage.
        operator_id: Text<'a>,
        /// Retries attempted.
        retry_count: Int,
        /// Storage used, in bytes.
        storage_used: Int,
        /// Rows processed.
        row_count: Int,
        /// Alive (1) or in the trash (0).
        status: AliveStatus,
        /// Expiry of this instance.
        time_to_live: Text<'a>,
        /// The import this stage read (import stages).
        rawdatasetaudit: List<RawDatasetAudit<'a>>,
        /// The dataset this stage produced (transform stages).
        datasetaudit: List<DatasetAudit<'a>>,
        /// The export this stage made (export stages).
        datasetexportaudit: List<DatasetExportAudit<'a>>,
        /// The datasource read, when given on the instance itself.
        datasourceaudit: List<DatasourceAudit<'a>>,
    }
}

impl TaskInstance<'_> {
    /// The stage's name from its task definition.
    pub fn name(&self) -> Option<&str> {
        self.pipelinetask
            .get()
            .and_then(|t| t.name.get())
            .map(Text::as_str)
    }

    /// The stage's type from its task definition.
    pub fn stage_type(&self) -> Option<StageType> {
        self.pipelinetask.get().and_then(|t| t.stage_type.value())
    }

    /// The trigger rule from its task definition, as written.
    pub fn trigger_rule(&self) -> Option<&str> {
        self.pipelinetask
            .get()
            .and_then(|t| t.trigger_rule.get())
            .map(Text::as_str)
    }

    /// `client_meta`, decoded.
    pub fn client_meta(&self) -> Result<Option<ClientMeta>> {
        embedded::decode(&self.client_meta, "client_meta")
    }
}

record! {
    /// `pipelinetask`: the definition a stage instance runs.
    pub struct PipelineTask<'a> {
        /// Stage definition id.
        id: Id<'a>,
        /// Stage name, e.g. "public.contactnew".
        name: Text<'a>,
        /// What the stage does.
        stage_type as "type": StageType,
        /// The pipeline.
        pipeline: Box<Pipeline<'a>>,
        /// Who created it.
        created_by: Lazy<'a, User<'a>>,
        /// When it was created.
        created_time: Timestamp,
        /// Who last modified it.
        modified_by: Lazy<'a, User<'a>>,
        /// Last modified.
        modified_time: Timestamp,
        /// Active (1) or not (0).
        status: AliveStatus,
        /// Only the latest run counts.
        latest_only: super::lenient::Flag,
        /// Runs only if its previous instance succeeded.
        depends_on_past: super::lenient::Flag,
        /// When the stage runs given its parents' outcomes (Airflow's names).
        trigger_rule: Text<'a>,
        /// UI placement (JSON in a string).
        client_meta: JsonText<'a>,
        /// Scheduling priority.
        weight: Int,
    }
}

/// `pipelinetaskinstancemappers`: each child stage id with its parent ids,
/// in document order.
///
/// A value that is not an array of ids is kept as `Invalid` and reported.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mappers<'a> {
    /// (child id, its parents), as written.
    pub entries: Vec<(Id<'a>, Lenient<List<Id<'a>>>)>,
}

impl<'de> Read<'de> for Mappers<'de> {
    const RECORD: bool = true;
    fn read<D: Deserializer<'de>>(d: D) -> std::result::Result<Lenient<Self>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lenient<Mappers<'de>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of child id to parent ids")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let parents = map.next_value::<Lenient<List<Id<'de>>>>()?;
                    entries.push((Id(key.0), parents));
                }
                Ok(Lenient::Value(Mappers { entries }))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(wrong(JsonKind::Array))
            }
            crate::model::lenient::scalar_arms!(kind, _text => wrong(kind));
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
                Ok(Lenient::Missing)
            }
        }
        fn wrong(found: JsonKind) -> Lenient<Mappers<'static>> {
            Lenient::invalid_from("an object of child id to parent ids", found, "")
        }
        d.deserialize_any(V)
    }
}

impl IntoOwned for Mappers<'_> {
    type Owned = Mappers<'static>;
    fn into_owned(self) -> Mappers<'static> {
        Mappers {
            entries: self
                .entries
                .into_iter()
                .map(|(child, parents)| (child.into_owned(), parents.into_owned()))
                .collect(),
        }
    }
}

impl Walk for Mappers<'_> {
    fn walk(&self, w: &mut Walker<'_>) {
        for (child, parents) in &self.entries {
            w.path
                .push(crate::json_path::Segment::Key(child.0.as_ref().into()));
            parents.walk(w);
            w.path.pop();
        }
    }
}
