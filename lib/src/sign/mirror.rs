//! The IPTC mirror: the signed policy written into the file's XMP as
//! `plus:DataMining` (and `plus:OtherConstraints`), before signing, so that
//! the manifest's hash covers it and tools that read IPTC but not C2PA see
//! the same choice.

use std::io::{Read, Seek, SeekFrom, Write};

use crate::error::{Error, Result};
use crate::format::MediaFormat;
use crate::xmp::{self, DataMining, Statement};

/// What became of a work's IPTC mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IptcOutcome {
    /// Written: the `plus:DataMining` value (with `plus:OtherConstraints`
    /// where the vocabulary needs words).
    Written(DataMining),
    /// The signer asked for none ([`super::SignOptions::iptc`] off).
    Off,
    /// The policy says nothing, so nothing was written (and whatever the file
    /// said is left alone).
    NothingToSay,
    /// Not written into this format, or not with this placement; why.
    NotWritten(&'static str),
}

/// The statement to write for `policy` into a `format` file, or why none.
pub(crate) fn plan(
    format: MediaFormat,
    wanted: bool,
    embedded: bool,
    policy: &crate::policy::TrainingPolicy,
) -> (Option<Statement>, IptcOutcome) {
    if !wanted {
        return (None, IptcOutcome::Off);
    }
    if !embedded {
        return (
            None,
            IptcOutcome::NotWritten("a sidecar leaves the file untouched"),
        );
    }
    if let Some(reason) = format.iptc_refusal() {
        return (None, IptcOutcome::NotWritten(reason));
    }
    match Statement::from_policy(policy) {
        Some(statement) => {
            let value = statement.data_mining;
            (Some(statement), IptcOutcome::Written(value))
        }
        None => (None, IptcOutcome::NothingToSay),
    }
}

/// `input` with `statement` in its XMP, written into `mirrored` (a
/// temporary file, or memory), both at their start. `name` labels the input
/// in errors.
pub(crate) fn write<R: Read + Seek, S: Read + Write + Seek>(
    name: &str,
    input: &mut R,
    statement: &Statement,
    mut mirrored: S,
) -> Result<S> {
    input
        .seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(name, "cannot read", e))?;
    xmp::embed(name, &mut *input, &mut mirrored, statement)?;
    mirrored
        .flush()
        .and_then(|()| mirrored.seek(SeekFrom::Start(0)).map(|_| ()))
        .map_err(|e| Error::io(format!("{name} (temporary copy)"), "cannot write", e))?;
    input
        .seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(name, "cannot read", e))?;
    Ok(mirrored)
}
