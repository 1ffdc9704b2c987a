//! Log output on stderr, at a level chosen with -v.
//!
//! hallmark never logs secrets: passphrases and keys never reach a log call.

use tracing_subscriber::EnvFilter;

/// Send hallmark's logs to stderr: warnings by default, more with each -v.
pub(crate) fn init(verbosity: u8, color: bool) {
    let level = match verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::new(format!("warn,hallmark={level},hallmark_cli={level}"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .try_init();
}

#[cfg(feature = "serve")]
/// Logs for `hallmark serve`: one line per request at the default level,
/// as text or JSON, on stderr.
pub(crate) fn init_service(verbosity: u8, format: crate::args::LogFormat) {
    let level = match verbosity {
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::new(format!(
        "warn,hallmark={level},hallmark_server={level},hallmark_cli={level}"
    ));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    let _ = match format {
        crate::args::LogFormat::Json => builder.json().flatten_event(true).try_init(),
        crate::args::LogFormat::Text => builder.try_init(),
    };
}
