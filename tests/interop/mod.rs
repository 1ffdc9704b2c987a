//! Interoperability: hallmark against two independent C2PA implementations
//! (c2pa-python, c2pa-ts) and real files from other producers.

mod c2pa_python;
mod c2pa_ts;
pub(crate) mod common;
mod other_producers;
