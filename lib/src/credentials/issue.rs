//! Issuing a small local CA and a signer certificate that meet the C2PA
//! certificate profile, with rcgen over ed25519-dalek keys.

use ed25519_dalek::Signer as _;
use ed25519_dalek::SigningKey;
use rand_core::{OsRng, RngCore};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyIdMethod, KeyUsagePurpose, SanType, SerialNumber,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};

/// OID arcs of id-kp-documentSigning (RFC 9336), an EKU the C2PA profile accepts.
const DOCUMENT_SIGNING: [u64; 9] = [1, 3, 6, 1, 5, 5, 7, 3, 36];

/// Who the credentials are for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The creator's name, shown as "Signed by NAME".
    pub name: String,
    /// An organisation, if any.
    pub organization: Option<String>,
    /// An email address, if any.
    pub email: Option<String>,
}

impl Identity {
    /// An identity with just a name.
    pub fn named(name: impl Into<String>) -> Self {
        Identity {
            name: name.into(),
            organization: None,
            email: None,
        }
    }
}

/// How long newly issued certificates stay valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// When both certificates start to be valid.
    pub not_before: OffsetDateTime,
    /// Lifetime of the local CA certificate.
    pub ca_lifetime: Duration,
    /// Lifetime of the signer certificate.
    pub signer_lifetime: Duration,
}

impl Default for Validity {
    /// Valid from an hour ago (tolerating clock skew); CA for 20 years, signer for 5.
    fn default() -> Self {
        Validity {
            not_before: OffsetDateTime::now_utc() - Duration::hours(1),
            ca_lifetime: Duration::days(20 * 365),
            signer_lifetime: Duration::days(5 * 365),
        }
    }
}

/// How many years a signer certificate is valid by default, as `hallmark
/// keygen` and the browser package issue it.
pub const DEFAULT_SIGNER_YEARS: u16 = 5;

impl Validity {
    /// The validity `hallmark keygen --years YEARS` gives (and the browser
    /// package's `createCredentials`): from an hour ago, the signer for
    /// `years`, the local CA for five years more, so that the signer's
    /// certificate never outlives its CA's.
    pub fn for_years(years: u16) -> Self {
        Validity {
            signer_lifetime: Duration::days(365 * i64::from(years)),
            ca_lifetime: Duration::days(365 * (i64::from(years) + 5)),
            ..Validity::default()
        }
    }
}

/// The certificates and keys of a fresh set of credentials, before they are stored.
pub struct IssuedCredentials {
    /// The local CA certificate, PEM.
    pub ca_certificate_pem: String,
    /// The signer certificate followed by the CA certificate, PEM.
    pub chain_pem: String,
    /// The CA's private key (zeroized on drop).
    pub ca_key: SigningKey,
    /// The signer's private key (zeroized on drop).
    pub signer_key: SigningKey,
}

/// An ed25519-dalek key seen through rcgen's signing interface.
pub(crate) struct RcgenKey<'a> {
    key: &'a SigningKey,
    public: [u8; 32],
}

impl<'a> RcgenKey<'a> {
    pub(crate) fn new(key: &'a SigningKey) -> Self {
        RcgenKey {
            key,
            public: key.verifying_key().to_bytes(),
        }
    }

    /// RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the public key.
    pub(crate) fn key_id(&self) -> KeyIdMethod {
        KeyIdMethod::PreSpecified(Sha256::digest(self.public)[..20].to_vec())
    }
}

impl rcgen::PublicKeyData for RcgenKey<'_> {
    fn der_bytes(&self) -> &[u8] {
        &self.public
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ED25519
    }
}

impl rcgen::SigningKey for RcgenKey<'_> {
    fn sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, rcgen::Error> {
        Ok(self.key.sign(msg).to_bytes().to_vec())
    }
}

fn random_serial() -> SerialNumber {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    // Positive and of full length, as RFC 5280 asks.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::from_slice(&bytes)
}

fn rcgen_error(what: &str, err: rcgen::Error) -> Error {
    Error::InvalidOption(format!("cannot issue the {what} certificate: {err}"))
}

/// Generate two Ed25519 keys and issue a local CA certificate and a signer
/// certificate for `identity` that satisfy the C2PA certificate profile.
pub fn issue(identity: &Identity, validity: Validity) -> Result<IssuedCredentials> {
    if identity.name.trim().is_empty() {
        return Err(Error::InvalidOption(
            "a name is required for the signer".into(),
        ));
    }
    let ca_key = SigningKey::generate(&mut OsRng);
    let signer_key = SigningKey::generate(&mut OsRng);
    let ca = RcgenKey::new(&ca_key);
    let signer = RcgenKey::new(&signer_key);

    let mut ca_params = CertificateParams::default();
    ca_params.distinguished_name = distinguished_name("hallmark local CA", identity);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params.not_before = validity.not_before;
    ca_params.not_after = validity.not_before + validity.ca_lifetime;
    ca_params.serial_number = Some(random_serial());
    ca_params.key_identifier_method = ca.key_id();
    let ca_certificate = ca_params
        .self_signed(&ca)
        .map_err(|e| rcgen_error("CA", e))?;

    let mut params = CertificateParams::default();
    params.distinguished_name = distinguished_name(&identity.name, identity);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::EmailProtection,
        ExtendedKeyUsagePurpose::Other(DOCUMENT_SIGNING.to_vec()),
    ];
    params.use_authority_key_identifier_extension = true;
    params.not_before = validity.not_before;
    params.not_after = validity.not_before + validity.signer_lifetime;
    params.serial_number = Some(random_serial());
    params.key_identifier_method = signer.key_id();
    if let Some(email) = &identity.email {
        let email = email.clone().try_into().map_err(|_| {
            Error::InvalidOption(format!("\"{email}\" is not a usable email address"))
        })?;
        params.subject_alt_names = vec![SanType::Rfc822Name(email)];
    }
    let issuer = Issuer::new(ca_params, ca);
    let signer_certificate = params
        .signed_by(&signer, &issuer)
        .map_err(|e| rcgen_error("signer", e))?;

    let ca_certificate_pem = ca_certificate.pem();
    Ok(IssuedCredentials {
        chain_pem: format!("{}{}", signer_certificate.pem(), ca_certificate_pem),
        ca_certificate_pem,
        ca_key,
        signer_key,
    })
}

/// A subject name: the common name, and the organisation or, for a creator
/// working alone, their own name (the C2PA engine this crate uses, c2pa 0.90,
/// cannot read a signature whose certificate subject has no organisation).
fn distinguished_name(common_name: &str, identity: &Identity) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    let organization = identity.organization.as_deref().unwrap_or(&identity.name);
    dn.push(DnType::OrganizationName, organization);
    dn
}
