//! Publishing one signed file (or `.c2pa` store) to a manifest repository:
//! what `hallmark publish` does for each file and `sign --publish` after
//! each signature.

use std::path::Path;

use hallmark::format::read_head;
use hallmark::recover::http::{HttpResolver, Published};
use hallmark::verify::BARE_STORE_MEDIA_TYPE;
use hallmark::{Error, MediaFormat, Overwrite};

use crate::args::TokenArgs;
use crate::failure::Failure;

/// A client of the repository at `url`, publishing with the token of
/// `--token-file` (its first line) or `HALLMARK_TOKEN`, if either is given.
pub(crate) fn repository_client(url: &str, token: &TokenArgs) -> Result<HttpResolver, Failure> {
    let client = HttpResolver::new(url)?;
    let token = match &token.token_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::usage(format!("{}: cannot read the token: {e}", path.display()))
            })?;
            let first = text.lines().next().unwrap_or("").trim().to_owned();
            if first.is_empty() {
                return Err(Failure::usage(format!(
                    "{}: the file's first line holds no token",
                    path.display()
                )));
            }
            Some(first)
        }
        None => std::env::var("HALLMARK_TOKEN")
            .ok()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty()),
    };
    Ok(match token {
        Some(token) => client.with_token(secrecy::SecretString::from(token)),
        None => client,
    })
}

/// The client of `--publish URL` (with the token of `token`), when given:
/// what `sign` and `derive` publish each signed file with.
pub(crate) fn publishing_to(
    url: Option<&str>,
    token: &TokenArgs,
) -> Result<Option<HttpResolver>, Failure> {
    url.map(|url| repository_client(url, token)).transpose()
}

/// `--force` as the library's [`Overwrite`]: replace existing outputs, or never.
pub(crate) fn overwrite_if(force: bool) -> Overwrite {
    if force {
        Overwrite::Replace
    } else {
        Overwrite::Never
    }
}

/// The largest file uploaded (the service's default body limit).
const MAX_UPLOAD_BYTES: u64 = 256 * 1024 * 1024;

/// Upload one file (a signed file, or a `.c2pa` store) as its media type.
pub(crate) fn publish_one(repository: &HttpResolver, path: &Path) -> hallmark::Result<Published> {
    let name = path.display().to_string();
    let len = hallmark::input::regular_file_len(path, &name)?;
    if len > MAX_UPLOAD_BYTES {
        return Err(Error::TooLarge {
            file: name,
            detail: format!("hallmark publishes files of at most {MAX_UPLOAD_BYTES} bytes"),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        file: name.clone(),
        action: "cannot read",
        source: e,
    })?;
    let mime = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("c2pa"))
    {
        BARE_STORE_MEDIA_TYPE
    } else {
        let head = read_head(&mut &bytes[..]).unwrap_or_default();
        MediaFormat::identify(&name, MediaFormat::from_path(path), &head, false)?.mime_type()
    };
    repository.publish(&name, mime, &bytes)
}
