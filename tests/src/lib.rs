//! End-to-end and interoperability suites; see the `tests/` folder of this crate.
