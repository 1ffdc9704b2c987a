//! What several commands share, so that no command calls into another:
//! kinds of use and policies from flags ([`kinds`]), the verifier built from
//! `--trust` and `--identity-issuer` with the optional recovery
//! ([`verifying`]), publishing one file to a repository ([`publishing`]),
//! and the signer's credentials ([`credentials`]).

pub(crate) mod credentials;
pub(crate) mod kinds;
pub(crate) mod publishing;
pub(crate) mod verifying;
