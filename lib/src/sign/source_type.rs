//! How a work was made, as an IPTC digital source type.

use std::fmt;
use std::str::FromStr;

use c2pa::DigitalSourceType;

/// The IPTC vocabulary's address; terms are appended to it.
pub(super) const IPTC_PREFIX: &str = "http://cv.iptc.org/newscodes/digitalsourcetype/";

/// An IPTC digital source type, such as `digitalCapture` (a camera or
/// recorder captured it) or `digitalCreation` (made by a person with digital
/// tools).
///
/// The default is `digitalCreation`: hallmark's users are artists and
/// creators who made the work themselves. Photographers signing camera
/// originals should say `digitalCapture`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceType {
    uri: String,
}

/// The error for a term that is not in the IPTC digital source type vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown IPTC digital source type \"{0}\": use a term such as digitalCapture, digitalCreation, \
     humanEdits, compositeCapture or trainedAlgorithmicMedia (see https://cv.iptc.org/newscodes/digitalsourcetype/)"
)]
pub struct UnknownSourceType(pub String);

impl SourceType {
    /// The term hallmark uses when the creator gives none.
    pub const DEFAULT_TERM: &'static str = "digitalCreation";

    /// The full URI written into the manifest.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The short term, e.g. `digitalCreation`.
    pub fn term(&self) -> &str {
        self.uri.rsplit('/').next().unwrap_or(&self.uri)
    }
}

impl Default for SourceType {
    fn default() -> Self {
        SourceType {
            uri: format!("{IPTC_PREFIX}{}", Self::DEFAULT_TERM),
        }
    }
}

impl FromStr for SourceType {
    type Err = UnknownSourceType;

    /// Accepts a term (`digitalCapture`) or its full IPTC URI.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let term = s.trim().strip_prefix(IPTC_PREFIX).unwrap_or(s.trim());
        // The C2PA engine knows the vocabulary; anything it maps to `Other` is unknown.
        match serde_json::from_value::<DigitalSourceType>(serde_json::Value::from(term)) {
            Ok(DigitalSourceType::Other(_)) | Err(_) => Err(UnknownSourceType(s.to_string())),
            Ok(known) => serde_json::to_value(known)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .filter(|uri| uri.starts_with(IPTC_PREFIX))
                .map(|uri| SourceType { uri })
                .ok_or_else(|| UnknownSourceType(s.to_string())),
        }
    }
}

impl fmt::Display for SourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.term())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_and_uris_parse() {
        let capture: SourceType = "digitalCapture".parse().unwrap();
        assert_eq!(capture.uri(), format!("{IPTC_PREFIX}digitalCapture"));
        let again: SourceType = capture.uri().parse().unwrap();
        assert_eq!(again, capture);
        assert_eq!(SourceType::default().term(), "digitalCreation");
        assert!("paintedByHand".parse::<SourceType>().is_err());
    }
}
