//! `hallmark repository`: an operator's view of a manifest repository's
//! database — stats, a listing, removal.

use hallmark::repository::{Listed, Repository};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use crate::args::{RepositoryAction, RepositoryArgs};
use crate::exit::ExitStatus;
use crate::failure::Failure;
use crate::output;
use crate::render::sanitize;

/// One listed manifest, as a JSON line.
#[derive(Serialize)]
struct Line<'a> {
    manifest_id: &'a str,
    signer: Option<&'a str>,
    signer_certificate: Option<&'a str>,
    validation: &'a str,
    published_at: String,
}

impl<'a> From<&'a Listed> for Line<'a> {
    fn from(listed: &'a Listed) -> Self {
        Line {
            manifest_id: &listed.manifest_id,
            signer: listed.signer.as_deref(),
            signer_certificate: listed.signer_certificate.as_deref(),
            validation: listed.validation.as_str(),
            published_at: listed.published_at.format(&Rfc3339).unwrap_or_default(),
        }
    }
}

/// Run the action against the database; the exit status.
pub(crate) fn run(args: &RepositoryArgs) -> Result<ExitStatus, Failure> {
    let url = args.repository.as_deref().ok_or_else(|| {
        Failure::usage("say which repository: --repository sqlite:PATH or postgres://…")
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start: {e}")))?;
    runtime.block_on(async {
        let repository = Repository::open(url).await.map_err(library)?;
        let status = act(&repository, &args.action).await;
        repository.close().await;
        status
    })
}

async fn act(repository: &Repository, action: &RepositoryAction) -> Result<ExitStatus, Failure> {
    match action {
        RepositoryAction::Stats => {
            let stats = repository.stats().await.map_err(library)?;
            let free = stats
                .free_disk
                .map_or_else(|| "unknown".to_owned(), |b| b.to_string());
            output::print(
                format!(
                    "manifests\t{}\nsigners\t{}\nbytes_on_disk\t{}\nfree_disk\t{free}\n",
                    stats.manifests, stats.signers, stats.bytes_on_disk
                )
                .into_bytes(),
            )?;
            Ok(ExitStatus::Ok)
        }
        RepositoryAction::List { after, limit } => {
            let listed = repository.list(after, *limit).await.map_err(library)?;
            let mut text = String::new();
            for entry in &listed {
                text.push_str(&serde_json::to_string(&Line::from(entry)).unwrap_or_default());
                text.push('\n');
            }
            output::print(text.into_bytes())?;
            Ok(ExitStatus::Ok)
        }
        RepositoryAction::Remove { manifest_id } => {
            match repository.remove(manifest_id).await.map_err(library)? {
                Some(removed) => {
                    // The audit line, as the service writes one per publishing.
                    tracing::info!(
                        target: "hallmark::audit",
                        caller = "operator",
                        manifest = %removed.manifest_id,
                        signer = removed.signer.as_deref().unwrap_or("-"),
                        certificate = removed.signer_certificate.as_deref().unwrap_or("-"),
                        "removed"
                    );
                    eprintln!(
                        "hallmark: removed {} (signed by {})",
                        sanitize(&removed.manifest_id),
                        sanitize(removed.signer.as_deref().unwrap_or("an unnamed signer"))
                    );
                    Ok(ExitStatus::Ok)
                }
                None => {
                    eprintln!(
                        "hallmark: no manifest {} in the repository",
                        sanitize(manifest_id)
                    );
                    Ok(ExitStatus::NoCredentials)
                }
            }
        }
    }
}

fn library(error: hallmark::repository::Error) -> Failure {
    Failure::from_error(&error.into())
}
