//! The ISCC Image-Code fingerprint (`io.iscc.v0`): parsing the soft-binding
//! value, and Hamming distances.
//!
//! A soft binding of algorithm [`ISCC_ALG`] holds an ISCC unit: a 2-byte
//! header (`0x21 0x07`: main type Content, subtype Image, version 0, length
//! 256 bits) followed by the 256-bit Image-Code body. The body's first 64 bits
//! (big-endian) are the 64-bit Image-Code, which the repository indexes.

use super::error::{Error, Result};

pub use crate::soft_binding::{ISCC_ALGORITHM as ISCC_ALG, ISCC_IMAGE_256_HEADER};

/// Length in bytes of a 256-bit Image-Code unit: header and body.
pub const ISCC_UNIT_LEN: usize = 2 + 32;

/// A 256-bit ISCC Image-Code body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    body: [u8; 32],
}

impl Fingerprint {
    /// The fingerprint with this 256-bit body.
    pub fn from_body(body: [u8; 32]) -> Self {
        Self { body }
    }

    /// Parses a soft-binding value of algorithm [`ISCC_ALG`]: the 34 bytes of
    /// a 256-bit Image-Code unit (header `0x21 0x07` and body).
    pub fn from_unit(value: &[u8]) -> Result<Self> {
        let bad = |reason: String| Error::BadBindingValue {
            alg: ISCC_ALG.to_owned(),
            reason,
        };
        if value.len() != ISCC_UNIT_LEN {
            return Err(bad(format!(
                "expected {ISCC_UNIT_LEN} bytes (a 256-bit ISCC Image-Code unit), got {}",
                value.len()
            )));
        }
        let (header, body) = value.split_at(2);
        if header != ISCC_IMAGE_256_HEADER {
            return Err(bad(format!(
                "expected the header 21 07 of a 256-bit ISCC Image-Code unit, got {:02x} {:02x}",
                header[0], header[1]
            )));
        }
        let body: [u8; 32] = body
            .try_into()
            .map_err(|_| bad("the body is not 32 bytes".to_owned()))?;
        Ok(Self { body })
    }

    /// The 34-byte ISCC unit (header and body) stored as the soft-binding value.
    pub fn to_unit(&self) -> [u8; ISCC_UNIT_LEN] {
        let mut unit = [0u8; ISCC_UNIT_LEN];
        unit[..2].copy_from_slice(&ISCC_IMAGE_256_HEADER);
        unit[2..].copy_from_slice(&self.body);
        unit
    }

    /// The 256-bit body.
    pub fn body(&self) -> &[u8; 32] {
        &self.body
    }

    /// The 64-bit Image-Code: the body's first 8 bytes, big-endian.
    pub fn code64(&self) -> u64 {
        self.word(0)
    }

    /// The number of differing bits between the two 64-bit codes.
    pub fn distance64(&self, other: &Fingerprint) -> u32 {
        (self.code64() ^ other.code64()).count_ones()
    }

    /// The number of differing bits between the two 256-bit bodies.
    pub fn distance256(&self, other: &Fingerprint) -> u32 {
        (0..4)
            .map(|i| (self.word(i) ^ other.word(i)).count_ones())
            .sum()
    }

    /// The `i`-th 64-bit big-endian word of the body (`i` < 4).
    fn word(&self, i: usize) -> u64 {
        let mut word = [0u8; 8];
        word.copy_from_slice(&self.body[i * 8..i * 8 + 8]);
        u64::from_be_bytes(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_round_trip_and_code64() {
        let mut body = [0u8; 32];
        body[0] = 0x80;
        body[7] = 0x01;
        body[31] = 0xff;
        let fp = Fingerprint::from_body(body);
        assert_eq!(fp.code64(), 0x8000_0000_0000_0001);
        let unit = fp.to_unit();
        assert_eq!(&unit[..2], &[0x21, 0x07]);
        assert_eq!(Fingerprint::from_unit(&unit).unwrap(), fp);
    }

    #[test]
    fn distances() {
        let a = Fingerprint::from_body([0u8; 32]);
        let mut body = [0u8; 32];
        body[0] = 0b1010_0000;
        body[20] = 0xff;
        let b = Fingerprint::from_body(body);
        assert_eq!(a.distance64(&b), 2);
        assert_eq!(a.distance256(&b), 10);
        assert_eq!(b.distance256(&a), 10);
    }

    #[test]
    fn hostile_units_are_refused() {
        assert!(matches!(
            Fingerprint::from_unit(&[]),
            Err(Error::BadBindingValue { .. })
        ));
        assert!(matches!(
            Fingerprint::from_unit(&[0x21, 0x07, 1, 2]),
            Err(Error::BadBindingValue { .. })
        ));
        let mut unit = [0u8; 34];
        unit[0] = 0x21;
        unit[1] = 0x01; // a 64-bit unit header
        assert!(matches!(
            Fingerprint::from_unit(&unit),
            Err(Error::BadBindingValue { .. })
        ));
        assert!(matches!(
            Fingerprint::from_unit(&[0u8; 35]),
            Err(Error::BadBindingValue { .. })
        ));
    }
}
