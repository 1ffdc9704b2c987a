//! One module per subcommand.

pub mod demo;
pub mod inspect;
pub mod keygen;
pub mod man;
pub mod policy;
pub mod serve;
pub mod sign;
pub mod verify;
