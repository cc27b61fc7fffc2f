//! Integration tests, linked into one test binary (faster to build and run
//! than one binary per file).

mod adversarial;
mod analyses;
mod cli;
mod diagrams;
mod diff;
mod escaping;
mod exports;
/// The benchmarks' generator, shared so that tests and benches build the
/// same inputs.
#[path = "../../benches/common/mod.rs"]
mod generator;
mod history;
mod hostile;
mod html;
mod outputs;
mod parsing;
mod properties;
mod reports;
mod scale;
mod shapes;
mod support;
