//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exit statuses, shown in `--help`.
const EXIT_STATUSES: &str = "\
Exit status:
  0   every file verified as valid or trusted (or the command succeeded)
  1   a file's Content Credentials are invalid (changed after signing, bad signature, …)
  2   a file has no Content Credentials
  3   a file could not be read or parsed, or signing failed
  64  the command was used wrongly";

/// Sign your work with Content Credentials that say "do not train", and verify them.
#[derive(Debug, Parser)]
#[command(name = "hallmark", version, about, after_help = EXIT_STATUSES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign a bundled sample image with the example keys, verify it, and show the report.
    #[command(after_help = "Needs no set-up and no passphrase.\n\nExample:\n  hallmark demo")]
    Demo,

    /// Make signing credentials: a local CA and a signer certificate, keys encrypted.
    #[command(after_help = "\
The passphrase comes from HALLMARK_PASSPHRASE, from --passphrase-file, or is asked
twice on a terminal.

Example:
  hallmark keygen --name \"Ada Lovelace\" --out ~/hallmark-credentials")]
    Keygen(KeygenArgs),

    /// Sign a file with a Content Credential that states your training policy.
    #[command(after_help = "\
Every kind of use is \"not allowed\" unless you --allow or --constrain it.
Kinds: ai_training, ai_generative_training, ai_inference, data_mining (or all).

Examples:
  hallmark sign sunset.jpg -o sunset-signed.jpg --credentials ~/hallmark-credentials
  hallmark sign song.wav -o song-signed.wav --credentials ~/hallmark-credentials --allow ai_inference")]
    Sign(SignArgs),

    /// Verify the Content Credentials of files.
    #[command(after_help = "\
Examples:
  hallmark verify sunset-signed.jpg
  hallmark verify --trust ~/hallmark-credentials/ca.pem --json *.jpg

Exit status: 0 all valid or trusted, 1 any invalid, 2 any without credentials,
3 any unreadable, 64 usage error.")]
    Verify(VerifyArgs),
}

/// `hallmark keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Your name, as verifiers will see it ("Signed by NAME").
    #[arg(long)]
    pub name: String,
    /// Your organisation, if any.
    #[arg(long)]
    pub org: Option<String>,
    /// Your email address, if you want it in the certificate.
    #[arg(long)]
    pub email: Option<String>,
    /// The folder to create the credentials in.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// How many years the signer certificate stays valid.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
    pub years: u16,
    /// Read the passphrase from the first line of this file.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// `hallmark sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The file to sign (never modified).
    pub input: PathBuf,
    /// Where to write the signed copy (must not exist).
    #[arg(short, long, value_name = "OUTPUT")]
    pub output: PathBuf,
    /// Your credentials folder (made by `hallmark keygen`).
    #[arg(long, value_name = "DIR")]
    pub credentials: PathBuf,
    /// Allow a kind of use (repeatable): ai_training, ai_generative_training,
    /// ai_inference, data_mining, or all.
    #[arg(long, value_name = "KIND")]
    pub allow: Vec<String>,
    /// Allow a kind of use only on terms, e.g. data_mining="research only" (repeatable).
    #[arg(long, value_name = "KIND=TERMS")]
    pub constrain: Vec<String>,
    /// The work's title (default: the output's file name).
    #[arg(long)]
    pub title: Option<String>,
    /// The author's name, recorded in the manifest.
    #[arg(long)]
    pub author: Option<String>,
    /// How the work was made, as an IPTC digital source type term
    /// (digitalCreation, digitalCapture, humanEdits, …).
    #[arg(long, value_name = "TERM", default_value = "digitalCreation")]
    pub source_type: String,
    /// Read the passphrase from the first line of this file.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// `hallmark verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The files to verify.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print one JSON report per file per line (JSON Lines).
    #[arg(long)]
    pub json: bool,
    /// A PEM file of CA certificates you trust (repeatable).
    #[arg(long, value_name = "PEM")]
    pub trust: Vec<PathBuf>,
    /// When to use colour in the human report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}
