//! `history PATH...`: finds the runs, reads them on every core, and prints
//! the aggregated history (or the facts as NDJSON).
//!
//! # Design
//!
//! Each file is read, decompressed, parsed, built, analysed and reduced to
//! its [`RunFacts`] on a worker thread; only the facts leave the thread, so
//! at most one response per thread is in memory at a time. The facts are
//! folded into one [`HistoryBuilder`] behind a mutex (adding is cheap next
//! to parsing), and the builder orders runs by the spec, not by which file
//! finished first. NDJSON is written in chunks of files in path order: the
//! workers analyse a chunk and serialise each run's rows, and the main
//! thread writes the previous chunk's rows in order meanwhile, so the output
//! is byte-identical on every run and memory stays bounded by two chunks,
//! however many files there are.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use dataprep_lineage::history::{HistoryBuilder, RunFacts, Skipped};
use dataprep_lineage::report::markdown::MarkdownOptions;
use dataprep_lineage::report::text::{self, one_line, TextOptions};
use dataprep_lineage::report::{json, markdown, Caps};

use super::{use_color, write_stdout, Cli, CliError};

/// Arguments of `history`.
#[derive(Debug, Args)]
pub(super) struct HistoryArgs {
    /// Job Summary API responses: files (`.json`, or gzip-compressed), and
    /// directories, searched recursively for `*.json` and `*.json.gz`.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,

    /// Only this pipeline: its id, or its name in its latest run (a renamed
    /// pipeline keeps all its runs). With --format ndjson, the rows of runs
    /// whose pipeline id or own name is this.
    #[arg(long, value_name = "ID")]
    pipeline: Option<String>,

    /// How many entries each list of the text and Markdown reports shows
    /// (flaky stages, recurring root causes, slower stages; the latest
    /// run's root causes are never cut).
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..))]
    top: u64,

    /// text for people, json for tools, markdown for chat, ndjson for query
    /// engines (one row per stage per run).
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
    format: HistoryFormat,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum HistoryFormat {
    Text,
    Json,
    Markdown,
    Ndjson,
    Html,
}

/// Per file of an NDJSON chunk: its rows (none when it is of another
/// pipeline than `--pipeline`), or why it could not be analysed.
type Rows = Result<Option<Vec<u8>>, String>;

/// NDJSON files analysed at once: enough to keep every core busy, few
/// enough that their rows are a small buffer.
const NDJSON_CHUNK: usize = 256;

pub(super) fn execute(cli: &Cli, args: &HistoryArgs) -> Result<u8, CliError> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(CliError::Usage {
            message: "history reads files and directories, not standard input (-)".to_owned(),
            hint: "save the responses to a folder and give its path".to_owned(),
        });
    }
    if args.jobs == Some(0) {
        return Err(CliError::Usage {
            message: "--jobs must be at least 1".to_owned(),
            hint: "leave it out to use one thread per core".to_owned(),
        });
    }
    let (files, skipped) = find_files(&args.paths);
    if files.is_empty() {
        for s in &skipped {
            eprintln!("skipped: {}: {}", one_line(&s.path), one_line(&s.error));
        }
        return Err(CliError::NoRuns {
            message: format!(
                "no *.json or *.json.gz file found in {}",
                args.paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let pool = worker_pool(args)?;
    let progress = progress_bar(cli, files.len());
    if args.format == HistoryFormat::Ndjson {
        return write_rows(cli, args, &files, skipped, &pool, &progress);
    }
    write_report(cli, args, &files, skipped, &pool, &progress)
}

/// The threads that read the runs (`--jobs`, else one per core).
fn worker_pool(args: &HistoryArgs) -> Result<rayon::ThreadPool, CliError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| CliError::Usage {
            message: format!(
                "cannot start {} worker threads: {e}",
                args.jobs.unwrap_or(0)
            ),
            hint: "try a smaller --jobs".to_owned(),
        })
}

/// A progress bar on a terminal's standard error (hidden with `--quiet` or
/// when standard error is not a terminal).
fn progress_bar(cli: &Cli, files: usize) -> ProgressBar {
    if !cli.quiet && io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} files  {per_sec}  eta {eta}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    }
}

/// `--format ndjson`: each run's rows written as the runs are read.
fn write_rows(
    cli: &Cli,
    args: &HistoryArgs,
    files: &[PathBuf],
    mut skipped: Vec<Skipped>,
    pool: &rayon::ThreadPool,
    progress: &ProgressBar,
) -> Result<u8, CliError> {
    let max = cli.max_bytes;
    // NDJSON rows are written as their runs are read, so a run is matched
    // by its own pipeline id and name; the reports match a pipeline by its
    // id or latest name once every run is in.
    let wanted = |f: &RunFacts| {
        args.pipeline.as_deref().is_none_or(|want| {
            f.pipeline_id == want || f.run.pipeline_name.as_deref() == Some(want)
        })
    };

    let mut analysed = 0usize;
    let mut matched = 0usize;
    // The pipelines of the runs `--pipeline` left out, to name them
    // when it matched none.
    let others: Mutex<std::collections::BTreeMap<String, Option<String>>> =
        Mutex::new(std::collections::BTreeMap::new());
    // Each worker also writes its run's rows into a buffer: serialising
    // is a good part of the work, and the writer only copies bytes.
    let analyse = |chunk: &[PathBuf]| -> Vec<Rows> {
        chunk
            .par_iter()
            .map(|f| {
                let r = facts_of(f, max).map(|facts| {
                    if !wanted(&facts) {
                        let mut seen = others.lock().unwrap_or_else(|e| e.into_inner());
                        seen.entry(facts.pipeline_id.clone())
                            .or_insert_with(|| facts.run.pipeline_name.clone());
                    }
                    wanted(&facts).then(|| {
                        let mut rows = Vec::new();
                        for row in facts.rows() {
                            // Writing to a Vec cannot fail.
                            let _ = json::write_line(&mut rows, &row);
                        }
                        rows
                    })
                });
                progress.inc(1);
                r
            })
            .collect()
    };
    write_stdout(|out| {
        // The rows of one chunk are written while the next is analysed,
        // so that the workers do not wait for the writer.
        let mut write = |chunk: &[PathBuf], results: Vec<Rows>| {
            for (file, result) in chunk.iter().zip(results) {
                match result {
                    Ok(rows) => {
                        analysed += 1;
                        if let Some(rows) = rows {
                            matched += 1;
                            out.write_all(&rows)?;
                        }
                    }
                    Err(error) => skipped.push(Skipped {
                        path: file.display().to_string(),
                        error,
                    }),
                }
            }
            io::Result::Ok(())
        };
        let mut pending: Option<(&[PathBuf], Vec<Rows>)> = None;
        for chunk in files.chunks(NDJSON_CHUNK) {
            let mut results = Vec::new();
            let written = pool.in_place_scope(|scope| {
                scope.spawn(|_| results = analyse(chunk));
                match pending.take() {
                    Some((c, r)) => write(c, r),
                    None => Ok(()),
                }
            });
            written?;
            pending = Some((chunk, results));
        }
        match pending {
            Some((c, r)) => write(c, r),
            None => Ok(()),
        }
    })?;
    progress.finish_and_clear();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    for s in &skipped {
        eprintln!("skipped: {}: {}", one_line(&s.path), one_line(&s.error));
    }
    if analysed == 0 {
        return Err(no_file_analysed(skipped.len()));
    }
    if let (Some(want), 0) = (&args.pipeline, matched) {
        let others = others.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut found: Vec<String> = others
            .iter()
            .take(10)
            .map(|(id, name)| match name {
                Some(n) if n != id => format!("{} \"{}\"", one_line(id), one_line(n)),
                _ if id.is_empty() => "(no pipeline id)".to_owned(),
                _ => one_line(id).to_string(),
            })
            .collect();
        if others.len() > 10 {
            found.push(format!("and {} more", others.len() - 10));
        }
        return Err(no_such_pipeline(want, analysed, &found.join(", ")));
    }
    Ok(super::EXIT_OK)
}

/// The history of every run read, as text, JSON or Markdown.
fn write_report(
    cli: &Cli,
    args: &HistoryArgs,
    files: &[PathBuf],
    skipped: Vec<Skipped>,
    pool: &rayon::ThreadPool,
    progress: &ProgressBar,
) -> Result<u8, CliError> {
    let max = cli.max_bytes;
    let builder = Mutex::new(HistoryBuilder::new());
    pool.install(|| {
        // The files are sorted: a file's position is its path's order.
        files.par_iter().enumerate().for_each(|(ix, f)| {
            let result = facts_of(f, max);
            progress.inc(1);
            let mut b = builder.lock().unwrap_or_else(|e| e.into_inner());
            match result {
                Ok(facts) => b.add(ix as u64, facts),
                Err(error) => b.skip(f.display().to_string(), error),
            }
        })
    });
    progress.finish_and_clear();
    let mut builder = builder.into_inner().unwrap_or_else(|e| e.into_inner());
    for s in skipped {
        builder.skip(s.path, s.error);
    }
    let mut h = builder.finish();
    if h.analysed == 0 {
        for s in &h.skipped {
            eprintln!("skipped: {}: {}", one_line(&s.path), one_line(&s.error));
        }
        return Err(no_file_analysed(h.skipped.len()));
    }
    if let Some(want) = &args.pipeline {
        let found = pipeline_list(&h);
        h.retain_pipeline(want);
        if h.pipelines.is_empty() {
            for s in &h.skipped {
                eprintln!("skipped: {}: {}", one_line(&s.path), one_line(&s.error));
            }
            return Err(no_such_pipeline(want, h.analysed, &found));
        }
    }
    let caps = if cli.all {
        Caps::ALL
    } else {
        Caps {
            top: Some(usize::try_from(args.top).unwrap_or(usize::MAX)),
            ..Caps::DEFAULT
        }
    };
    let opts = TextOptions {
        color: use_color(cli.color),
        caps,
        ..TextOptions::default()
    };
    let md = MarkdownOptions {
        caps,
        ..MarkdownOptions::default()
    };
    write_stdout(|out| match args.format {
        HistoryFormat::Text => text::history(out, &h, opts),
        HistoryFormat::Json => json::write(out, &h),
        HistoryFormat::Markdown => markdown::history(out, &h, &md),
        HistoryFormat::Html => dataprep_lineage::report::html::history(out, &h),
        HistoryFormat::Ndjson => Ok(()),
    })?;
    Ok(super::EXIT_OK)
}

/// `12 "Daily sales", 13 "Refunds"`: the pipelines found, at most ten, for
/// a warning that the one asked for is not among them.
fn pipeline_list(h: &dataprep_lineage::history::History) -> String {
    const SHOWN: usize = 10;
    let mut list: Vec<String> = h
        .pipelines
        .iter()
        .take(SHOWN)
        .map(|p| match &p.name {
            Some(n) if *n != p.pipeline_id => {
                format!("{} \"{}\"", one_line(&p.pipeline_id), one_line(n))
            }
            _ if p.pipeline_id.is_empty() => "(no pipeline id)".to_owned(),
            _ => one_line(&p.pipeline_id).to_string(),
        })
        .collect();
    if h.pipelines.len() > SHOWN {
        list.push(format!("and {} more", h.pipelines.len() - SHOWN));
    }
    list.join(", ")
}

/// `--pipeline` named none of the pipelines found: a usage error (exit 2)
/// that names them.
fn no_such_pipeline(want: &str, analysed: usize, found: &str) -> CliError {
    CliError::Usage {
        message: format!(
            "no pipeline {} among the {analysed} run{} analysed; found: {found}",
            one_line(want),
            if analysed == 1 { "" } else { "s" }
        ),
        hint:
            "give --pipeline one of the ids or names found, or leave it out to see every pipeline"
                .to_owned(),
    }
}

fn no_file_analysed(skipped: usize) -> CliError {
    CliError::NoRuns {
        message: format!(
            "no file could be analysed ({skipped} skipped; each is listed above with its error)"
        ),
    }
}

/// Every file to read, sorted and without repeats (a file reached twice
/// through a symbolic link is read once), and what could not be searched.
/// Directories are walked following symbolic links; a link that loops back
/// to a directory above it is reported, not followed.
fn find_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => skipped.push(Skipped {
                path: path.display().to_string(),
                error: if e.kind() == io::ErrorKind::NotFound {
                    "does not exist".to_owned()
                } else {
                    e.to_string()
                },
            }),
            Ok(m) if !m.is_dir() => files.push(path.clone()),
            Ok(_) => {
                for entry in walkdir::WalkDir::new(path).follow_links(true) {
                    match entry {
                        Ok(e) if e.file_type().is_file() && is_summary_name(e.path()) => {
                            files.push(e.into_path())
                        }
                        Ok(_) => {}
                        Err(e) => skipped.push(Skipped {
                            path: e.path().map_or_else(
                                || path.display().to_string(),
                                |p| p.display().to_string(),
                            ),
                            error: walk_error(&e),
                        }),
                    }
                }
            }
        }
    }
    // The same file under two names (a path given twice, a linked
    // directory) is one run: the first name in path order is kept.
    files.sort();
    files.dedup();
    let mut seen = std::collections::HashSet::with_capacity(files.len());
    files.retain(|f| seen.insert(file_identity(f)));
    files.shrink_to_fit();
    (files, skipped)
}

/// What makes two paths the same file: its device and inode where there
/// are such (16 bytes a file, however long the path), else its canonical
/// path.
#[derive(Debug, PartialEq, Eq, Hash)]
enum FileIdentity {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

fn file_identity(path: &Path) -> FileIdentity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(m) = std::fs::metadata(path) {
            return FileIdentity::Inode(m.dev(), m.ino());
        }
    }
    FileIdentity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned()))
}

fn walk_error(e: &walkdir::Error) -> String {
    if let Some(ancestor) = e.loop_ancestor() {
        return format!(
            "symbolic link loop back to {}; not followed",
            ancestor.display()
        );
    }
    e.io_error()
        .map_or_else(|| e.to_string(), |io| io.to_string())
}

fn is_summary_name(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".json") || name.ends_with(".json.gz")
}

/// Reads one file (gzip when it starts with gzip's magic bytes) and keeps
/// its facts; the error says why not.
fn facts_of(path: &Path, max: u64) -> Result<RunFacts, String> {
    let bytes = read_run(path, max)?;
    let mut facts = RunFacts::from_slice(&bytes).map_err(|e| e.to_string())?;
    facts.run.file = Some(path.display().to_string());
    Ok(facts)
}

/// The bytes of a run, at most `max` of them after decompression: a gzip
/// stream that inflates past the limit (an endless or a bomb) is refused
/// when it reaches it, not after filling memory.
fn read_run(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    super::read_input(path, max).map_err(|e| e.to_string())
}
