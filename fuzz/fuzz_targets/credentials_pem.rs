//! Loading a certificate chain and a (possibly encrypted) private key, and
//! trust anchors, from arbitrary PEM-ish text. The input is split at NUL
//! bytes into chain, key and passphrase.
#![no_main]

use hallmark::TrustAnchors;
use hallmark::credentials::SigningCredentials;
use libfuzzer_sys::fuzz_target;
use secrecy::SecretString;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let chain = parts.next().unwrap_or_default();
    let key = parts.next().unwrap_or_default();
    let passphrase = parts.next().map(|p| SecretString::from(p.to_owned()));
    let _ = TrustAnchors::from_pem("anchors.pem", chain);
    let _ =
        SigningCredentials::from_pem("chain.pem", chain, "signer.key", key, passphrase.as_ref());
});
