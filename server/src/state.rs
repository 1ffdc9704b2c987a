//! What every handler shares.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use hallmark::Verifier;
use tokio::sync::Semaphore;

use crate::metrics::Metrics;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The verifier, with the trust list loaded once.
    pub verifier: Arc<Verifier>,
    /// How many trust anchors were loaded (for `/readyz`).
    pub trust_anchors: usize,
    /// Caps the verifications running at once.
    pub pool: Arc<Semaphore>,
    /// Longest a verification may take.
    pub timeout: Duration,
    /// Largest body accepted.
    pub max_body_bytes: usize,
    /// Metrics.
    pub metrics: Metrics,
    /// Numbers requests for the logs.
    pub next_id: Arc<AtomicU64>,
    /// The manifest repository, when the service is one (`--repository`).
    pub repository: Option<hallmark::repository::Repository>,
    /// Who may publish: the token file, when one is given (`--tokens`).
    pub(crate) tokens: Option<Arc<crate::access::TokenStore>>,
    /// Open mode's publishings per client address, unless unlimited.
    pub(crate) publish_limiter: Option<Arc<crate::access::PublishLimiter>>,
    /// What one signer may store, and the disk kept free.
    pub(crate) limits: hallmark::repository::Limits,
    /// The credentials `POST /v1/derive` signs renditions with, when it is on.
    pub(crate) derive_credentials: Option<DeriveCredentials>,
}

/// The service's credentials for deriving, shared by every request.
pub(crate) type DeriveCredentials = Arc<hallmark::credentials::SigningCredentials>;
