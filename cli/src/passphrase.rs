//! Getting the passphrase that protects private keys, without ever echoing,
//! logging or hanging on it.

use std::io::IsTerminal;
use std::path::Path;

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::failure::Failure;

/// The environment variable a passphrase may come from.
pub(crate) const ENV_VAR: &str = "HALLMARK_PASSPHRASE";

/// Whether the passphrase is being chosen (asked twice) or entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Choosing a new passphrase.
    Choose,
    /// Unlocking an existing key.
    Unlock,
}

/// The passphrase from `--passphrase-file`, else `HALLMARK_PASSPHRASE`, else
/// a prompt on the terminal; with no terminal, a clear error instead of a hang.
pub(crate) fn obtain(file: Option<&Path>, purpose: Purpose) -> Result<SecretString, Failure> {
    if let Some(path) = file {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(format!(
                "{}: cannot read the passphrase file: {e}",
                path.display()
            ))
        })?);
        let first_line = text.lines().next().unwrap_or("");
        return Ok(SecretString::from(first_line.to_owned()));
    }
    if let Ok(value) = std::env::var(ENV_VAR) {
        return Ok(SecretString::from(value));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "a passphrase is needed: set {ENV_VAR}, use --passphrase-file, or run in a terminal"
        )));
    }
    let prompt = |text: &str| {
        rpassword::prompt_password(text)
            .map(Zeroizing::new)
            .map_err(|e| Failure::usage(format!("cannot read the passphrase: {e}")))
    };
    match purpose {
        Purpose::Unlock => Ok(SecretString::from(prompt("Passphrase: ")?.to_string())),
        Purpose::Choose => {
            let first = prompt("New passphrase: ")?;
            let second = prompt("Repeat the passphrase: ")?;
            if *first != *second {
                return Err(Failure::usage(
                    "the two passphrases differ; nothing was created",
                ));
            }
            Ok(SecretString::from(first.to_string()))
        }
    }
}
