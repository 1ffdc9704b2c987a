//! What a file says about training and mining outside its signed
//! credentials: the IPTC `plus:DataMining` / `plus:OtherConstraints` in its
//! XMP, and W3C TDMRep (`tdm:reservation`, `tdm:policy`) in a PDF's XMP.
//! Nothing proves who wrote these, so they can only restrict
//! ([`super::Report::decide`]).

use std::io::{Read, Seek, SeekFrom};

use serde::{Deserialize, Serialize};

use crate::format::MediaFormat;
use crate::policy::TrainingPolicy;
use crate::xmp::{self, DmiValue, Statement, XmpReading};

/// The unsigned training-and-mining statements found in a file's XMP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnsignedStatement {
    /// Where they were found: `xmp`.
    pub source: String,
    /// `plus:DataMining` as written (a URI such as
    /// `http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_mining: Option<String>,
    /// `plus:OtherConstraints` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_constraints: Option<String>,
    /// TDMRep `tdm:reservation` as written (`1` reserves the rights).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tdm_reservation: Option<String>,
    /// TDMRep `tdm:policy`: where the terms are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tdm_policy: Option<String>,
    /// What they say, read restrictively: never "allowed".
    pub policy: TrainingPolicy,
    /// Whether the IPTC statement is the one hallmark writes for the signed
    /// policy (`null` when the file has no intact signed policy to compare,
    /// or the XMP holds no `plus:DataMining`).
    #[serde(default)]
    pub agrees_with_signed: Option<bool>,
}

/// Whether a format's XMP is read on verify: the formats hallmark writes the
/// mirror into, and PDF (TDMRep). Formats where finding a packet would mean
/// scanning the whole file (audio, HEIF) are not read.
fn read_from(format: MediaFormat) -> bool {
    format.iptc_refusal().is_none() || format == MediaFormat::Pdf
}

/// The statements in `stream`'s XMP (a `format` file named `name`), if any;
/// leaves the stream at its start. A packet that cannot be read is no
/// statement: verification never fails over unsigned metadata.
pub(crate) fn read<R: Read + Seek>(
    name: &str,
    format: MediaFormat,
    stream: &mut R,
) -> Option<UnsignedStatement> {
    if !read_from(format) {
        return None;
    }
    let found = xmp::read(name, &mut *stream);
    let _ = stream.seek(SeekFrom::Start(0));
    match found {
        Ok(Some(reading)) if !reading.is_empty() => Some(statement(&reading)),
        Ok(_) => None,
        Err(error) => {
            tracing::debug!(file = name, %error, "XMP not read");
            None
        }
    }
}

fn statement(reading: &XmpReading) -> UnsignedStatement {
    UnsignedStatement {
        source: "xmp".into(),
        data_mining: reading.data_mining.as_ref().map(|value| match value {
            DmiValue::Known(known) => known.uri(),
            DmiValue::Unknown(text) => text.clone(),
        }),
        other_constraints: reading.other_constraints.clone(),
        tdm_reservation: reading.tdm_reservation.clone(),
        tdm_policy: reading.tdm_policy.clone(),
        policy: reading.restrictions(),
        agrees_with_signed: None,
    }
}

impl UnsignedStatement {
    /// Compare with the signed policy of intact credentials: does the IPTC
    /// statement say what hallmark would write for it?
    pub(crate) fn compare_with(&mut self, signed: &TrainingPolicy) {
        let Some(written) = &self.data_mining else {
            return;
        };
        let expected = Statement::from_policy(signed);
        self.agrees_with_signed = Some(match expected {
            Some(expected) => {
                DmiValue::parse(written) == DmiValue::Known(expected.data_mining)
                    && match &expected.other_constraints {
                        Some(text) => self.other_constraints.as_deref() == Some(text.as_str()),
                        None => true,
                    }
            }
            None => false,
        });
    }
}
