//! Every subcommand × format on every fixture, through the binary, as
//! snapshots; and every DOT output checked by the real Graphviz.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{fixtures, stem};

const REPORTS: [(&str, &[&str]); 15] = [
    ("summary_text", &["summary"]),
    ("summary_json", &["summary", "--format", "json"]),
    ("why_text", &["why"]),
    ("why_json", &["why", "--format", "json"]),
    (
        "why_markdown",
        &["why", "--format", "markdown", "--diagram"],
    ),
    ("summary_markdown", &["summary", "--format", "markdown"]),
    (
        "critical_path_markdown",
        &["critical-path", "--format", "markdown"],
    ),
    ("order_text", &["order"]),
    ("order_json", &["order", "--format", "json"]),
    ("critical_path_text", &["critical-path"]),
    ("critical_path_json", &["critical-path", "--format", "json"]),
    ("dot_stages", &["dot", "--view", "stages"]),
    ("dot_lineage", &["dot", "--view", "lineage"]),
    ("mermaid_stages", &["mermaid", "--view", "stages"]),
    ("mermaid_lineage", &["mermaid", "--view", "lineage"]),
];

fn output(args: &[&str], file: &std::path::Path) -> String {
    // Run from the project root with the fixture's relative path, as a
    // reader would: the `Next:` lines quote it.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = file.strip_prefix(root).unwrap_or(file);
    let o = crate::support::bin()
        .current_dir(root)
        .args(args)
        .arg(relative)
        .args(["--quiet", "--color", "never"])
        .output()
        .expect("binary runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?} {}: {}",
        file.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

#[test]
fn every_report_of_every_fixture() {
    for file in fixtures() {
        for (name, args) in REPORTS {
            let out = output(args, &file);
            if name.ends_with("_json") {
                serde_json::from_str::<serde_json::Value>(&out)
                    .unwrap_or_else(|e| panic!("{name} {}: {e}", file.display()));
            }
            insta::assert_snapshot!(format!("{name}__{}", stem(&file)), out);
        }
    }
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    for file in fixtures() {
        for (_, args) in REPORTS {
            assert_eq!(output(args, &file), output(args, &file));
        }
    }
}

#[test]
fn traces_of_blocked_stages() {
    let file = crate::support::fixture("failed_transform_blocks_exports.json");
    let doc = crate::support::load("failed_transform_blocks_exports.json");
    let (_, export) = doc.task_instances().nth(3).unwrap();
    let id = export.id.get().unwrap().as_str().to_owned();
    insta::assert_snapshot!("why_stage_text", output(&["why", "--stage", &id], &file));
    insta::assert_snapshot!(
        "why_stage_json",
        output(&["why", "--format", "json", "--stage", &id], &file)
    );
    insta::assert_snapshot!(
        "why_stage_markdown",
        output(&["why", "--format", "markdown", "--stage", &id], &file)
    );
    // A unique name does what the id does.
    assert_eq!(
        output(&["why", "--stage", "Publish to Zoho Analytics"], &file),
        output(&["why", "--stage", &id], &file)
    );
}

/// `why --stage` on a stage that failed on its own shows its error and
/// evidence (with paths) in every format, not only that it is a root cause.
#[test]
fn the_trace_of_a_root_cause_shows_its_error() {
    let file = crate::support::fixture("failed_transform_blocks_exports.json");
    let args = ["why", "--stage", "Join contacts with orders"];
    let text = output(&args, &file);
    insta::assert_snapshot!("why_stage_root_cause_text", text);
    assert!(
        text.contains("Rule 7 (Merge columns): column 'order_total' not found"),
        "{text}"
    );
    assert!(
        text.contains("at pipelinerun.pipelinetaskinstances[2].datasetaudit.error_message"),
        "{text}"
    );
    let md = output(
        &[
            "why",
            "--format",
            "markdown",
            "--stage",
            "Join contacts with orders",
        ],
        &file,
    );
    insta::assert_snapshot!("why_stage_root_cause_markdown", md);
    assert!(md.contains("```text\nRule 7 (Merge columns)"), "{md}");
    let json: serde_json::Value = serde_json::from_str(&output(
        &[
            "why",
            "--format",
            "json",
            "--stage",
            "Join contacts with orders",
        ],
        &file,
    ))
    .expect("JSON");
    assert_eq!(json["root_cause"], true);
    assert_eq!(json["error"]["evidence_count"], 3);
    assert_eq!(json["error"]["fingerprint"], "f65bc730030c0a7a");
    assert!(json["error"]["headline"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Rule 7"));
    // A blocked stage names its culprit's error on the culprit's line.
    let blocked = output(
        &[
            "why",
            "--format",
            "json",
            "--stage",
            "Publish to Zoho Analytics",
        ],
        &file,
    );
    let blocked: serde_json::Value = serde_json::from_str(&blocked).expect("JSON");
    assert_eq!(blocked["error"], serde_json::Value::Null);
    assert!(blocked["culprits"][0]["headline"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Rule 7"));
}

/// Runs `dot -Tsvg` on `input`; `None` when Graphviz is not installed outside CI.
pub fn graphviz_svg(input: &str) -> Option<Result<String, String>> {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            crate::support::missing_tool(
                &format!("Graphviz `dot` ({e})"),
                "apt-get install graphviz; .ci/run installs it",
            );
            return None;
        }
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write to dot");
    let o = child.wait_with_output().expect("dot finishes");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    if o.status.success() && !err.contains("syntax error") {
        Some(Ok(String::from_utf8_lossy(&o.stdout).into_owned()))
    } else {
        Some(Err(err))
    }
}

#[test]
fn graphviz_accepts_every_dot_output() {
    for file in fixtures() {
        for view in ["stages", "lineage"] {
            let dot = output(&["dot", "--view", view], &file);
            if let Some(Err(e)) = graphviz_svg(&dot) {
                panic!("dot rejected {} ({view}): {e}\n{dot}", file.display());
            }
        }
    }
}

#[test]
fn hostile_names_survive_into_the_svg() {
    let file = crate::support::fixture("hostile_names.json");
    let dot = output(&["dot", "--view", "lineage"], &file);
    let Some(result) = graphviz_svg(&dot) else {
        return;
    };
    let svg = result.expect("dot accepts hostile names");
    for fragment in [
        "He said &quot;hi&quot; \\ bye",
        "&lt;b&gt;bold&lt;/b&gt; &amp; {braces} | pipes",
        "&quot;]; x &#45;&gt; y [color=red",
        "line one",
        "line two",
    ] {
        assert!(svg.contains(fragment), "missing {fragment:?} in SVG");
    }
    let mermaid = output(&["mermaid", "--view", "lineage"], &file);
    for raw in ["\"hi\"", "<b>", "{braces}", "\"]; x -> y [", "%%"] {
        assert!(!mermaid.contains(raw), "raw {raw:?} in Mermaid");
    }
}

/// The stage to focus on in a fixture: its last stage in order.
fn last_stage(file: &std::path::Path) -> String {
    let order: serde_json::Value =
        serde_json::from_str(&output(&["order", "--format", "json"], file)).unwrap();
    order["order"]
        .as_array()
        .and_then(|o| o.last())
        .and_then(|id| id.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Both views, and the whole run, the failure and one stage, of a fixture.
fn diagram_args(file: &std::path::Path) -> Vec<Vec<String>> {
    let stage = last_stage(file);
    let mut all = Vec::new();
    for view in ["stages", "lineage"] {
        for focus in [None, Some("failure".to_owned()), Some(stage.clone())] {
            let mut args = vec!["--view".to_owned(), view.to_owned()];
            if let Some(f) = focus {
                args.extend(["--focus".to_owned(), f]);
            }
            all.push(args);
        }
    }
    all
}

#[test]
fn graphviz_accepts_every_view_and_focus() {
    for file in fixtures() {
        for args in diagram_args(&file) {
            let mut full = vec!["dot"];
            full.extend(args.iter().map(String::as_str));
            let dot = output(&full, &file);
            if let Some(Err(e)) = graphviz_svg(&dot) {
                panic!("dot rejected {} {args:?}: {e}\n{dot}", file.display());
            }
        }
    }
}

/// Mermaid's command-line renderer and a Chromium for it, or `None` (and a
/// plain note) outside CI when they are not installed; CI installs both.
pub(crate) fn mermaid_renderer() -> Option<(String, String)> {
    let found = |cmd: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {cmd}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let mmdc = found("mmdc");
    let chromium = found("chromium").or_else(|| found("chromium-browser"));
    match (mmdc, chromium) {
        (Some(m), Some(c)) => Some((m, c)),
        (m, c) => {
            crate::support::missing_tool(
                &format!("Mermaid's CLI or Chromium (mmdc: {m:?}, chromium: {c:?})"),
                "apt-get install chromium; npm install -g @mermaid-js/mermaid-cli with PUPPETEER_SKIP_DOWNLOAD=1; .ci/run installs both",
            );
            None
        }
    }
}

/// Every Mermaid chart of every fixture (both views; the whole run, the
/// failure, one stage) rendered by the real Mermaid library in a headless
/// Chromium: no syntax error, and every root-cause node carries the
/// `rootcause` class in the SVG (a `class s1 failed,rootcause` line, as
/// once written, draws neither class).
#[test]
fn mermaid_renders_every_chart_with_its_classes() {
    let Some((mmdc, chromium)) = mermaid_renderer() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dpl-mermaid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut charts = Vec::new();
    for file in fixtures() {
        for args in diagram_args(&file) {
            let mut full = vec!["mermaid"];
            full.extend(args.iter().map(String::as_str));
            charts.push((format!("{} {args:?}", stem(&file)), output(&full, &file)));
        }
    }
    let mut md = String::new();
    for (_, chart) in &charts {
        md.push_str(&format!("```mermaid\n{chart}```\n\n"));
    }
    std::fs::write(dir.join("charts.md"), md).unwrap();
    std::fs::write(
        dir.join("puppeteer.json"),
        format!(r#"{{"executablePath": "{chromium}", "args": ["--no-sandbox", "--disable-gpu"]}}"#),
    )
    .unwrap();
    let o = Command::new(&mmdc)
        .current_dir(&dir)
        .args([
            "-p",
            "puppeteer.json",
            "-i",
            "charts.md",
            "-o",
            "out.md",
            "-q",
        ])
        .output()
        .expect("mmdc runs");
    assert!(
        o.status.success(),
        "mmdc failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    for (i, (what, chart)) in charts.iter().enumerate() {
        let svg = std::fs::read_to_string(dir.join(format!("out-{}.svg", i + 1)))
            .unwrap_or_else(|e| panic!("{what}: no SVG ({e})"));
        assert!(
            !svg.contains("Syntax error"),
            "{what}: Mermaid could not parse it"
        );
        // Node tags: `<g class="node default failed rootcause" id="…-flowchart-s2-2" …>`.
        let tags: Vec<(&str, &str)> = svg
            .split("<g class=\"node ")
            .skip(1)
            .filter_map(|t| {
                let (class, rest) = t.split_once('"')?;
                let id = rest.split("id=\"").nth(1)?.split('"').next()?;
                Some((class, id))
            })
            .collect();
        for line in chart.lines() {
            let Some(node) = line
                .trim()
                .strip_prefix("class ")
                .and_then(|l| l.strip_suffix(" rootcause"))
            else {
                continue;
            };
            let marked = tags.iter().any(|(class, id)| {
                id.contains(&format!("flowchart-{node}-"))
                    && class.split(' ').any(|c| c == "rootcause")
            });
            assert!(marked, "{what}: root cause {node} drawn without its class");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
