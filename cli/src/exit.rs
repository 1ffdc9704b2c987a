//! What outcomes mean as process exit statuses: the command line's part of
//! the contract (the library's part is its answers, [`State`] and [`Answer`]).
//!
//! | status | meaning |
//! | --- | --- |
//! | 0 | every file is `valid` or `trusted` |
//! | 1 | some file is `invalid` |
//! | 2 | some file has no credentials (and none is invalid or unreadable) |
//! | 3 | some file could not be read, parsed or written (and none is invalid) |
//! | 64 | the command was used wrongly, or its set-up (credentials, trust list) is unusable (EX_USAGE) |
//! | 141 | the reader of standard output went away (a closed pipe, as after `\| head`) |

use hallmark::{Answer, ErrorKind, State};

/// A process exit status with a meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ExitStatus {
    /// Every file verified as valid or trusted.
    Ok,
    /// Credentials are absent from some file.
    NoCredentials,
    /// Some file could not be read or parsed.
    Unreadable,
    /// Some file's credentials are invalid.
    Invalid,
    /// The command line was wrong.
    Usage,
    /// Whoever read standard output stopped reading (a closed pipe). 141 is
    /// what a shell reports for a program ended by `SIGPIPE`.
    OutputClosed,
}

impl ExitStatus {
    /// The number the process exits with.
    pub(crate) fn code(self) -> u8 {
        match self {
            ExitStatus::Ok => 0,
            ExitStatus::Invalid => 1,
            ExitStatus::NoCredentials => 2,
            ExitStatus::Unreadable => 3,
            ExitStatus::Usage => 64,
            ExitStatus::OutputClosed => 141,
        }
    }

    /// The status for a library error, by who is at fault: the one place the
    /// command line maps [`ErrorKind`]s.
    pub(crate) fn for_error(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::BadInput | ErrorKind::Environment | ErrorKind::Internal => {
                ExitStatus::Unreadable
            }
            ErrorKind::BadRequest | ErrorKind::BadSetup => ExitStatus::Usage,
        }
    }

    /// The status for one verification outcome: a state, or `None` when the
    /// file could not be read or parsed.
    pub(crate) fn for_outcome(state: Option<State>) -> Self {
        match state {
            Some(State::Trusted | State::Valid) => ExitStatus::Ok,
            Some(State::Invalid) => ExitStatus::Invalid,
            Some(State::None) => ExitStatus::NoCredentials,
            None => ExitStatus::Unreadable,
        }
    }

    /// The status for a batch: the most serious outcome wins
    /// (invalid, then unreadable, then no credentials).
    pub(crate) fn for_batch(outcomes: impl IntoIterator<Item = Option<State>>) -> Self {
        outcomes
            .into_iter()
            .map(Self::for_outcome)
            .max()
            .unwrap_or(ExitStatus::Ok)
    }
}

/// The exit status of "may I use this file for KIND?" (`hallmark policy`).
///
/// | status | meaning |
/// | --- | --- |
/// | 0 | allowed, in intact credentials |
/// | 1 | not allowed, or allowed only on terms |
/// | 2 | the creator said nothing about it, or the file has no credentials |
/// | 3 | the credentials are broken or the file unreadable: no answer |
pub(crate) fn policy_code(answer: Answer, state: Option<State>) -> u8 {
    match (answer, state) {
        (Answer::Allowed, _) => 0,
        (Answer::NotAllowed | Answer::Constrained, _) => 1,
        (Answer::Unspecified, _) | (Answer::Unknown, Some(State::None)) => 2,
        (Answer::Unknown, _) => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_serious_outcome_wins() {
        use State::*;
        assert_eq!(
            ExitStatus::for_batch([Some(Valid), Some(Trusted)]).code(),
            0
        );
        assert_eq!(ExitStatus::for_batch([Some(Valid), Some(None)]).code(), 2);
        assert_eq!(ExitStatus::for_batch([Some(None), Option::None]).code(), 3);
        assert_eq!(
            ExitStatus::for_batch([Option::None, Some(Invalid), Some(None)]).code(),
            1
        );
        assert_eq!(ExitStatus::for_batch([]).code(), 0);
    }

    #[test]
    fn policy_answers() {
        assert_eq!(policy_code(Answer::Allowed, Some(State::Valid)), 0);
        assert_eq!(policy_code(Answer::Constrained, Some(State::Trusted)), 1);
        assert_eq!(policy_code(Answer::Unspecified, Some(State::Valid)), 2);
        assert_eq!(policy_code(Answer::Unknown, Some(State::None)), 2);
        assert_eq!(policy_code(Answer::Unknown, Some(State::Invalid)), 3);
        assert_eq!(policy_code(Answer::Unknown, None), 3);
    }
}
