//! `regex` for the browser build: the same API, backed by `regex-lite`,
//! which has no Unicode tables. The C2PA engine's patterns are all ASCII
//! (see the tests), so they match exactly as with the full crate.

pub use regex_lite::*;

#[cfg(test)]
mod tests {
    use super::Regex;

    /// The patterns the C2PA engine (c2pa 0.90) compiles, with inputs that must and must not match.
    #[test]
    fn the_engines_patterns_behave() {
        let metadata = Regex::new(
            r"^(?:[a-zA-Z0-9][a-zA-Z0-9_-]*)(?:\.(?:[a-zA-Z0-9][a-zA-Z0-9_-]*))*\.metadata$",
        )
        .unwrap();
        assert!(metadata.is_match("c2pa.metadata"));
        assert!(!metadata.is_match("c2pa.metadata.v2"));
        let version = Regex::new(r"^v\d+$").unwrap();
        assert!(version.is_match("v12"));
        assert!(!version.is_match("v١٢"));
        let did = Regex::new(r#"^did:[a-z0-9]+:[A-Za-z0-9/.%#\?_-]+"#).unwrap();
        assert!(did.is_match("did:web:example.com"));
        let url = Regex::new("/c2pa/[^/]+/").unwrap();
        assert_eq!(url.replace("self#jumbf=/c2pa/urn:x/c2pa.assertions", "/"), "self#jumbf=/c2pa.assertions");
    }
}
