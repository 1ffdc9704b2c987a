//! A command's failure: a message for stderr and the exit status it means.

use crate::exit::ExitStatus;

/// Why a command stopped, in one line, and with which exit status.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The message, already naming the file or thing concerned.
    pub message: String,
    /// The exit status.
    pub status: ExitStatus,
}

impl Failure {
    /// The command was used wrongly, or its set-up (credentials, trust list) is unusable.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            status: ExitStatus::Usage,
        }
    }

    /// A library error, with the exit status its kind means.
    pub(crate) fn from_error(error: &hallmark::Error) -> Self {
        Failure {
            message: error.to_string(),
            status: ExitStatus::for_error(error.kind()),
        }
    }

    /// Whoever read standard output went away: nothing more to say, and no
    /// one to say it to.
    pub(crate) fn output_closed() -> Self {
        Failure {
            message: String::new(),
            status: ExitStatus::OutputClosed,
        }
    }
}

impl From<hallmark::Error> for Failure {
    fn from(error: hallmark::Error) -> Self {
        Failure::from_error(&error)
    }
}
