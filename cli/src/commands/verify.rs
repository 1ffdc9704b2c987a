//! `hallmark verify`: check the Content Credentials of many files, in
//! parallel, reporting in input order.

use std::cell::RefCell;

use crate::common::verifying::{verifier_for, verify_and_recover};
use crate::exit::ExitStatus;
use hallmark::Report;
use hallmark::recover::http::HttpResolver;
use hallmark::verify::FileReport;
use serde::Serialize;

use crate::args::{ColorChoice, VerifyArgs};
use crate::failure::Failure;
use crate::inputs;
use crate::ordered::{Flow, jobs_or_cores, run_in_order};
use crate::output::Output;
use crate::progress::Progress;
use crate::render::{self, Style};

/// One line of `--json` output: the library's report plus the file, or an error.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum JsonLine<'a> {
    /// The file was verified: its report with the file, as given or found.
    Report(FileReport<'a>),
    /// The file could not be read or parsed.
    Error {
        /// The file, as given or found.
        file: &'a str,
        /// Always `error`.
        state: &'static str,
        /// Why, in words.
        error: String,
    },
}

/// Serialise one JSON line, newline included.
pub(crate) fn json_line(line: &JsonLine<'_>) -> String {
    // Serialising these plain structures cannot fail; an empty object is a safe fallback.
    let mut text = serde_json::to_string(line).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// Verify every file named or found, print a report for each, and return the batch's exit status.
pub(crate) fn run(args: &VerifyArgs, color: ColorChoice) -> Result<ExitStatus, Failure> {
    let verifier = verifier_for(&args.trust)?;
    let resolver = args.recover.as_deref().map(HttpResolver::new).transpose()?;
    let expanded = inputs::expand(&args.paths, args.recursive, |format| format.can_verify())?;
    let style = Style::for_stdout(color);
    let progress = Progress::new(expanded.files.len(), "verifying", !args.quiet && !args.json);
    let out = RefCell::new(Output::stdout());
    let mut outcomes = Vec::with_capacity(expanded.files.len());
    let render_outcome = |file: &str, result: &Result<Report, String>| {
        (!args.quiet).then(|| match (result, args.json) {
            (Ok(report), true) => json_line(&JsonLine::Report(FileReport {
                file: Some(file),
                report,
            })),
            (Err(error), true) => json_line(&JsonLine::Error {
                file,
                state: "error",
                error: error.clone(),
            }),
            (Ok(report), false) => render::report(file, report, style),
            (Err(error), false) => render::error(error, style),
        })
    };
    // Workers verify and render; this thread only writes, in input order.
    run_in_order(
        &expanded.files,
        jobs_or_cores(args.jobs),
        |input| {
            let result = verify_and_recover(&verifier, resolver.as_ref(), &input.path)
                .map_err(|e| e.to_string());
            let state = result.as_ref().ok().map(|r| r.state);
            (
                state,
                render_outcome(&input.path.display().to_string(), &result),
            )
        },
        |index, outcome| {
            progress.inc();
            let (state, text) = outcome.unwrap_or_else(|defect| {
                let path = &expanded.files[index].path;
                let error = Err(defect.message_for(path));
                (None, render_outcome(&path.display().to_string(), &error))
            });
            outcomes.push(state);
            let mut out = out.borrow_mut();
            if let Some(text) = text {
                out.write(&text);
            }
            // Nobody reads what follows: stop verifying.
            if out.is_closed() {
                Flow::Stop
            } else {
                Flow::Continue
            }
        },
        || out.borrow_mut().flush(),
    );
    progress.finish();
    out.into_inner().finish()?;
    Ok(ExitStatus::for_batch(outcomes))
}
