//! Checking a signing chain against the C2PA certificate profile before
//! signing, so a creator hears what is wrong in words instead of the engine's
//! "the certificate is invalid" after the fact.
//!
//! The rules follow the C2PA specification's X.509 certificate profile
//! (§14.5) as the c2pa crate enforces it.

use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::oid_registry::{OID_SIG_ED25519, Oid};
use x509_parser::prelude::FromDer;
use x509_parser::time::ASN1Time;
use x509_parser::x509::X509Version;

use crate::error::{Error, Result};

/// Extended key usages the C2PA profile accepts for a signer, with their names.
const ACCEPTED_EKUS: &[(&str, &str)] = &[
    ("1.3.6.1.5.5.7.3.4", "emailProtection"),
    ("1.3.6.1.5.5.7.3.36", "documentSigning"),
    ("1.3.6.1.4.1.311.76.59.1.9", "Microsoft C2PA signing"),
    ("1.3.6.1.4.1.62558.2.1", "C2PA signing"),
];

/// Parse each DER certificate of a chain, naming the position of any that fails.
fn parse_chain<'a>(file: &str, chain: &'a [Vec<u8>]) -> Result<Vec<X509Certificate<'a>>> {
    chain
        .iter()
        .enumerate()
        .map(|(i, der)| {
            X509Certificate::from_der(der)
                .map(|(_, cert)| cert)
                .map_err(|e| Error::BadCertificate {
                    file: file.into(),
                    reason: format!("certificate {} of the chain cannot be parsed ({e})", i + 1),
                })
        })
        .collect()
}

/// Check a signing chain (signer first, then its issuers) against the C2PA
/// certificate profile at time `now` (seconds since the Unix epoch).
///
/// `signer_public_key` is the raw Ed25519 public key of the private key that
/// will sign, so a chain that belongs to another key is caught too.
pub fn check_chain(
    file: &str,
    chain: &[Vec<u8>],
    signer_public_key: Option<&[u8; 32]>,
    now: i64,
) -> Result<()> {
    let problem = |reason: String| Error::BadCertificate {
        file: file.into(),
        reason,
    };
    let certs = parse_chain(file, chain)?;
    let Some(signer) = certs.first() else {
        return Err(problem("holds no certificates".into()));
    };
    let when = ASN1Time::from_timestamp(now).map_err(|e| problem(format!("bad clock ({e})")))?;

    check_signer(signer, when)
        .map_err(|reason| problem(format!("the signer certificate {reason}")))?;

    if let Some(expected) = signer_public_key
        && signer.public_key().subject_public_key.data.as_ref() != expected
    {
        return Err(problem(
            "the signer certificate is for another key than the private key given; \
             use the chain and key made together"
                .into(),
        ));
    }

    if certs.len() < 2 {
        return Err(problem(
            "holds only the signer certificate; C2PA needs the issuing CA certificate after it \
             (chain order: signer first, then the CA)"
                .into(),
        ));
    }
    for (i, pair) in certs.windows(2).enumerate() {
        check_issued_by(&pair[0], &pair[1], when)
            .map_err(|reason| problem(format!("certificate {} of the chain {reason}", i + 2)))?;
    }
    Ok(())
}

/// The end-entity rules. Errors are the tail of a sentence ("is a CA certificate ...").
fn check_signer(cert: &X509Certificate<'_>, when: ASN1Time) -> std::result::Result<(), String> {
    if cert.version() != X509Version::V3 {
        return Err("is not an X.509 version 3 certificate".into());
    }
    if cert.is_ca() {
        return Err(
            "is a CA certificate (BasicConstraints CA=true); C2PA needs an end-entity \
                    certificate issued by a CA"
                .into(),
        );
    }
    if cert.subject() == cert.issuer() {
        return Err(
            "is self-signed; C2PA needs a signer certificate issued by a CA \
                    (hallmark keygen makes both)"
                .into(),
        );
    }
    check_validity(cert, when)?;
    if cert.subject().iter_organization().next().is_none() {
        return Err(
            "has no organisation (O) in its subject; the C2PA engine cannot read \
                    signatures from such certificates (c2pa 0.90)"
                .into(),
        );
    }
    let key_usage = cert
        .key_usage()
        .map_err(|e| format!("has a malformed KeyUsage extension ({e})"))?
        .ok_or("has no KeyUsage extension; C2PA needs digitalSignature")?;
    if !key_usage.value.digital_signature() {
        return Err("does not allow digitalSignature in its KeyUsage".into());
    }
    if key_usage.value.key_cert_sign() {
        return Err("allows keyCertSign, which only CA certificates may".into());
    }
    let eku = cert
        .extended_key_usage()
        .map_err(|e| format!("has a malformed ExtendedKeyUsage extension ({e})"))?
        .ok_or("has no ExtendedKeyUsage extension; C2PA needs emailProtection or documentSigning")?
        .value;
    if eku.any {
        return Err("has the anyExtendedKeyUsage EKU, which C2PA forbids".into());
    }
    let listed: Vec<String> = eku_oids(eku);
    if !ACCEPTED_EKUS
        .iter()
        .any(|(oid, _)| listed.iter().any(|l| l == oid))
    {
        let names: Vec<&str> = ACCEPTED_EKUS.iter().map(|(_, n)| *n).collect();
        return Err(format!(
            "has none of the extended key usages C2PA accepts ({})",
            names.join(", ")
        ));
    }
    let has = |wanted: fn(&ParsedExtension<'_>) -> bool| {
        cert.extensions()
            .iter()
            .any(|e| wanted(e.parsed_extension()))
    };
    if !has(|e| matches!(e, ParsedExtension::SubjectKeyIdentifier(_))) {
        return Err("has no SubjectKeyIdentifier extension".into());
    }
    if !has(|e| matches!(e, ParsedExtension::AuthorityKeyIdentifier(_))) {
        return Err("has no AuthorityKeyIdentifier extension".into());
    }
    Ok(())
}

fn eku_oids(eku: &x509_parser::extensions::ExtendedKeyUsage<'_>) -> Vec<String> {
    let mut oids: Vec<String> = eku.other.iter().map(Oid::to_id_string).collect();
    let known = [
        (eku.email_protection, "1.3.6.1.5.5.7.3.4"),
        (eku.server_auth, "1.3.6.1.5.5.7.3.1"),
        (eku.client_auth, "1.3.6.1.5.5.7.3.2"),
        (eku.code_signing, "1.3.6.1.5.5.7.3.3"),
        (eku.time_stamping, "1.3.6.1.5.5.7.3.8"),
        (eku.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
    ];
    oids.extend(
        known
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, oid)| oid.to_string()),
    );
    oids
}

fn check_validity(cert: &X509Certificate<'_>, when: ASN1Time) -> std::result::Result<(), String> {
    let validity = cert.validity();
    if when < validity.not_before {
        return Err(format!(
            "is not valid yet (valid from {})",
            validity.not_before
        ));
    }
    if when > validity.not_after {
        return Err(format!("expired on {}", validity.not_after));
    }
    Ok(())
}

/// Rules for a certificate that issued the one before it.
fn check_issued_by(
    child: &X509Certificate<'_>,
    issuer: &X509Certificate<'_>,
    when: ASN1Time,
) -> std::result::Result<(), String> {
    if !issuer.is_ca() {
        return Err("is not a CA certificate (BasicConstraints CA=true is missing)".into());
    }
    let can_sign_certs = issuer
        .key_usage()
        .ok()
        .flatten()
        .is_some_and(|ku| ku.value.key_cert_sign());
    if !can_sign_certs {
        return Err("does not allow keyCertSign in its KeyUsage".into());
    }
    if child.issuer() != issuer.subject() {
        return Err(format!(
            "is \"{}\" but the certificate before it was issued by \"{}\"; check the chain order",
            issuer.subject(),
            child.issuer()
        ));
    }
    check_validity(issuer, when)?;
    // Ed25519 signatures are checked here; other algorithms are left to the C2PA engine.
    if child.signature_algorithm.algorithm == OID_SIG_ED25519 {
        let key_bytes: [u8; 32] = issuer
            .public_key()
            .subject_public_key
            .data
            .as_ref()
            .try_into()
            .map_err(|_| "has a malformed Ed25519 public key".to_string())?;
        let key = VerifyingKey::from_bytes(&key_bytes)
            .map_err(|_| "has an unusable Ed25519 public key".to_string())?;
        let signature = Signature::from_slice(child.signature_value.data.as_ref())
            .map_err(|_| "issued a certificate with a malformed signature".to_string())?;
        key.verify(child.tbs_certificate.as_ref(), &signature)
            .map_err(|_| {
                "did not sign the certificate before it (signature mismatch)".to_string()
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use rand_core::{OsRng, RngCore};
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyUsagePurpose,
    };
    use time::{Duration, OffsetDateTime};

    use super::*;
    use crate::credentials::issue::RcgenKey;

    fn now() -> i64 {
        OffsetDateTime::now_utc().unix_timestamp()
    }

    fn params(cn: &str, ca: bool) -> CertificateParams {
        let mut p = CertificateParams::default();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.distinguished_name.push(DnType::OrganizationName, "Tests");
        p.not_before = OffsetDateTime::now_utc() - Duration::days(1);
        p.not_after = OffsetDateTime::now_utc() + Duration::days(30);
        p.serial_number = Some(rcgen::SerialNumber::from(u64::from(OsRng.next_u32()) + 1));
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        } else {
            p.is_ca = IsCa::ExplicitNoCa;
            p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
            p.use_authority_key_identifier_extension = true;
        }
        p
    }

    /// A CA and a signer issued by it, with `tweak` applied to the signer's parameters.
    fn chain(tweak: impl FnOnce(&mut CertificateParams)) -> (Vec<Vec<u8>>, [u8; 32]) {
        let ca_key = SigningKey::generate(&mut OsRng);
        let ee_key = SigningKey::generate(&mut OsRng);
        let (ca, ee) = (RcgenKey::new(&ca_key), RcgenKey::new(&ee_key));
        let mut ca_params = params("Test CA", true);
        ca_params.key_identifier_method = ca.key_id();
        let ca_cert = ca_params.self_signed(&ca).unwrap();
        let mut ee_params = params("Test Signer", false);
        ee_params.key_identifier_method = ee.key_id();
        tweak(&mut ee_params);
        let ee_cert = ee_params
            .signed_by(&ee, &Issuer::new(ca_params, ca))
            .unwrap();
        (
            vec![ee_cert.der().to_vec(), ca_cert.der().to_vec()],
            ee_key.verifying_key().to_bytes(),
        )
    }

    fn check(chain: &[Vec<u8>], key: &[u8; 32]) -> String {
        match check_chain("chain.pem", chain, Some(key), now()) {
            Ok(()) => "ok".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_good_chain_passes() {
        let (chain, key) = chain(|_| {});
        assert_eq!(check(&chain, &key), "ok");
    }

    #[test]
    fn problems_are_named_in_words() {
        let (c, k) = chain(|p| p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth]);
        assert!(
            check(&c, &k).contains("has none of the extended key usages C2PA accepts"),
            "{}",
            check(&c, &k)
        );

        let (c, k) = chain(|p| p.key_usages = vec![KeyUsagePurpose::KeyEncipherment]);
        assert!(check(&c, &k).contains("does not allow digitalSignature"));

        let (c, k) = chain(|p| p.not_after = OffsetDateTime::now_utc() - Duration::hours(1));
        assert!(
            check(&c, &k).starts_with("chain.pem: the signer certificate expired on"),
            "{}",
            check(&c, &k)
        );

        let (c, k) = chain(|p| {
            p.distinguished_name = rcgen::DistinguishedName::new();
            p.distinguished_name.push(DnType::CommonName, "No Org");
        });
        assert!(check(&c, &k).contains("has no organisation (O)"));

        let (c, _) = chain(|_| {});
        let other = SigningKey::generate(&mut OsRng).verifying_key().to_bytes();
        assert!(check(&c, &other).contains("is for another key than the private key given"));

        let (mut c, k) = chain(|_| {});
        c.truncate(1);
        assert!(check(&c, &k).contains("holds only the signer certificate"));
    }

    #[test]
    fn a_ca_certificate_cannot_sign() {
        let (c, _) = chain(|_| {});
        let ca_only = vec![c[1].clone()];
        let err = check_chain("chain.pem", &ca_only, None, now()).unwrap_err();
        assert!(
            err.to_string()
                .contains("the signer certificate is a CA certificate"),
            "{err}"
        );
    }

    #[test]
    fn a_self_signed_signer_is_refused() {
        let key = SigningKey::generate(&mut OsRng);
        let rk = RcgenKey::new(&key);
        let mut p = params("Lonely Signer", false);
        p.key_identifier_method = rk.key_id();
        let cert = p.self_signed(&rk).unwrap();
        let err = check_chain("chain.pem", &[cert.der().to_vec()], None, now()).unwrap_err();
        assert!(err.to_string().contains("is self-signed"), "{err}");
    }

    #[test]
    fn a_chain_in_the_wrong_order_is_explained() {
        let (c, k) = chain(|_| {});
        let (other, _) = chain(|_| {});
        let mixed = vec![c[0].clone(), other[1].clone()];
        let message = check(&mixed, &k);
        assert!(
            message.contains("did not sign the certificate before it"),
            "{message}"
        );
    }
}
