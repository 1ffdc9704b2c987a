//! `hallmark demo`: the whole story in one command, with no set-up.
//!
//! Signs a bundled sample image with the example credentials of
//! `keys-example/` (compiled in, so the demo works from any folder), verifies
//! the signed copy against the example CA, and prints the report.

use hallmark::credentials::SigningCredentials;
use hallmark::sign::{SignOptions, sign_file};
use hallmark::{Overwrite, TrustAnchors, Verifier};
use secrecy::SecretString;

use crate::args::ColorChoice;
use crate::failure::Failure;
use crate::output::Output;
use crate::render::{self, Style};

const SAMPLE: &[u8] = include_bytes!("../../assets/sample.jpg");
const CHAIN: &str = include_str!("../../../keys-example/chain.pem");
const KEY: &str = include_str!("../../../keys-example/signer.key");
const CA: &str = include_str!("../../../keys-example/ca.pem");
/// The example key's passphrase, published in keys-example/README.md.
const PASSPHRASE: &str = "hallmark-example";

/// Run the demo. It ignores `HALLMARK_PASSPHRASE`: the example key's
/// passphrase is public.
pub(crate) fn run(color: ColorChoice) -> Result<(), Failure> {
    let passphrase = SecretString::from(PASSPHRASE);
    let credentials = SigningCredentials::from_pem(
        "keys-example/chain.pem",
        CHAIN,
        "keys-example/signer.key",
        KEY,
        Some(&passphrase),
    )?;

    let folder = tempfile::Builder::new()
        .prefix("hallmark-demo-")
        .tempdir()
        .map_err(|e| Failure::usage(format!("cannot create a temporary folder: {e}")))?
        .keep();
    let original = folder.join("sample.jpg");
    let signed = folder.join("sample-signed.jpg");
    std::fs::write(&original, SAMPLE)
        .map_err(|e| Failure::usage(format!("{}: cannot write: {e}", original.display())))?;

    let mut out = Output::stdout();
    out.write(&format!(
        "1. Signing {} with the example credentials (keys-example/),\n   \
         stating that no kind of AI training or data mining is allowed.\n",
        original.display()
    ));
    out.flush();
    sign_file(
        &credentials,
        &original,
        &signed,
        &SignOptions::default(),
        Overwrite::Never,
    )?;

    out.write(&format!(
        "2. Verifying {}, trusting the example CA (keys-example/ca.pem):\n\n",
        signed.display()
    ));
    let anchors = TrustAnchors::from_pem("keys-example/ca.pem", CA)?;
    let verifier = Verifier::new(&anchors)?;
    let report = verifier.verify_file(&signed)?;
    let style = Style::for_stdout(color);
    out.write(&render::report(
        &signed.display().to_string(),
        &report,
        style,
    ));
    out.write(&format!(
        "\nTry it yourself:\n  hallmark verify {0}\n  \
         hallmark verify --json --trust keys-example/ca.pem {0}\n",
        signed.display()
    ));
    out.finish()
}
