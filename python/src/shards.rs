//! The WebDataset shard filter: ``scan_shard`` (the library's
//! `shards::scan_file`, as ``hallmark scan`` runs it) and ``decide_file``
//! (the same rules for one report, for pipelines that verify image by image).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use hallmark::recover::http::HttpResolver;
use hallmark::shards::{
    DecisionLine, Rule, Rules, SampleDecision, ScanOptions, decide_file as decide_one, scan_file,
};
use pyo3::prelude::*;

use crate::decide::report_from;
use crate::errors::{bad_request, to_py};
use crate::input::parse_kind;
use crate::report::loads;
use crate::verify::verifier_for;

/// A ``"keep"`` or ``"drop"`` argument.
fn rule(name: &str, value: &str) -> PyResult<Rule> {
    match value {
        "keep" => Ok(Rule::Keep),
        "drop" => Ok(Rule::Drop),
        other => Err(bad_request(format!(
            "{name}={other:?}: expected \"keep\" or \"drop\""
        ))),
    }
}

fn rules(constrained: &str, invalid: &str, unsigned: &str, unreadable: &str) -> PyResult<Rules> {
    Ok(Rules {
        constrained: rule("constrained", constrained)?,
        invalid: rule("invalid", invalid)?,
        unsigned: rule("unsigned", unsigned)?,
        unreadable: rule("unreadable", unreadable)?,
    })
}

/// Filter one WebDataset shard (``.tar`` or ``.tar.gz``) for ``kind``.
///
/// Exactly ``hallmark scan SHARD --for KIND``: samples are grouped by key, each
/// sample's media verified (in Rust threads, the GIL released) and decided by
/// the rules (``"keep"`` or ``"drop"`` for ``constrained``, ``invalid``,
/// ``unsigned`` and ``unreadable``; defaults as the CLI's), and with
/// ``output`` the kept samples' members are copied byte for byte into a
/// filtered shard (gzip when its name ends in ``.gz``). With ``decisions`` a
/// path, one JSON line per sample goes there (as ``hallmark scan
/// --decisions``); otherwise the decisions come back as a list.
///
/// Returns a dict: ``shard``, ``output``, the counts (``samples``, ``kept``,
/// ``dropped``, ``members``, ``verified``, ``prechecked``, ``bytes_read``,
/// ``bytes_kept``) and ``decisions`` (the path, or the list of dicts).
/// Raises ``hallmark.BadInput`` for a shard that is not a readable tar (the
/// decisions of the complete samples before the damage are written first).
#[pyfunction]
#[pyo3(signature = (shard, *, kind, output = None, decisions = None, trust = None,
    constrained = "drop", invalid = "drop", unsigned = "keep", unreadable = "drop", recover = None))]
#[allow(
    clippy::too_many_arguments,
    reason = "keyword arguments of one Python function"
)]
pub(crate) fn scan_shard<'py>(
    py: Python<'py>,
    shard: PathBuf,
    kind: &str,
    output: Option<PathBuf>,
    decisions: Option<PathBuf>,
    trust: Option<&Bound<'py, PyAny>>,
    constrained: &str,
    invalid: &str,
    unsigned: &str,
    unreadable: &str,
    recover: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let kind = parse_kind(kind)?;
    let verifier = verifier_for(trust)?;
    let resolver = recover
        .map(HttpResolver::new)
        .transpose()
        .map_err(|e| to_py(&e))?;
    let mut options = ScanOptions::new(kind);
    options.rules = rules(constrained, invalid, unsigned, unreadable)?;
    options.resolver = resolver.as_ref().map(|r| r as _);
    let name = shard.display().to_string();
    let mut file = match &decisions {
        Some(path) => Some(BufWriter::new(File::create(path).map_err(|e| {
            to_py(&hallmark::Error::Io {
                file: path.display().to_string(),
                action: "cannot write",
                source: e,
            })
        })?)),
        None => None,
    };
    let mut collected: Vec<SampleDecision> = Vec::new();
    let result = py.detach(|| {
        let summary =
            scan_file(
                &shard,
                output.as_deref(),
                &verifier,
                &options,
                |decision| match file.as_mut() {
                    Some(file) => file
                        .write_all(
                            DecisionLine {
                                shard: &name,
                                decision,
                            }
                            .to_json_line()
                            .as_bytes(),
                        )
                        .map_err(|e| hallmark::Error::Io {
                            file: name.clone(),
                            action: "cannot write the decisions",
                            source: e,
                        }),
                    None => {
                        collected.push(decision.clone());
                        Ok(())
                    }
                },
            );
        // The decisions written so far are kept, whatever became of the shard.
        let flushed = file.as_mut().map_or(Ok(()), |f| f.flush());
        (summary, flushed)
    });
    let summary = match result {
        (Ok(summary), Ok(())) => summary,
        (Err(error), _) => return Err(to_py(&error)),
        (Ok(_), Err(e)) => {
            return Err(to_py(&hallmark::Error::Io {
                file: name,
                action: "cannot write the decisions",
                source: e,
            }));
        }
    };
    let decisions_value = match &decisions {
        Some(path) => serde_json::Value::String(path.display().to_string()),
        None => serde_json::to_value(
            collected
                .iter()
                .map(|decision| DecisionLine {
                    shard: &name,
                    decision,
                })
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default(),
    };
    let mut answer = serde_json::to_value(&summary).unwrap_or_default();
    if let Some(map) = answer.as_object_mut() {
        map.insert("shard".into(), name.clone().into());
        map.insert(
            "output".into(),
            output.as_ref().map(|o| o.display().to_string()).into(),
        );
        map.insert("decisions".into(), decisions_value);
    }
    loads(py, &answer.to_string())
}

/// Keep or drop one file by the shard filter's rules, from its report dict
/// (``hallmark.verify``'s, or a ``verify_many`` error line, which counts as
/// unreadable): ``{"state", "use", "basis", "keep", "reason"}``, as each media
/// member's decision in ``scan_shard``. For pipelines that verify images one
/// by one (``hallmark.ray.filter_images``).
#[pyfunction]
#[pyo3(signature = (report, *, kind, constrained = "drop", invalid = "drop", unsigned = "keep", unreadable = "drop"))]
pub(crate) fn decide_file<'py>(
    report: &Bound<'py, PyAny>,
    kind: &str,
    constrained: &str,
    invalid: &str,
    unsigned: &str,
    unreadable: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let kind = parse_kind(kind)?;
    let rules = rules(constrained, invalid, unsigned, unreadable)?;
    let py = report.py();
    let name = report
        .get_item("file")
        .ok()
        .and_then(|f| f.extract::<String>().ok())
        .unwrap_or_else(|| "bytes".to_owned());
    let decision = match report_from(report)? {
        Some(parsed) => decide_one(&name, Ok(&parsed), kind, &rules),
        None => {
            let error = report
                .get_item("error")
                .ok()
                .and_then(|e| e.extract::<String>().ok())
                .unwrap_or_else(|| "could not be read".to_owned());
            decide_one(&name, Err(&error), kind, &rules)
        }
    };
    let mut value = serde_json::to_value(&decision).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("member");
    }
    loads(py, &value.to_string())
}
