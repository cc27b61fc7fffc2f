//! Command-line interface: arguments, input, output and exit codes.

mod args;
mod compare;
mod error;
mod history;
mod input;

use args::*;
use compare::execute_diff;
use error::CliError;
pub use error::{EXIT_FAIL_ON, EXIT_OK, EXIT_USAGE};
use input::*;

use std::fmt;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use dataprep_lineage::diagram::{self, DiagramOptions, Focus, View};
use dataprep_lineage::report::markdown::MarkdownOptions;
use dataprep_lineage::report::text::{one_line, TextOptions};
use dataprep_lineage::report::{self, json, markdown, schema, text};
use dataprep_lineage::{dot, mermaid, Analysis, DiagnosticKind, Error, JobSummary, LineageGraph};

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
    if let Command::Schema { subcommand } = &cli.command {
        let text = schema::for_subcommand(subcommand)
            .map(|s| schema::to_pretty_string(&s))
            .unwrap_or_default();
        return write_stdout(|out| out.write_all(text.as_bytes()));
    }
    let Some(file) = checked_file(cli)? else {
        return Ok(());
    };
    load(cli, file, "", |graph, name| analyse(cli, file, graph, name))
}

/// The FILE of a one-run subcommand, once its other arguments are checked
/// (`None` for the subcommands that read no single FILE).
fn checked_file(cli: &Cli) -> Result<Option<&Path>, CliError> {
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
        Command::Dot(d) | Command::Mermaid(d) | Command::Html(d) => &d.file,
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
        Command::Diff(_) | Command::History(_) | Command::Schema { .. } => return Ok(None),
    };
    Ok(Some(file))
}

/// Analyses one run and writes what its subcommand asks for.
fn analyse(cli: &Cli, file: &Path, graph: &LineageGraph<'_>, name: &str) -> Result<(), CliError> {
    let analysis = Analysis::new(graph);
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
            let s = resolve_stage(graph, wanted, file)?;
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
            let options = diagram_options(graph, d, cli.all, name, cli.quiet, file)?;
            write_stdout(|out| dot::write_with(out, &analysis, options))
        }
        Command::Mermaid(d) => {
            let options = diagram_options(graph, d, cli.all, name, cli.quiet, file)?;
            let mut chart = Vec::new();
            let _ = mermaid::write_with(&mut chart, &analysis, options);
            // GitHub's Mermaid draws an error box past 50,000 characters.
            if chart.len() > MERMAID_MAX_TEXT && !cli.quiet {
                eprintln!(
                    "warning: {}: the diagram is {} characters, more than the {MERMAID_MAX_TEXT} Mermaid draws by default (GitHub shows an error); try --focus failure or --focus STAGE",
                    one_line(name),
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
        Command::Html(d) => {
            let focus = match d.focus.as_deref() {
                Some(_) => resolve_focus(graph, d.focus.as_deref(), file)?,
                None if analysis.root_causes().is_empty() => Focus::All,
                None => Focus::Failure,
            };
            let mut page = report::html::RunPage::with(
                &analysis,
                DiagramOptions::new(view(d.view), focus),
                caps,
            );
            page.why.run = run;
            write_stdout(|out| report::html::run(out, &page))
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

fn view(v: ViewArg) -> View {
    match v {
        ViewArg::Stages => View::Stages,
        ViewArg::Lineage => View::Lineage,
    }
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
