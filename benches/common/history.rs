//! A generator of folders of runs for `history`: N runs of one or more
//! pipelines with the stories a real history has — a flaky stage whose
//! timeout error recurs with different numbers in its message, a stage that
//! slows down run after run, a new error in the latest run, a run still in
//! progress, a corrupt file and a gzip-compressed one. Deterministic for a
//! seed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{generate_run, Fate, RunSpec, Shape, BASE, T0};

/// Stages per generated pipeline: two layers of ten, so that a failure in
/// the first layer blocks stages of the second.
pub const STAGES: usize = 20;
/// The flaky stage: it times out in about a third of the runs.
pub const FLAKY: usize = 4;
/// The stage that takes 3 s longer every run.
pub const SLOWING: usize = 7;
/// The stage that fails with a new error in the latest run of pipeline 0.
pub const NEW_ERROR: usize = 16;

/// Stage names, by position: every third stage an import, a transform,
/// an export, as the generator types them.
pub const NAMES: [&str; STAGES] = [
    "Import orders",
    "Clean orders",
    "Export orders to warehouse",
    "Import CRM accounts",
    "Enrich with CRM contacts",
    "Export accounts to warehouse",
    "Import returns",
    "Match returns to orders",
    "Export returns to warehouse",
    "Import stores",
    "Join stores and regions",
    "Export store list",
    "Import price lists",
    "Convert currencies",
    "Export price history",
    "Import promotions",
    "Apply discount codes",
    "Export daily revenue",
    "Import inventory",
    "Reconcile stock counts",
];

/// A small deterministic random source (xorshift64*), so that the same
/// seed gives the same folder on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The files of a history: `runs` runs of each of `pipelines` pipelines
/// (one a day, `p<k>/run-<r>.json`), the last run of pipeline 1 (or of the
/// only pipeline) still in progress, run 3 of pipeline 0 gzip-compressed,
/// and one corrupt file. Paths are relative.
pub fn history_files(pipelines: usize, runs: usize, seed: u64) -> Vec<(PathBuf, Vec<u8>)> {
    let mut rng = Rng::new(seed);
    let mut files = Vec::new();
    for p in 0..pipelines {
        for r in 0..runs {
            let latest = r + 1 == runs;
            let in_progress = latest && (p == 1 || pipelines == 1);
            let fates = (0..STAGES)
                .map(|i| {
                    let jitter = rng.below(2_000);
                    let base = 5_000 + i as u64 * 1_000 + jitter;
                    match i {
                        FLAKY if in_progress => Fate::Running,
                        FLAKY if (latest && p == 0) || rng.below(3) == 0 => Fate::Fail {
                            ms: 30_000 + rng.below(5_000),
                            message: format!(
                                "Lookup against crm.contacts timed out after {} ms (attempt {} of 3)",
                                30_000 + rng.below(5_000),
                                1 + rng.below(3)
                            ),
                        },
                        SLOWING => Fate::Success {
                            ms: 30_000 + r as u64 * 3_000 + jitter,
                        },
                        NEW_ERROR if latest && p == 0 && !in_progress => Fate::Fail {
                            ms: base,
                            message: "Column 'discount_code' not found in promotions".to_owned(),
                        },
                        _ => Fate::Success { ms: base },
                    }
                })
                .collect();
            let spec = RunSpec {
                shape: Shape::Layered,
                fates,
                run_id: BASE + 10_000 + (p as u64) * 100_000 + r as u64,
                created: T0 - (runs - r) as u64 * 86_400_000 + p as u64 * 3_600_000,
                pipeline_id: BASE + 500 + p as u64,
                pipeline_name: format!("{} sales load", ["Nightly", "Hourly", "Weekly"][p % 3]),
                names: NAMES.iter().map(|n| (*n).to_owned()).collect(),
            };
            let text = generate_run(&spec).into_bytes();
            let name = format!("p{p}/run-{r:05}.json");
            if p == 0 && r == 3 {
                files.push((PathBuf::from(format!("{name}.gz")), gzip(&text)));
            } else {
                files.push((PathBuf::from(name), text));
            }
        }
    }
    // A download cut off half-way.
    let cut = generate_run(&RunSpec {
        fates: vec![Fate::Success { ms: 1_000 }; 3],
        ..RunSpec::default()
    });
    files.push((
        PathBuf::from("p0/run-cut-off.json"),
        cut.as_bytes()[..cut.len() / 2].to_vec(),
    ));
    files
}

/// Writes [`history_files`] under `dir`.
pub fn write_history(dir: &Path, pipelines: usize, runs: usize, seed: u64) -> std::io::Result<()> {
    for (rel, bytes) in history_files(pipelines, runs, seed) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
    }
    Ok(())
}

/// `bytes`, gzip-compressed.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}
