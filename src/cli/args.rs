//! The command line: every subcommand, its arguments and their help.

use super::*;

pub(super) const ABOUT: &str =
    "Explain a Zoho DataPrep pipeline run from its Job Summary API response: \
why it failed, why it took so long, and what the pipeline looks like.";

// Every line of every example stays under 80 columns: clap wraps help text
// to the terminal, and a wrapped command no longer pastes (the test
// `help_examples_survive_an_80_column_terminal` holds it).
pub(super) const EXAMPLES: &str = "\
Examples:
  dataprep-lineage why fixtures/failed_transform_blocks_exports.json
  curl -s \"$JOB_SUMMARY_URL\" | dataprep-lineage summary -
  dataprep-lineage critical-path run.json --format json
  dataprep-lineage dot run.json --view lineage | dot -Tsvg > run.svg
  # for a chat message or a pull request comment:
  dataprep-lineage why run.json --format markdown --diagram

FILE is the JSON body of a Job Summary API response (gzip too), or - for
standard input. Warnings about odd input go to standard error (--quiet hides
them).
Exit status: 0 printed; 1 the input could not be analysed; 2 usage error;
3 diff --fail-on: the verdict is at that level or worse.";

#[derive(Debug, Parser)]
#[command(name = "dataprep-lineage", version, about = ABOUT, after_help = EXAMPLES, propagate_version = true)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,

    /// Do not print warnings about odd input to standard error (history:
    /// nor its progress bar).
    #[arg(long, short, global = true)]
    pub(super) quiet: bool,

    /// Show every entry of every list: no "… and N more" in text and
    /// Markdown (20 per list), no cap in JSON (1,000 per list, with exact
    /// *_count keys beside). history: every entry, whatever --top says.
    #[arg(long, global = true)]
    pub(super) all: bool,

    /// Refuse an input larger than this many bytes before reading it whole
    /// (a file by its length; standard input as it arrives).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = dataprep_lineage::limits::MAX_INPUT_BYTES)]
    pub(super) max_bytes: u64,

    /// When to colour text output: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub(super) color: ColorChoice,
}

impl Cli {
    /// The caps every report and renderer of this invocation uses:
    /// [`report::Caps::DEFAULT`], or none with `--all`.
    pub(super) fn caps(&self) -> report::Caps {
        if self.all {
            report::Caps::ALL
        } else {
            report::Caps::DEFAULT
        }
    }
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// One screen: the run, its stages, root causes, and critical path.
    #[command(
        after_help = "Example:\n  dataprep-lineage summary fixtures/run_stopped_by_user.json"
    )]
    Summary(Input),

    /// Why did this run fail? The stages where the failure started, every
    /// message the response holds for them, the data they touched, and what
    /// never ran because of them; plus run-level causes (stopped, killed,
    /// held back by the data-quality gate).
    #[command(
        after_help = "Examples:\n  dataprep-lineage why fixtures/failed_transform_blocks_exports.json\n  \
        # what held this stage back?\n  \
        dataprep-lineage why run.json --stage \"Archive to S3 data lake\"\n  \
        dataprep-lineage why run.json --stage 14057000007570224"
    )]
    Why {
        #[command(flatten)]
        input: Input,
        /// Trace one stage instead: its culprits and the shortest dependency
        /// path from each. Takes the stage's id, or its exact name when that
        /// is unique in the run.
        #[arg(long, value_name = "ID|NAME")]
        stage: Option<String>,
    },

    /// The stages in the order they can run (parents first, ties by smallest
    /// id), with each stage's level.
    #[command(after_help = "Example:\n  dataprep-lineage order run.json --format json")]
    Order(Input),

    /// Why did it take so long? The critical path, each stage's duration and
    /// slack, and the chain that actually finished last with the waits between.
    #[command(
        name = "critical-path",
        after_help = "Example:\n  dataprep-lineage critical-path fixtures/run_in_progress.json"
    )]
    CriticalPath(Input),

    /// The pipeline as a Graphviz DOT diagram, coloured by outcome, with root
    /// causes and the critical path marked.
    #[command(
        after_help = "Examples:\n  dataprep-lineage dot run.json --view lineage | dot -Tsvg > run.svg\n  \
        # a big run: only what the failure touched (at most 200 stages)\n  \
        dataprep-lineage dot run.json --focus failure | dot -Tpng > failure.png"
    )]
    Dot(Diagram),

    /// The pipeline as a Mermaid flowchart (renders on GitHub in a ```mermaid block).
    #[command(
        after_help = "Examples:\n  dataprep-lineage mermaid run.json > run.mmd\n  \
        # one stage, its nearest ancestors and descendants\n  \
        dataprep-lineage mermaid run.json --focus \"Join contacts with orders\""
    )]
    Mermaid(Diagram),

    /// The run as one self-contained HTML page to open in a browser: the
    /// verdict, the root causes with their evidence, the lineage and a
    /// timeline as pictures, every stage's timing. No server, no network:
    /// attach it to a ticket or a chat, or keep it beside the logs.
    ///
    /// The lineage shows what the failure touched (at most 200 stages; the
    /// whole run when it succeeded); --focus STAGE centres it on a stage,
    /// --all draws and lists everything.
    #[command(
        after_help = "Examples:\n  dataprep-lineage html fixtures/failed_transform_blocks_exports.json > run.html\n  \
        dataprep-lineage html run.json --view lineage --focus \"Join contacts with orders\" > join.html"
    )]
    Html(Diagram),

    /// What changed since it last worked? Compares a run with a baseline
    /// (normally the last run that worked): which stages newly fail or were
    /// fixed, whether a failure is the same error as before (numbers aside),
    /// where the runs first diverge, what got slower, and what changed in
    /// the pipeline's structure, lineage and row counts.
    ///
    /// The verdict, first that holds: regressed (a stage newly fails, a
    /// stage that succeeded before did not run in a finished run, a new root
    /// cause, or a new kind of run-level cause), slower (a stage that
    /// succeeded in both runs took at least --slower-ratio times as long and
    /// --slower-min-ms more, or a successful run's work did; a failed
    /// attempt's time is never compared), improved (a stage fixed, a root
    /// cause resolved), changed (a stage fails with a different error, or
    /// structure, lineage or volumes changed), unchanged.
    #[command(
        after_help = "Examples:\n  dataprep-lineage diff last_good.json today.json\n  \
        # exit 3 in a scheduler when it regressed\n  \
        dataprep-lineage diff yesterday.json today.json --fail-on regressed\n\n\
        Exit status: 0 the comparison was printed; 3 with --fail-on when the\n\
        verdict is at that level or worse (changed < slower < regressed;\n\
        improved and unchanged never); 1 an input could not be analysed (the\n\
        message says which); 2 usage error."
    )]
    Diff(DiffArgs),

    /// Many runs of many pipelines: is the latest failure new or seen
    /// before, which stages are flaky, which root causes recur, which stages
    /// are slower than usual. Reads files and folders (every *.json and
    /// *.json.gz below them) on every core; a file that cannot be analysed
    /// is listed at the end with its error.
    ///
    /// --format ndjson writes the facts instead: one JSON object per stage
    /// per run, for DuckDB, Spark or Polars.
    #[command(after_help = "Examples:\n  dataprep-lineage history runs/\n  \
        dataprep-lineage history runs/ --pipeline 1402000000123 --top 10\n  \
        # then: duckdb -c \"select ... from 'facts.ndjson'\"\n  \
        dataprep-lineage history runs/ --format ndjson > facts.ndjson\n\n\
        Exit status: 0 printed (some files may have been skipped); 1 no file\n\
        could be analysed; 2 usage error (--pipeline matching none included).")]
    History(history::HistoryArgs),

    /// The run as OpenLineage events for lineage catalogs (Marquez,
    /// DataHub, OpenMetadata…), one JSON object per line in time order.
    ///
    /// Spec 2-0-2. A job for the pipeline and one per stage (named
    /// PIPELINE_ID.TASK_ID, the same on every run); START and
    /// COMPLETE/FAIL/ABORT for the run and each stage that started; the
    /// stages that never ran listed on the run's last event, with their
    /// culprits. Run ids are UUIDs derived from the response: exporting it
    /// again gives the same events.
    #[command(after_help = "Examples:\n  dataprep-lineage openlineage run.json\n  \
        dataprep-lineage openlineage run.json --namespace prod-dataprep |\n    \
        while IFS= read -r event; do\n      \
        curl -s -H 'Content-Type: application/json' -d \"$event\" \\\n        \
        http://localhost:5000/api/v1/lineage\n    \
        done")]
    Openlineage(OpenLineageArgs),

    /// The run as a Chrome trace to open in Perfetto (https://ui.perfetto.dev)
    /// or chrome://tracing: where the time went, stage by stage.
    ///
    /// A track per stage in topological order with a slice from its start
    /// for its duration, the critical path on top, arrows for the
    /// dependencies, markers for stages that never ran. Times in
    /// microseconds from the run's created time.
    #[command(
        after_help = "Example:\n  # then open run.trace.json in https://ui.perfetto.dev\n  \
        dataprep-lineage trace fixtures/run_in_progress.json > run.trace.json"
    )]
    Trace {
        /// Job Summary API response (JSON), or - for standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },

    /// The JSON Schema of a subcommand's `--format json` output (also in the
    /// repository's schema/ folder). Every JSON report carries
    /// "schema_version": 2.
    #[command(after_help = "Example:\n  dataprep-lineage schema why > why.schema.json")]
    Schema {
        /// why, why-stage (why --stage), summary, order, critical-path, diff,
        /// history, or history-facts (one line of history --format ndjson).
        #[arg(value_parser = schema::SUBCOMMANDS)]
        subcommand: String,
    },
}

#[derive(Debug, Args)]
pub(super) struct Input {
    /// Job Summary API response (JSON), or - for standard input.
    #[arg(value_name = "FILE")]
    pub(super) file: PathBuf,

    /// text for people, json for tools, markdown for chat, issues and pull requests.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(super) format: Format,

    /// With --format markdown: add the pipeline as a Mermaid diagram in a
    /// ```mermaid block (--diagram: stages; --diagram=lineage: with the data).
    #[arg(
        long,
        value_enum,
        value_name = "VIEW",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "stages"
    )]
    pub(super) diagram: Option<ViewArg>,
}

#[derive(Debug, Args)]
pub(super) struct Diagram {
    /// Job Summary API response (JSON), or - for standard input.
    #[arg(value_name = "FILE")]
    pub(super) file: PathBuf,

    /// stages: the stages and their dependencies; lineage: with sources, datasets and export targets.
    #[arg(long, value_enum, default_value_t = ViewArg::Stages)]
    pub(super) view: ViewArg,

    /// Draw part of the run: `failure` (the root causes, their parents and
    /// the first stages they blocked) or a stage id or name (it, marked, and
    /// its nearest ancestors and descendants). A focused diagram draws at
    /// most 200 stages, the rest collapsed into dashed "… and N more" nodes;
    /// --all draws everything.
    #[arg(long, value_name = "failure|STAGE")]
    pub(super) focus: Option<String>,
}

#[derive(Debug, Args)]
pub(super) struct OpenLineageArgs {
    /// Job Summary API response (JSON), or - for standard input.
    #[arg(value_name = "FILE")]
    pub(super) file: PathBuf,

    /// The namespace of the pipeline's and the stages' jobs (one per
    /// scheduler or environment, as OpenLineage's Naming.md suggests).
    #[arg(long, value_name = "NS", default_value = dataprep_lineage::export::openlineage::DEFAULT_NAMESPACE)]
    pub(super) namespace: String,

    /// A URI naming what produced the events (your scheduler, say).
    #[arg(long, value_name = "URI", default_value = dataprep_lineage::export::openlineage::DEFAULT_PRODUCER)]
    pub(super) producer: String,
}

#[derive(Debug, Args)]
pub(super) struct DiffArgs {
    /// The run to compare with (normally the last run that worked), or -.
    #[arg(value_name = "BASELINE")]
    pub(super) baseline: PathBuf,

    /// The run to explain, or - (not both).
    #[arg(value_name = "CURRENT")]
    pub(super) current: PathBuf,

    /// text for people, json for tools, markdown for a chat message or a
    /// pull-request comment, html for one self-contained page (both
    /// timelines on one axis).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub(super) format: DiffFormat,

    /// Exit 3 when the verdict is at this level or worse.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub(super) fail_on: Option<FailOn>,

    /// A stage is slower when it took at least this many times as long…
    #[arg(long, value_name = "R", default_value_t = 1.5)]
    pub(super) slower_ratio: f64,

    /// …and at least this many milliseconds more.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    pub(super) slower_min_ms: i64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum FailOn {
    Regressed,
    Slower,
    Changed,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum Format {
    Text,
    Json,
    Markdown,
}

/// What `diff` writes: the report formats, or an HTML page.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum DiffFormat {
    Text,
    Json,
    Markdown,
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum ViewArg {
    Stages,
    Lineage,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum ColorChoice {
    Auto,
    Always,
    Never,
}
