//! `hallmark scan`: filter WebDataset shards for a kind of use.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use hallmark::recover::http::HttpResolver;
use hallmark::shards::{DecisionLine, Rule, Rules, SampleDecision, ScanOptions, scan_file};

use crate::args::{KeepOrDrop, ScanArgs};
use crate::common::kinds::parse_kind;
use crate::common::verifying::verifier_for;
use crate::exit::ExitStatus;
use crate::failure::Failure;
use crate::output::Output;
use crate::render::sanitize;

/// Scan every shard; the exit status says whether all could be read.
pub(crate) fn run(args: &ScanArgs) -> Result<ExitStatus, Failure> {
    let kind = parse_kind(&args.kind)?;
    let verifier = verifier_for(&args.trust)?;
    let resolver = args.recover.as_deref().map(HttpResolver::new).transpose()?;
    let mut options = ScanOptions::new(kind);
    options.rules = Rules {
        constrained: rule(args.constrained),
        invalid: rule(args.invalid),
        unsigned: rule(args.unsigned),
        unreadable: rule(args.unreadable),
    };
    options.resolver = resolver.as_ref().map(|r| r as _);
    let outputs = outputs_for(args)?;
    let mut decisions = Decisions::open(args.decisions.as_deref())?;
    let mut status = ExitStatus::Ok;
    for (shard, output) in args.shards.iter().zip(outputs) {
        let name = shard.display().to_string();
        let on_decision = |decision: &SampleDecision| {
            decisions.write(&DecisionLine {
                shard: &name,
                decision,
            });
            Ok(())
        };
        match scan_file(shard, output.as_deref(), &verifier, &options, on_decision) {
            Ok(summary) => eprintln!(
                "{}: kept {} of {} samples ({} verified, {} without a manifest by the pre-check)",
                sanitize(&name),
                summary.kept,
                summary.samples,
                summary.verified,
                summary.prechecked
            ),
            // The next shard is still scanned.
            Err(error) => {
                eprintln!("hallmark: {}", sanitize(&error.to_string()));
                status = status.max(ExitStatus::for_error(error.kind()));
            }
        }
        if decisions.is_closed() {
            break;
        }
    }
    decisions.finish()?;
    Ok(status)
}

fn rule(choice: KeepOrDrop) -> Rule {
    match choice {
        KeepOrDrop::Keep => Rule::Keep,
        KeepOrDrop::Drop => Rule::Drop,
    }
}

/// Where each shard's filtered copy goes, if anywhere: `-o FILE` for one
/// shard (or into `-o` when it is a folder), `-o DIR/NAME` for several.
fn outputs_for(args: &ScanArgs) -> Result<Vec<Option<PathBuf>>, Failure> {
    let Some(out) = &args.output else {
        return Ok(vec![None; args.shards.len()]);
    };
    let into_folder = args.shards.len() > 1 || out.is_dir();
    if into_folder {
        std::fs::create_dir_all(out).map_err(|e| {
            Failure::usage(format!("{}: cannot create the folder: {e}", out.display()))
        })?;
    }
    let mut outputs = Vec::with_capacity(args.shards.len());
    for shard in &args.shards {
        let target = if into_folder {
            let name = shard.file_name().ok_or_else(|| {
                Failure::usage(format!("{}: not a shard file name", shard.display()))
            })?;
            out.join(name)
        } else {
            out.clone()
        };
        if same_file(shard, &target) {
            return Err(Failure::usage(format!(
                "{}: the filtered shard would replace its input; choose another -o",
                target.display()
            )));
        }
        // A pipe or a device (`-o /dev/null`) is written into, never replaced.
        let replaces = std::fs::metadata(&target).is_ok_and(|m| m.is_file() || m.is_dir());
        if replaces && !args.force {
            return Err(Failure::usage(format!(
                "{}: exists; use --force to replace it",
                target.display()
            )));
        }
        if outputs.contains(&Some(target.clone())) {
            return Err(Failure::usage(format!(
                "{}: two shards of the same name would land there",
                target.display()
            )));
        }
        outputs.push(Some(target));
    }
    Ok(outputs)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Where decision lines go: stdout, or a file.
enum Decisions {
    Stdout(Output),
    File {
        name: String,
        writer: BufWriter<File>,
        error: Option<std::io::Error>,
    },
}

impl Decisions {
    fn open(path: Option<&Path>) -> Result<Self, Failure> {
        Ok(match path {
            None => Decisions::Stdout(Output::stdout()),
            Some(path) => Decisions::File {
                name: path.display().to_string(),
                writer: BufWriter::new(File::create(path).map_err(|e| {
                    Failure::usage(format!(
                        "{}: cannot write the decisions: {e}",
                        path.display()
                    ))
                })?),
                error: None,
            },
        })
    }

    fn write(&mut self, line: &DecisionLine<'_>) {
        let line = line.to_json_line();
        match self {
            Decisions::Stdout(out) => out.write(&line),
            Decisions::File { writer, error, .. } => {
                if error.is_none()
                    && let Err(e) = writer.write_all(line.as_bytes())
                {
                    *error = Some(e);
                }
            }
        }
    }

    fn is_closed(&self) -> bool {
        match self {
            Decisions::Stdout(out) => out.is_closed(),
            Decisions::File { error, .. } => error.is_some(),
        }
    }

    fn finish(self) -> Result<(), Failure> {
        match self {
            Decisions::Stdout(out) => out.finish(),
            Decisions::File {
                name,
                mut writer,
                error,
            } => match error.map_or_else(|| writer.flush(), Err) {
                Ok(()) => Ok(()),
                Err(e) => Err(Failure::usage(format!(
                    "{name}: cannot write the decisions: {e}"
                ))),
            },
        }
    }
}
