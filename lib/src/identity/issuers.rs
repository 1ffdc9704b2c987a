//! Identity issuers you pin: DID documents given as files, so that an
//! identity claims aggregation credential is checked offline against the
//! key its issuer published, and never by fetching anything.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::sync::Arc;

use c2pa::http::http::{Request, Response};
use c2pa::http::{AsyncHttpResolver, HttpResolverError, SyncHttpResolver};
use serde_json::Value;

use crate::error::{Error, Result};

/// The largest DID document read (the engine reads at most 1 MiB of one).
pub const MAX_DID_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Identity issuers whose DID documents you pinned: an identity whose
/// credential checks out against a pinned document is
/// [`verified`](super::IdentityState::Verified). Nothing is pinned by
/// default.
///
/// Each document is checked when it is added: its `id` must be a `did:web`
/// DID, and its first assertion method an Ed25519 key given in the document
/// (the only kind of key a CAWG credential can be checked with). A
/// document is served for its own `id` only, so a document for another DID
/// verifies nothing.
///
/// ```
/// use hallmark::identity::IdentityIssuers;
///
/// let document = r#"{
///   "@context": ["https://www.w3.org/ns/did/v1"],
///   "id": "did:web:issuer.example",
///   "assertionMethod": [{
///     "id": "did:web:issuer.example#key-0",
///     "type": "JsonWebKey2020",
///     "controller": "did:web:issuer.example",
///     "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519",
///                      "x": "gPfQ48DeVQtfDMh9in27XZfCBlblW7FdgcyqsHPBmis"}
///   }]
/// }"#;
/// let issuers = IdentityIssuers::from_json("issuer.json", document)?;
/// assert!(issuers.is_pinned("did:web:issuer.example"));
///
/// let error = IdentityIssuers::from_json("x.json", r#"{"id": "did:example:1"}"#).unwrap_err();
/// assert!(error.to_string().starts_with("x.json: "));
/// # Ok::<(), hallmark::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityIssuers {
    /// DID → the document's bytes as given.
    documents: BTreeMap<String, Arc<[u8]>>,
}

impl IdentityIssuers {
    /// No issuer pinned.
    pub fn none() -> Self {
        Self::default()
    }

    /// One pinned DID document, from its JSON text; `source_name` names it
    /// in errors (a file name).
    ///
    /// # Errors
    /// [`Error::BadIdentityIssuer`] when it is not a DID document that can
    /// verify a credential.
    pub fn from_json(source_name: &str, text: &str) -> Result<Self> {
        let mut issuers = Self::none();
        issuers.add_json(source_name, text)?;
        Ok(issuers)
    }

    /// Pin one more DID document (see [`IdentityIssuers::from_json`]).
    ///
    /// # Errors
    /// As [`IdentityIssuers::from_json`]; also when another document for
    /// the same DID is already pinned.
    pub fn add_json(&mut self, source_name: &str, text: &str) -> Result<()> {
        let bad = |reason: String| Error::BadIdentityIssuer {
            source_name: source_name.to_owned(),
            reason,
        };
        if text.len() > MAX_DID_DOCUMENT_BYTES {
            return Err(bad(format!(
                "a DID document larger than {MAX_DID_DOCUMENT_BYTES} bytes is not read"
            )));
        }
        let document: Value = serde_json::from_str(text)
            .map_err(|e| bad(format!("not a DID document: not JSON ({e})")))?;
        let did = check_document(&document).map_err(bad)?;
        if self.documents.contains_key(&did) {
            return Err(bad(format!("{did} is pinned twice")));
        }
        self.documents
            .insert(did, Arc::from(text.as_bytes().to_vec()));
        Ok(())
    }

    /// Pin the DID document in the file at `path` (see
    /// [`IdentityIssuers::from_json`]); the file is named by its path in
    /// errors.
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be read; [`Error::BadIdentityIssuer`]
    /// as for [`IdentityIssuers::add_json`].
    pub fn add_file(&mut self, path: &std::path::Path) -> Result<()> {
        let name = path.display().to_string();
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| {
                file.take(MAX_DID_DOCUMENT_BYTES as u64 + 1)
                    .read_to_end(&mut bytes)
            })
            .map_err(|e| Error::io(&name, "cannot read the DID document", e))?;
        let text = String::from_utf8(bytes).map_err(|_| Error::BadIdentityIssuer {
            source_name: name.clone(),
            reason: "not a DID document: expected JSON text, found binary data".into(),
        })?;
        self.add_json(&name, &text)
    }

    /// Whether no issuer is pinned.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// How many issuers are pinned.
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// Whether the issuer `did` is pinned.
    pub fn is_pinned(&self, did: &str) -> bool {
        self.documents.contains_key(did)
    }

    /// The pinned DIDs, in order.
    pub fn dids(&self) -> impl Iterator<Item = &str> {
        self.documents.keys().map(String::as_str)
    }

    /// The resolver the engine asks for DID documents: it answers from the
    /// pinned documents and never opens a connection.
    pub(crate) fn resolver(&self) -> PinnedResolver {
        PinnedResolver {
            by_url: Arc::new(
                self.documents
                    .iter()
                    .filter_map(|(did, bytes)| Some((did_web_url(did)?, Arc::clone(bytes))))
                    .collect(),
            ),
        }
    }
}

/// The DID a pinned document stands for, or why it cannot be pinned.
fn check_document(document: &Value) -> std::result::Result<String, String> {
    let Some(did) = document.get("id").and_then(Value::as_str) else {
        return Err("not a DID document: it has no \"id\"".into());
    };
    if !did.starts_with("did:web:") {
        return Err(format!(
            "{did}: only did:web issuers are pinned (a did:jwk carries its key in itself, \
             so there is nothing to pin)"
        ));
    }
    if did_web_url(did).is_none() {
        return Err(format!(
            "{did}: not a did:web DID the engine resolves (a host name is needed; IP \
             addresses and localhost are refused)"
        ));
    }
    let first = document
        .get("assertionMethod")
        .and_then(Value::as_array)
        .and_then(|methods| methods.first());
    let Some(method) = first else {
        return Err(format!("{did}: the document lists no assertionMethod"));
    };
    let jwk = method.get("publicKeyJwk");
    let is_ed25519 = jwk.is_some_and(|jwk| {
        jwk.get("kty").and_then(Value::as_str) == Some("OKP")
            && jwk.get("crv").and_then(Value::as_str) == Some("Ed25519")
            && jwk.get("x").and_then(Value::as_str).is_some()
    });
    if !is_ed25519 {
        return Err(format!(
            "{did}: its first assertionMethod is not an Ed25519 key given in the document \
             (publicKeyJwk with kty OKP, crv Ed25519): a CAWG credential cannot be checked \
             against it"
        ));
    }
    Ok(did.to_owned())
}

/// Where the engine looks for a `did:web` DID's document: the host (a
/// `%3A` port separator decoded), then the path parts or `.well-known`,
/// then `did.json`. `None` for what the engine refuses to resolve.
fn did_web_url(did: &str) -> Option<String> {
    let specific = did.strip_prefix("did:web:")?;
    let mut parts = specific.split(':');
    let host = parts.next()?.replacen("%3A", ":", 1);
    let name = host.split(':').next().unwrap_or_default();
    let refused = name.is_empty()
        || name == "localhost"
        || name.ends_with(".nip.io")
        || name.ends_with(".sslip.io")
        || name.parse::<std::net::IpAddr>().is_ok()
        || name.starts_with('[');
    if refused {
        return None;
    }
    let path: Vec<&str> = parts.collect();
    let path = if path.is_empty() {
        ".well-known".to_owned()
    } else {
        path.join("/")
    };
    Some(format!("https://{host}/{path}/did.json"))
}

/// Answers the engine's requests for DID documents from the pinned ones;
/// any other request is refused without a connection being opened.
#[derive(Clone, Default)]
pub(crate) struct PinnedResolver {
    by_url: Arc<BTreeMap<String, Arc<[u8]>>>,
}

impl SyncHttpResolver for PinnedResolver {
    fn http_resolve(
        &self,
        request: Request<Vec<u8>>,
    ) -> std::result::Result<Response<Box<dyn Read>>, HttpResolverError> {
        let uri = request.uri().to_string();
        let document = (request.method() == "GET")
            .then(|| self.by_url.get(&uri))
            .flatten();
        let Some(document) = document else {
            tracing::debug!(uri, "refused: not a pinned DID document");
            return Err(HttpResolverError::UriDisallowed { uri });
        };
        let body: Box<dyn Read> = Box::new(Cursor::new(document.to_vec()));
        // No headers: the engine reads only the status and the body (and an
        // answer built without them keeps the browser build smaller).
        Ok(Response::builder().status(200).body(body)?)
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
impl AsyncHttpResolver for PinnedResolver {
    async fn http_resolve_async(
        &self,
        request: Request<Vec<u8>>,
    ) -> std::result::Result<Response<Box<dyn Read>>, HttpResolverError> {
        self.http_resolve(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(id: &str, jwk: Value) -> String {
        serde_json::json!({
            "id": id,
            "assertionMethod": [{"id": format!("{id}#key-0"), "type": "JsonWebKey2020",
                                 "controller": id, "publicKeyJwk": jwk}]
        })
        .to_string()
    }

    fn ed25519() -> Value {
        serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "gPfQ48DeVQtfDMh9in27XZfCBlblW7FdgcyqsHPBmis"})
    }

    #[test]
    fn did_web_urls_follow_the_method() {
        assert_eq!(
            did_web_url("did:web:connected-identities.identity.adobe.com").as_deref(),
            Some("https://connected-identities.identity.adobe.com/.well-known/did.json")
        );
        assert_eq!(
            did_web_url("did:web:example.com%3A8443:users:alice").as_deref(),
            Some("https://example.com:8443/users/alice/did.json")
        );
        for refused in [
            "did:web:localhost",
            "did:web:127.0.0.1",
            "did:web:a.nip.io",
            "did:jwk:x",
        ] {
            assert_eq!(did_web_url(refused), None, "{refused}");
        }
    }

    #[test]
    fn documents_that_cannot_verify_a_credential_are_refused_in_words() {
        let cases = [
            ("not json", "not JSON"),
            ("{}", "no \"id\""),
            (&document("did:jwk:abc", ed25519()), "only did:web issuers"),
            (&document("did:web:127.0.0.1", ed25519()), "IP addresses"),
            (
                &document(
                    "did:web:issuer.example",
                    serde_json::json!({"kty": "EC", "crv": "P-256"}),
                ),
                "not an Ed25519 key",
            ),
            (r#"{"id": "did:web:issuer.example"}"#, "no assertionMethod"),
        ];
        for (text, expected) in cases {
            let error = IdentityIssuers::from_json("doc.json", text).unwrap_err();
            assert_eq!(error.kind(), crate::ErrorKind::BadSetup);
            let message = error.to_string();
            assert!(message.starts_with("doc.json: "), "{message}");
            assert!(
                message.contains(expected),
                "{message} should say {expected}"
            );
        }
        let mut issuers =
            IdentityIssuers::from_json("a.json", &document("did:web:issuer.example", ed25519()))
                .unwrap();
        let twice = issuers.add_json("b.json", &document("did:web:issuer.example", ed25519()));
        assert!(twice.unwrap_err().to_string().contains("pinned twice"));
    }

    #[test]
    fn the_resolver_serves_a_pinned_document_for_its_own_did_only() {
        let text = document("did:web:issuer.example", ed25519());
        let resolver = IdentityIssuers::from_json("d.json", &text)
            .unwrap()
            .resolver();
        let get = |uri: &str| resolver.http_resolve(Request::get(uri).body(Vec::new()).unwrap());
        let mut body = String::new();
        get("https://issuer.example/.well-known/did.json")
            .unwrap()
            .into_body()
            .read_to_string(&mut body)
            .unwrap();
        assert_eq!(body, text);
        for other in [
            "https://other.example/.well-known/did.json",
            "https://issuer.example/.well-known/did.json?x",
            "http://issuer.example/.well-known/did.json",
        ] {
            assert!(
                matches!(get(other), Err(HttpResolverError::UriDisallowed { .. })),
                "{other}"
            );
        }
        let post = resolver.http_resolve(
            Request::post("https://issuer.example/.well-known/did.json")
                .body(Vec::new())
                .unwrap(),
        );
        assert!(post.is_err());
    }
}
