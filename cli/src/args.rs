//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

/// Exit statuses, shown in `--help`.
const EXIT_STATUSES: &str = "\
Exit status:
  0   every file verified as valid or trusted (or the command succeeded)
  1   a file's Content Credentials are invalid (changed after signing, bad signature, …)
  2   a file has no Content Credentials
  3   a file could not be read or parsed, or signing it failed
  64  the command was used wrongly
  141 whoever read the output stopped reading (a closed pipe)

Examples:
  hallmark keygen --name \"Ada Lovelace\"
  hallmark sign --recursive portfolio/ -o portfolio-signed/
  hallmark verify --json --recursive uploads/ > reports.jsonl
  hallmark policy photo.jpg --for ai_training

`hallmark COMMAND --help` explains each command; `hallmark man` prints the manual.";

/// Sign your work with Content Credentials that say "do not train", and verify them.
#[derive(Debug, Parser)]
#[command(name = "hallmark", version, about, after_help = EXIT_STATUSES)]
pub(crate) struct Cli {
    /// More log output on stderr (-v: progress, -vv: details). Never shows secrets.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Sign a bundled sample image with the example keys, verify it, and show the report.
    #[command(after_help = "Needs no set-up and no passphrase.\n\nExample:\n  hallmark demo")]
    Demo,

    /// Make your signing credentials: a local CA and a signer certificate, keys encrypted.
    #[command(after_help = "\
The passphrase is asked twice on a terminal, or read from HALLMARK_PASSPHRASE or
--passphrase-file. Without --out the credentials go to your configuration folder,
where `hallmark sign` finds them.

Examples:
  hallmark keygen --name \"Ada Lovelace\"
  hallmark keygen --name \"Ada Lovelace\" --org \"Analytical Studio\" --out ~/hallmark-credentials

Exit status: 0 credentials made; 64 credentials already there (see --force),
no passphrase, or a folder that cannot be written.")]
    Keygen(KeygenArgs),

    /// Sign files with a Content Credential that states your training policy.
    #[command(after_help = "\
Every kind of use is \"not allowed\" unless you --allow or --constrain it.
Kinds: ai_training, ai_generative_training, ai_inference, data_mining (or all).
Say where the signed copies go: -o (a file for one input, else a folder),
--in-place (replace the originals atomically) or --sidecar (NAME.c2pa next to
each untouched original). A file that fails never stops the others.

Examples:
  hallmark sign sunset.jpg -o sunset-signed.jpg
  hallmark sign --recursive portfolio/ -o portfolio-signed/ --allow ai_inference
  hallmark sign --in-place *.png --constrain data_mining=\"research only\"
  hallmark sign --sidecar thesis.pdf

Exit status: 0 every file signed (or skipped as not signable); 3 a file could
not be read, was damaged, or could not be written; 64 usage error (flags,
credentials, passphrase, an output that exists without --force).")]
    Sign(SignArgs),

    /// Sign a platform's renditions of an original (resized, re-encoded) with
    /// the original as their parent, so they keep the creator's policy.
    #[command(after_help = "\
Each rendition is signed with your (the platform's) credentials, the original as
its parentOf ingredient (its manifest store carried), the actions c2pa.opened and
c2pa.transcoded (--action for another), the original's effective policy copied
(--restrict KIND tightens it; nothing can loosen it), the IPTC mirror and a fresh
soft binding. Refused, with nothing written: an original without credentials or
with credentials that do not hold up (an untrusted signer is fine), a rendition
hallmark does not sign, bytes that are not the format their name claims.

Examples:
  hallmark derive thumb-512.webp --from original.jpg -o thumb-512-signed.webp
  hallmark derive renditions/*.jpg --from original.jpg -o signed/ --restrict data_mining

Exit status: 0 every rendition signed; 3 the original is refused or a rendition
could not be read or written (the others are still signed); 64 usage error.")]
    Derive(DeriveArgs),

    /// Verify the Content Credentials of files.
    #[command(after_help = "\
Examples:
  hallmark verify sunset-signed.jpg
  hallmark verify --trust ada-ca.pem --json --recursive uploads/ > reports.jsonl

Exit status: 0 all valid or trusted, 1 any invalid, 2 any without credentials
(none invalid), 3 any unreadable (none invalid), 64 usage error.")]
    Verify(VerifyArgs),

    /// May this file be used for KIND? Answers from its verified credentials.
    #[command(after_help = "\
Exit status: 0 allowed (and the credentials are intact); 1 not allowed or only
on terms (the terms are printed); 2 the creator said nothing, or there are no
credentials; 3 the credentials are broken or the file unreadable (no answer).

Examples:
  hallmark policy photo.jpg --for ai_training
  for f in corpus/*.jpg; do
    hallmark policy \"$f\" --for ai_training >/dev/null && echo \"$f\"
  done")]
    Policy(PolicyArgs),

    /// Show a file's whole manifest store (all manifests, assertions, ingredients).
    #[command(after_help = "\
Examples:
  hallmark inspect photo.jpg
  hallmark inspect --json photo.jpg

Exit status: 0 credentials shown; 2 the file has no credentials; 3 the file or
its manifest store could not be read; 64 usage error.")]
    Inspect(InspectArgs),

    /// Publish signed manifests to a manifest repository, so that copies that
    /// lose them (re-encoded by a platform) can still be matched to them.
    #[command(after_help = "\
Only intact credentials with a soft binding (the fingerprint `hallmark sign`
records for images) are accepted. Publishing the same manifest again changes
nothing.

Examples:
  hallmark publish sunset-signed.jpg --to https://repository.example
  hallmark publish --recursive portfolio-signed/ --to http://127.0.0.1:8080

Exit status: 0 every file published (or already there); 3 a file could not be
read, was refused by the repository, or the repository could not be reached;
64 usage error.")]
    Publish(PublishArgs),

    /// Print the HTTP headers a web server should send with signed files
    /// (X-Robots-Tag: noai, noimageai; TDMRep), from their intact credentials.
    #[command(after_help = "\
Only intact credentials say anything: a file without them, or with broken ones,
gets no headers. Not allowed (or only on terms) for AI training or generative AI
training: X-Robots-Tag: noai, noimageai. Any use not allowed or only on terms:
tdm-reservation: 1 (and tdm-policy: URL when the terms are an https address).
Everything allowed: tdm-reservation: 0.

Examples:
  hallmark headers artwork-signed.jpg
  hallmark headers --recursive portfolio-signed --nginx --prefix /art > hallmark-headers.conf

Exit status: as `hallmark verify`: 0 all valid or trusted, 1 any invalid, 2 any
without credentials, 3 any unreadable, 64 usage error.")]
    Headers(HeadersArgs),

    /// Filter WebDataset shards: decide every sample for a kind of use, print
    /// the decisions, and write a filtered copy of each shard.
    #[command(after_help = "\
Samples are the runs of members sharing a key (WebDataset's rule: the path up to
the first dot of the file name). Each sample's media are verified; the sample is
kept or dropped for the kind given with --for:

  allowed by intact credentials           kept
  not allowed                             dropped
  only on terms (constrained)             --constrained (default: drop)
  broken credentials (invalid)            --invalid     (default: drop)
  no credentials, or nothing said         --unsigned    (default: keep)
  a media member that cannot be read      --unreadable  (default: drop)

An unsigned statement in a file's XMP (IPTC, TDMRep) or a manifest recovered
with --recover can only drop a sample, never keep one the rules would drop. A
sample with several media is kept only if every one of them would keep it.
Kept members are copied byte for byte, in order, never re-encoded.

Each decision is one JSON line (shard, key, keep, state, use, basis, reason,
members) on stdout, or in --decisions FILE. A damaged shard (truncated tar) is
an error naming it, after the decisions of the samples before the damage.

Examples:
  hallmark scan shard-000000.tar --for ai_training -o filtered-000000.tar
  hallmark scan shards/*.tar --for ai_training -o filtered/ --decisions decisions.jsonl

Exit status: 0 every shard scanned; 3 a shard could not be read (the others
are still scanned); 64 usage error.")]
    Scan(ScanArgs),

    /// Run the verification service: POST a file, get its report as JSON.
    #[command(after_help = "\
Endpoints: POST /v1/verify (the body is the file; Content-Type its media type, or
application/octet-stream with ?format=jpg; ?for=ai_training adds may_use),
POST /v1/verify/batch (multipart), GET /healthz, /readyz, /metrics.
Settings come from --config (TOML, the same names as the flags), then the flags.
SIGTERM or Ctrl-C stops accepting and lets requests in flight finish.

Examples:
  hallmark serve --listen 0.0.0.0:8080 --trust my-ca.pem
  curl --data-binary @photo.jpg -H 'Content-Type: image/jpeg' 'localhost:8080/v1/verify?for=ai_training'")]
    #[cfg(feature = "serve")]
    Serve(ServeArgs),

    /// Make, list and revoke the tokens a service accepts (`serve --tokens FILE`).
    #[command(after_help = "\
A token is printed once, as the last line of `token add`; the file keeps only
its SHA-256. A running service reads the file again when it changes, so a
revoked token stops working at once.

Examples:
  hallmark token add studio --scope publish --tokens tokens.json
  hallmark token list --tokens tokens.json
  hallmark token revoke studio --tokens tokens.json

Exit status: 0 done; 64 usage error (an unknown scope, a name in use, no such
token, a token file that cannot be used).")]
    Token(TokenCommandArgs),

    /// Look after a manifest repository's database: list, count, remove.
    #[command(after_help = "\
URL is the database, as `serve --repository` takes it (sqlite:PATH or
postgres://…; HALLMARK_REPOSITORY keeps a password off the command line).
A removed manifest is gone from lookups and from GET /v1/manifests/{id} at
once; removing prints one audit line.

Examples:
  hallmark repository stats --repository sqlite:repository.db
  hallmark repository list --repository sqlite:repository.db --limit 100
  hallmark repository remove urn:c2pa:3fa85f64-5717-4562-b3fc-2c963f66afa6 --repository sqlite:repository.db

Exit status: 0 done; 2 no such manifest (remove); 3 the database could not be
reached; 64 usage error.")]
    #[cfg(feature = "serve")]
    Repository(RepositoryArgs),

    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  hallmark completions bash > ~/.local/share/bash-completion/completions/hallmark"
    )]
    Completions(CompletionsArgs),

    /// Print the manual page (roff), or write one page per command.
    #[command(after_help = "\
Examples:
  hallmark man > hallmark.1 && man ./hallmark.1
  hallmark man sign | man -l -
  hallmark man --out-dir ~/.local/share/man/man1")]
    Man(ManArgs),
}

/// Where the passphrase comes from, for commands that need one.
#[derive(Debug, Args)]
pub(crate) struct PassphraseArgs {
    /// Read the passphrase from the first line of this file (instead of
    /// HALLMARK_PASSPHRASE or a prompt).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// `hallmark keygen`.
#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Your name, as verifiers will see it ("Signed by NAME").
    #[arg(long)]
    pub name: String,
    /// Your organisation, if any.
    #[arg(long)]
    pub org: Option<String>,
    /// Your email address, if you want it in the certificate.
    #[arg(long)]
    pub email: Option<String>,
    /// The folder for the credentials [default: your configuration folder].
    #[arg(long, value_name = "DIR", env = "HALLMARK_CREDENTIALS")]
    pub out: Option<PathBuf>,
    /// Replace existing credentials (the old files are moved aside, not deleted).
    #[arg(long)]
    pub force: bool,
    /// How many years the signer certificate stays valid.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
    pub years: u16,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `hallmark sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// Files or folders to sign (folders need --recursive).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Where the signed copies go: a file for a single input, otherwise a folder
    /// (relative layout kept).
    #[arg(short, long, value_name = "OUT", conflicts_with_all = ["in_place", "sidecar"])]
    pub output: Option<PathBuf>,
    /// Replace each original with its signed copy, atomically.
    #[arg(long, conflicts_with = "sidecar")]
    pub in_place: bool,
    /// Write the manifest to NAME.c2pa next to each original, which stays untouched.
    #[arg(long)]
    pub sidecar: bool,
    /// Your credentials folder [default: the one `hallmark keygen` made].
    #[arg(long, value_name = "DIR", env = "HALLMARK_CREDENTIALS")]
    pub credentials: Option<PathBuf>,
    /// Allow a kind of use (repeatable): ai_training, ai_generative_training,
    /// ai_inference, data_mining, or all.
    #[arg(long, value_name = "KIND")]
    pub allow: Vec<String>,
    /// Allow a kind of use only on terms, e.g. data_mining="research only" (repeatable).
    #[arg(long, value_name = "KIND=TERMS")]
    pub constrain: Vec<String>,
    /// The work's title (default: the input's file name).
    #[arg(long)]
    pub title: Option<String>,
    /// The author's name, recorded in the manifest.
    #[arg(long)]
    pub author: Option<String>,
    /// How the work was made, as an IPTC digital source type term
    /// (digitalCreation, digitalCapture, humanEdits, …).
    #[arg(long, value_name = "TERM", default_value = "digitalCreation")]
    pub source_type: String,
    /// Walk folders given as PATH.
    #[arg(short, long)]
    pub recursive: bool,
    /// How many files to sign at once [default: one per CPU core].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Replace existing outputs.
    #[arg(long)]
    pub force: bool,
    /// Do not record the fingerprint of images (the `c2pa.soft-binding`
    /// assertion that lets a repository find the manifest of a stripped copy).
    #[arg(long)]
    pub no_soft_binding: bool,
    /// Do not mirror the policy into the file's IPTC metadata (XMP
    /// plus:DataMining), which tools that do not read C2PA see.
    #[arg(long)]
    pub no_iptc: bool,
    /// After signing, publish each manifest to the manifest repository at this
    /// base URL (a `hallmark serve --repository` service, API under /v1).
    #[arg(long, value_name = "URL", conflicts_with = "no_soft_binding")]
    pub publish: Option<String>,
    #[command(flatten)]
    pub token: TokenArgs,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `hallmark headers`.
#[derive(Debug, Args)]
pub(crate) struct HeadersArgs {
    /// Signed files, or folders with --recursive.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Walk folders given as PATH.
    #[arg(short, long)]
    pub recursive: bool,
    /// Print an nginx snippet (maps from URI to header values, and the
    /// add_header lines) instead of each file's headers.
    #[arg(long, conflicts_with = "json")]
    pub nginx: bool,
    /// Print one JSON line per file.
    #[arg(long)]
    pub json: bool,
    /// The URI path the files are served under (with --nginx and --json): a
    /// file PATH/a/b.jpg found under PATH is PREFIX/a/b.jpg.
    #[arg(long, value_name = "PREFIX", default_value = "/")]
    pub prefix: String,
    /// A PEM file of CA certificates you trust (repeatable).
    #[arg(long, value_name = "PEM")]
    pub trust: Vec<PathBuf>,
}

/// A repository's publishing token, for `publish` and `sign --publish`.
#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// Read the repository's token (one with the publish scope) from the
    /// first line of this file, instead of HALLMARK_TOKEN.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

/// `hallmark publish`.
#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    /// Signed files, or `.c2pa` manifest stores, to publish (folders need --recursive).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The manifest repository's base URL (API under /v1).
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Walk folders given as PATH.
    #[arg(short, long)]
    pub recursive: bool,
    /// Print one JSON line per file.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub token: TokenArgs,
}

/// `hallmark verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Files or folders to verify (folders need --recursive).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print one JSON report per file per line (JSON Lines), in input order.
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Walk folders given as PATH.
    #[arg(short, long)]
    pub recursive: bool,
    /// How many files to verify at once [default: one per CPU core].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Print nothing; the exit status says it all.
    #[arg(short, long)]
    pub quiet: bool,
    /// For a file without intact credentials, ask the manifest repository at
    /// this base URL for its manifest by the file's fingerprint (a recovered
    /// manifest can only restrict what the file may be used for).
    #[arg(long, value_name = "URL")]
    pub recover: Option<String>,
}

/// `hallmark policy`.
#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
    /// The file to ask about.
    pub file: PathBuf,
    /// The kind of use: ai_training, ai_generative_training, ai_inference or data_mining.
    #[arg(long = "for", value_name = "KIND")]
    pub kind: String,
    /// Print the answer as one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Without intact credentials, ask the manifest repository at this base URL
    /// for the file's manifest by its fingerprint (it can only restrict).
    #[arg(long, value_name = "URL")]
    pub recover: Option<String>,
}

/// Keep or drop, for `hallmark scan`'s rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum KeepOrDrop {
    /// Put the sample into the filtered shard.
    Keep,
    /// Leave it out.
    Drop,
}

/// `hallmark scan`.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// WebDataset shards (.tar or .tar.gz).
    #[arg(required = true, value_name = "SHARD")]
    pub shards: Vec<PathBuf>,
    /// The kind of use: ai_training, ai_generative_training, ai_inference or data_mining.
    #[arg(long = "for", value_name = "KIND")]
    pub kind: String,
    /// The filtered shard: a file for one shard, otherwise a folder (one
    /// filtered shard per input, same name). A name ending in .gz is compressed.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Write the decisions (JSON Lines) to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Samples allowed only on the creator's terms.
    #[arg(long, value_enum, default_value = "drop", value_name = "RULE")]
    pub constrained: KeepOrDrop,
    /// Samples whose credentials are broken.
    #[arg(long, value_enum, default_value = "drop", value_name = "RULE")]
    pub invalid: KeepOrDrop,
    /// Samples without credentials, or whose credentials say nothing about KIND.
    #[arg(long, value_enum, default_value = "keep", value_name = "RULE")]
    pub unsigned: KeepOrDrop,
    /// Samples with a media member that cannot be read.
    #[arg(long, value_enum, default_value = "drop", value_name = "RULE")]
    pub unreadable: KeepOrDrop,
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Ask the manifest repository at this base URL about media without
    /// intact credentials, by their fingerprint (it can only drop samples).
    #[arg(long, value_name = "URL")]
    pub recover: Option<String>,
    /// Replace existing filtered shards.
    #[arg(long)]
    pub force: bool,
}

/// `hallmark inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The file to inspect.
    pub file: PathBuf,
    /// Print the manifest store as the C2PA engine's JSON (with hallmark's
    /// `identities` added).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub trust: TrustArgs,
}

/// Whom a verification trusts: CAs for signers (and X.509 identities), and
/// pinned issuers for identity credentials.
#[derive(Debug, Args)]
pub(crate) struct TrustArgs {
    /// A PEM file of CA certificates you trust (repeatable).
    #[arg(long, value_name = "PEM")]
    pub trust: Vec<PathBuf>,
    /// The DID document (JSON) of an identity issuer you trust, such as the
    /// one a provider publishes at https://HOST/.well-known/did.json
    /// (repeatable). Identities it issued are checked against it, offline,
    /// and are "verified" when they hold up; nothing is fetched.
    #[arg(long = "identity-issuer", value_name = "FILE")]
    pub identity_issuers: Vec<PathBuf>,
}

/// `hallmark completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `hallmark man`.
#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// The command whose page to print (hallmark-COMMAND(1)) [default: hallmark(1)].
    #[arg(value_name = "COMMAND", conflicts_with = "out_dir")]
    pub command: Option<String>,
    /// Write every page (hallmark.1, hallmark-sign.1, …) into this folder.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[cfg(feature = "serve")]
pub(crate) enum LogFormat {
    /// Plain text.
    Text,
    /// One JSON object per line.
    Json,
}

/// `hallmark serve`.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Trust signers under the CA certificates in this PEM file (repeatable).
    #[arg(long, value_name = "PEM")]
    pub trust: Vec<PathBuf>,
    /// Check identity credentials against the DID document (JSON) of this
    /// identity issuer (repeatable); nothing is ever fetched.
    #[arg(long = "identity-issuer", value_name = "FILE")]
    pub identity_issuers: Vec<PathBuf>,
    /// Largest request body accepted, in bytes [default: 268435456].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_body_bytes: Option<u64>,
    /// Verifications running at once [default: the number of cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_concurrency: Option<u64>,
    /// Longest a verification may take, in seconds [default: 30].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout: Option<u64>,
    /// Also serve a manifest repository (the C2PA Soft Binding Resolution API
    /// and publishing, under /v1), stored at sqlite:PATH (created on first start)
    /// or postgres://USER@HOST/DB; HALLMARK_REPOSITORY keeps a password off the
    /// command line.
    #[arg(
        long,
        value_name = "URL",
        env = "HALLMARK_REPOSITORY",
        hide_env_values = true
    )]
    pub repository: Option<String>,
    /// Let web pages from ORIGIN (https://host or https://host:port; * for any) call the
    /// repository's read-only API across origins (CORS): matches, manifests and
    /// supported algorithms, never publishing (repeatable; none by default).
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Let web pages from this origin publish (`POST /v1/manifests`) across
    /// origins (CORS), with `Content-Type` and `Authorization`: a signing page
    /// such as the studio (repeatable; none by default).
    #[arg(long = "publish-cors-origin", value_name = "ORIGIN")]
    pub publish_cors_origins: Vec<String>,
    /// Require a token with the publish scope for publishing (`Authorization:
    /// Bearer TOKEN`); the tokens are those `hallmark token add --tokens FILE`
    /// made, and the file is read again when it changes.
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<PathBuf>,
    /// Without --tokens: most publishings a minute from one client address
    /// (beyond it, 429 with Retry-After); 0 for no limit [default: 60].
    #[arg(long, value_name = "N")]
    pub publish_limit: Option<u32>,
    /// Most manifests one signing certificate may store [default: 10000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_manifests_per_signer: Option<u64>,
    /// MiB of disk the repository keeps free (SQLite): publishing that would
    /// leave less is refused with 503 [default: 512].
    #[arg(long, value_name = "MIB")]
    pub reserve_disk_mib: Option<u64>,
    /// Offer POST /v1/derive, signing renditions with the credentials in DIR
    /// (their passphrase from --derive-passphrase-file or HALLMARK_PASSPHRASE),
    /// to holders of a token with the derive scope (needs --tokens).
    #[arg(long, value_name = "DIR")]
    pub derive_credentials: Option<PathBuf>,
    /// The first line of FILE is the passphrase of --derive-credentials.
    #[arg(long, value_name = "FILE")]
    pub derive_passphrase_file: Option<PathBuf>,
    /// Read settings from this TOML file (flags override it).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How log lines are written.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// `hallmark token`.
#[derive(Debug, Args)]
pub(crate) struct TokenCommandArgs {
    #[command(subcommand)]
    pub action: TokenAction,
    /// The token file (JSON; created by the first `add`, kept private).
    #[arg(long, value_name = "FILE", global = true)]
    pub tokens: Option<PathBuf>,
}

/// What `hallmark token` does.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenAction {
    /// Make a token named NAME and print it (once).
    Add {
        /// Who holds it, as the audit log names them (letters, digits, - _ . @).
        name: String,
        /// What it may do: publish, derive (repeatable).
        #[arg(long = "scope", value_name = "SCOPE", required = true)]
        scopes: Vec<hallmark::tokens::Scope>,
    },
    /// List the tokens: name, scopes, when made (never the tokens).
    List,
    /// Remove the token named NAME.
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// `hallmark repository`.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub(crate) struct RepositoryArgs {
    #[command(subcommand)]
    pub action: RepositoryAction,
    /// The repository's database: sqlite:PATH or postgres://USER@HOST/DB.
    #[arg(
        long,
        value_name = "URL",
        env = "HALLMARK_REPOSITORY",
        hide_env_values = true,
        global = true
    )]
    pub repository: Option<String>,
}

/// What `hallmark repository` does.
#[cfg(feature = "serve")]
#[derive(Debug, Subcommand)]
pub(crate) enum RepositoryAction {
    /// Print how many manifests and signers, and the bytes on disk.
    Stats,
    /// Print published manifests, one JSON line each, by manifest id.
    List {
        /// Start after this manifest id (the last one of the previous page).
        #[arg(long, value_name = "ID", default_value = "")]
        after: String,
        /// How many at most (1 to 1000).
        #[arg(long, value_name = "N", default_value_t = 100)]
        limit: usize,
    },
    /// Remove a manifest: gone from lookups and from GET /v1/manifests/{id}.
    Remove {
        /// The manifest's id (urn:c2pa:…).
        manifest_id: String,
    },
}

/// `hallmark derive`.
#[derive(Debug, Args)]
pub(crate) struct DeriveArgs {
    /// The renditions your pipeline made of the original.
    #[arg(required = true, value_name = "RENDITION")]
    pub renditions: Vec<PathBuf>,
    /// The original, with its Content Credentials.
    #[arg(long, value_name = "ORIGINAL")]
    pub from: PathBuf,
    /// Where the signed rendition goes: a file for one rendition, otherwise a folder.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    /// Your credentials folder [default: the one `hallmark keygen` made].
    #[arg(long, value_name = "DIR", env = "HALLMARK_CREDENTIALS")]
    pub credentials: Option<PathBuf>,
    /// The action after c2pa.opened, e.g. c2pa.resized [default: c2pa.transcoded].
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
    /// Make a kind of use not allowed in the renditions, whatever the
    /// original allows (repeatable; ai_training, …, or all).
    #[arg(long, value_name = "KIND")]
    pub restrict: Vec<String>,
    /// The renditions' title [default: each one's file name].
    #[arg(long)]
    pub title: Option<String>,
    /// Do not mirror the policy into the renditions' IPTC metadata.
    #[arg(long)]
    pub no_iptc: bool,
    /// Do not record the renditions' fingerprints.
    #[arg(long)]
    pub no_soft_binding: bool,
    /// Replace existing outputs.
    #[arg(long)]
    pub force: bool,
    /// After signing, publish each rendition's manifest to this repository.
    #[arg(long, value_name = "URL", conflicts_with = "no_soft_binding")]
    pub publish: Option<String>,
    #[command(flatten)]
    pub token: TokenArgs,
    #[command(flatten)]
    pub trust: TrustArgs,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}
