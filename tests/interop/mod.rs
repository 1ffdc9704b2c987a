//! Interoperability: hallmark against two independent C2PA implementations
//! (c2pa-python, c2pa-ts), real files from other producers (CAWG identities
//! among them), and ExifTool reading and writing the IPTC mirror.

mod c2pa_python;
mod c2pa_ts;
mod chains;
pub(crate) mod common;
mod datadiligence;
mod identity;
mod iptc;
mod other_producers;
