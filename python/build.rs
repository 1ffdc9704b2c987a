//! Does nothing: it exists so that cargo reads `[build-dependencies]`, which
//! only turn on the features the root workspace compiles some build-host crates
//! with (see Cargo.toml and scripts/shared-features.py).

fn main() {}
