//! Writes one hostile shape of input (tests/integration/shapes.rs) at a
//! given size, for `benches/hostile.sh`:
//!
//! ```sh
//! cargo run --release --example shapes -- "a ladder" 32000 > ladder.json
//! ```

#[path = "../../tests/integration/shapes.rs"]
#[allow(dead_code)]
mod shapes;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(name), Some(Ok(size))) = (args.get(1), args.get(2).map(|s| s.parse::<usize>()))
    else {
        eprintln!(
            "usage: shapes SHAPE SIZE   (shapes: {})",
            names().join(", ")
        );
        return ExitCode::from(2);
    };
    let Some((_, make, _)) = shapes::SHAPES.iter().find(|(n, _, _)| n == name) else {
        eprintln!("no shape {name:?}; shapes: {}", names().join(", "));
        return ExitCode::from(2);
    };
    let text = make(size);
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn names() -> Vec<&'static str> {
    shapes::SHAPES.iter().map(|(n, _, _)| *n).collect()
}
