//! `hallmark sign`: embed Content Credentials with the creator's policy, one
//! file or a whole portfolio at a time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::common::credentials::load_signing_credentials;
use crate::common::kinds::policy_from;
use crate::common::publishing::{overwrite_if, publish_one, publishing_to};
use crate::exit::ExitStatus;
use hallmark::Overwrite;
use hallmark::credentials::SigningCredentials;
use hallmark::policy::Kind;
use hallmark::sign::SoftBindingOutcome;
use hallmark::sign::{SignOptions, Signed, SourceType, sidecar_path, sign_file, sign_sidecar};

use crate::args::SignArgs;
use crate::failure::Failure;
use crate::inputs::{self, Input};
use crate::ordered::{Flow, jobs_or_cores, run_in_order};
use crate::output::{self, Output};
use crate::progress::Progress;

/// Where one signed result goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Destination {
    /// A new file.
    File(PathBuf),
    /// Replace the input.
    InPlace,
    /// A sidecar manifest next to the untouched input.
    Sidecar(PathBuf),
}

impl Destination {
    fn path<'a>(&'a self, input: &'a Path) -> &'a Path {
        match self {
            Destination::File(path) | Destination::Sidecar(path) => path,
            Destination::InPlace => input,
        }
    }
}

/// One file to sign and where its result goes.
#[derive(Debug)]
struct Task {
    input: Input,
    destination: Destination,
}

/// Sign every file named or found; returns the batch's exit status.
pub(crate) fn run(args: &SignArgs) -> Result<ExitStatus, Failure> {
    let started = Instant::now();
    let options = SignOptions {
        title: args.title.clone(),
        author: args.author.clone(),
        source_type: args
            .source_type
            .parse::<SourceType>()
            .map_err(|e| Failure::usage(e.to_string()))?,
        policy: policy_from(&args.allow, &args.constrain)?,
        soft_binding: !args.no_soft_binding,
        iptc: !args.no_iptc,
    };
    let sidecar = args.sidecar;
    let expanded = inputs::expand(&args.paths, args.recursive, |format| {
        if sidecar {
            format.can_verify()
        } else {
            format.can_sign()
        }
    })?;
    let Plan { tasks, refused } = plan(args, expanded.files)?;
    let credentials = load_signing_credentials(args.credentials.as_ref(), &args.passphrase)?;
    let repository = publishing_to(args.publish.as_deref(), &args.token)?;
    let overwrite = overwrite_if(args.force);

    let progress = Progress::new(tasks.len(), "signing", true);
    for skipped in &expanded.skipped {
        progress.note(&format!(
            "note: skipped {}: {}",
            skipped.path.display(),
            skipped.reason
        ));
    }
    let mut signed = 0usize;
    let mut failures = Vec::new();
    for message in &refused {
        progress.note(&format!("hallmark: {}", crate::render::sanitize(message)));
        failures.push(ExitStatus::Usage);
    }
    // Reports of what was signed. If their reader goes away the batch still
    // finishes: every file is signed or failed, never left half-done.
    let mut out = Output::stdout();
    run_in_order(
        &tasks,
        jobs_or_cores(args.jobs),
        |task| {
            let signed = sign_one(&credentials, task, &options, overwrite)?;
            let published = repository
                .as_ref()
                .map(|repository| publish_one(repository, task.destination.path(&task.input.path)));
            Ok((signed, published))
        },
        |index, result: Result<hallmark::Result<_>, _>| {
            progress.inc();
            let task = &tasks[index];
            let outcome = match result {
                Ok(Ok(done)) => Ok(done),
                Ok(Err(err)) => Err((err.to_string(), Failure::from_error(&err).status)),
                Err(defect) => Err((defect.message_for(&task.input.path), ExitStatus::Unreadable)),
            };
            match outcome {
                Ok((done, published)) => {
                    signed += 1;
                    let to = task.destination.path(&task.input.path);
                    if let SoftBindingOutcome::Failed(why) = &done.soft_binding {
                        progress.note(&format!(
                            "note: {} was signed without a soft binding: {}",
                            task.input.path.display(),
                            crate::render::sanitize(why)
                        ));
                    }
                    progress.suspend(|| {
                        out.write(&format!(
                            "signed {} -> {}\n",
                            task.input.path.display(),
                            to.display()
                        ));
                        match published {
                            Some(Ok(published)) => out.write(&format!(
                                "  {} {}\n",
                                if published.created {
                                    "published as"
                                } else {
                                    "already published as"
                                },
                                crate::render::sanitize(&published.manifest_id)
                            )),
                            Some(Err(err)) => {
                                progress.note(&format!(
                                    "hallmark: {}",
                                    crate::render::sanitize(&err.to_string())
                                ));
                                failures.push(ExitStatus::for_error(err.kind()));
                            }
                            None => {}
                        }
                        out.flush();
                    });
                }
                Err((message, status)) => {
                    progress.note(&format!("hallmark: {}", crate::render::sanitize(&message)));
                    failures.push(status);
                }
            }
            Flow::Continue
        },
        || {},
    );
    progress.finish();

    if signed > 0 {
        let stated: Vec<String> = Kind::ALL
            .iter()
            .map(|k| format!("{}: {}", k.describe(), options.policy.get(*k).describe()))
            .collect();
        out.write(&format!("Policy stated in each: {}\n", stated.join(" · ")));
    }
    output::ignore_closed(out.finish())?;
    eprintln!(
        "signed {signed}, skipped {}, failed {} in {:.2} s",
        expanded.skipped.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(failures.into_iter().max().unwrap_or(ExitStatus::Ok))
}

fn sign_one(
    credentials: &SigningCredentials,
    task: &Task,
    options: &SignOptions,
    overwrite: Overwrite,
) -> hallmark::Result<Signed> {
    let input = &task.input.path;
    match &task.destination {
        Destination::File(output) => {
            if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| hallmark::Error::Io {
                    file: parent.display().to_string(),
                    action: "cannot create the folder",
                    source: e,
                })?;
            }
            sign_file(credentials, input, output, options, overwrite)
        }
        Destination::InPlace => sign_file(credentials, input, input, options, Overwrite::Replace),
        Destination::Sidecar(sidecar) => {
            sign_sidecar(credentials, input, sidecar, options, overwrite)
        }
    }
}

/// Decide where each input's result goes, refusing plans that would collide
/// or write into the folders being read.
fn plan(args: &SignArgs, files: Vec<Input>) -> Result<Plan, Failure> {
    let destination_for: Box<dyn Fn(&Input) -> Destination> =
        match (&args.output, args.in_place, args.sidecar) {
            (Some(out), _, _) => {
                let single_file = files.len() == 1
                    && files[0].root.is_none()
                    && !out.is_dir()
                    && !out.as_os_str().to_string_lossy().ends_with('/');
                if single_file {
                    let out = out.clone();
                    Box::new(move |_| Destination::File(out.clone()))
                } else {
                    refuse_output_inside_inputs(out, &files)?;
                    let out = out.clone();
                    Box::new(move |input: &Input| Destination::File(out.join(&input.relative)))
                }
            }
            (None, true, _) => Box::new(|_| Destination::InPlace),
            (None, false, true) => {
                Box::new(|input: &Input| Destination::Sidecar(sidecar_path(&input.path)))
            }
            (None, false, false) => {
                return Err(Failure::usage(
                    "say where the signed copies go: -o OUT, --in-place, or --sidecar",
                ));
            }
        };
    let mut tasks = Vec::with_capacity(files.len());
    let mut refused = Vec::new();
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    for input in files {
        let destination = destination_for(&input);
        let to = destination.path(&input.path).to_path_buf();
        if matches!(destination, Destination::File(_)) && absolute(&to) == absolute(&input.path) {
            refused.push(format!(
                "{}: the signed copy would replace the original; use --in-place for that, or -o elsewhere",
                input.path.display()
            ));
            continue;
        }
        match claimed.get(&to) {
            // Two inputs, one output: the first named keeps it, the others are refused.
            Some(first) if destination != Destination::InPlace => refused.push(format!(
                "{}: its signed result would go to {}, as that of {} does; {}",
                input.path.display(),
                to.display(),
                first.display(),
                match destination {
                    Destination::Sidecar(_) => {
                        "a sidecar is named after the file without its extension: rename one of them, or sign this one with -o"
                    }
                    _ => "sign it separately, with its own -o",
                }
            )),
            _ => {
                claimed.insert(to, input.path.clone());
                tasks.push(Task { input, destination });
            }
        }
    }
    Ok(Plan { tasks, refused })
}

/// The files to sign, and those refused before any work (with why).
struct Plan {
    tasks: Vec<Task>,
    refused: Vec<String>,
}

/// An output folder inside a folder being signed would be walked into on the
/// next run, and signing a folder into itself mixes originals and copies.
fn refuse_output_inside_inputs(out: &Path, files: &[Input]) -> Result<(), Failure> {
    let out_abs = absolute(out);
    let mut roots: Vec<&PathBuf> = files.iter().filter_map(|f| f.root.as_ref()).collect();
    roots.dedup();
    for root in roots {
        if out_abs.starts_with(absolute(root)) {
            return Err(Failure::usage(format!(
                "the output folder {} is inside the folder being signed, {}; choose a folder outside it",
                out.display(),
                root.display()
            )));
        }
    }
    Ok(())
}

/// The path with its existing part resolved (links, `..`), the rest appended.
fn absolute(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_owned());
                existing = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_resolves_what_exists_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(absolute(&dir.path().join("a/b")), real.join("a/b"));
    }
}
