//! Helpers shared by the integration tests: fixture paths, a small builder
//! of job summaries, and a compact description of a parsed run.

use std::fmt::Write as _;
use std::path::PathBuf;

use dataprep_lineage::JobSummary;
use serde_json::{json, Value};

/// The binary under test, ready for its arguments (`bin().args([...])`):
/// what [`Bin`] runs.
pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_dataprep-lineage"))
}

/// One run of the binary: the one way every test spawns it.
///
/// `Bin::new().args([..]).stdin(bytes).run()` writes standard input from
/// another thread (the binary may stop reading early, on a refused input)
/// and collects everything it printed.
pub struct Bin {
    cmd: std::process::Command,
    stdin: Option<Vec<u8>>,
    stdin_file: Option<std::fs::File>,
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Ran {
    /// Its exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// Its standard error.
    pub stderr: Vec<u8>,
}

impl Ran {
    /// Standard output as text (lossy).
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text (lossy).
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

impl Default for Bin {
    fn default() -> Self {
        Bin::new()
    }
}

impl Bin {
    /// The binary, run from the repository (fixture paths are relative to it).
    pub fn new() -> Bin {
        let mut cmd = bin();
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
        Bin {
            cmd,
            stdin: None,
            stdin_file: None,
        }
    }

    /// Adds arguments.
    pub fn args<I, A>(mut self, args: I) -> Bin
    where
        I: IntoIterator<Item = A>,
        A: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Bin {
        self.cmd.env(key, value);
        self
    }

    /// Runs it from `dir` instead of the repository.
    pub fn current_dir(mut self, dir: &std::path::Path) -> Bin {
        self.cmd.current_dir(dir);
        self
    }

    /// Removes an environment variable.
    pub fn env_remove(mut self, key: &str) -> Bin {
        self.cmd.env_remove(key);
        self
    }

    /// Feeds `bytes` to standard input (else it is empty).
    pub fn stdin(mut self, bytes: &[u8]) -> Bin {
        self.stdin = Some(bytes.to_vec());
        self
    }

    /// Connects standard input to a file, read by the binary as it goes
    /// (`/dev/zero` included: never read whole here).
    pub fn stdin_file(mut self, path: &std::path::Path) -> Bin {
        self.stdin_file = Some(std::fs::File::open(path).expect("open"));
        self
    }

    /// Runs it to the end.
    pub fn run(mut self) -> Ran {
        use std::io::Write;
        use std::process::Stdio;
        if let Some(file) = self.stdin_file.take() {
            let o = self
                .cmd
                .stdin(Stdio::from(file))
                .output()
                .expect("binary runs");
            return Ran {
                code: o.status.code(),
                stdout: o.stdout,
                stderr: o.stderr,
            };
        }
        let mut child = self
            .cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("binary runs");
        let mut pipe = child.stdin.take().expect("stdin");
        let input = self.stdin.take().unwrap_or_default();
        let writer = std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
        let o = child.wait_with_output().expect("binary finishes");
        let _ = writer.join();
        Ran {
            code: o.status.code(),
            stdout: o.stdout,
            stderr: o.stderr,
        }
    }
}

/// A real tool a test needs (a renderer, an engine, a schema set) is not
/// here: under CI (`CI` set to anything but `false` or `0`, as CI services
/// and `.ci/run` set it) that fails the test, because CI installs every
/// tool; elsewhere the test says plainly on standard error that it skipped.
pub fn missing_tool(what: &str, install: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "false" | "0"));
    assert!(!ci, "CI=true but {what} is missing: {install}");
    eprintln!("SKIPPED: {what} is missing ({install})");
}

/// Every fixture file, sorted by name.
pub fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The fixture's file stem, for snapshot names.
pub fn stem(path: &std::path::Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("?")
        .to_owned()
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Parses a fixture (its bytes leaked, as in [`leak`]).
pub fn load(name: &str) -> JobSummary<'static> {
    let bytes: &'static [u8] = Box::leak(
        std::fs::read(fixture(name))
            .expect("fixture exists")
            .into_boxed_slice(),
    );
    JobSummary::from_slice(bytes).expect("fixture parses")
}

/// One stage for [`run`]: id, status code, trigger rule, start and end (ms
/// after the run's start), parent ids.
#[derive(Clone, Debug)]
pub struct S {
    pub id: String,
    pub status: i64,
    pub rule: Option<String>,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub parents: Vec<String>,
}

pub fn s(id: &str, status: i64, parents: &[&str]) -> S {
    S {
        id: id.into(),
        status,
        rule: None,
        start: None,
        end: None,
        parents: parents.iter().map(|p| p.to_string()).collect(),
    }
}

impl S {
    pub fn rule(mut self, rule: &str) -> Self {
        self.rule = Some(rule.into());
        self
    }
    pub fn time(mut self, start: i64, end: i64) -> Self {
        self.start = Some(start);
        self.end = Some(end);
        self
    }
    pub fn started(mut self, start: i64) -> Self {
        self.start = Some(start);
        self
    }
}

pub const T0: i64 = 1_795_847_400_000;

/// A job summary with the given run status and stages.
pub fn run(status: i64, stages: &[S]) -> Value {
    let instances: Vec<Value> = stages
        .iter()
        .map(|st| {
            json!({
                "id": st.id,
                "execution_status": st.status,
                "start_time": st.start.map(|t| (T0 + t).to_string()),
                "completion_time": st.end.map(|t| (T0 + t).to_string()),
                "pipelinetask": { "id": format!("9{}", st.id), "name": format!("stage {}", st.id), "type": 10, "trigger_rule": st.rule },
            })
        })
        .collect();
    let mappers: serde_json::Map<String, Value> = stages
        .iter()
        .map(|st| (st.id.clone(), json!(st.parents)))
        .collect();
    json!({
        "pipelinerun": {
            "id": "14057000000000001",
            "execution_status": status,
            "created_time": T0,
            "pipelinetaskinstancemappers": mappers,
            "pipelinetaskinstances": instances,
        },
        "response_status": { "status": "success", "status_code": 2000 },
    })
}

/// The text of a document, leaked so that a summary parsed from it (which
/// borrows its text) can outlive the statement that made it.
pub fn leak(doc: &impl ToString) -> &'static str {
    Box::leak(doc.to_string().into_boxed_str())
}

/// Parses a built document. The summary borrows its text, so the JSON is
/// leaked: a test process is short and its documents are small.
pub fn parse(doc: &Value) -> JobSummary<'static> {
    let text: &'static str = Box::leak(doc.to_string().into_boxed_str());
    JobSummary::from_str(text).expect("builder output parses")
}

/// A compact, readable description of a parsed run for snapshots.
pub fn describe(summary: &JobSummary) -> String {
    let run = summary.run();
    let mut out = String::new();
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let _ = writeln!(out, "run {}", opt(run.id.get().map(|i| i.to_string())));
    let _ = writeln!(
        out,
        "  status: {}",
        opt(run.execution_status.value().map(|s| s.to_string()))
    );
    let _ = writeln!(
        out,
        "  type: {}",
        opt(run.run_type.value().map(|s| s.to_string()))
    );
    let _ = writeln!(
        out,
        "  created: {}",
        opt(run.created_time.value().map(|t| t.to_string()))
    );
    let _ = writeln!(
        out,
        "  completed: {}",
        opt(run.completion_time.value().map(|t| t.to_string()))
    );
    let _ = writeln!(
        out,
        "  modified: {} by {}",
        opt(run.modified_time.value().map(|t| t.to_string())),
        opt(run
            .modified_by
            .get()
            .and_then(|u| u.display_name())
            .map(str::to_owned))
    );
    let pipeline = run.pipeline();
    let _ = writeln!(
        out,
        "  pipeline: {} in workspace {}",
        opt(pipeline.and_then(|p| p.name.get()).map(|t| t.to_string())),
        opt(pipeline
            .and_then(|p| p.project.get())
            .and_then(|p| p.name.get())
            .map(|t| t.to_string()))
    );
    let _ = writeln!(
        out,
        "  skip export of invalid data: {}",
        run.skips_invalid_exports()
    );
    let mapper_count = summary.mappers().map(|m| m.entries.len());
    let _ = writeln!(
        out,
        "  mappers: {}",
        opt(mapper_count.map(|n| n.to_string()))
    );
    for (i, ti) in summary.task_instances() {
        let _ = writeln!(
            out,
            "  stage [{i}] {}",
            ti.id.get().map(|i| i.as_str()).unwrap_or("-")
        );
        let _ = writeln!(out, "    name: {}", opt(ti.name().map(str::to_owned)));
        let _ = writeln!(
            out,
            "    type: {} · status: {} · rule: {}",
            opt(ti.stage_type().map(|t| t.to_string())),
            opt(ti.execution_status.value().map(|s| s.to_string())),
            opt(ti.trigger_rule().map(str::to_owned))
        );
        let _ = writeln!(
            out,
            "    start: {} · completion: {}",
            opt(ti.start_time.value().map(|t| t.to_string())),
            opt(ti.completion_time.value().map(|t| t.to_string()))
        );
        let count = |n: Option<usize>| n.unwrap_or(0);
        let _ = writeln!(
            out,
            "    audits: {} raw dataset, {} dataset, {} export",
            count(ti.rawdatasetaudit.get().map(|l| l.len())),
            count(ti.datasetaudit.get().map(|l| l.len())),
            count(ti.datasetexportaudit.get().map(|l| l.len()))
        );
        if let Some(meta) = ti.client_meta().ok().flatten() {
            let _ = writeln!(
                out,
                "    placed at top {:?}, left {:?}",
                meta.top, meta.left
            );
        }
        for (_, ea) in ti.datasetexportaudit.items() {
            if let Some(q) = ea
                .datasetexportauditmetric
                .get()
                .and_then(|m| m.quality().ok().flatten())
            {
                let _ = writeln!(
                    out,
                    "    export quality: {:?} valid, {:?} invalid, {:?} missing",
                    q.valid, q.invalid, q.missing
                );
            }
            if let Some(conn) = ea
                .datasetexport
                .get()
                .and_then(|e| e.datasink.get())
                .and_then(|s| s.connection.get())
            {
                let service = conn.info().ok().flatten().and_then(|i| i.servicename);
                let _ = writeln!(
                    out,
                    "    exports to {} ({}, service {})",
                    opt(conn.name.get().map(|t| t.to_string())),
                    opt(conn.connection_type.value().map(|t| t.to_string())),
                    opt(service)
                );
            }
        }
        for (_, ra) in ti.rawdatasetaudit.items() {
            if let Some(streams) = ra
                .datasourceaudit
                .get()
                .and_then(|d| d.streams().ok().flatten())
            {
                for st in &streams.0 {
                    let _ = writeln!(
                        out,
                        "    stream {}: {}",
                        st.key,
                        opt(st.execution_status.clone())
                    );
                }
            }
        }
    }
    if summary.diagnostics().is_empty() {
        let _ = writeln!(out, "diagnostics: none");
    } else {
        let _ = writeln!(out, "diagnostics:");
        for d in summary.diagnostics() {
            let _ = writeln!(out, "  {} at {}: {}", d.kind.as_str(), d.path, d.message);
        }
    }
    out
}
