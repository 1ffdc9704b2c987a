//! hallmark in the browser: verify Content Credentials and read the
//! creator's training policy, offline, with no signing keys anywhere near.
//!
//! ```js
//! import init, { verify, mayUse, words } from "hallmark-wasm";
//! await init();
//! const report = await verify(bytes, "image/jpeg", { trustAnchors: [caPem], name: "photo.jpg" });
//! report.state;                      // "trusted" | "valid" | "invalid" | "none"
//! mayUse(report, "ai_training");     // "notAllowed"
//! words().states[report.state].describe; // "trusted: intact, and signed under a CA in your trust list"
//! ```
//!
//! The report is exactly the line `hallmark verify --json` prints: `file`
//! (the `name` option, or `null`) followed by the library's
//! [`hallmark::Report`], schema version 1. With a `name`, the report is the
//! CLI's for a file of that name holding these bytes.
//!
//! Errors are JavaScript `Error`s with the library's message, a `name` and a
//! `kind` that say whose problem it is (see `thrown`, the one place the
//! library's error kinds become browser errors).
//!
//! Every export here is synchronous; the package's `hallmark_wasm.js` wraps
//! `verify` in a promise. A synchronous call into WebAssembly that traps
//! throws at once, where a trap inside a future would leave its promise
//! pending for ever. So it also drives `fingerprint` and `recover`: it
//! decodes (with the browser or the fingerprint module) and fetches (with
//! `fetch`), and the functions here decide everything else.
//!
//! One crate, four modules: the core (default features), the PDF module
//! (`pdf`: the core and a PDF reader), the fingerprint module
//! (`fingerprint-module`: the library's image decoders and fingerprint, and
//! none of the verifier) and the signing module (`sign-module`: credentials
//! and signing with a key the browser keeps, and none of the verifier).

// As in every hallmark crate. wasm-bindgen's glue for the exports is unsafe
// code of the macro's own making (an external macro), which the lint does
// not count against this crate; this crate writes none itself.
#![forbid(unsafe_code)]

#[cfg_attr(
    any(feature = "fingerprint-module", feature = "sign-module"),
    allow(
        dead_code,
        reason = "the fingerprint and signing modules need only some of the helpers"
    )
)]
mod js;
pub use js::Thrown;

#[cfg(not(any(feature = "fingerprint-module", feature = "sign-module")))]
mod fingerprint;
#[cfg(not(any(feature = "fingerprint-module", feature = "sign-module")))]
mod recovery;
#[cfg(not(any(feature = "fingerprint-module", feature = "sign-module")))]
mod verifier;
#[cfg(not(any(feature = "fingerprint-module", feature = "sign-module")))]
pub use fingerprint::{FingerprintOptionsArg, fingerprint_plan};
#[cfg(not(any(feature = "fingerprint-module", feature = "sign-module")))]
pub use recovery::{RecoverOptionsArg, recover_from, recovery_candidates, recovery_request};
#[cfg(not(any(feature = "fingerprint-module", feature = "sign-module")))]
pub use verifier::{
    VerifyOptionsArg, decide, describe_identity, format_of, may_use, verify, warm_up, words,
};

#[cfg(feature = "fingerprint-module")]
mod decoders;
#[cfg(feature = "fingerprint-module")]
pub use decoders::{fingerprint_bytes, fingerprint_pixels, no_browser_decoder, undecodable};

#[cfg(feature = "sign-module")]
mod signing;
#[cfg(feature = "sign-module")]
pub use signing::{
    SigningStep, environment_error, issue_credentials, nginx_snippet, open_credentials,
    publish_answer, publish_url, sign_start,
};
