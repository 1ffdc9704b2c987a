//! `hallmark derive`: a platform's renditions signed with the creator's
//! original as their parent, so that they keep the creator's policy.

use std::path::{Path, PathBuf};

use hallmark::sign::{CheckedOriginal, DeriveOptions, derive_file};

use crate::args::DeriveArgs;
use crate::common::credentials::load_signing_credentials;
use crate::common::kinds::parse_kinds;
use crate::common::publishing::{overwrite_if, publish_one, publishing_to};
use crate::common::verifying::verifier_for;
use crate::exit::ExitStatus;
use crate::failure::Failure;
use crate::output::Output;
use crate::render::sanitize;

/// Derive every rendition; the batch's exit status.
pub(crate) fn run(args: &DeriveArgs) -> Result<ExitStatus, Failure> {
    let mut options = DeriveOptions::default();
    if let Some(action) = &args.action {
        if !action.starts_with("c2pa.") || action.len() > 64 {
            return Err(Failure::usage(format!(
                "--action {}: a C2PA action name such as c2pa.resized or c2pa.transcoded",
                sanitize(action)
            )));
        }
        options.action.clone_from(action);
    }
    for item in &args.restrict {
        options.restrict.extend(parse_kinds(item)?);
    }
    options.title.clone_from(&args.title);
    options.iptc = !args.no_iptc;
    options.soft_binding = !args.no_soft_binding;
    let destinations = destinations(args)?;
    let verifier = verifier_for(&args.trust)?;
    let credentials = load_signing_credentials(args.credentials.as_ref(), &args.passphrase)?;
    let repository = publishing_to(args.publish.as_deref(), &args.token)?;
    let overwrite = overwrite_if(args.force);
    // The original is checked once, and refused for every rendition alike.
    let original = CheckedOriginal::from_file(&verifier, &args.from, &options)?;
    let mut out = Output::stdout();
    let mut status = ExitStatus::Ok;
    for (rendition, output) in &destinations {
        let derived = derive_file(
            &credentials,
            &original,
            rendition,
            output,
            &options,
            overwrite,
        );
        match derived {
            Ok(derived) => {
                out.write(&format!(
                    "derived {} -> {} (parent {})\n",
                    sanitize(&rendition.display().to_string()),
                    sanitize(&output.display().to_string()),
                    sanitize(&derived.original_manifest)
                ));
                if let Some(repository) = &repository {
                    match publish_one(repository, output) {
                        Ok(published) => out.write(&format!(
                            "  published as {}\n",
                            sanitize(&published.manifest_id)
                        )),
                        Err(error) => {
                            eprintln!("hallmark: {}", sanitize(&error.to_string()));
                            status = status.max(ExitStatus::for_error(error.kind()));
                        }
                    }
                }
            }
            Err(error) => {
                eprintln!("hallmark: {}", sanitize(&error.to_string()));
                status = status.max(ExitStatus::for_error(error.kind()));
            }
        }
        if out.is_closed() {
            break;
        }
    }
    out.finish()?;
    Ok(status)
}

/// Where each rendition's signed copy goes: `-o` itself for one rendition
/// (unless it is a folder), else `-o/NAME`.
fn destinations(args: &DeriveArgs) -> Result<Vec<(PathBuf, PathBuf)>, Failure> {
    let into_folder = args.renditions.len() > 1 || args.output.is_dir();
    let mut out = Vec::new();
    for rendition in &args.renditions {
        let output = if into_folder {
            let name = rendition
                .file_name()
                .ok_or_else(|| Failure::usage(format!("{}: not a file", rendition.display())))?;
            args.output.join(name)
        } else {
            args.output.clone()
        };
        if same_file(rendition, &output) || same_file(&args.from, &output) {
            return Err(Failure::usage(format!(
                "{}: would overwrite an input; choose another -o",
                output.display()
            )));
        }
        if out.iter().any(|(_, o): &(PathBuf, PathBuf)| o == &output) {
            return Err(Failure::usage(format!(
                "{}: two renditions would be written here (the same file name)",
                output.display()
            )));
        }
        out.push((rendition.clone(), output));
    }
    if into_folder {
        std::fs::create_dir_all(&args.output).map_err(|e| {
            Failure::usage(format!(
                "{}: cannot create the folder: {e}",
                args.output.display()
            ))
        })?;
    }
    Ok(out)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
