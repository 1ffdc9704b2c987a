//! `toml` for the browser build: the C2PA engine can read its settings as
//! TOML or JSON, and hallmark only ever gives it JSON. The TOML parser and
//! writer are absent; the functions the engine links say so when called.

use std::fmt;

/// A TOML value, as the engine names it; held as JSON (never parsed from
/// TOML in this build).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Value(serde_json::Value);

const ABSENT: &str = "TOML is not part of the browser build: give settings as JSON";

/// Why TOML could not be read or written: always that this build has neither
/// a parser nor a writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absent(&'static str);

impl fmt::Display for Absent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Absent {}

/// Reading TOML.
pub mod de {
    /// Why TOML could not be read.
    pub use super::Absent as Error;
}

/// Writing TOML.
pub mod ser {
    /// Why TOML could not be written.
    pub use super::Absent as Error;
}

/// Parse TOML: not in this build.
pub fn from_str<T>(_text: &str) -> Result<T, de::Error> {
    Err(Absent(ABSENT))
}

/// Write TOML: not in this build.
pub fn to_string<T: ?Sized>(_value: &T) -> Result<String, ser::Error> {
    Err(Absent(ABSENT))
}

/// Write TOML, indented: not in this build.
pub fn to_string_pretty<T: ?Sized>(_value: &T) -> Result<String, ser::Error> {
    Err(Absent(ABSENT))
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_is_refused_in_words() {
        let parsed: Result<Value, _> = from_str("a = 1");
        assert_eq!(parsed.unwrap_err().to_string(), ABSENT);
        assert_eq!(to_string(&1).unwrap_err().to_string(), ABSENT);
        assert_eq!(to_string_pretty("x").unwrap_err().to_string(), ABSENT);
    }

    #[test]
    fn a_value_serialises_as_the_json_it_holds() {
        let value = Value(serde_json::json!({"verify": {"verify_trust": true}}));
        assert_eq!(
            serde_json::to_value(&value).unwrap(),
            serde_json::json!({"verify": {"verify_trust": true}})
        );
    }
}
