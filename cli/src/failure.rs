//! A command's failure: a message for stderr and the exit status it means.

use hallmark::exit::ExitStatus;

/// Why a command stopped, in one line, and with which exit status.
#[derive(Debug)]
pub struct Failure {
    /// The message, already naming the file or thing concerned.
    pub message: String,
    /// The exit status.
    pub status: ExitStatus,
}

impl Failure {
    /// The command was used wrongly, or its set-up (credentials, trust list) is unusable.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            status: ExitStatus::Usage,
        }
    }

    /// A file could not be processed. Errors in what was asked (an output
    /// that exists, a format that cannot be signed) are usage errors; the
    /// rest mean the file could not be read or processed.
    pub fn file(error: &hallmark::Error) -> Self {
        use hallmark::Error as E;
        let status = match error {
            E::OutputExists { .. }
            | E::OutputIsInput { .. }
            | E::InvalidOption(_)
            | E::CannotSignFormat { .. } => ExitStatus::Usage,
            _ => ExitStatus::Unreadable,
        };
        Failure {
            message: error.to_string(),
            status,
        }
    }

    /// Whoever read standard output went away: nothing more to say, and no
    /// one to say it to.
    pub fn output_closed() -> Self {
        Failure {
            message: String::new(),
            status: ExitStatus::OutputClosed,
        }
    }

    /// A problem with credentials, passphrases or trust anchors given on the command line.
    pub fn setup(error: &hallmark::Error) -> Self {
        Failure::usage(error.to_string())
    }
}
