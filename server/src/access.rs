//! Who may publish: bearer tokens with scopes (`--tokens FILE`), or, without
//! them, anyone within a rate per client address (`--publish-limit`).
//!
//! The token file is read again when it changes (its modification time or
//! size), so a revoked token stops working at the next request without a
//! restart. A token file that becomes unreadable or damaged keeps the last
//! good one in force and says so in the log; it never opens the door.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock as _};
use hallmark::tokens::{Denied, Scope, TokenFile};

use crate::error::ApiError;

/// Whoever a request was admitted as, for the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A token holder, by the token's name.
    Token(String),
    /// An anonymous client, by its address (`unknown` when the server was
    /// not told it).
    Address(String),
}

impl std::fmt::Display for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caller::Token(name) => write!(f, "token {name}"),
            Caller::Address(address) => write!(f, "client {address}"),
        }
    }
}

/// The token file, re-read when it changes.
pub(crate) struct TokenStore {
    path: PathBuf,
    state: Mutex<Loaded>,
}

struct Loaded {
    /// The modification time and size the tokens were read at.
    stamp: Option<(SystemTime, u64)>,
    tokens: TokenFile,
}

impl TokenStore {
    /// Load the token file at `path`; it must be readable and sound now.
    pub(crate) fn open(path: &Path) -> hallmark::Result<TokenStore> {
        let tokens = TokenFile::load(path)?;
        Ok(TokenStore {
            path: path.to_path_buf(),
            state: Mutex::new(Loaded {
                stamp: stamp(path),
                tokens,
            }),
        })
    }

    /// The name of the token in `headers`' `Authorization: Bearer` if it
    /// has `scope`; 401 without a token or with an unknown one, 403 with a
    /// token lacking the scope.
    pub(crate) fn authorize(&self, headers: &HeaderMap, scope: Scope) -> Result<String, ApiError> {
        let token = bearer(headers).ok_or_else(|| {
            unauthorized(&format!(
                "this repository needs a token with the {scope} scope: send Authorization: Bearer TOKEN"
            ))
        })?;
        let mut state = self.state.lock().map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the token store is unusable",
            )
        })?;
        let now = stamp(&self.path);
        if now != state.stamp {
            match TokenFile::load(&self.path) {
                Ok(tokens) => {
                    tracing::info!(file = %self.path.display(), tokens = tokens.tokens.len(), "token file read again");
                    state.tokens = tokens;
                    state.stamp = now;
                }
                Err(error) => {
                    tracing::error!(%error, "the token file changed and cannot be read: the tokens read before stay in force");
                }
            }
        }
        match state.tokens.authorize(token, scope) {
            Ok(name) => Ok(name.to_owned()),
            Err(Denied::Unknown) => Err(unauthorized(
                "the token is not known here (revoked, or never issued)",
            )),
            Err(Denied::MissingScope) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("the token may not do this: it lacks the {scope} scope"),
            )),
        }
    }
}

/// The file's modification time and size, if it can be read.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

/// The token of an `Authorization: Bearer TOKEN` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"hallmark\""),
    )
}

/// Publishings per minute per client address, in open mode.
pub(crate) struct PublishLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    per_minute: NonZeroU32,
}

impl PublishLimiter {
    /// At most `per_minute` publishings a minute from one address (a burst of
    /// as many, refilled evenly over the minute).
    pub(crate) fn new(per_minute: NonZeroU32) -> PublishLimiter {
        PublishLimiter {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            per_minute,
        }
    }

    /// Let one publishing from `address` through, or 429 with `Retry-After`.
    pub(crate) fn admit(&self, address: IpAddr) -> Result<(), ApiError> {
        // Forget addresses that have not published for a while, so a flood
        // from many addresses cannot grow the table without bound.
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&address).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!(
                    "at most {} publishings a minute from one address: try again in {seconds} s",
                    self.per_minute
                ),
            )
            .with_header(
                header::RETRY_AFTER,
                HeaderValue::from_str(&seconds.max(1).to_string())
                    .unwrap_or(HeaderValue::from_static("60")),
            )
        })
    }
}
