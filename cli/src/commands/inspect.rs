//! `hallmark inspect`: the whole manifest store, for experts.

use std::fmt::Write as _;

use crate::common::verifying::verifier_for;
use crate::exit::ExitStatus;
use hallmark::identity::Identity;
use serde_json::Value;

use crate::args::InspectArgs;
use crate::failure::Failure;
use crate::output;
use crate::render::sanitize;

/// Print the manifest store as the engine's JSON, or as an outline.
pub(crate) fn run(args: &InspectArgs) -> Result<u8, Failure> {
    let verifier = verifier_for(&args.trust)?;
    let file = args.file.display().to_string();
    let Some(store) = verifier.inspect_file(&args.file)? else {
        output::print(&if args.json {
            "null\n".to_owned()
        } else {
            format!("{}: no Content Credentials\n", sanitize(&file))
        })?;
        return Ok(ExitStatus::NoCredentials.code());
    };
    output::print(&if args.json {
        // Serialising a JSON value cannot fail.
        format!(
            "{}\n",
            serde_json::to_string_pretty(&store).unwrap_or_default()
        )
    } else {
        outline(&file, &store)
    })?;
    Ok(ExitStatus::Ok.code())
}

/// Every manifest, active first, with its assertions and ingredients.
fn outline(file: &str, store: &Value) -> String {
    let text = |v: &Value| sanitize(v.as_str().unwrap_or("?"));
    let mut out = format!("{}\n", sanitize(file));
    let active = store
        .get("active_manifest")
        .and_then(Value::as_str)
        .unwrap_or("");
    let Some(manifests) = store.get("manifests").and_then(Value::as_object) else {
        return out;
    };
    let mut labels: Vec<&String> = manifests.keys().collect();
    labels.sort_by_key(|l| (l.as_str() != active, l.to_string()));
    for label in labels {
        let manifest = &manifests[label];
        let marker = if label == active { " (active)" } else { "" };
        let _ = writeln!(out, "  manifest {}{marker}", sanitize(label));
        if let Some(title) = manifest.get("title") {
            let _ = writeln!(out, "    title: {}", text(title));
        }
        if let Some(info) = manifest.pointer("/claim_generator_info/0") {
            let _ = writeln!(
                out,
                "    made with: {} {}",
                text(&info["name"]),
                info.get("version").map(text).unwrap_or_default()
            );
        }
        // The engine's `issuer` here is the signer certificate's own organisation.
        if let Some(signature) = manifest.get("signature_info") {
            let _ = writeln!(
                out,
                "    signed by: {} (organisation {})",
                signature
                    .get("common_name")
                    .map(text)
                    .unwrap_or_else(|| "?".into()),
                signature
                    .get("issuer")
                    .map(text)
                    .unwrap_or_else(|| "?".into())
            );
        }
        if label == active {
            let identities: Vec<Identity> = store
                .get("identities")
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default();
            for identity in identities {
                let _ = writeln!(
                    out,
                    "    identity: {} [{}]",
                    sanitize(&identity.describe()),
                    identity.state.as_str()
                );
            }
        }
        for assertion in manifest
            .get("assertions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let _ = writeln!(out, "    assertion: {}", text(&assertion["label"]));
            let label = assertion["label"].as_str().unwrap_or_default();
            if label.starts_with(hallmark::soft_binding::LABEL) {
                for binding in hallmark::soft_binding::from_assertion_values([&assertion["data"]]) {
                    let code = binding.iscc.as_deref().unwrap_or(&binding.value);
                    let _ = writeln!(
                        out,
                        "      fingerprint: {} ({})",
                        sanitize(code),
                        sanitize(&binding.alg)
                    );
                }
            }
        }
        for ingredient in manifest
            .get("ingredients")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let _ = writeln!(
                out,
                "    ingredient: {} ({}){}",
                ingredient
                    .get("title")
                    .map(text)
                    .unwrap_or_else(|| "untitled".into()),
                ingredient.get("relationship").map(text).unwrap_or_default(),
                ingredient
                    .get("active_manifest")
                    .map(|m| format!(" -> {}", text(m)))
                    .unwrap_or_default()
            );
        }
    }
    if let Some(status) = store.get("validation_state") {
        let _ = writeln!(out, "  validation state: {}", text(status));
    }
    out
}
