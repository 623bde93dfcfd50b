//! Counts the values in a JSON document without building anything.
//!
//! `manifest.json` is capped in bytes, but tiny JSON values (`""`, `{}`)
//! cost far more memory once parsed than they take in the file: an 8 MiB
//! manifest of empty strings parses to over 100 MB. Counting values first,
//! with serde_json's own tokenizer, bounds the memory of the real parse.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// Counts values (scalars, arrays, objects and object keys), failing once
/// more than `limit` are seen. Syntax errors are left to the real parse.
pub(crate) fn within_limit(bytes: &[u8], limit: u64) -> Result<(), TooMany> {
    let left = Cell::new(limit);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match (Counter { left: &left }).deserialize(&mut de) {
        Err(_) if left.get() == 0 => Err(TooMany),
        _ => Ok(()),
    }
}

/// More values than the limit.
#[derive(Debug)]
pub(crate) struct TooMany;

#[derive(Clone, Copy)]
struct Counter<'a> {
    left: &'a Cell<u64>,
}

impl Counter<'_> {
    fn tick<E: de::Error>(self) -> Result<(), E> {
        match self.left.get() {
            0 => Err(E::custom("too many values")),
            n => {
                self.left.set(n - 1);
                Ok(())
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Counter<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.tick()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.tick()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.tick()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.tick()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.tick()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.tick()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.tick()?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.tick()?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_value() {
        let json = br#"{"a": [1, 2, {"b": null}], "c": "x"}"#;
        // {} a [ 1 2 {} b null c "x" = 10
        assert!(within_limit(json, 10).is_ok());
        assert!(within_limit(json, 9).is_err());
    }

    #[test]
    fn leaves_syntax_errors_to_the_parser() {
        assert!(within_limit(b"{ not json", 5).is_ok());
    }
}
