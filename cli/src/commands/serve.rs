//! `hallmark serve`: the verification service.

use hallmark_server::{Config, Service, StartError};

use crate::args::ServeArgs;
use crate::failure::Failure;

/// The settings: the defaults, then the config file, then the flags.
pub(crate) fn settings(args: &ServeArgs) -> Result<Config, Failure> {
    let mut config = match &args.config {
        Some(path) => Config::from_file(path).map_err(|e| Failure::usage(e.to_string()))?,
        None => Config::default(),
    };
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if !args.trust.is_empty() {
        config.trust.clone_from(&args.trust);
    }
    if !args.identity_issuers.is_empty() {
        config.identity_issuers.clone_from(&args.identity_issuers);
    }
    let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    if let Some(n) = args.max_body_bytes {
        config.max_body_bytes = size(n);
    }
    if let Some(n) = args.max_concurrency {
        config.max_concurrency = size(n);
    }
    if let Some(secs) = args.request_timeout {
        config.request_timeout = secs;
    }
    if let Some(repository) = &args.repository {
        config.repository = Some(repository.clone());
    }
    if !args.cors_origins.is_empty() {
        config.cors_origins.clone_from(&args.cors_origins);
    }
    if !args.publish_cors_origins.is_empty() {
        config
            .publish_cors_origins
            .clone_from(&args.publish_cors_origins);
    }
    if let Some(tokens) = &args.tokens {
        config.tokens = Some(tokens.clone());
    }
    if let Some(n) = args.publish_limit {
        config.publish_limit = n;
    }
    if let Some(n) = args.max_manifests_per_signer {
        config.max_manifests_per_signer = n;
    }
    if let Some(n) = args.reserve_disk_mib {
        config.reserve_disk_mib = n;
    }
    if let Some(dir) = &args.derive_credentials {
        config.derive_credentials = Some(dir.clone());
    }
    if let Some(file) = &args.derive_passphrase_file {
        config.derive_passphrase_file = Some(file.clone());
    }
    config.check().map_err(|e| Failure::usage(e.to_string()))?;
    Ok(config)
}

/// Why the service cannot start, with the exit status its kind means.
fn start_failure(error: StartError) -> Failure {
    match error {
        StartError::Trust(error) => Failure::from(error),
        other => Failure::usage(other.to_string()),
    }
}

/// Serve until SIGTERM or Ctrl-C.
pub(crate) fn run(args: &ServeArgs) -> Result<(), Failure> {
    let config = settings(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the service: {e}")))?;
    runtime.block_on(async {
        let service = Service::new(&config).await.map_err(start_failure)?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| Failure::usage(format!("cannot listen on {}: {e}", config.listen)))?;
        let address = listener.local_addr().map_or(config.listen, |a| a);
        tracing::info!(
            listen = %address,
            trust_files = config.trust.len(),
            max_body_bytes = config.max_body_bytes,
            max_concurrency = config.max_concurrency,
            request_timeout_secs = config.request_timeout,
            repository = config.repository.as_deref().map(hallmark::repository::redact_url),
            "hallmark serve ready"
        );
        eprintln!(
            "hallmark serve: listening on http://{address} (max-body-bytes {}, max-concurrency {}, request-timeout {} s, {} trust file(s))",
            config.max_body_bytes,
            config.max_concurrency,
            config.request_timeout,
            config.trust.len()
        );
        service
            .serve(listener, hallmark_server::shutdown_signal())
            .await
            .map_err(|e| Failure::usage(format!("the service stopped: {e}")))
    })
}
