//! `hallmark verify`: check the Content Credentials of many files, in
//! parallel, reporting in input order.

use std::cell::RefCell;
use std::io::{self, BufWriter, StdoutLock, Write};
use std::path::Path;

use hallmark::exit::ExitStatus;
use hallmark::{Report, TrustAnchors, Verifier};
use serde::Serialize;

use crate::args::{ColorChoice, VerifyArgs};
use crate::failure::Failure;
use crate::inputs;
use crate::ordered::{jobs_or_cores, run_in_order};
use crate::progress::Progress;
use crate::render::{self, Style};

/// One line of `--json` output: the library's report plus the file, or an error.
#[derive(Serialize)]
#[serde(untagged)]
pub enum JsonLine<'a> {
    /// The file was verified.
    Report {
        /// The file, as given or found.
        file: &'a str,
        /// Its report.
        #[serde(flatten)]
        report: &'a Report,
    },
    /// The file could not be read or parsed.
    Error {
        /// The file, as given or found.
        file: &'a str,
        /// Always `error`.
        state: &'static str,
        /// Why, in words.
        error: String,
    },
}

/// Serialise one JSON line, newline included.
pub fn json_line(line: &JsonLine<'_>) -> String {
    // Serialising these plain structures cannot fail; an empty object is a safe fallback.
    let mut text = serde_json::to_string(line).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// Verify every file named or found, print a report for each, and return the batch's exit status.
pub fn run(args: &VerifyArgs, color: ColorChoice) -> Result<ExitStatus, Failure> {
    let verifier = Verifier::new(&load_anchors(&args.trust)?).map_err(|e| Failure::setup(&e))?;
    let expanded = inputs::expand(&args.paths, args.recursive, |format| format.can_verify())?;
    let style = Style::for_stdout(color);
    let progress = Progress::new(expanded.files.len(), "verifying", !args.quiet && !args.json);
    let out = RefCell::new(ReportWriter::new());
    let mut outcomes = Vec::with_capacity(expanded.files.len());
    // Workers verify and render; this thread only writes, in input order.
    run_in_order(
        &expanded.files,
        jobs_or_cores(args.jobs),
        |input| {
            let result = verifier.verify_file(&input.path);
            let state = result.as_ref().ok().map(|r| r.state);
            let text = (!args.quiet).then(|| {
                let file = input.path.display().to_string();
                match (&result, args.json) {
                    (Ok(report), true) => json_line(&JsonLine::Report {
                        file: &file,
                        report,
                    }),
                    (Err(err), true) => json_line(&JsonLine::Error {
                        file: &file,
                        state: "error",
                        error: err.to_string(),
                    }),
                    (Ok(report), false) => render::report(&file, report, style),
                    (Err(err), false) => render::error(&err.to_string(), style),
                }
            });
            (state, text)
        },
        |_, (state, text)| {
            progress.inc();
            outcomes.push(state);
            if let Some(text) = text {
                out.borrow_mut().write(&text);
            }
        },
        || out.borrow_mut().flush(),
    );
    progress.finish();
    out.into_inner().finish()?;
    Ok(ExitStatus::for_batch(outcomes))
}

/// Buffered report output: lines are written in batches and flushed
/// whenever the workers have nothing more ready, so a consumer reading the
/// stream sees each line promptly without a system call per line. The
/// first write error stops all further writing.
struct ReportWriter {
    out: BufWriter<StdoutLock<'static>>,
    failed: Option<io::Error>,
}

impl ReportWriter {
    fn new() -> Self {
        ReportWriter {
            out: BufWriter::new(io::stdout().lock()),
            failed: None,
        }
    }

    fn write(&mut self, text: &str) {
        if self.failed.is_none()
            && let Err(e) = self.out.write_all(text.as_bytes())
        {
            self.failed = Some(e);
        }
    }

    fn flush(&mut self) {
        if self.failed.is_none()
            && let Err(e) = self.out.flush()
        {
            self.failed = Some(e);
        }
    }

    /// Flush what is left; the first write error, if any, as a failure.
    fn finish(mut self) -> Result<(), Failure> {
        self.flush();
        match self.failed {
            Some(e) => Err(Failure::usage(format!("cannot write the report: {e}"))),
            None => Ok(()),
        }
    }
}

/// Read and merge every `--trust` PEM file.
pub fn load_anchors(paths: &[impl AsRef<Path>]) -> Result<TrustAnchors, Failure> {
    let mut anchors = TrustAnchors::none();
    for path in paths {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::usage(format!("{name}: cannot read the trust list: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Failure::usage(format!(
                "{name}: not a trust list: expected PEM text (-----BEGIN CERTIFICATE-----), found binary data"
            ))
        })?;
        anchors
            .add_pem(&name, &text)
            .map_err(|e| Failure::setup(&e))?;
    }
    Ok(anchors)
}
