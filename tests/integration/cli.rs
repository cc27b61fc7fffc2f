//! The binary: exit codes, stdin, error messages.

use std::io::Write;

use crate::support::{fixture, Bin, Ran};

/// The binary with its environment cleared of `NO_COLOR` (the tests of
/// colour set what they need).
fn bin() -> Bin {
    Bin::new().env_remove("NO_COLOR")
}

fn run_with(args: &[&str], stdin: Option<&[u8]>) -> Ran {
    bin().args(args).stdin(stdin.unwrap_or_default()).run()
}

fn temp(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dataprep-lineage-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn stderr(o: &Ran) -> String {
    o.err()
}

#[test]
fn good_input_exits_0_whatever_the_run_outcome() {
    for f in [
        "failed_transform_blocks_exports.json",
        "successful_multi_source_run.json",
    ] {
        let o = run_with(&["why", fixture(f).to_str().unwrap()], None);
        assert_eq!(o.code, Some(0), "{f}: {}", stderr(&o));
        assert!(!o.stdout.is_empty());
    }
}

#[test]
fn a_missing_file_exits_1_naming_it() {
    let o = run_with(&["why", "no/such/file.json"], None);
    assert_eq!(o.code, Some(1));
    assert!(
        stderr(&o).starts_with("error: cannot read no/such/file.json:"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn invalid_json_exits_1_with_line_and_column() {
    let p = temp(
        "broken.json",
        b"{\n  \"pipelinerun\": {\n    \"id\": 1,,\n}",
    );
    let o = run_with(&["summary", p.to_str().unwrap()], None);
    assert_eq!(o.code, Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("broken.json: invalid JSON at line 3, column 13"),
        "{e}"
    );
    assert!(e.contains("hint:"), "{e}");
}

#[test]
fn a_cycle_exits_1() {
    let p = temp(
        "cycle.json",
        br#"{"pipelinerun": {"id": "1", "pipelinetaskinstancemappers": {"2": ["3"], "3": ["2"]},
        "pipelinetaskinstances": [{"id": "2"}, {"id": "3"}]}}"#,
    );
    let o = run_with(&["order", p.to_str().unwrap()], None);
    assert_eq!(o.code, Some(1));
    assert!(
        stderr(&o).contains("dependency cycle between stages: 2 -> 3 -> 2"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_api_error_exits_1() {
    let p = temp("api.json", br#"{"response_status": {"status": "failure", "status_code": 4001, "messages": [{"type": "error", "status_code": 4001, "message": "Invalid OAuth token"}]}}"#);
    let o = run_with(&["why", p.to_str().unwrap()], None);
    assert_eq!(o.code, Some(1));
    assert!(
        stderr(&o).contains("the API returned an error (status code 4001): Invalid OAuth token"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn stdin_input_with_a_dash() {
    let bytes = std::fs::read(fixture("run_stopped_by_user.json")).unwrap();
    let o = run_with(&["why", "-", "--format", "json"], Some(&bytes));
    assert_eq!(o.code, Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["run_causes"][0]["kind"], "stopped");
    let o = run_with(&["why", "-"], Some(b"not json"));
    assert_eq!(o.code, Some(1));
    assert!(
        stderr(&o).starts_with("error: <stdin>: invalid JSON at line 1, column 2"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unknown_stage_is_a_usage_error() {
    let o = run_with(
        &[
            "why",
            fixture("failed_transform_blocks_exports.json")
                .to_str()
                .unwrap(),
            "--stage",
            "42",
        ],
        None,
    );
    assert_eq!(o.code, Some(2));
    assert!(
        stderr(&o).contains("no stage with id or name `42` in this run"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(run_with(&["why"], None).code, Some(2));
    assert_eq!(run_with(&["frobnicate"], None).code, Some(2));
    assert_eq!(
        run_with(&["why", "x.json", "--format", "yaml"], None).code,
        Some(2)
    );
    let help = run_with(&["why", "--help"], None);
    assert_eq!(help.code, Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("Why did this run fail?") && text.contains("Examples:"),
        "{text}"
    );
}

#[test]
fn warnings_go_to_stderr_and_quiet_silences_them() {
    let f = fixture("odd_encodings.json");
    let o = run_with(&["order", f.to_str().unwrap()], None);
    assert!(stderr(&o).contains("warning: "), "{}", stderr(&o));
    let o = run_with(&["order", f.to_str().unwrap(), "--quiet"], None);
    assert!(o.stderr.is_empty());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let f = fixture("failed_transform_blocks_exports.json");
    let plain = run_with(&["why", f.to_str().unwrap()], None);
    assert!(!plain.stdout.contains(&0x1b), "no colour into a pipe");
    let always = run_with(&["why", f.to_str().unwrap(), "--color", "always"], None);
    assert!(always.stdout.contains(&0x1b));
}

#[test]
fn no_control_character_of_the_input_reaches_the_terminal() {
    // An ANSI escape (clear the screen) and a bell in every kind of text the
    // reports and messages quote: ids, names, operator, user, messages,
    // unknown keys, trigger rules, mapper ids, API messages.
    const E: &str = "\u{1b}[2J\u{7}";
    let stage = format!("2{E}");
    let doc = serde_json::json!({"pipelinerun": {
        "id": format!("1{E}"), "execution_status": -2,
        "modified_by": {"id": "5", "username": format!("Mal{E}")},
        "modified_time": 1_795_847_400_000_i64,
        "pipelinetaskinstancemappers": {stage.clone(): [format!("9{E}")]},
        "pipelinetaskinstances": [{
            "id": stage, "execution_status": -1, "operator_id": format!("op{E}"),
            "message": format!("line one{E}\nline two"),
            "pipelinetask": {"name": format!("n{E}"), "trigger_rule": format!("X{E}")},
            format!("odd{E}"): {"message": "m"},
            "datasourceaudit": {"id": "7", "pipelinedatasource": {"id": format!("s{E}")}}
        }]
    }});
    let run = temp("control.json", doc.to_string().as_bytes());
    let path = run.to_str().unwrap();
    let cycle = serde_json::json!({"pipelinerun": {"id": "1",
        "pipelinetaskinstancemappers": {"2": [format!("3{E}")], format!("3{E}"): ["2"]},
        "pipelinetaskinstances": [{"id": "2"}, {"id": format!("3{E}")}]}});
    let cycle = temp("control-cycle.json", cycle.to_string().as_bytes());
    let api = serde_json::json!({"response_status": {"status": "failure", "status_code": 4000,
        "messages": [{"message": format!("denied{E}")}]}});
    let api = temp("control-api.json", api.to_string().as_bytes());
    let mut runs = vec![
        vec!["why", path],
        vec!["summary", path],
        vec!["order", path],
        vec!["critical-path", path],
        vec!["why", cycle.to_str().unwrap()],
        vec!["why", api.to_str().unwrap()],
    ];
    let traced = format!("2{E}");
    runs.push(vec!["why", path, "--stage", &traced]);
    for args in runs {
        let o = run_with(&args, None);
        for (what, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains(['\u{1b}', '\u{7}']),
                "{args:?} wrote a control character of the input to {what}:\n{text}"
            );
        }
        let all = format!("{}{}", stderr(&o), String::from_utf8_lossy(&o.stdout));
        assert!(all.contains("\\u{1b}[2J\\u{7}"), "{args:?}: {all}");
    }
    // Line breaks in a message stay line breaks, under their bullet.
    let o = run_with(&["why", path], None);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("     • line one\\u{1b}[2J\\u{7}\n       line two\n"),
        "{out}"
    );
}

/// The README's first example is the real output of its first command.
#[test]
fn the_readme_example_is_the_real_output() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("Output of the first command")
        .expect("the example");
    let block = &readme[start..];
    let block = &block[block.find("```text\n").unwrap() + 8..];
    let block = &block[..block.find("```").unwrap()];
    let o = Bin::new()
        .args([
            "why",
            "fixtures/failed_transform_blocks_exports.json",
            "--color",
            "never",
        ])
        .run();
    assert_eq!(String::from_utf8_lossy(&o.stdout), block);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("compress");
    e.finish().expect("compress")
}

/// Runs the binary with `file` as its standard input.
fn run_from_file(args: &[&str], file: &std::path::Path) -> Ran {
    bin().args(args).stdin_file(file).run()
}

/// Every subcommand that takes FILE reads gzip, from a file (whatever its
/// name) and from standard input, with the same output as the plain JSON.
#[test]
fn every_file_subcommand_reads_gzip_from_a_file_and_from_stdin() {
    let plain = fixture("failed_transform_blocks_exports.json");
    let text = std::fs::read(&plain).expect("fixture");
    let gz = temp("run.json.gz", &gzip(&text));
    let unnamed = temp("run-gz-without-its-name.json", &gzip(&text));
    let plain = plain.to_str().expect("path");
    for sub in [
        &["summary"][..],
        &["why"],
        &["why", "--stage", "Join contacts with orders"],
        &["order"],
        &["critical-path"],
        &["dot"],
        &["mermaid"],
        &["openlineage"],
        &["trace"],
    ] {
        let mut want = sub.to_vec();
        want.extend([plain, "--quiet", "--format", "json"]);
        if matches!(sub[0], "dot" | "mermaid" | "openlineage" | "trace") {
            want.truncate(want.len() - 2);
        }
        let expected = run_with(&want, None);
        assert_eq!(expected.code, Some(0), "{sub:?}: {}", stderr(&expected));
        for file in [&gz, &unnamed] {
            let args: Vec<&str> = want
                .iter()
                .map(|a| {
                    if *a == plain {
                        file.to_str().unwrap()
                    } else {
                        a
                    }
                })
                .collect();
            let o = run_with(&args, None);
            assert_eq!(o.code, Some(0), "{sub:?} {file:?}: {}", stderr(&o));
            assert_eq!(
                without_file(&o.stdout),
                without_file(&expected.stdout),
                "{sub:?} {file:?}"
            );
        }
        let args: Vec<&str> = want
            .iter()
            .map(|a| if *a == plain { "-" } else { a })
            .collect();
        let o = run_from_file(&args, &gz);
        assert_eq!(o.code, Some(0), "{sub:?} stdin: {}", stderr(&o));
        // Standard input has no file name to print in `Next:` lines or in
        // `run.file`; the rest of the JSON and the diagrams are the same.
        assert_eq!(
            without_file(&o.stdout),
            without_file(&expected.stdout),
            "{sub:?} from stdin"
        );
    }
    // diff reads both runs compressed.
    let b = fixture("pairs/failed_then_fixed/baseline.json");
    let c = fixture("pairs/failed_then_fixed/current.json");
    let bz = temp("baseline.json.gz", &gzip(&std::fs::read(&b).unwrap()));
    let cz = temp("current.json.gz", &gzip(&std::fs::read(&c).unwrap()));
    let plain = run_with(
        &[
            "diff",
            b.to_str().unwrap(),
            c.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    let zipped = run_with(
        &[
            "diff",
            bz.to_str().unwrap(),
            cz.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(zipped.code, Some(0), "{}", stderr(&zipped));
    assert_eq!(without_file(&zipped.stdout), without_file(&plain.stdout));
}

/// `--max-bytes` applies to the decompressed size: a gzip bomb is refused
/// as it inflates past the limit (at a size and at twice it), from a file
/// and from standard input; a broken gzip stream is said to be one.
#[test]
fn a_gzip_bomb_is_refused_at_the_limit() {
    for inflated in [20_000_000usize, 40_000_000] {
        let mut body = b"{\"pipelinerun\": {\"id\": \"1\", \"x\": \"".to_vec();
        body.resize(inflated, b'a');
        let bomb = temp(&format!("bomb-{inflated}.gz"), &gzip(&body));
        assert!(std::fs::metadata(&bomb).unwrap().len() < 100_000);
        let started = std::time::Instant::now();
        let o = run_with(
            &["why", bomb.to_str().unwrap(), "--max-bytes", "1000000"],
            None,
        );
        assert_eq!(o.code, Some(1));
        assert!(
            stderr(&o).contains("decompresses to more than --max-bytes 1000000"),
            "{}",
            stderr(&o)
        );
        let o = run_from_file(&["summary", "-", "--max-bytes", "1000000"], &bomb);
        assert_eq!(o.code, Some(1));
        assert!(
            stderr(&o).contains("decompresses to more than --max-bytes 1000000"),
            "{}",
            stderr(&o)
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
    let mut broken = gzip(b"{\"pipelinerun\": {}}");
    broken.truncate(12);
    let broken = temp("broken.json.gz", &broken);
    let o = run_with(&["why", broken.to_str().unwrap()], None);
    assert_eq!(o.code, Some(1));
    assert!(
        stderr(&o).contains("not a readable gzip stream"),
        "{}",
        stderr(&o)
    );
}

/// An endless input that is not JSON (`/dev/zero`) is refused at its first
/// byte, not after reading up to the limit.
#[test]
fn an_endless_input_that_is_not_json_stops_at_once() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    let started = std::time::Instant::now();
    let o = run_with(&["why", "/dev/zero"], None);
    assert_eq!(o.code, Some(1));
    assert!(
        stderr(&o).contains("not JSON: byte 1 is 0x00"),
        "{}",
        stderr(&o)
    );
    let o = run_from_file(&["summary", "-"], std::path::Path::new("/dev/zero"));
    assert_eq!(o.code, Some(1));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// API error bodies of every common shape say "the API returned an error"
/// with their message, exit 1 — not "no pipeline run found".
#[test]
fn api_error_bodies_of_every_shape_say_so() {
    for (body, said) in [
        (
            r#"{"status": "failure", "messages": [{"message": "Invalid OAuth token"}]}"#,
            "Invalid OAuth token",
        ),
        (
            r#"{"error": {"code": "INVALID_TOKEN", "message": "Invalid OAuth token"}}"#,
            "Invalid OAuth token",
        ),
        (r#"{"error": "invalid_client"}"#, "invalid_client"),
        (
            r#"{"message": "Rate limit exceeded", "code": 429}"#,
            "Rate limit exceeded",
        ),
        (
            r#"{"status": "failure", "status_code": 4004, "messages": ["Run not found"]}"#,
            "(status code 4004): Run not found",
        ),
        (
            r#"{"response_status": {"status": "failure", "status_code": 4001, "messages": [{"message": "No such run"}]}}"#,
            "No such run",
        ),
    ] {
        let o = run_with(&["why", "-"], Some(body.as_bytes()));
        assert_eq!(o.code, Some(1), "{body}");
        let err = stderr(&o);
        assert!(
            err.contains("the API returned an error") && err.contains(said),
            "{body}: {err}"
        );
        assert!(!err.contains("no pipeline run found"), "{body}: {err}");
    }
    // An object that is neither a run nor an error is still "no run".
    let o = run_with(&["why", "-"], Some(br#"{"hello": 1}"#));
    assert!(stderr(&o).contains("no pipeline run found"));
}

/// The examples of every `--help` are written to survive an 80-column
/// terminal: the same text at 80 columns as at 300 (clap wraps help to
/// the terminal, and a wrapped command no longer pastes), each line under
/// 80; the top-level help names every exit status, 3 included.
#[test]
fn help_examples_survive_an_80_column_terminal() {
    let help = |sub: &[&str], cols: &str| {
        let o = bin().args(sub).args(["--help"]).env("COLUMNS", cols).run();
        assert_eq!(o.code, Some(0));
        let text = String::from_utf8(o.stdout).expect("UTF-8");
        let at = text
            .find("\nExample")
            .unwrap_or_else(|| panic!("{sub:?}: no examples\n{text}"));
        text[at..].to_owned()
    };
    for sub in [
        &[][..],
        &["summary"],
        &["why"],
        &["order"],
        &["critical-path"],
        &["dot"],
        &["mermaid"],
        &["diff"],
        &["history"],
        &["openlineage"],
        &["trace"],
        &["schema"],
    ] {
        let narrow = help(sub, "80");
        assert_eq!(
            narrow,
            help(sub, "300"),
            "{sub:?}: the examples were wrapped"
        );
        for line in narrow.lines() {
            assert!(line.chars().count() < 80, "{sub:?}: {line}");
        }
    }
    let top = help(&[], "80");
    assert!(top.contains("3 diff --fail-on"), "{top}");
}

/// Smaller things a new user hit: `--diagram` without Markdown is a usage
/// error, not silently ignored; a name off by case suggests the stage; a
/// completion time of i64::MAX is unreadable (a warning), not "106751970382d
/// of work"; a stage that never ran shows "—" in Markdown as in text, and
/// `ran: false` in JSON.
#[test]
fn small_things_a_new_user_hit() {
    let f = fixture("failed_transform_blocks_exports.json");
    let f = f.to_str().unwrap();
    for format in ["text", "json"] {
        let o = run_with(&["why", f, "--diagram", "--format", format], None);
        assert_eq!(o.code, Some(2), "{format}");
        assert!(
            stderr(&o).contains("--diagram goes with --format markdown"),
            "{}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty());
    }
    let o = run_with(&["why", f, "--stage", "join contacts WITH orders"], None);
    assert_eq!(o.code, Some(2));
    assert!(
        stderr(&o).contains("did you mean `Join contacts with orders`?"),
        "{}",
        stderr(&o)
    );
    let o = run_with(&["dot", f, "--focus", "archive"], None);
    assert!(
        stderr(&o).contains("did you mean `Archive to S3 data lake`?"),
        "{}",
        stderr(&o)
    );

    let doc = br#"{"pipelinerun": {"id": "1", "execution_status": 1, "created_time": 1795847400000,
        "pipelinetaskinstances": [{"id": "a", "execution_status": 1, "start_time": "1795847400000",
        "completion_time": "9223372036854775807"}], "pipelinetaskinstancemappers": {"a": []}}}"#;
    let o = run_with(&["summary", "-"], Some(doc));
    assert_eq!(o.code, Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("106751970382d"), "{out}");
    assert!(
        stderr(&o).contains("completion_time: expected a timestamp"),
        "{}",
        stderr(&o)
    );

    let md =
        String::from_utf8(run_with(&["critical-path", f, "--format", "markdown"], None).stdout)
            .unwrap();
    assert!(
        md.contains("| Publish to Zoho Analytics | created | — | — | — |"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&run_with(&["critical-path", f, "--format", "json"], None).stdout)
            .unwrap();
    let stages = json["stages"].as_array().unwrap();
    let publish = stages
        .iter()
        .find(|s| s["name"] == "Publish to Zoho Analytics")
        .unwrap();
    assert_eq!(publish["ran"], false);
    assert_eq!(publish["duration_ms"], 0);
    let join = stages
        .iter()
        .find(|s| s["name"] == "Join contacts with orders")
        .unwrap();
    assert_eq!(join["ran"], true);
}

/// An error body is untrusted like any input: 20,000 messages (and twice
/// that), each past the 500 characters kept, print at most 20, each cut.
#[test]
fn a_huge_api_error_body_prints_a_bounded_message() {
    let mut sizes = Vec::new();
    for n in [20_000usize, 40_000] {
        let message = "x".repeat(600);
        let messages: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"message": "{i} {message}"}}"#))
            .collect();
        let body = format!(
            r#"{{"status": "failure", "messages": [{}]}}"#,
            messages.join(",")
        );
        let file = temp(&format!("api-error-{n}.json"), body.as_bytes());
        let o = run_with(&["why", file.to_str().unwrap()], None);
        assert_eq!(o.code, Some(1));
        let err = stderr(&o);
        assert!(
            err.contains("the API returned an error: 0 x"),
            "{}",
            &err[..200]
        );
        assert!(
            err.contains("; 19 x") && !err.contains("; 20 x"),
            "20 messages at most"
        );
        sizes.push(err.len());
    }
    assert_eq!(
        sizes[0], sizes[1],
        "the message does not grow with the body"
    );
    assert!(sizes[0] < 20 * 520 + 1_000);
}

/// A report's output with its `"file"` line (the path it was given) taken
/// out, so that runs read from different places compare equal.
fn without_file(out: &[u8]) -> String {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim_start().starts_with("\"file\": "))
        .collect::<Vec<_>>()
        .join("\n")
}
