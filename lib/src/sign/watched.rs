//! An output stream that keeps the first error the operating system gave
//! it, so that a failure the engine reports after writing is named after the
//! output it concerns, not the input being signed.

use std::io::{self, Read, Seek, SeekFrom, Write};

/// `inner`, remembering its first I/O error.
pub(crate) struct WatchedOutput<'a, W> {
    inner: &'a mut W,
    failure: Option<io::Error>,
}

impl<'a, W> WatchedOutput<'a, W> {
    /// Watch `inner`.
    pub(crate) fn new(inner: &'a mut W) -> Self {
        WatchedOutput {
            inner,
            failure: None,
        }
    }

    /// The first error the output gave, if any.
    pub(crate) fn into_failure(self) -> Option<io::Error> {
        self.failure
    }

    /// Keep the first error; hand the caller an equivalent one.
    fn watch<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        result.map_err(|error| {
            let copy = io::Error::new(error.kind(), error.to_string());
            self.failure.get_or_insert(error);
            copy
        })
    }
}

impl<W: Write> Write for WatchedOutput<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}

impl<W: Read> Read for WatchedOutput<'_, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = self.inner.read(buf);
        self.watch(result)
    }
}

impl<W: Seek> Seek for WatchedOutput<'_, W> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let result = self.inner.seek(pos);
        self.watch(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose disk is full.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "No space left on device",
            ))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_first_failure_is_kept_and_passed_on() {
        let mut full = Full;
        let mut watched = WatchedOutput::new(&mut full);
        let passed_on = watched.write(b"x").unwrap_err();
        assert_eq!(passed_on.kind(), io::ErrorKind::StorageFull);
        let _ = watched.write(b"y");
        let kept = watched.into_failure().unwrap();
        assert_eq!(kept.kind(), io::ErrorKind::StorageFull);
        assert_eq!(kept.to_string(), "No space left on device");
    }

    #[test]
    fn a_healthy_output_reports_nothing() {
        let mut buffer = io::Cursor::new(Vec::new());
        let mut watched = WatchedOutput::new(&mut buffer);
        watched.write_all(b"fine").unwrap();
        assert!(watched.into_failure().is_none());
        assert_eq!(buffer.into_inner(), b"fine");
    }
}
