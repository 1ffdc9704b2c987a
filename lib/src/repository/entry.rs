//! What is published: an [`Entry`], its [`SoftBinding`]s, and their checks.
//!
//! Every entry is checked before any database work; the checks turn an entry
//! into the rows the backends insert ([`Prepared`]).

use time::OffsetDateTime;

use super::error::{Error, Result, shorten};
use super::fingerprint::{Fingerprint, ISCC_ALG};
use super::mih;

/// Longest manifest id accepted, in bytes. C2PA manifest labels
/// (`urn:c2pa:UUID`, optionally `:generator:version_reason`) are far shorter.
pub const MAX_MANIFEST_ID_BYTES: usize = 1024;

/// Longest signer name accepted, in bytes.
pub const MAX_SIGNER_BYTES: usize = 1024;

/// Most soft bindings accepted for one entry.
pub const MAX_BINDINGS: usize = 16;

/// Longest soft-binding value accepted for any algorithm, in bytes.
pub const MAX_BINDING_VALUE_BYTES: usize = 4096;

/// The state in which the manifest validated when it was published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValidationState {
    /// Well-formed and its signature valid; the signer not on a trust list.
    Valid,
    /// Valid, and the signer chains to a trust anchor.
    Trusted,
}

impl ValidationState {
    /// The name stored in the database: `valid` or `trusted`.
    pub fn as_str(self) -> &'static str {
        match self {
            ValidationState::Valid => "valid",
            ValidationState::Trusted => "trusted",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "valid" => Some(ValidationState::Valid),
            "trusted" => Some(ValidationState::Trusted),
            _ => None,
        }
    }
}

/// A soft binding of a manifest (C2PA `c2pa.soft-binding`): an algorithm
/// name and the value of one of its blocks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SoftBinding {
    /// The algorithm, e.g. [`ISCC_ALG`].
    pub alg: String,
    /// The value bytes; for `io.iscc.v0`, the 34-byte ISCC unit.
    pub value: Vec<u8>,
}

impl SoftBinding {
    /// The `io.iscc.v0` binding of a fingerprint.
    pub fn iscc(fingerprint: &Fingerprint) -> Self {
        Self {
            alg: ISCC_ALG.to_owned(),
            value: fingerprint.to_unit().to_vec(),
        }
    }
}

/// A manifest to publish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The manifest's label, e.g. `urn:c2pa:3fa85f64-5717-4562-b3fc-2c963f66afa6`;
    /// unique in the repository.
    pub manifest_id: String,
    /// The manifest store (`application/c2pa`).
    pub manifest_store: Vec<u8>,
    /// The manifest's soft bindings; at least one, at most [`MAX_BINDINGS`].
    pub bindings: Vec<SoftBinding>,
    /// The signer certificate's common name, if it has one.
    pub signer: Option<String>,
    /// The SHA-256 of the signer certificate (DER), lower-case hex
    /// ([`SignerInfo::certificate_sha256`](crate::verify::SignerInfo::certificate_sha256)):
    /// which certificate signed. Matches are deduplicated per certificate
    /// and capped per certificate; `None` counts as a signer of its own.
    pub signer_certificate: Option<String>,
    /// How the manifest validated when it was published.
    pub validation: ValidationState,
    /// When it was published.
    pub published_at: OffsetDateTime,
}

/// A soft binding ready to insert: the value, and for a fingerprint the
/// 64-bit code and its chunks for the multi-index.
#[derive(Clone, Debug)]
pub(crate) struct PreparedBinding {
    pub(crate) alg: String,
    pub(crate) value: Vec<u8>,
    /// `(code64 as i64, chunks)` for `io.iscc.v0`.
    pub(crate) code: Option<(i64, [i32; mih::CHUNKS])>,
}

/// An entry checked and turned into database values.
#[derive(Clone, Debug)]
pub(crate) struct Prepared<'a> {
    pub(crate) manifest_id: &'a str,
    pub(crate) manifest_store: &'a [u8],
    pub(crate) signer: Option<&'a str>,
    pub(crate) signer_certificate: Option<&'a str>,
    pub(crate) validation: &'static str,
    /// Microseconds since the Unix epoch, UTC.
    pub(crate) published_at: i64,
    pub(crate) bindings: Vec<PreparedBinding>,
}

/// Sorts out repeated manifest ids within one batch: the first occurrence of
/// each id is to be inserted (its index is in the returned list); a later one
/// with the same store is a repeat (`created: false` in `outcomes`), one with
/// another store a [`Error::Conflict`].
pub(crate) fn first_occurrences(
    entries: &[Prepared<'_>],
) -> Result<(Vec<usize>, Vec<Option<super::Published>>)> {
    let mut first: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(entries.len());
    let mut outcomes = vec![None; entries.len()];
    let mut unique = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        match first.get(entry.manifest_id) {
            None => {
                first.insert(entry.manifest_id, i);
                unique.push(i);
            }
            Some(&j) if entries[j].manifest_store == entry.manifest_store => {
                outcomes[i] = Some(super::Published { created: false });
            }
            Some(_) => {
                return Err(Error::Conflict {
                    manifest_id: entry.manifest_id.to_owned(),
                });
            }
        }
    }
    Ok((unique, outcomes))
}

/// Splits `unique` (indices into `entries`) into runs of at most
/// `max_entries` entries and, unless a run is a single entry, at most
/// `max_bytes` bytes of manifest stores.
pub(crate) fn sub_batches<'u>(
    entries: &[Prepared<'_>],
    unique: &'u [usize],
    max_entries: usize,
    max_bytes: usize,
) -> Vec<&'u [usize]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < unique.len() {
        let mut end = start;
        let mut bytes = 0usize;
        while end < unique.len() && end - start < max_entries {
            let size = entries[unique[end]].manifest_store.len();
            if end > start && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            end += 1;
        }
        out.push(&unique[start..end]);
        start = end;
    }
    out
}

/// The outcomes, once every entry has one.
pub(crate) fn all_outcomes(
    outcomes: Vec<Option<super::Published>>,
) -> Result<Vec<super::Published>> {
    outcomes
        .into_iter()
        .map(|o| {
            o.ok_or(Error::Corrupt {
                action: "publishing entries",
                reason: "an entry was left without an outcome".to_owned(),
            })
        })
        .collect()
}

/// Checks a manifest id: 1 to [`MAX_MANIFEST_ID_BYTES`] bytes, no control
/// characters. Returns the reason it is refused.
pub(crate) fn check_manifest_id(manifest_id: &str) -> Result<(), &'static str> {
    if manifest_id.is_empty() {
        return Err("the manifest id is empty");
    }
    if manifest_id.len() > MAX_MANIFEST_ID_BYTES {
        return Err("the manifest id is longer than 1024 bytes");
    }
    if manifest_id.chars().any(char::is_control) {
        return Err("the manifest id contains a control character");
    }
    Ok(())
}

/// The 64-bit code as stored (its bits reinterpreted as a signed integer) and
/// its chunks.
pub(crate) fn index_values(fingerprint: &Fingerprint) -> (i64, [i32; mih::CHUNKS]) {
    let code = fingerprint.code64();
    (
        i64::from_ne_bytes(code.to_ne_bytes()),
        mih::chunks(code).map(i32::from),
    )
}

/// Checks an entry against the limits and parses its bindings.
pub(crate) fn prepare(entry: &Entry, max_manifest_bytes: usize) -> Result<Prepared<'_>> {
    let bad = |reason: String| Error::BadEntry {
        manifest_id: shorten(&entry.manifest_id),
        reason,
    };
    check_manifest_id(&entry.manifest_id).map_err(|r| bad(r.to_owned()))?;
    if entry.manifest_store.is_empty() {
        return Err(bad("the manifest store is empty".to_owned()));
    }
    if entry.manifest_store.len() > max_manifest_bytes {
        return Err(bad(format!(
            "the manifest store has {} bytes, more than the {max_manifest_bytes} allowed",
            entry.manifest_store.len()
        )));
    }
    if let Some(signer) = &entry.signer {
        if signer.len() > MAX_SIGNER_BYTES {
            return Err(bad(format!(
                "the signer name is longer than {MAX_SIGNER_BYTES} bytes"
            )));
        }
        if signer.chars().any(char::is_control) {
            return Err(bad(
                "the signer name contains a control character".to_owned()
            ));
        }
    }
    if let Some(certificate) = &entry.signer_certificate {
        let hex = certificate.len() == 64
            && certificate
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            return Err(bad(
                "the signer certificate's SHA-256 is not 64 lower-case hex digits".to_owned(),
            ));
        }
    }
    if entry.bindings.is_empty() {
        return Err(bad(
            "it has no soft binding, so it could never be found".to_owned()
        ));
    }
    if entry.bindings.len() > MAX_BINDINGS {
        return Err(bad(format!(
            "it has {} soft bindings, more than the {MAX_BINDINGS} allowed",
            entry.bindings.len()
        )));
    }
    let mut bindings: Vec<PreparedBinding> = Vec::with_capacity(entry.bindings.len());
    for binding in &entry.bindings {
        if binding.value.len() > MAX_BINDING_VALUE_BYTES {
            return Err(Error::BadBindingValue {
                alg: shorten(&binding.alg),
                reason: format!(
                    "{} bytes, more than the {MAX_BINDING_VALUE_BYTES} allowed",
                    binding.value.len()
                ),
            });
        }
        let code = match binding.alg.as_str() {
            ISCC_ALG => Some(index_values(&Fingerprint::from_unit(&binding.value)?)),
            other => {
                return Err(Error::UnsupportedAlgorithm {
                    alg: shorten(other),
                    supported: super::SUPPORTED_LIST,
                });
            }
        };
        // The same binding twice is stored once.
        if !bindings
            .iter()
            .any(|b| b.alg == binding.alg && b.value == binding.value)
        {
            bindings.push(PreparedBinding {
                alg: binding.alg.clone(),
                value: binding.value.clone(),
                code,
            });
        }
    }
    let micros = entry.published_at.unix_timestamp_nanos() / 1000;
    let published_at = i64::try_from(micros)
        .map_err(|_| bad("the publication time is out of range".to_owned()))?;
    Ok(Prepared {
        manifest_id: &entry.manifest_id,
        manifest_store: &entry.manifest_store,
        signer: entry.signer.as_deref(),
        signer_certificate: entry.signer_certificate.as_deref(),
        validation: entry.validation.as_str(),
        published_at,
        bindings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            manifest_id: "urn:c2pa:3fa85f64-5717-4562-b3fc-2c963f66afa6".to_owned(),
            manifest_store: vec![1, 2, 3],
            bindings: vec![SoftBinding::iscc(&Fingerprint::from_body([7; 32]))],
            signer: Some("Ada".to_owned()),
            signer_certificate: Some("ab".repeat(32)),
            validation: ValidationState::Trusted,
            published_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_good_entry_is_prepared() {
        let e = entry();
        let p = prepare(&e, 10).unwrap();
        assert_eq!(p.validation, "trusted");
        assert_eq!(p.published_at, 0);
        assert_eq!(p.bindings.len(), 1);
        let (code, chunks) = p.bindings[0].code.unwrap();
        assert_eq!(code, 0x0707_0707_0707_0707);
        assert_eq!(chunks, [0x0707; 4]);
    }

    #[test]
    fn duplicate_bindings_collapse() {
        let mut e = entry();
        e.bindings.push(e.bindings[0].clone());
        assert_eq!(prepare(&e, 10).unwrap().bindings.len(), 1);
    }

    #[test]
    fn high_bit_codes_are_stored_as_negative_integers() {
        let (code, chunks) = index_values(&Fingerprint::from_body([0xff; 32]));
        assert_eq!(code, -1);
        assert_eq!(chunks, [0xffff; 4]);
    }

    #[test]
    fn hostile_entries_are_refused() {
        let cases: Vec<fn(&mut Entry)> = vec![
            |e| e.manifest_id.clear(),
            |e| e.manifest_id = "x".repeat(2000),
            |e| e.manifest_id.push('\0'),
            |e| e.manifest_store.clear(),
            |e| e.manifest_store = vec![0; 11],
            |e| e.signer = Some("a\nb".to_owned()),
            |e| e.bindings.clear(),
            |e| e.bindings = vec![e.bindings[0].clone(); 17],
        ];
        for (i, change) in cases.iter().enumerate() {
            let mut e = entry();
            change(&mut e);
            assert!(
                matches!(prepare(&e, 10), Err(Error::BadEntry { .. })),
                "case {i}"
            );
        }
        let mut e = entry();
        e.bindings[0].value.pop();
        assert!(matches!(
            prepare(&e, 10),
            Err(Error::BadBindingValue { .. })
        ));
        let mut e = entry();
        e.bindings[0].alg = "com.example.watermark".to_owned();
        assert!(matches!(
            prepare(&e, 10),
            Err(Error::UnsupportedAlgorithm { .. })
        ));
    }
}
