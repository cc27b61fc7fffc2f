//! Command-line interface: arguments, input, output and exit codes.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use dataprep_lineage::diagram::View;
use dataprep_lineage::report::text::{one_line, TextOptions};
use dataprep_lineage::report::{json, text, Analysis};
use dataprep_lineage::{dot, mermaid, Error, JobSummary, LineageGraph};

/// The analysis was printed, whatever the run's own outcome.
pub const EXIT_OK: u8 = 0;
/// The input could not be analysed (unreadable, not JSON, an API error, a cycle…).
pub const EXIT_INPUT: u8 = 1;
/// The command line was wrong (unknown flag, missing file argument, unknown `--stage` id).
pub const EXIT_USAGE: u8 = 2;

const ABOUT: &str = "Explain a Zoho DataPrep pipeline run from its Job Summary API response: \
why it failed, why it took so long, and what the pipeline looks like.";

const EXAMPLES: &str = "\
Examples:
  dataprep-lineage why fixtures/failed_transform_blocks_exports.json
  curl -s \"$JOB_SUMMARY_URL\" | dataprep-lineage summary -
  dataprep-lineage critical-path run.json --format json
  dataprep-lineage dot run.json --view lineage | dot -Tsvg > run.svg

FILE is the JSON body of a Job Summary API response, or - for standard input.
Warnings about odd input go to standard error (--quiet hides them).
Exit status: 0 printed, 1 the input could not be analysed, 2 usage error.";

#[derive(Debug, Parser)]
#[command(name = "dataprep-lineage", version, about = ABOUT, after_help = EXAMPLES, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Do not print warnings about odd input to standard error.
    #[arg(long, short, global = true)]
    quiet: bool,

    /// When to colour text output: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
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
        dataprep-lineage why run.json --stage 14057000007569523   # what held this stage back?"
    )]
    Why {
        #[command(flatten)]
        input: Input,
        /// Trace one stage instead: its culprits and the shortest dependency path from each.
        #[arg(long, value_name = "ID")]
        stage: Option<String>,
    },

    /// The stages in the order they can run (parents first, ties by smallest
    /// id), with each stage's level.
    #[command(
        after_help = "Example:\n  dataprep-lineage order fixtures/successful_multi_source_run.json --format json"
    )]
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
        after_help = "Example:\n  dataprep-lineage dot run.json --view lineage | dot -Tsvg > run.svg"
    )]
    Dot(Diagram),

    /// The pipeline as a Mermaid flowchart (renders on GitHub in a ```mermaid block).
    #[command(after_help = "Example:\n  dataprep-lineage mermaid run.json > run.mmd")]
    Mermaid(Diagram),
}

#[derive(Debug, Args)]
struct Input {
    /// Job Summary API response (JSON), or - for standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// text for people, json for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
struct Diagram {
    /// Job Summary API response (JSON), or - for standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// stages: the stages and their dependencies; lineage: with sources, datasets and export targets.
    #[arg(long, value_enum, default_value_t = ViewArg::Stages)]
    view: ViewArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
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
    ExitCode::from(execute(&cli))
}

fn execute(cli: &Cli) -> u8 {
    let file = match &cli.command {
        Command::Summary(i)
        | Command::Order(i)
        | Command::CriticalPath(i)
        | Command::Why { input: i, .. } => &i.file,
        Command::Dot(d) | Command::Mermaid(d) => &d.file,
    };
    let name = if file.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        file.display().to_string()
    };

    let bytes = match read_input(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {name}: {e}");
            return EXIT_INPUT;
        }
    };
    let summary = match JobSummary::from_slice(&bytes) {
        Ok(s) => s,
        Err(e) => return input_error(&name, &e),
    };
    let graph = match LineageGraph::build(&summary) {
        Ok(g) => g,
        Err(e) => return input_error(&name, &e),
    };
    if !cli.quiet {
        let stderr = io::stderr();
        let mut err = stderr.lock();
        for d in graph.diagnostics() {
            let _ = writeln!(err, "warning: {}", one_line(&format!("{name}: {d}")));
        }
    }

    let analysis = Analysis::new(&graph);
    let opts = TextOptions {
        color: use_color(cli.color),
    };
    let output = match &cli.command {
        Command::Summary(i) => match i.format {
            Format::Text => text::summary(&analysis, opts),
            Format::Json => json::to_string(&json::summary(&analysis)),
        },
        Command::Why { input, stage: None } => match input.format {
            Format::Text => text::why(&analysis, opts),
            Format::Json => json::to_string(&json::why(&analysis)),
        },
        Command::Why {
            input,
            stage: Some(id),
        } => {
            let result = match input.format {
                Format::Text => text::trace(&analysis, id, opts),
                Format::Json => json::trace(&analysis, id).map(|t| json::to_string(&t)),
            };
            match result {
                Ok(out) => out,
                Err(e) => {
                    eprintln!("error: {}", one_line(&format!("{name}: {e}")));
                    eprintln!(
                        "hint: `dataprep-lineage order {}` lists the stage ids of this run",
                        file.display()
                    );
                    return EXIT_USAGE;
                }
            }
        }
        Command::Order(i) => match i.format {
            Format::Text => text::order(&analysis, opts),
            Format::Json => json::to_string(&json::order(&analysis)),
        },
        Command::CriticalPath(i) => match i.format {
            Format::Text => text::critical_path(&analysis, opts),
            Format::Json => json::to_string(&json::critical_path(&analysis)),
        },
        Command::Dot(d) => dot::render(&analysis, view(d.view)),
        Command::Mermaid(d) => mermaid::render(&analysis, view(d.view)),
    };
    write_stdout(&output)
}

fn view(v: ViewArg) -> View {
    match v {
        ViewArg::Stages => View::Stages,
        ViewArg::Lineage => View::Lineage,
    }
}

fn read_input(file: &PathBuf) -> io::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(file)
    }
}

fn input_error(name: &str, e: &Error) -> u8 {
    // Errors quote the input (API messages, stage ids): no control character
    // of it reaches the terminal.
    eprintln!("error: {}", one_line(&format!("{name}: {e}")));
    let hint = match e {
        Error::Syntax { .. } => Some("the file must be the JSON body of a Job Summary API response"),
        Error::NoRun { .. } => Some("a Job Summary API response looks like {\"pipelinerun\": {...}, \"response_status\": {...}}"),
        Error::Api { .. } => Some("the API call itself failed; check the run id and your access, then fetch the summary again"),
        Error::Cycle { .. } => Some("pipelinetaskinstancemappers maps each child stage to its parents; one of these entries is wrong"),
        Error::MissingId { .. } => Some("every entry of pipelinetaskinstances needs an `id`"),
        _ => None,
    };
    if let Some(h) = hint {
        eprintln!("hint: {h}");
    }
    EXIT_INPUT
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

/// Writes the report; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) -> u8 {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            EXIT_INPUT
        }
    }
}
