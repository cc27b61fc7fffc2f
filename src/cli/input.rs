//! Reading an input: one `read_input` for every subcommand (files, standard
//! input, gzip, `--max-bytes`, the depth scan) and the warnings about odd input.

use super::*;

/// The path as given, for a report to name (`None` for standard input).
pub(super) fn file_name(path: &Path) -> Option<String> {
    (path.as_os_str() != "-").then(|| path.display().to_string())
}

pub(super) fn display_name(file: &Path) -> String {
    if file.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        file.display().to_string()
    }
}

/// Warnings about odd input on standard error: at most 20 of each kind
/// (all that were kept with `--all`), then one line with the count of the
/// rest; buffered, one write per block.
pub(super) fn warn(graph: &LineageGraph<'_>, name: &str, all: bool) {
    let stderr = io::stderr();
    let mut err = BufWriter::new(stderr.lock());
    let mut shown = [0usize; DiagnosticKind::ALL.len()];
    for d in graph.diagnostics() {
        let n = &mut shown[d.kind as usize];
        *n += 1;
        if all || *n <= dataprep_lineage::caps::SCREEN {
            let _ = writeln!(err, "warning: {}", one_line(&format!("{name}: {d}")));
        }
    }
    for kind in DiagnosticKind::ALL {
        let total = graph.diagnostic_count(kind);
        let printed = if all {
            shown[kind as usize]
        } else {
            shown[kind as usize].min(dataprep_lineage::caps::SCREEN)
        };
        if total > printed {
            let _ = writeln!(
                err,
                "warning: {}: … and {} more {} warnings{}",
                one_line(name),
                total - printed,
                kind.as_str(),
                if all { "" } else { " (--all shows more)" }
            );
        }
    }
    let _ = err.flush();
}

/// The nesting depth past which input is refused while it is still being
/// read. The parser refuses more than 128 levels anywhere it reads, but a
/// record kept lazily as text may nest deeper (the library reads at most 32
/// such records inside one another), so this only stops what no parse can
/// take: an endless `[[[[` is refused after a megabyte, not after memory.
pub(super) const READ_DEPTH_LIMIT: usize = 1_000_000;

/// Why an input was not read whole.
#[derive(Debug)]
pub(super) enum ReadError {
    Io(io::Error),
    /// Larger than `--max-bytes` (`size` when known before reading).
    TooLarge {
        limit: u64,
        size: Option<u64>,
    },
    /// Nests deeper than the parser takes, seen at byte `at`.
    TooDeep {
        at: u64,
    },
    /// Its first byte that is not white space is a control or non-ASCII
    /// byte: it cannot start JSON.
    NotJson {
        at: u64,
        byte: u8,
    },
    /// Starts like gzip but does not decompress.
    Gzip(io::Error),
    /// Decompresses to more than `--max-bytes` (a gzip bomb, say).
    Inflates {
        limit: u64,
    },
}

/// Why [`DepthScan`] stopped reading.
pub(super) enum Refusal {
    TooDeep(u64),
    NotJson { at: u64, byte: u8 },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => e.fmt(f),
            ReadError::TooLarge { limit, size: Some(size) } => write!(
                f,
                "the input is {size} bytes, more than --max-bytes {limit}; raise --max-bytes to read it"
            ),
            ReadError::TooLarge { limit, size: None } => write!(
                f,
                "the input is larger than --max-bytes {limit}; raise --max-bytes to read it"
            ),
            ReadError::NotJson { at, byte } => write!(
                f,
                "not JSON: byte {at} is 0x{byte:02x}, which cannot start a JSON value; stopped reading (is this the response body?)"
            ),
            ReadError::Gzip(e) => write!(f, "the input starts like gzip but is not a readable gzip stream: {e}"),
            ReadError::Inflates { limit } => write!(
                f,
                "the input decompresses to more than --max-bytes {limit}; raise --max-bytes to read it"
            ),
            ReadError::TooDeep { at } => write!(
                f,
                "invalid JSON: the input nests deeper than {READ_DEPTH_LIMIT} levels (at byte {at}); stopped reading"
            ),
        }
    }
}

/// Tracks how deep the JSON read so far nests, outside strings, so that an
/// endless `[[[[` on standard input is refused as it arrives instead of
/// after filling memory.
#[derive(Default)]
pub(super) struct DepthScan {
    pub(super) depth: usize,
    pub(super) in_string: bool,
    pub(super) escaped: bool,
    pub(super) offset: u64,
    /// The first byte that is not white space was seen.
    pub(super) started: bool,
}

impl DepthScan {
    /// Scans `chunk`: why to stop reading, if the input nests past the
    /// limit or does not start like JSON.
    pub(super) fn scan(&mut self, chunk: &[u8]) -> Option<Refusal> {
        for &b in chunk {
            self.offset += 1;
            if !self.started {
                match b {
                    b' ' | b'\t' | b'\n' | b'\r' => continue,
                    // A byte order mark.
                    0xEF | 0xBB | 0xBF if self.offset <= 3 => continue,
                    // Text that is not JSON (an HTML error page, say) is
                    // left to the parser, which says where and why; a
                    // control or non-ASCII byte (`/dev/zero`, a binary
                    // file) cannot begin a response at all.
                    0x20..=0x7E => self.started = true,
                    _ => {
                        return Some(Refusal::NotJson {
                            at: self.offset,
                            byte: b,
                        })
                    }
                }
            }
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'[' | b'{' => {
                    self.depth += 1;
                    if self.depth > READ_DEPTH_LIMIT {
                        return Some(Refusal::TooDeep(self.offset));
                    }
                }
                b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        None
    }
}

/// Reads the input whole — a file or standard input, plain or
/// gzip-compressed (by its magic bytes, whatever the name) — refusing more
/// than `max` bytes after decompression, input that nests deeper than the
/// parser takes, and input whose first byte cannot start JSON (`/dev/zero`,
/// a binary file), each as soon as it is seen rather than after filling
/// memory. A file larger than `max` is refused by its length before it is
/// read.
pub(super) fn read_input(file: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let too_large = |size| ReadError::TooLarge { limit: max, size };
    let source: Box<dyn Read> = if file.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let f = std::fs::File::open(file).map_err(ReadError::Io)?;
        let size = f.metadata().map_err(ReadError::Io)?.len();
        if size > max {
            return Err(too_large(Some(size)));
        }
        Box::new(f)
    };
    let mut source = io::BufReader::with_capacity(1 << 16, source);
    use io::BufRead as _;
    let gzip = loop {
        match source.fill_buf() {
            Ok(head) => break head.starts_with(&[0x1f, 0x8b]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        }
    };
    let reader: Box<dyn Read> = if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(source))
    } else {
        Box::new(source)
    };
    let mut limited = reader.take(max.saturating_add(1));
    let mut bytes = Vec::new();
    let mut scan = DepthScan::default();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = match limited.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if gzip => return Err(ReadError::Gzip(e)),
            Err(e) => return Err(ReadError::Io(e)),
        };
        if gzip && (bytes.len() + n) as u64 > max {
            // Refused as it inflates past the limit, not after.
            return Err(ReadError::Inflates { limit: max });
        }
        match scan.scan(&chunk[..n]) {
            Some(Refusal::TooDeep(at)) => return Err(ReadError::TooDeep { at }),
            Some(Refusal::NotJson { at, byte }) => return Err(ReadError::NotJson { at, byte }),
            None => {}
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
    if bytes.len() as u64 > max {
        return Err(if gzip {
            ReadError::Inflates { limit: max }
        } else {
            too_large(None)
        });
    }
    Ok(bytes)
}

/// Reads `file`, parses it, builds its graph and warns about odd input
/// (unless `--quiet`), then hands the graph and the file's name to `then`:
/// the one way every subcommand loads a run. `role` (`baseline`,
/// `current`, or empty) names the input in messages.
pub(super) fn load<R>(
    cli: &Cli,
    file: &Path,
    role: &str,
    then: impl FnOnce(&LineageGraph<'_>, &str) -> Result<R, CliError>,
) -> Result<R, CliError> {
    let name = if role.is_empty() {
        display_name(file)
    } else {
        format!("{role} {}", display_name(file))
    };
    let bytes = read_input(file, cli.max_bytes).map_err(|error| CliError::Read {
        file: name.clone(),
        error,
    })?;
    let input_error = |error| CliError::Input {
        file: name.clone(),
        error,
    };
    let summary = JobSummary::from_slice(&bytes).map_err(input_error)?;
    let graph = LineageGraph::build(&summary).map_err(input_error)?;
    if !cli.quiet {
        warn(&graph, &name, cli.all);
    }
    then(&graph, &name)
}
