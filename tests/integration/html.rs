//! The HTML pages (SPEC §9): self-contained, deterministic, bounded, safe
//! on hostile input, and working in a real browser (headless Chromium
//! driven by `tests/js/html_page.mjs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use dataprep_lineage::diagram::View;
use dataprep_lineage::report::html::{self, RunPage};
use dataprep_lineage::{Analysis, JobSummary, LineageGraph};
use proptest::prelude::*;
use serde_json::Value;

use crate::support::{fixture, fixtures, stem, Bin};

/// The page `args` writes; it must exit 0.
fn page(args: &[&str]) -> String {
    let o = Bin::new()
        .args(args)
        .args(["--quiet", "--color", "never"])
        .run();
    assert_eq!(o.code, Some(0), "{args:?}: {}", o.err());
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// What every page must be: one document, its own script only, a CSP that
/// forbids every load, nothing that points outside it.
fn assert_self_contained(p: &str, what: &str) {
    assert!(p.starts_with("<!DOCTYPE html>\n"), "{what}");
    assert!(p.trim_end().ends_with("</html>"), "{what}");
    assert!(
        p.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
        "{what}: no CSP"
    );
    assert_eq!(p.matches("<script").count(), 1, "{what}: one script, ours");
    for outside in [
        " src=", " href=", "@import", "url(http", "//fonts", "<link", "<iframe", "<object",
        "<embed",
    ] {
        assert!(!p.contains(outside), "{what}: {outside:?} in the page");
    }
    // The only URL is SVG's namespace, which is a name, not a load.
    let urls = p.matches("http://").count() + p.matches("https://").count();
    assert_eq!(
        urls,
        p.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
        "{what}: a URL"
    );
}

/// Every fixture gives a deterministic, self-contained page that names
/// every root cause and draws both pictures.
#[test]
fn every_fixture_gives_a_self_contained_deterministic_page() {
    for f in fixtures() {
        let file = f.to_str().expect("path");
        let p = page(&["html", file]);
        assert_eq!(p, page(&["html", file]), "{}: not deterministic", stem(&f));
        assert_self_contained(&p, &stem(&f));
        let why: Value = serde_json::from_str(&page(&["why", file, "--format", "json"])).unwrap();
        for rc in why["root_causes"].as_array().unwrap() {
            let name = rc["name"].as_str().or(rc["id"].as_str()).unwrap();
            let shown = html::Esc(name).to_string();
            assert!(
                p.contains(&shown),
                "{}: root cause {name:?} not on the page",
                stem(&f)
            );
        }
        assert!(p.contains("<section id=\"lineage\">"), "{}", stem(&f));
        assert!(p.contains("<section id=\"timeline\">"), "{}", stem(&f));
        let lineage = page(&["html", file, "--view", "lineage"]);
        assert_self_contained(&lineage, &stem(&f));
    }
}

#[test]
fn the_run_page_is_what_it_was() {
    let p = page(&["html", "fixtures/failed_transform_blocks_exports.json"]);
    insta::assert_snapshot!("html_run_failed_transform", p);
}

/// Names made of markup stay text: the page's only script is its own, and
/// each name is on the page escaped.
#[test]
fn hostile_names_stay_text() {
    let p = page(&["html", "fixtures/hostile_names.json", "--view", "lineage"]);
    assert_self_contained(&p, "hostile_names");
    assert!(!p.contains("<script>alert"), "{p}");
    assert!(!p.contains("<img"), "{p}");
}

/// The pages of a comparison and of a history are self-contained too.
#[test]
fn diff_and_history_pages_are_self_contained() {
    for pair in std::fs::read_dir(fixture("pairs")).unwrap() {
        let dir = pair.unwrap().path();
        let (b, c) = (dir.join("baseline.json"), dir.join("current.json"));
        let p = page(&[
            "diff",
            b.to_str().unwrap(),
            c.to_str().unwrap(),
            "--format",
            "html",
        ]);
        assert_self_contained(&p, &stem(&dir));
        assert!(p.contains("<section id=\"timelines\">"), "{}", stem(&dir));
    }
    let d = page(&[
        "diff",
        "fixtures/pairs/failed_then_fixed/baseline.json",
        "fixtures/pairs/failed_then_fixed/current.json",
        "--format",
        "html",
    ]);
    insta::assert_snapshot!("html_diff_failed_then_fixed", d);
    let dir = crate::history::generated("html", 2, 12, 5);
    let o = Bin::new()
        .args(["history", "runs", "--format", "html", "--quiet"])
        .current_dir(&dir)
        .run();
    assert_eq!(o.code, Some(0), "{}", o.err());
    let h = o.out();
    assert_self_contained(&h, "history");
    assert!(
        h.contains("Flaky stages") || h.contains("Recurring root causes"),
        "{h}"
    );
    assert!(h.matches("<svg").count() > 10, "a chart per stage");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A 20,000-stage run (and twice that) gives a page under 2 MB, in little
/// time: the lineage within the diagram budget, the lists capped.
#[test]
fn a_big_run_gives_a_small_page() {
    for n in [20_000, 40_000] {
        let input = crate::generator::generate(n, crate::generator::Shape::Layered, 97);
        let started = std::time::Instant::now();
        let o = Bin::new()
            .args(["html", "-", "--quiet"])
            .stdin(input.as_bytes())
            .run();
        assert_eq!(o.code, Some(0), "{}", o.err());
        assert!(
            o.stdout.len() < 2 << 20,
            "{n} stages: {} bytes",
            o.stdout.len()
        );
        assert!(
            started.elapsed().as_secs() < 30,
            "{n}: {:?}",
            started.elapsed()
        );
        let p = o.out();
        assert_self_contained(&p, "big");
        assert!(p.contains("… and "), "{n}: lists say what they left out");
    }
}

fn driver_ready() -> bool {
    let ok = Command::new("node")
        .args(["-e", "process.exit(0)"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        crate::support::missing_tool(
            "node (for the headless Chromium page test)",
            "apt-get install nodejs npm chromium; PUPPETEER_SKIP_DOWNLOAD=1 npm install -g puppeteer-core; .ci/run installs them",
        );
    }
    ok
}

/// Opens pages in headless Chromium; `None` (said) when the driver or the
/// browser is missing outside CI.
fn open_in_chromium(pages: &[PathBuf], screenshot: Option<&Path>) -> Option<Vec<Value>> {
    if !driver_ready() {
        return None;
    }
    let mut cmd = Command::new("node");
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/html_page.mjs"));
    if let Some(s) = screenshot {
        cmd.arg("--screenshot").arg(s);
    }
    let o = cmd.args(pages).output().expect("node runs");
    if o.status.code() == Some(2) {
        crate::support::missing_tool(
            &format!(
                "puppeteer-core or Chromium ({})",
                String::from_utf8_lossy(&o.stderr).trim()
            ),
            "PUPPETEER_SKIP_DOWNLOAD=1 npm install -g puppeteer-core; apt-get install chromium; .ci/run installs both",
        );
        return None;
    }
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Some(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dpl-html-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every fixture's page, and a diff and a history page, load in headless
/// Chromium without a script error or a network request; the DOM has a
/// node per drawn stage, the root-cause marks and the timeline bars; a
/// click on a stage opens its details and marks its neighbourhood.
#[test]
fn pages_work_in_headless_chromium() {
    let dir = scratch("chromium");
    let mut pages = Vec::new();
    let mut expected = Vec::new();
    for f in fixtures() {
        let file = f.to_str().unwrap();
        let p = dir.join(format!("{}.html", stem(&f)));
        std::fs::write(&p, page(&["html", file])).unwrap();
        let bytes = std::fs::read(&f).unwrap();
        let summary = JobSummary::from_slice(&bytes).unwrap();
        let graph = LineageGraph::build(&summary).unwrap();
        let a = Analysis::new(&graph);
        let rp = RunPage::new(&a, View::Stages);
        let drawn = rp
            .diagram
            .nodes
            .iter()
            .filter(|n| n.stage.is_some())
            .count();
        let marked = rp.diagram.nodes.iter().filter(|n| n.root_cause).count();
        expected.push((
            stem(&f),
            drawn,
            marked,
            rp.timeline.rows.len(),
            rp.why.root_causes.len(),
        ));
        pages.push(p);
    }
    let d = dir.join("diff.html");
    std::fs::write(
        &d,
        page(&[
            "diff",
            "fixtures/pairs/healthy_then_transform_fails/baseline.json",
            "fixtures/pairs/healthy_then_transform_fails/current.json",
            "--format",
            "html",
        ]),
    )
    .unwrap();
    pages.push(d);
    let Some(reports) = open_in_chromium(&pages, None) else {
        return;
    };
    assert_eq!(reports.len(), pages.len());
    for (r, (name, drawn, marked, bars, causes)) in reports.iter().zip(&expected) {
        assert_eq!(
            r["requests"],
            serde_json::json!([]),
            "{name}: a request left the page"
        );
        assert_eq!(
            r["errors"],
            serde_json::json!([]),
            "{name}: script or console errors"
        );
        assert_eq!(r["svgs"], 2, "{name}: the lineage and the timeline");
        assert_eq!(r["stage_nodes"], *drawn as u64, "{name}");
        assert_eq!(r["root_cause_nodes"], *marked as u64, "{name}");
        assert_eq!(r["bars"], *bars as u64, "{name}");
        assert_eq!(
            r["causes"], *causes as u64,
            "{name}: a block per root cause shown"
        );
        let clicked = &r["clicked"];
        assert!(!clicked.is_null(), "{name}: no stage node to click");
        assert_eq!(clicked["details_shown"], true, "{name}");
        assert!(
            clicked["detail"].as_str().unwrap().contains("outcome"),
            "{name}: {clicked}"
        );
        assert!(
            clicked["marked"].as_u64().unwrap() >= 2,
            "{name}: {clicked}"
        );
    }
    let diff = reports.last().unwrap();
    assert_eq!(diff["requests"], serde_json::json!([]));
    assert_eq!(diff["errors"], serde_json::json!([]));
    assert_eq!(diff["svgs"], 2, "both timelines");
    let _ = std::fs::remove_dir_all(&dir);
}

fn named_run(names: &[String]) -> String {
    let stages: Vec<crate::support::S> = (0..names.len())
        .map(|i| {
            let id = (i + 1).to_string();
            let parent = i.to_string();
            let parents: Vec<&str> = if i == 0 {
                vec![]
            } else {
                vec![parent.as_str()]
            };
            // The second stage fails; the rest succeed or never run.
            let status = match i {
                0 => 1,
                1 => -1,
                _ => 2,
            };
            let s = crate::support::s(&id, status, &parents);
            if i < 2 {
                s.time(i as i64 * 1_000, i as i64 * 1_000 + 500)
            } else {
                s
            }
        })
        .collect();
    let mut doc = crate::support::run(-1, &stages);
    let instances = doc["pipelinerun"]["pipelinetaskinstances"]
        .as_array_mut()
        .expect("instances");
    for (inst, name) in instances.iter_mut().zip(names) {
        inst["pipelinetask"]["name"] = Value::String(format!("zq{name}qz"));
    }
    doc.to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever a stage is called, the page holds its one script and every
    /// name escaped: a name with markup characters never appears raw.
    #[test]
    fn no_input_text_reaches_the_page_unescaped(
        names in proptest::collection::vec("[<>\"'&a-z /=\\\\\\u{0}-\\u{1f}\\u{2028}é名]{1,40}", 2..6)
    ) {
        let doc = named_run(&names);
        let summary = JobSummary::from_str(&doc).unwrap();
        let graph = LineageGraph::build(&summary).unwrap();
        let a = Analysis::new(&graph);
        let mut out = Vec::new();
        html::run(&mut out, &RunPage::new(&a, View::Lineage)).unwrap();
        let p = String::from_utf8(out).unwrap();
        prop_assert_eq!(p.matches("<script").count(), 1);
        for n in &names {
            let raw = format!("zq{n}qz");
            if raw.contains(['<', '>', '"', '\'', '&']) || raw.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                prop_assert!(!p.contains(raw.as_str()), "{:?} unescaped", raw);
            }
        }
        // The failed stage is named on the page (escaped) as a root cause.
        let failed = html::Esc(&format!("zq{}qz", names[1])).to_string();
        prop_assert!(p.contains(&failed), "{:?} missing", failed);
    }
}
