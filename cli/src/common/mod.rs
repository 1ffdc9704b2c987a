//! What several commands share, so that no command calls into another:
//! kinds of use and policies from flags ([`kinds`]), the verifier built from
//! `--trust` and `--identity-issuer` with the optional recovery
//! ([`verifying`]), and publishing one file to a repository ([`publishing`]).

pub(crate) mod kinds;
pub(crate) mod publishing;
pub(crate) mod verifying;
