//! Writes a synthetic Job Summary response, for benchmarks and profiling.
//!
//! ```sh
//! cargo run --release --example generate -- 10000 layered > /tmp/run-10k.json
//! cargo run --release -- why /tmp/run-10k.json
//! ```

#[path = "../common/mod.rs"]
mod common;

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let shape = match args.next().as_deref() {
        Some("chain") => common::Shape::Chain,
        Some("fan-in") => common::Shape::FanIn,
        _ => common::Shape::Layered,
    };
    let fail_every: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let text = common::generate(n, shape, fail_every);
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .expect("write to stdout");
}
