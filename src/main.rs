//! The `dataprep-lineage` command: a thin layer over the library.
//!
//! Parsing arguments, reading the file, choosing text or JSON and writing the
//! result are all it does; every answer comes from `dataprep_lineage`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
