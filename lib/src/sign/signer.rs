//! The bridge between a creator's key and the C2PA engine's signer trait.

use c2pa::SigningAlg;
use ed25519_dalek::Signer as _;

use crate::credentials::SigningCredentials;

/// Room the engine reserves for the COSE signature beyond the certificates.
const SIGNATURE_OVERHEAD: usize = 2048;

/// Signs C2PA claims with a creator's Ed25519 key (no time-stamp authority:
/// hallmark never contacts the network). It holds its own copy of the
/// credentials (the key is zeroed when it is dropped), so the engine may keep it.
#[derive(Clone)]
pub struct Signer {
    credentials: SigningCredentials,
}

impl Signer {
    /// A signer over loaded credentials.
    pub fn new(credentials: &SigningCredentials) -> Self {
        Signer {
            credentials: credentials.clone(),
        }
    }
}

impl c2pa::Signer for Signer {
    fn sign(&self, data: &[u8]) -> c2pa::Result<Vec<u8>> {
        Ok(self
            .credentials
            .signing_key()
            .sign(data)
            .to_bytes()
            .to_vec())
    }

    fn alg(&self) -> SigningAlg {
        SigningAlg::Ed25519
    }

    fn certs(&self) -> c2pa::Result<Vec<Vec<u8>>> {
        Ok(self.credentials.chain_der().to_vec())
    }

    fn reserve_size(&self) -> usize {
        reserve_size(self.credentials.chain_der())
    }
}

/// Room the engine reserves for a signature with this certificate chain.
pub(crate) fn reserve_size(chain: &[Vec<u8>]) -> usize {
    SIGNATURE_OVERHEAD + chain.iter().map(Vec::len).sum::<usize>()
}
