//! The crate's one JSON writer: pretty documents and NDJSON lines into any
//! `io::Write`, with serialisation errors as I/O errors. It sits below
//! everything that writes JSON — the reports ([`crate::report::json`]
//! re-exports it) and the exports — so that no layer reaches up to the
//! reports for it.

use std::io::{self, Write};

use serde::Serialize;

/// Writes `report` as pretty JSON with a trailing newline.
///
/// # Errors
///
/// What writing to `out` returns (serialising the report structs cannot
/// fail otherwise).
///
/// Generic over the sink, not `dyn Write`: serde_json writes a report in
/// many small pieces, and a buffered sink of a known type takes each with an
/// inlined copy instead of a virtual call (half the time of a large report).
pub fn write<W: Write + ?Sized, T: Serialize + ?Sized>(out: &mut W, report: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io_error)?;
    out.write_all(b"\n")
}

/// `row` as one line of compact JSON (NDJSON).
///
/// # Errors
///
/// What writing to `out` returns.
pub fn write_line<W: Write + ?Sized, T: Serialize + ?Sized>(
    out: &mut W,
    row: &T,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, row).map_err(io_error)?;
    out.write_all(b"\n")
}

/// A serialisation error as an I/O error, keeping the kind of one that
/// came from the writer (so that a closed pipe is still a `BrokenPipe`).
fn io_error(e: serde_json::Error) -> io::Error {
    match e.io_error_kind() {
        Some(kind) => io::Error::from(kind),
        None => io::Error::other(e),
    }
}

/// `report` as pretty JSON with a trailing newline.
pub fn to_string<T: Serialize + ?Sized>(report: &T) -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail, and the reports always serialise.
    let _ = write(&mut buf, report);
    String::from_utf8(buf).unwrap_or_default()
}
