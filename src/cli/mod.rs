//! Command-line interface: arguments, input, output and exit codes.

mod history;

use std::fmt;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use dataprep_lineage::diagram::{self, DiagramOptions, Focus, View};
use dataprep_lineage::report::markdown::MarkdownOptions;
use dataprep_lineage::report::text::{one_line, TextOptions};
use dataprep_lineage::report::{self, json, markdown, schema, text};
use dataprep_lineage::{
    diff, dot, mermaid, Analysis, DiagnosticKind, Error, JobSummary, LineageGraph,
};

/// The analysis was printed, whatever the run's own outcome.
pub const EXIT_OK: u8 = 0;
/// The input could not be analysed (unreadable, not JSON, an API error, a cycle…).
pub const EXIT_INPUT: u8 = 1;
/// The command line was wrong (unknown flag, missing file argument, unknown `--stage` id).
pub const EXIT_USAGE: u8 = 2;

/// Why the command did not print its report; each knows its exit status.
#[derive(Debug)]
enum CliError {
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
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Input { .. }
            | CliError::Read { .. }
            | CliError::Output(_)
            | CliError::NoRuns { .. } => EXIT_INPUT,
            CliError::Usage { .. } => EXIT_USAGE,
        }
    }

    /// What to do next, when there is something to say.
    fn hint(&self) -> Option<&str> {
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

const ABOUT: &str = "Explain a Zoho DataPrep pipeline run from its Job Summary API response: \
why it failed, why it took so long, and what the pipeline looks like.";

// Every line of every example stays under 80 columns: clap wraps help text
// to the terminal, and a wrapped command no longer pastes (the test
// `help_examples_survive_an_80_column_terminal` holds it).
const EXAMPLES: &str = "\
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
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Do not print warnings about odd input to standard error (history:
    /// nor its progress bar).
    #[arg(long, short, global = true)]
    quiet: bool,

    /// Show every entry of every list: no "… and N more" in text and
    /// Markdown (20 per list), no cap in JSON (1,000 per list, with exact
    /// *_count keys beside). history: every entry, whatever --top says.
    #[arg(long, global = true)]
    all: bool,

    /// Refuse an input larger than this many bytes before reading it whole
    /// (a file by its length; standard input as it arrives).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = dataprep_lineage::limits::MAX_INPUT_BYTES)]
    max_bytes: u64,

    /// When to colour text output: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
}

impl Cli {
    /// The caps every report and renderer of this invocation uses:
    /// [`report::Caps::DEFAULT`], or none with `--all`.
    fn caps(&self) -> report::Caps {
        if self.all {
            report::Caps::ALL
        } else {
            report::Caps::DEFAULT
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
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
    /// "schema_version": 1.
    #[command(after_help = "Example:\n  dataprep-lineage schema why > why.schema.json")]
    Schema {
        /// why, why-stage (why --stage), summary, order, critical-path, diff,
        /// history, or history-facts (one line of history --format ndjson).
        #[arg(value_parser = schema::SUBCOMMANDS)]
        subcommand: String,
    },
}

#[derive(Debug, Args)]
struct Input {
    /// Job Summary API response (JSON), or - for standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// text for people, json for tools, markdown for chat, issues and pull requests.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

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
    diagram: Option<ViewArg>,
}

#[derive(Debug, Args)]
struct Diagram {
    /// Job Summary API response (JSON), or - for standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// stages: the stages and their dependencies; lineage: with sources, datasets and export targets.
    #[arg(long, value_enum, default_value_t = ViewArg::Stages)]
    view: ViewArg,

    /// Draw part of the run: `failure` (the root causes, their parents and
    /// the first stages they blocked) or a stage id or name (it, marked, and
    /// its nearest ancestors and descendants). A focused diagram draws at
    /// most 200 stages, the rest collapsed into dashed "… and N more" nodes;
    /// --all draws everything.
    #[arg(long, value_name = "failure|STAGE")]
    focus: Option<String>,
}

#[derive(Debug, Args)]
struct OpenLineageArgs {
    /// Job Summary API response (JSON), or - for standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The namespace of the pipeline's and the stages' jobs (one per
    /// scheduler or environment, as OpenLineage's Naming.md suggests).
    #[arg(long, value_name = "NS", default_value = dataprep_lineage::export::openlineage::DEFAULT_NAMESPACE)]
    namespace: String,

    /// A URI naming what produced the events (your scheduler, say).
    #[arg(long, value_name = "URI", default_value = dataprep_lineage::export::openlineage::DEFAULT_PRODUCER)]
    producer: String,
}

#[derive(Debug, Args)]
struct DiffArgs {
    /// The run to compare with (normally the last run that worked), or -.
    #[arg(value_name = "BASELINE")]
    baseline: PathBuf,

    /// The run to explain, or - (not both).
    #[arg(value_name = "CURRENT")]
    current: PathBuf,

    /// text for people, json for tools, markdown for a chat message or a pull-request comment.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Exit 3 when the verdict is at this level or worse.
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,

    /// A stage is slower when it took at least this many times as long…
    #[arg(long, value_name = "R", default_value_t = 1.5)]
    slower_ratio: f64,

    /// …and at least this many milliseconds more.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    slower_min_ms: i64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Regressed,
    Slower,
    Changed,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ViewArg {
    Stages,
    Lineage,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs the command line and returns the exit status.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        Command::Diff(args) => execute_diff(&cli, args),
        Command::History(args) => history::execute(&cli, args),
        _ => execute(&cli).map(|()| EXIT_OK),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // `| head` closed the pipe: what was wanted was printed.
        Err(CliError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::from(EXIT_OK)
        }
        Err(e) => {
            // Errors quote the input (API messages, stage ids): no control
            // character of it reaches the terminal.
            eprintln!("error: {}", one_line(&e.to_string()));
            if let Some(h) = e.hint() {
                eprintln!("hint: {}", one_line(h));
            }
            ExitCode::from(e.exit_code())
        }
    }
}

fn execute(cli: &Cli) -> Result<(), CliError> {
    let file = match &cli.command {
        Command::Summary(i)
        | Command::Order(i)
        | Command::CriticalPath(i)
        | Command::Why { input: i, .. } => {
            if i.diagram.is_some() && !matches!(i.format, Format::Markdown) {
                // Text and JSON have nowhere to put a diagram: saying so
                // beats dropping it silently.
                return Err(CliError::Usage {
                    message: format!(
                        "--diagram goes with --format markdown, not --format {}",
                        match i.format {
                            Format::Text => "text",
                            Format::Json => "json",
                            Format::Markdown => "markdown",
                        }
                    ),
                    hint: "add --format markdown, or draw the diagram alone with `dataprep-lineage mermaid FILE` or `dataprep-lineage dot FILE`".to_owned(),
                });
            }
            &i.file
        }
        Command::Dot(d) | Command::Mermaid(d) => &d.file,
        Command::Openlineage(o) => {
            if !is_uri(&o.producer) {
                return Err(CliError::Usage {
                    message: format!("--producer must be a URI, not {:?}", o.producer),
                    hint: "for example --producer https://github.com/acme/scheduler".to_owned(),
                });
            }
            if o.namespace.is_empty() {
                return Err(CliError::Usage {
                    message: "--namespace cannot be empty".to_owned(),
                    hint: "leave it out for zoho-dataprep, or name your environment: --namespace prod-dataprep".to_owned(),
                });
            }
            &o.file
        }
        Command::Trace { file } => file,
        Command::Diff(_) | Command::History(_) => return Ok(()),
        Command::Schema { subcommand } => {
            let text = schema::for_subcommand(subcommand)
                .map(|s| schema::to_pretty_string(&s))
                .unwrap_or_default();
            return write_stdout(|out| out.write_all(text.as_bytes()));
        }
    };
    let name = display_name(file);
    let bytes = read_input(file, cli.max_bytes).map_err(|error| CliError::Read {
        file: name.clone(),
        error,
    })?;
    let input_error = |error| CliError::Input {
        file: name.clone(),
        error,
    };
    let summary = JobSummary::from_slice(&bytes).map_err(input_error)?;
    let graph = LineageGraph::build(&summary).map_err(input_error)?;
    if !cli.quiet {
        warn(&graph, &name, cli.all);
    }

    let analysis = Analysis::new(&graph);
    let caps = cli.caps();
    // JSON keeps 1,000 entries a list; text and Markdown show 20, so their
    // reports keep no more (the counts are exact either way).
    let limits = |format: Format| match format {
        Format::Json => caps,
        Format::Text | Format::Markdown => caps.on_screen(),
    };
    let opts = TextOptions {
        color: use_color(cli.color),
        caps,
        // Standard input cannot be read twice: no `Next:` commands for it.
        file: file_name(file),
        advice: report::Advice::CLI,
    };
    // Every report names the file it read (null for standard input).
    let run = report::RunInfo::of(&analysis).with_file_opt(file_name(file));
    match &cli.command {
        Command::Summary(i) => {
            let mut r = report::Summary::with_caps(&analysis, limits(i.format));
            r.run = run;
            let md = markdown_options(&analysis, i, caps);
            write_stdout(|out| match i.format {
                Format::Text => text::summary(out, &r, opts),
                Format::Json => json::write(out, &r),
                Format::Markdown => markdown::summary(out, &r, &md),
            })
        }
        Command::Why { input, stage: None } => {
            let limits = limits(input.format);
            if let Format::Json = input.format {
                // Root causes built as they are written: memory does not
                // grow with their number times the cap.
                let mut r = report::Why::streamed(&analysis, limits);
                r.run = run;
                return write_stdout(|out| json::write(out, &r));
            }
            let mut r = report::Why::with_caps(&analysis, limits);
            r.run = run;
            let md = markdown_options(&analysis, input, caps);
            write_stdout(|out| match input.format {
                Format::Text => text::why(out, &r, opts),
                Format::Json => json::write(out, &r),
                Format::Markdown => markdown::why(out, &r, &md),
            })
        }
        Command::Why {
            input,
            stage: Some(wanted),
        } => {
            let s = resolve_stage(&graph, wanted, file)?;
            let mut r = report::Trace::with_caps(&analysis, s, limits(input.format));
            r.run = run;
            let md = markdown_options(&analysis, input, caps);
            write_stdout(|out| match input.format {
                Format::Text => text::trace(out, &r, opts),
                Format::Json => json::write(out, &r),
                Format::Markdown => markdown::trace(out, &r, &md),
            })
        }
        Command::Order(i) => {
            let mut r = report::StageOrder::new(&analysis);
            r.run = run;
            write_stdout(|out| match i.format {
                Format::Text => text::order(out, &r, opts),
                Format::Json => json::write(out, &r),
                Format::Markdown => markdown::order(out, &r),
            })
        }
        Command::CriticalPath(i) => {
            let mut r = report::CriticalPath::new(&analysis);
            r.run = run;
            let md = markdown_options(&analysis, i, caps);
            write_stdout(|out| match i.format {
                Format::Text => text::critical_path(out, &r, opts),
                Format::Json => json::write(out, &r),
                Format::Markdown => markdown::critical_path(out, &r, &md),
            })
        }
        Command::Dot(d) => {
            let options = diagram_options(&graph, d, cli.all, &name, cli.quiet, file)?;
            write_stdout(|out| dot::write_with(out, &analysis, options))
        }
        Command::Mermaid(d) => {
            let options = diagram_options(&graph, d, cli.all, &name, cli.quiet, file)?;
            let mut chart = Vec::new();
            let _ = mermaid::write_with(&mut chart, &analysis, options);
            // GitHub's Mermaid draws an error box past 50,000 characters.
            if chart.len() > MERMAID_MAX_TEXT && !cli.quiet {
                eprintln!(
                    "warning: {}: the diagram is {} characters, more than the {MERMAID_MAX_TEXT} Mermaid draws by default (GitHub shows an error); try --focus failure or --focus STAGE",
                    one_line(&name),
                    chart.len()
                );
            }
            write_stdout(|out| out.write_all(&chart))
        }
        Command::Openlineage(o) => {
            let opts = dataprep_lineage::export::openlineage::OpenLineageOptions {
                namespace: o.namespace.clone(),
                producer: o.producer.clone(),
            };
            write_stdout(|out| {
                dataprep_lineage::export::openlineage::write_events(out, &analysis, &opts)
                    .map(|_| ())
            })
        }
        Command::Trace { .. } => {
            write_stdout(|out| dataprep_lineage::export::trace::write_trace(out, &analysis))
        }
        Command::Schema { .. } | Command::Diff(_) | Command::History(_) => Ok(()),
    }
}

/// An absolute URI, as OpenLineage's `producer` must be: a scheme (a
/// letter, then letters, digits, `+`, `-`, `.`), a colon, and no spaces.
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The path as given, for a report to name (`None` for standard input).
fn file_name(path: &Path) -> Option<String> {
    (path.as_os_str() != "-").then(|| path.display().to_string())
}

/// The comparison was printed and its verdict reached `--fail-on`.
pub const EXIT_FAIL_ON: u8 = 3;

/// `diff BASELINE CURRENT`: two inputs, each read, parsed and analysed on
/// its own (an error names which), then compared.
fn execute_diff(cli: &Cli, args: &DiffArgs) -> Result<u8, CliError> {
    if args.baseline.as_os_str() == "-" && args.current.as_os_str() == "-" {
        return Err(CliError::Usage {
            message: "BASELINE and CURRENT cannot both be standard input (-)".to_owned(),
            hint: "give at least one of them as a file".to_owned(),
        });
    }
    if !(args.slower_ratio.is_finite() && args.slower_ratio > 0.0) {
        return Err(CliError::Usage {
            message: format!(
                "--slower-ratio must be a positive number, not {}",
                args.slower_ratio
            ),
            hint: "for example --slower-ratio 1.5 (50 % longer)".to_owned(),
        });
    }
    let read = |role: &str, file: &Path| -> Result<Vec<u8>, CliError> {
        read_input(file, cli.max_bytes).map_err(|error| CliError::Read {
            file: format!("{role} {}", display_name(file)),
            error,
        })
    };
    let base_bytes = read("baseline", &args.baseline)?;
    let cur_bytes = read("current", &args.current)?;
    let input_error = |role: &str, file: &Path, error| CliError::Input {
        file: format!("{role} {}", display_name(file)),
        error,
    };
    let base_summary = JobSummary::from_slice(&base_bytes)
        .map_err(|e| input_error("baseline", &args.baseline, e))?;
    let cur_summary =
        JobSummary::from_slice(&cur_bytes).map_err(|e| input_error("current", &args.current, e))?;
    let base_graph = LineageGraph::build(&base_summary)
        .map_err(|e| input_error("baseline", &args.baseline, e))?;
    let cur_graph =
        LineageGraph::build(&cur_summary).map_err(|e| input_error("current", &args.current, e))?;
    if !cli.quiet {
        warn(
            &base_graph,
            &format!("baseline {}", display_name(&args.baseline)),
            cli.all,
        );
        warn(
            &cur_graph,
            &format!("current {}", display_name(&args.current)),
            cli.all,
        );
    }
    let (base, cur) = (Analysis::new(&base_graph), Analysis::new(&cur_graph));
    let mut d = diff::compare(
        &base,
        &cur,
        diff::DiffOptions {
            slower_ratio: args.slower_ratio,
            slower_min_ms: args.slower_min_ms,
        },
    );
    d.baseline.file = file_name(&args.baseline);
    d.current.file = file_name(&args.current);
    let file = d.current.file.clone();
    let opts = TextOptions {
        color: use_color(cli.color),
        caps: cli.caps(),
        file: file.clone(),
        advice: report::Advice::CLI,
    };
    let md = MarkdownOptions {
        caps: cli.caps(),
        file,
        ..MarkdownOptions::default()
    };
    write_stdout(|out| match args.format {
        Format::Text => text::diff(out, &d, opts),
        Format::Json => json::write(out, &d),
        Format::Markdown => markdown::diff(out, &d, &md),
    })?;
    let level = args.fail_on.map(|f| match f {
        FailOn::Regressed => diff::Verdict::Regressed,
        FailOn::Slower => diff::Verdict::Slower,
        FailOn::Changed => diff::Verdict::Changed,
    });
    Ok(match level {
        Some(level) if d.verdict.reaches(level) => EXIT_FAIL_ON,
        _ => EXIT_OK,
    })
}

/// What `dot` and `mermaid` draw: the focus asked for within the budget
/// (everything with `--all`); a whole-run diagram over the budget is drawn
/// whole, with a warning saying how big it is and what to focus on.
fn diagram_options(
    graph: &LineageGraph<'_>,
    d: &Diagram,
    all: bool,
    name: &str,
    quiet: bool,
    file: &Path,
) -> Result<DiagramOptions, CliError> {
    let focus = resolve_focus(graph, d.focus.as_deref(), file)?;
    let mut options = DiagramOptions::as_asked(view(d.view), focus);
    if all {
        options.max_stages = None;
    }
    let stages = graph.stage_count();
    if focus == Focus::All && !all && !quiet && stages > diagram::MAX_STAGES {
        eprintln!(
            "warning: {}: the diagram draws all {stages} stages, more than the {} a diagram stays readable at (Graphviz may take minutes); draw part of it with --focus failure or --focus STAGE, or pass --all to draw everything without this warning",
            one_line(name),
            diagram::MAX_STAGES
        );
    }
    Ok(options)
}

/// The diagram `--diagram` embeds in Markdown: what the failure touched
/// when the run did not succeed, else the whole run; within the budget
/// unless `--all`.
fn embedded_diagram(a: &Analysis<'_, '_>, v: ViewArg, all: bool) -> String {
    let status = dataprep_lineage::Status::of(a.graph.summary().run().execution_status.value());
    let failed = status != dataprep_lineage::Status::Success && !a.causes.root_causes().is_empty();
    let focus = if failed { Focus::Failure } else { Focus::All };
    let mut options = DiagramOptions::new(view(v), focus);
    if all {
        options.max_stages = None;
    }
    let mut chart = Vec::new();
    let _ = mermaid::write_with(&mut chart, a, options);
    String::from_utf8_lossy(&chart).into_owned()
}

fn markdown_options(a: &Analysis<'_, '_>, input: &Input, caps: report::Caps) -> MarkdownOptions {
    MarkdownOptions {
        diagram: input
            .diagram
            .map(|v| embedded_diagram(a, v, caps.screen.is_none())),
        caps,
        // Standard input cannot be read twice: no `Next:` commands for it.
        file: file_name(&input.file),
        advice: report::Advice::CLI_MARKDOWN,
    }
}

/// Mermaid's default `maxTextSize`: longer diagrams render as an error.
const MERMAID_MAX_TEXT: usize = 50_000;

/// What `--focus` names: `failure`, or a stage by id or unique name.
fn resolve_focus(
    graph: &LineageGraph<'_>,
    focus: Option<&str>,
    file: &Path,
) -> Result<Focus, CliError> {
    match focus {
        None => Ok(Focus::All),
        Some("failure") => Ok(Focus::Failure),
        Some(stage) => resolve_stage(graph, stage, file).map(Focus::Stage),
    }
}

/// The stage `--stage` names: an id, or else a unique exact name.
fn resolve_stage(
    graph: &LineageGraph<'_>,
    wanted: &str,
    file: &Path,
) -> Result<dataprep_lineage::graph::StageIx, CliError> {
    match graph.find_stage(wanted) {
        Ok(Some(s)) => Ok(s),
        Ok(None) => {
            // `--stage` takes an exact name (a name is what the response
            // says, and two stages may differ only in case); a near miss
            // is suggested, never taken silently.
            let close = similar_names(graph, wanted);
            let hint = if close.is_empty() {
                format!(
                    "`dataprep-lineage order {}` lists the stage ids and names of this run",
                    file.display()
                )
            } else {
                format!("did you mean {}?", close.join(" or "))
            };
            Err(CliError::Usage {
                message: format!(
                    "{}: no stage with id or name `{}` in this run",
                    display_name(file),
                    one_line(&dataprep_lineage::limits::shorten(wanted))
                ),
                hint,
            })
        }
        Err(many) => {
            let mut ids: Vec<String> = many
                .iter()
                .take(dataprep_lineage::caps::SCREEN)
                .map(|&s| dataprep_lineage::limits::short(graph.stage(s).id))
                .collect();
            if many.len() > ids.len() {
                ids.push(format!("… and {} more", many.len() - ids.len()));
            }
            Err(CliError::Usage {
                message: format!(
                    "{}: {} stages are named `{}` (ids {})",
                    display_name(file),
                    many.len(),
                    dataprep_lineage::limits::shorten(wanted),
                    ids.join(", ")
                ),
                hint: "pass one of their ids to --stage".to_owned(),
            })
        }
    }
}

/// Up to three stage names that `wanted` may have meant: equal ignoring
/// case and surrounding spaces first, then names containing it (or
/// contained in it) ignoring case; quoted, in topological order.
fn similar_names(graph: &LineageGraph<'_>, wanted: &str) -> Vec<String> {
    const SHOWN: usize = 3;
    let want = wanted.trim().to_lowercase();
    if want.is_empty() {
        return Vec::new();
    }
    let names: Vec<(String, &str)> = graph
        .topological_order()
        .filter_map(|s| graph.stage(s).shown_name())
        .map(|n| (n.trim().to_lowercase(), n))
        .collect();
    let mut close: Vec<&str> = names
        .iter()
        .filter(|(lower, _)| *lower == want)
        .map(|&(_, n)| n)
        .collect();
    if close.is_empty() {
        close = names
            .iter()
            .filter(|(lower, _)| lower.contains(&want) || want.contains(lower.as_str()))
            .map(|&(_, n)| n)
            .collect();
    }
    close.dedup();
    close
        .into_iter()
        .take(SHOWN)
        .map(|n| format!("`{}`", one_line(n)))
        .collect()
}

fn display_name(file: &Path) -> String {
    if file.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        file.display().to_string()
    }
}

fn view(v: ViewArg) -> View {
    match v {
        ViewArg::Stages => View::Stages,
        ViewArg::Lineage => View::Lineage,
    }
}

/// Warnings about odd input on standard error: at most 20 of each kind
/// (all that were kept with `--all`), then one line with the count of the
/// rest; buffered, one write per block.
fn warn(graph: &LineageGraph<'_>, name: &str, all: bool) {
    let stderr = io::stderr();
    let mut err = BufWriter::new(stderr.lock());
    let mut shown = [0usize; DiagnosticKind::ALL.len()];
    for d in graph.diagnostics() {
        let n = &mut shown[d.kind as usize];
        *n += 1;
        if all || *n <= dataprep_lineage::caps::SCREEN {
            let _ = writeln!(err, "warning: {}", one_line(&format!("{name}: {d}")));
        }
    }
    for kind in DiagnosticKind::ALL {
        let total = graph.diagnostic_count(kind);
        let printed = if all {
            shown[kind as usize]
        } else {
            shown[kind as usize].min(dataprep_lineage::caps::SCREEN)
        };
        if total > printed {
            let _ = writeln!(
                err,
                "warning: {}: … and {} more {} warnings{}",
                one_line(name),
                total - printed,
                kind.as_str(),
                if all { "" } else { " (--all shows more)" }
            );
        }
    }
    let _ = err.flush();
}

/// The nesting depth past which input is refused while it is still being
/// read. The parser refuses more than 128 levels anywhere it reads, but a
/// record kept lazily as text may nest deeper (the library reads at most 32
/// such records inside one another), so this only stops what no parse can
/// take: an endless `[[[[` is refused after a megabyte, not after memory.
const READ_DEPTH_LIMIT: usize = 1_000_000;

/// Why an input was not read whole.
#[derive(Debug)]
pub(super) enum ReadError {
    Io(io::Error),
    /// Larger than `--max-bytes` (`size` when known before reading).
    TooLarge {
        limit: u64,
        size: Option<u64>,
    },
    /// Nests deeper than the parser takes, seen at byte `at`.
    TooDeep {
        at: u64,
    },
    /// Its first byte that is not white space is a control or non-ASCII
    /// byte: it cannot start JSON.
    NotJson {
        at: u64,
        byte: u8,
    },
    /// Starts like gzip but does not decompress.
    Gzip(io::Error),
    /// Decompresses to more than `--max-bytes` (a gzip bomb, say).
    Inflates {
        limit: u64,
    },
}

/// Why [`DepthScan`] stopped reading.
enum Refusal {
    TooDeep(u64),
    NotJson { at: u64, byte: u8 },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => e.fmt(f),
            ReadError::TooLarge { limit, size: Some(size) } => write!(
                f,
                "the input is {size} bytes, more than --max-bytes {limit}; raise --max-bytes to read it"
            ),
            ReadError::TooLarge { limit, size: None } => write!(
                f,
                "the input is larger than --max-bytes {limit}; raise --max-bytes to read it"
            ),
            ReadError::NotJson { at, byte } => write!(
                f,
                "not JSON: byte {at} is 0x{byte:02x}, which cannot start a JSON value; stopped reading (is this the response body?)"
            ),
            ReadError::Gzip(e) => write!(f, "the input starts like gzip but is not a readable gzip stream: {e}"),
            ReadError::Inflates { limit } => write!(
                f,
                "the input decompresses to more than --max-bytes {limit}; raise --max-bytes to read it"
            ),
            ReadError::TooDeep { at } => write!(
                f,
                "invalid JSON: the input nests deeper than {READ_DEPTH_LIMIT} levels (at byte {at}); stopped reading"
            ),
        }
    }
}

/// Tracks how deep the JSON read so far nests, outside strings, so that an
/// endless `[[[[` on standard input is refused as it arrives instead of
/// after filling memory.
#[derive(Default)]
struct DepthScan {
    depth: usize,
    in_string: bool,
    escaped: bool,
    offset: u64,
    /// The first byte that is not white space was seen.
    started: bool,
}

impl DepthScan {
    /// Scans `chunk`: why to stop reading, if the input nests past the
    /// limit or does not start like JSON.
    fn scan(&mut self, chunk: &[u8]) -> Option<Refusal> {
        for &b in chunk {
            self.offset += 1;
            if !self.started {
                match b {
                    b' ' | b'\t' | b'\n' | b'\r' => continue,
                    // A byte order mark.
                    0xEF | 0xBB | 0xBF if self.offset <= 3 => continue,
                    // Text that is not JSON (an HTML error page, say) is
                    // left to the parser, which says where and why; a
                    // control or non-ASCII byte (`/dev/zero`, a binary
                    // file) cannot begin a response at all.
                    0x20..=0x7E => self.started = true,
                    _ => {
                        return Some(Refusal::NotJson {
                            at: self.offset,
                            byte: b,
                        })
                    }
                }
            }
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'[' | b'{' => {
                    self.depth += 1;
                    if self.depth > READ_DEPTH_LIMIT {
                        return Some(Refusal::TooDeep(self.offset));
                    }
                }
                b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        None
    }
}

/// Reads the input whole — a file or standard input, plain or
/// gzip-compressed (by its magic bytes, whatever the name) — refusing more
/// than `max` bytes after decompression, input that nests deeper than the
/// parser takes, and input whose first byte cannot start JSON (`/dev/zero`,
/// a binary file), each as soon as it is seen rather than after filling
/// memory. A file larger than `max` is refused by its length before it is
/// read.
pub(super) fn read_input(file: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let too_large = |size| ReadError::TooLarge { limit: max, size };
    let source: Box<dyn Read> = if file.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let f = std::fs::File::open(file).map_err(ReadError::Io)?;
        let size = f.metadata().map_err(ReadError::Io)?.len();
        if size > max {
            return Err(too_large(Some(size)));
        }
        Box::new(f)
    };
    let mut source = io::BufReader::with_capacity(1 << 16, source);
    use io::BufRead as _;
    let gzip = loop {
        match source.fill_buf() {
            Ok(head) => break head.starts_with(&[0x1f, 0x8b]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        }
    };
    let reader: Box<dyn Read> = if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(source))
    } else {
        Box::new(source)
    };
    let mut limited = reader.take(max.saturating_add(1));
    let mut bytes = Vec::new();
    let mut scan = DepthScan::default();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = match limited.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if gzip => return Err(ReadError::Gzip(e)),
            Err(e) => return Err(ReadError::Io(e)),
        };
        if gzip && (bytes.len() + n) as u64 > max {
            // Refused as it inflates past the limit, not after.
            return Err(ReadError::Inflates { limit: max });
        }
        match scan.scan(&chunk[..n]) {
            Some(Refusal::TooDeep(at)) => return Err(ReadError::TooDeep { at }),
            Some(Refusal::NotJson { at, byte }) => return Err(ReadError::NotJson { at, byte }),
            None => {}
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
    if bytes.len() as u64 > max {
        return Err(if gzip {
            ReadError::Inflates { limit: max }
        } else {
            too_large(None)
        });
    }
    Ok(bytes)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Renders the report straight into a buffered standard output (a concrete
/// type, so that JSON is written without a virtual call per token).
fn write_stdout(
    render: impl FnOnce(&mut BufWriter<io::StdoutLock<'static>>) -> io::Result<()>,
) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    render(&mut out)
        .and_then(|()| out.flush())
        .map_err(CliError::Output)
}
