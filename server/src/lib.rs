//! hallmark's verification service: platforms POST an upload and get its
//! Content Credentials report, the same JSON `hallmark verify --json`
//! prints, with `may_use` when asked.
//!
//! Verification runs on tokio's blocking pool behind a semaphore of
//! `max-concurrency`, so slow files never starve the health checks; each
//! has a deadline. The service is stateless: scale it out behind any load
//! balancer.
//!
//! # Example
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use hallmark_server::{Config, Service};
//!
//! let config = Config { listen: "127.0.0.1:8080".parse()?, ..Config::default() };
//! let service = Service::new(&config).await?;
//! let listener = tokio::net::TcpListener::bind(config.listen).await?;
//! service.serve(listener, hallmark_server::shutdown_signal()).await?;
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod access;
mod app;
mod config;
mod cors;
mod error;
mod metrics;
mod middleware;
mod openapi;
mod routes;
mod state;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use hallmark::identity::IdentityIssuers;
use hallmark::{TrustAnchors, Verifier};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

pub use config::{Config, ConfigError};
pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use metrics::Metrics;
pub use openapi::ApiDoc;
pub use routes::health::Health;
pub use routes::repository::{
    Algorithm, BindingBody, MatchAnswer, MatchItem, PublishAnswer, SupportedAlgorithms,
};
pub use routes::shared::Upload;
pub use routes::verify::{BatchAnswer, BatchItem, BatchUpload, VerifyAnswer, VerifyQuery};
pub use state::AppState;

/// How long in-flight requests may run on after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Why the service cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The settings are unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A trust file cannot be read or parsed, the verifier cannot be built,
    /// or the repository cannot be opened.
    #[error(transparent)]
    Trust(#[from] hallmark::Error),
    /// The metrics cannot be registered.
    #[error("cannot set up metrics: {0}")]
    Metrics(#[from] prometheus::Error),
}

/// A configured service, ready to serve.
pub struct Service {
    state: AppState,
    /// Origins allowed to call the repository's API across origins.
    cors_origins: cors::CorsOrigins,
}

impl Service {
    /// Load the trust list, build the verifier, and open the manifest
    /// repository when one is configured (creating its schema on first use).
    pub async fn new(config: &Config) -> Result<Self, StartError> {
        config.check()?;
        let mut anchors = TrustAnchors::none();
        for path in &config.trust {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| hallmark::Error::Io {
                file: name.clone(),
                action: "cannot read",
                source: e,
            })?;
            anchors.add_pem(&name, &text)?;
        }
        let mut issuers = IdentityIssuers::none();
        for path in &config.identity_issuers {
            issuers.add_file(path)?;
        }
        let state = AppState {
            verifier: Arc::new(Verifier::with_identity_issuers(&anchors, &issuers)?),
            trust_anchors: anchors.len(),
            pool: Arc::new(Semaphore::new(config.max_concurrency)),
            timeout: config.timeout(),
            max_body_bytes: config.max_body_bytes,
            metrics: Metrics::new()?,
            next_id: Arc::new(AtomicU64::new(1)),
            derive_credentials: match &config.derive_credentials {
                Some(dir) => Some(Arc::new(load_derive_credentials(
                    dir,
                    config.derive_passphrase_file.as_deref(),
                )?)),
                None => None,
            },
            tokens: match &config.tokens {
                Some(path) => Some(Arc::new(access::TokenStore::open(path)?)),
                None => None,
            },
            publish_limiter: std::num::NonZeroU32::new(config.publish_limit)
                .filter(|_| config.tokens.is_none())
                .map(|n| Arc::new(access::PublishLimiter::new(n))),
            limits: hallmark::repository::Limits {
                max_manifests_per_signer: config.max_manifests_per_signer,
                reserve_disk_bytes: config.reserve_disk_mib.saturating_mul(1024 * 1024),
            },
            repository: match &config.repository {
                Some(url) => Some(
                    hallmark::repository::Repository::open(url)
                        .await
                        .map_err(hallmark::Error::from)?,
                ),
                None => None,
            },
        };
        Ok(Service {
            state,
            cors_origins: cors::CorsOrigins {
                read_only: config.cors_origins.clone(),
                publishing: config.publish_cors_origins.clone(),
            },
        })
    }

    /// The same service with a verification deadline finer than the
    /// configuration's whole seconds.
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.state.timeout = timeout;
        self
    }

    /// The routes, for embedding in another server or for tests.
    pub fn router(&self) -> axum::Router {
        app::router(self.state.clone(), &self.cors_origins)
    }

    /// Serve on `listener` until `shutdown` completes; then stop accepting,
    /// let in-flight requests finish for up to [`SHUTDOWN_GRACE`], and return.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.serve_with_grace(listener, shutdown, SHUTDOWN_GRACE)
            .await
    }

    /// [`Service::serve`] with a chosen grace period.
    pub async fn serve_with_grace(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
        grace: Duration,
    ) -> std::io::Result<()> {
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections; finishing requests in flight");
            let _ = stopping_tx.send(());
        };
        // The client's address reaches the handlers: open mode limits publishing per address.
        let app = self
            .router()
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let server = axum::serve(listener, app).with_graceful_shutdown(signal);
        let deadline = async move {
            if stopping_rx.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            served = server => served,
            () = deadline => {
                tracing::warn!(grace_seconds = grace.as_secs(), "requests still in flight at the deadline were dropped");
                Ok(())
            }
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// The credentials folder `dir`, unlocked with the first line of
/// `passphrase_file`, else `HALLMARK_PASSPHRASE`.
fn load_derive_credentials(
    dir: &std::path::Path,
    passphrase_file: Option<&std::path::Path>,
) -> hallmark::Result<hallmark::credentials::SigningCredentials> {
    let passphrase = match passphrase_file {
        Some(file) => std::fs::read_to_string(file)
            .map_err(|e| hallmark::Error::Io {
                file: file.display().to_string(),
                action: "cannot read",
                source: e,
            })?
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        None => std::env::var("HALLMARK_PASSPHRASE").map_err(|_| {
            hallmark::Error::PassphraseUnavailable(format!(
                "{}: the derive credentials' passphrase comes from derive-passphrase-file or \
                 HALLMARK_PASSPHRASE, and neither is given",
                dir.display()
            ))
        })?,
    };
    hallmark::credentials::CredentialsFolder::at(dir)
        .load(Some(&secrecy::SecretString::from(passphrase)))
}
