//! The `hallmark` Python package's native module (`hallmark._native`):
//! verify Content Credentials into the report dict every hallmark front end
//! prints, answer "may this file be used for KIND?", and sign media.
//!
//! The front end only translates: reports, answers and errors come from the
//! library, serialised as the CLI serialises them.

mod decide;
mod derive;
mod errors;
mod input;
mod many;
mod report;
mod shards;
mod signing;
mod verify;

use pyo3::prelude::*;

// mimalloc serves the extension's own allocations (the engine allocates many
// small buffers per file): verifying is about a tenth faster than with the
// system allocator. Python's objects keep Python's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The native module; `hallmark/__init__.py` re-exports it.
#[pymodule(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SCHEMA_VERSION", hallmark::verify::SCHEMA_VERSION)?;
    m.add_class::<verify::PyVerifier>()?;
    m.add_class::<many::VerifyMany>()?;
    m.add_class::<signing::Credentials>()?;
    m.add_function(wrap_pyfunction!(verify::verify, m)?)?;
    m.add_function(wrap_pyfunction!(verify::verify_many, m)?)?;
    m.add_function(wrap_pyfunction!(decide::may_use, m)?)?;
    m.add_function(wrap_pyfunction!(decide::decide, m)?)?;
    m.add_function(wrap_pyfunction!(signing::sign, m)?)?;
    m.add_function(wrap_pyfunction!(derive::derive, m)?)?;
    m.add_function(wrap_pyfunction!(shards::scan_shard, m)?)?;
    m.add_function(wrap_pyfunction!(shards::decide_file, m)?)?;
    Ok(())
}
