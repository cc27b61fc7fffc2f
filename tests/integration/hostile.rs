//! Bounded on every input (docs/semantics.md#bounded-output): each hostile
//! shape, built to make one part of the work explode, run through the binary
//! at a size and at twice that size, in every subcommand and format. No
//! panic, no abort, and output that is at most a fixed multiple of the input.
//!
//! The fixed multiple: text, Markdown, DOT and Mermaid at most 64 times the
//! input (every list shows at most 20 entries; ids and names are cut at 200
//! characters). JSON is at most 64 times the input plus the report budget
//! (SPEC §5: 100,000 capped entries in all, each under 160 bytes even as a
//! named stage; ids are cut at 200 characters). Time and memory growth are
//! measured in `benches/hostile.sh` (BENCHMARKS.md), not asserted here.

use crate::shapes::*;

const RUNS: [&[&str]; 13] = [
    &["html", "--view", "lineage"],
    &["summary"],
    &["summary", "--format", "json"],
    &["why"],
    &["why", "--format", "json"],
    &["why", "--format", "markdown", "--diagram"],
    &["order"],
    &["order", "--format", "json"],
    &["critical-path", "--format", "markdown"],
    &["critical-path", "--format", "json"],
    &["dot", "--view", "lineage"],
    &["mermaid", "--view", "lineage"],
    &["why", "--stage", "9"],
];

pub(crate) struct Ran {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) out: usize,
    pub(crate) err: String,
}

/// The binary on `input` through standard input, with `args` before `-`.
pub(crate) fn run(input: &[u8], args: &[&str]) -> Ran {
    let o = crate::support::Bin::new()
        .args(args)
        .args(["-", "--color", "never"])
        .stdin(input)
        .run();
    Ran {
        code: o.code,
        stdout: o.out(),
        out: o.stdout.len() + o.stderr.len(),
        err: o.err(),
    }
}

#[test]
fn every_hostile_shape_at_a_size_and_twice_it() {
    for (name, make, size) in SHAPES {
        for n in [size, 2 * size] {
            let input = make(n);
            for args in RUNS {
                let r = run(input.as_bytes(), args);
                // 0, or 1 for an input refused as too deep; 2 for a
                // `--stage` the shape does not have. Never a signal.
                assert!(
                    matches!(r.code, Some(0..=2)),
                    "{name} ({n}) {args:?}: exit {:?}\n{}",
                    r.code,
                    r.err.chars().take(2000).collect::<String>()
                );
                assert!(
                    !r.err.contains("panicked"),
                    "{name} ({n}) {args:?}: {}",
                    r.err
                );
                let budget = if args.contains(&"json") {
                    100_000 * 160
                } else {
                    0
                };
                assert!(
                    r.out <= 64 * input.len() + budget + 65_536,
                    "{name} ({n}) {args:?}: {} bytes of output for {} of input",
                    r.out,
                    input.len()
                );
            }
        }
    }
}

#[test]
fn run_copies_nested_deeper_than_any_parse_are_read_32_deep() {
    use dataprep_lineage::{report, Analysis, JobSummary, LineageGraph};
    for depth in [4_000, 8_000] {
        let text = nested_run_copies(depth);
        let summary = JobSummary::from_str(&text).expect("parses: the copies are kept as text");
        let graph = LineageGraph::build(&summary).unwrap();
        let why = report::Why::new(&Analysis::new(&graph));
        // The evidence walk read the copies 32 deep, no further.
        let deep = why.root_causes[0]
            .evidence
            .iter()
            .filter(|e| e.text == "deep")
            .count();
        assert_eq!(deep, dataprep_lineage::model::lenient::LAZY_NESTING_LIMIT);
        // Owning the summary reads them as deep, no deeper.
        let owned = summary.into_owned();
        assert_eq!(owned.task_instances().count(), 1);
    }
}

#[test]
fn warnings_are_grouped_by_kind() {
    let r = run(anomalies(300).as_bytes(), &["order"]);
    assert_eq!(r.code, Some(0));
    // 20 lines of each kind, then one line with the count of the rest.
    let unknown_rule = r.err.matches("not a known rule").count();
    assert_eq!(unknown_rule, 20, "{}", r.err);
    assert!(
        r.err
            .contains("… and 280 more unknown_trigger_rule warnings"),
        "{}",
        r.err
    );
    let all = run(anomalies(300).as_bytes(), &["order", "--all"]);
    assert_eq!(all.err.matches("not a known rule").count(), 300);
}

#[test]
fn an_endless_opening_is_refused_while_it_is_read() {
    // 50 MB of `[`: refused after the first few hundred bytes, not read whole.
    let input = vec![b'['; 50 << 20];
    let started = std::time::Instant::now();
    let r = run(&input, &["why"]);
    assert_eq!(r.code, Some(1), "{}", r.err);
    assert!(
        r.err.contains("nests deeper than 1000000 levels"),
        "{}",
        r.err
    );
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn input_over_max_bytes_is_refused_before_it_is_read() {
    let input = roots_into_a_chain(10);
    let r = run(input.as_bytes(), &["why", "--max-bytes", "100"]);
    assert_eq!(r.code, Some(1));
    assert!(r.err.contains("larger than --max-bytes 100"), "{}", r.err);
    // A file is refused by its length.
    let dir = std::env::temp_dir().join(format!("dpl-max-bytes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("run.json");
    std::fs::write(&file, &input).unwrap();
    let o = crate::support::bin()
        .args(["why", "--max-bytes", "100"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "is {} bytes, more than --max-bytes 100",
            input.len()
        )),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn capped_lists_say_how_many_there_are() {
    // 1,200 stages blocked by each of 3 roots: 1,000 kept, 1,200 counted.
    let input = {
        let mut stages = Vec::new();
        let mut mappers = Vec::new();
        let roots = vec!["1".to_owned(), "2".to_owned(), "3".to_owned()];
        for r in &roots {
            stages.push(stage(r, -1, "root"));
            mappers.push((r.clone(), vec![]));
        }
        for j in 0..1_200 {
            let id = format!("{}", 100 + j);
            stages.push(stage(&id, 2, "step"));
            mappers.push((
                id,
                if j == 0 {
                    roots.clone()
                } else {
                    vec![format!("{}", 100 + j - 1)]
                },
            ));
        }
        run_doc(&stages, &mappers)
    };
    let o = run(input.as_bytes(), &["why", "--format", "json", "--quiet"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    for rc in v["root_causes"].as_array().unwrap() {
        assert_eq!(rc["blocked_count"], 1_200);
        assert_eq!(rc["blocked"].as_array().unwrap().len(), 1_000);
        assert_eq!(rc["blocked_stages"].as_array().unwrap().len(), 20);
        assert_eq!(rc["blast_radius"]["stages_count"], 1_200);
        assert_eq!(rc["blast_radius_count"], 1_200);
    }
    let text = run(input.as_bytes(), &["why"]);
    assert_eq!(text.code, Some(0));
}

#[test]
fn tables_cut_the_name_column_not_the_status() {
    // One 100 KB name among ordinary stages: the name cell is cut, the row
    // stays one screen wide, and the status column is whole.
    let input = long_names(3);
    for args in [&["order"][..], &["critical-path"][..]] {
        let args: Vec<&str> = args.iter().copied().chain(["--quiet"]).collect();
        let out = run(input.as_bytes(), &args).stdout;
        // Every line is bounded (names are shortened to 197 characters)…
        let widest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(
            widest < 300,
            "{args:?}: a line of {widest} characters\n{out}"
        );
        // …and the table's rows, whose name cell is cut at 48, are narrow.
        let table = match out.split_once("Every stage (topological order):") {
            Some((_, table)) => table,
            None => out.split_once("\n\n").map_or("", |(_, t)| t),
        };
        let widest = table.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(
            widest < 160,
            "{args:?}: a row of {widest} characters\n{table}"
        );
        assert!(
            out.contains("NNNNNNNN…"),
            "{args:?}: the long name is not cut\n{out}"
        );
        assert!(
            out.contains("created"),
            "{args:?}: the status column is gone\n{out}"
        );
    }
}

/// One screen on any run: a 20,000-stage chain (10,000 that ran, a failure,
/// 9,999 it blocked) and 20,000 independent failures: `summary` and `why`
/// fit in 80 lines, saying how many more there are.
#[test]
fn a_twenty_thousand_stage_run_fits_one_screen() {
    use crate::support::{run as doc, s};
    let mut chain = Vec::new();
    for i in 0..20_000i64 {
        let id = (100_000 + i).to_string();
        let parent = (100_000 + i - 1).to_string();
        let parents: Vec<&str> = if i == 0 {
            vec![]
        } else {
            vec![parent.as_str()]
        };
        chain.push(match i {
            i if i < 10_000 => s(&id, 1, &parents).time(i * 1000, i * 1000 + 900),
            10_000 => s(&id, -1, &parents).time(10_000_000, 10_000_500),
            _ => s(&id, 2, &parents),
        });
    }
    let independent: Vec<_> = (0..20_000)
        .map(|i| s(&(100_000 + i).to_string(), -1, &[]))
        .collect();
    for (what, stages) in [("chain", chain), ("independent failures", independent)] {
        let input = doc(-1, &stages).to_string();
        for cmd in ["summary", "why"] {
            let out = run(input.as_bytes(), &[cmd, "--quiet"]).stdout;
            let lines = out.lines().count();
            assert!(lines < 80, "{what}: {cmd} printed {lines} lines\n{out}");
            assert!(
                out.contains("--all shows every one"),
                "{what}: {cmd}\n{out}"
            );
        }
    }
}

#[test]
fn a_mermaid_chart_past_what_mermaid_draws_says_so_and_focus_helps() {
    // 400 failed roots into one 400-stage chain: a chart of ~100,000 characters.
    let input = roots_into_a_chain(400);
    let whole = run(input.as_bytes(), &["mermaid"]);
    assert_eq!(whole.code, Some(0));
    assert!(whole.err.contains("try --focus failure"), "{}", whole.err);
    // One stage of the chain: its ancestors are the 400 roots and the chain
    // above it; a stage at the top of the chain keeps it small.
    let focused = run(input.as_bytes(), &["mermaid", "--focus", "1000000"]);
    assert_eq!(focused.code, Some(0), "{}", focused.err);
    assert!(!focused.err.contains("try --focus"), "{}", focused.err);
    let unknown = run(input.as_bytes(), &["dot", "--focus", "no such stage"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.err.contains("no stage with id or name"),
        "{}",
        unknown.err
    );
}

#[test]
fn one_budget_holds_every_report_at_a_size_and_twice_it() {
    // SPEC §5: 1,000 root causes shown, their nested lists cut evenly so
    // that one report holds at most 100,000 capped entries, never below 10
    // a list, every list keeping its exact count.
    for n in [1_500, 3_000] {
        let input = roots_into_an_export_chain(n);
        let o = run(input.as_bytes(), &["why", "--format", "json", "--quiet"]);
        assert_eq!(o.code, Some(0), "{}", o.err);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        assert_eq!(v["root_causes_count"], n);
        let rcs = v["root_causes"].as_array().unwrap();
        assert_eq!(rcs.len(), 1_000);
        let mut entries = 0;
        for rc in rcs {
            assert_eq!(rc["blocked_count"], n);
            assert_eq!(rc["blast_radius"]["stages_count"], n);
            assert_eq!(rc["blast_radius"]["data_count"], n);
            for list in [
                &rc["blocked"],
                &rc["blocked_stages"],
                &rc["blast_radius"]["stages"],
                &rc["blast_radius"]["data"],
                &rc["exports_downstream"],
                &rc["evidence"],
            ] {
                let len = list.as_array().unwrap().len();
                entries += len;
            }
            assert!(rc["blocked"].as_array().unwrap().len() >= 10);
        }
        for e in v["errors"].as_array().unwrap() {
            entries += e["stages"].as_array().unwrap().len();
        }
        assert!(entries <= 100_000, "{n}: {entries} entries");
        assert!(o.stdout.len() < 16 << 20, "{n}: {} bytes", o.stdout.len());

        // `--all` lifts the budget.
        if n == 1_500 {
            let all = run(
                input.as_bytes(),
                &["why", "--format", "json", "--quiet", "--all"],
            );
            let v: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
            assert_eq!(v["root_causes"].as_array().unwrap().len(), n);
            assert_eq!(v["root_causes"][0]["blocked"].as_array().unwrap().len(), n);
        }

        // `why --stage` on the chain's end: 1,000 culprits, each path cut
        // to its two ends within the budget, its length counted.
        let o = run(
            input.as_bytes(),
            &["why", "--stage", "9", "--format", "json", "--quiet"],
        );
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        assert_eq!(v["culprits_count"], n);
        let culprits = v["culprits"].as_array().unwrap();
        assert_eq!(culprits.len(), 1_000);
        for c in culprits {
            let path = c["path"].as_array().unwrap();
            assert_eq!(c["path_count"], n + 1);
            assert_eq!(path.len(), 50);
            assert_eq!(path[0], c["id"]);
            assert_eq!(path[49], "9", "a cut path still ends at the stage");
            assert_eq!(c["path_stages"].as_array().unwrap().len(), 50);
        }
        assert!(o.stdout.len() < 16 << 20, "{n}: {} bytes", o.stdout.len());

        // Text says what was left out and still ends at the stage.
        let o = run(input.as_bytes(), &["why", "--stage", "9", "--quiet"]);
        let path = o.stdout.lines().find(|l| l.contains("path:")).unwrap();
        assert!(path.contains(&format!("… {} more …", n + 1 - 20)), "{path}");
        assert!(path.ends_with("export"), "{path}");
    }
}

#[test]
fn many_failed_streams_keep_a_capped_evidence_list_with_its_count() {
    let input = many_failed_streams(5_000);
    let o = run(input.as_bytes(), &["why", "--format", "json", "--quiet"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let rc = &v["root_causes"][0];
    assert_eq!(rc["evidence_count"], 5_000);
    assert_eq!(rc["evidence"].as_array().unwrap().len(), 1_000);
    let first = rc["evidence"][0]["path"].as_str().unwrap();
    assert!(first.ends_with("[\"0\"]"), "{first}");
    assert!(rc["headline"]["text"].as_str().unwrap().contains("FAILURE"));
}
