//! `diff BASELINE CURRENT`: two runs read, analysed and compared.

use super::*;
use dataprep_lineage::diff;

/// `diff BASELINE CURRENT`: two inputs, each read, parsed and analysed on
/// its own (an error names which), then compared.
pub(super) fn execute_diff(cli: &Cli, args: &DiffArgs) -> Result<u8, CliError> {
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
    load(cli, &args.baseline, "baseline", |base_graph, _| {
        load(cli, &args.current, "current", |cur_graph, _| {
            compare_and_write(cli, args, base_graph, cur_graph)
        })
    })
}

/// Compares the two runs, writes the comparison, and says whether its
/// verdict reached `--fail-on`.
fn compare_and_write(
    cli: &Cli,
    args: &DiffArgs,
    base_graph: &LineageGraph<'_>,
    cur_graph: &LineageGraph<'_>,
) -> Result<u8, CliError> {
    let (base, cur) = (Analysis::new(base_graph), Analysis::new(cur_graph));
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
        DiffFormat::Text => text::diff(out, &d, opts),
        DiffFormat::Json => json::write(out, &d),
        DiffFormat::Markdown => markdown::diff(out, &d, &md),
        DiffFormat::Html => {
            let rows = report::Caps {
                max_entries: Some(report::html::PAGE_ROWS),
                ..cli.caps()
            };
            let rows = if cli.all { report::Caps::ALL } else { rows };
            report::html::diff(
                out,
                &d,
                &report::Timeline::with_caps(&base, rows),
                &report::Timeline::with_caps(&cur, rows),
            )
        }
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
