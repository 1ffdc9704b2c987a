//! One module per subcommand.

pub(crate) mod demo;
pub(crate) mod derive;
pub(crate) mod headers;
pub(crate) mod inspect;
pub(crate) mod keygen;
pub(crate) mod man;
pub(crate) mod policy;
pub(crate) mod publish;
#[cfg(feature = "serve")]
pub(crate) mod repository;
pub(crate) mod scan;
#[cfg(feature = "serve")]
pub(crate) mod serve;
pub(crate) mod sign;
pub(crate) mod token;
pub(crate) mod verify;
