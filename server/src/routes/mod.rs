//! The handlers, one module per part of the API.

pub(crate) mod derive;
pub(crate) mod health;
pub(crate) mod repository;
pub(crate) mod shared;
pub(crate) mod verify;
