//! Standard output that a closed pipe cannot crash.
//!
//! `hallmark verify -r photos | head` closes the pipe after a few lines.
//! `println!` would panic there; this writer instead remembers the first
//! write error and stops writing. Commands then decide what a closed output
//! means: a batch of signatures finishes its work regardless, while a report
//! nobody reads ends quietly with [`ExitStatus::OutputClosed`].

use std::io::{self, BufWriter, StdoutLock, Write};

use crate::exit::ExitStatus;

use crate::failure::Failure;

/// Buffered standard output. Lines are flushed when asked (for a batch:
/// whenever the workers have nothing more ready), so a consumer reading the
/// stream sees each line promptly without a system call per line.
pub(crate) struct Output {
    out: BufWriter<StdoutLock<'static>>,
    failed: Option<io::Error>,
}

impl Output {
    /// Standard output, locked for this command.
    pub(crate) fn stdout() -> Self {
        Output {
            out: BufWriter::new(io::stdout().lock()),
            failed: None,
        }
    }

    /// Write `text` unless an earlier write failed.
    pub(crate) fn write(&mut self, text: &str) {
        self.write_bytes(text.as_bytes());
    }

    /// Write raw bytes unless an earlier write failed.
    pub(crate) fn write_bytes(&mut self, bytes: &[u8]) {
        if self.failed.is_none()
            && let Err(e) = self.out.write_all(bytes)
        {
            self.failed = Some(e);
        }
    }

    /// Push what is buffered to the reader.
    pub(crate) fn flush(&mut self) {
        if self.failed.is_none()
            && let Err(e) = self.out.flush()
        {
            self.failed = Some(e);
        }
    }

    /// Whether the reader has gone (or writing failed otherwise).
    pub(crate) fn is_closed(&self) -> bool {
        self.failed.is_some()
    }

    /// Flush what is left. A reader that went away is
    /// [`Failure::output_closed`]; any other write error names itself.
    pub(crate) fn finish(mut self) -> Result<(), Failure> {
        self.flush();
        match self.failed {
            None => Ok(()),
            Some(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Failure::output_closed()),
            Some(e) => Err(Failure {
                message: format!("cannot write to standard output: {e}"),
                status: ExitStatus::Unreadable,
            }),
        }
    }
}

/// Print `text` (a string, or bytes such as a generated script) to standard output in one go.
pub(crate) fn print(text: impl AsRef<[u8]>) -> Result<(), Failure> {
    let mut out = Output::stdout();
    out.write_bytes(text.as_ref());
    out.finish()
}

/// Print what a command did once its work is done: a reader that has gone
/// changes nothing about that work, so a closed output is not a failure.
pub(crate) fn print_done(text: &str) -> Result<(), Failure> {
    ignore_closed(print(text))
}

/// A closed output counts as success; other failures stay failures.
pub(crate) fn ignore_closed(result: Result<(), Failure>) -> Result<(), Failure> {
    match result {
        Err(failure) if failure.status == ExitStatus::OutputClosed => Ok(()),
        other => other,
    }
}
