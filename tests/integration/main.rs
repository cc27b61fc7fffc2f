//! Integration tests, linked into one test binary (faster to build and run
//! than one binary per file).

mod adversarial;
mod analyses;
mod cli;
mod diff;
mod escaping;
mod hostile;
mod outputs;
mod parsing;
mod properties;
mod reports;
mod scale;
mod shapes;
mod support;
