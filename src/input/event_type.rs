//! A Suricata EVE event's type, read without building the event.
//!
//! Most lines of an EVE log are not alerts (flows, DNS, TLS, HTTP…) and
//! are skipped. Building each as a `serde_json::Value` (a map, a string per
//! key and value) was most of the time spent reading such a log. This
//! reads a line through the same parser, validating all of it the same way
//! (every string decoded, every number parsed, the same nesting limit) but
//! keeping nothing except `event_type`.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// What a line's top-level `event_type` is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum EventType {
    /// The type, when it is a string.
    Named(String),
    /// No `event_type` key, or one whose value is not a string.
    Absent,
}

/// The `event_type` of the JSON object `text`, or `None` when `text` is
/// not a well-formed JSON object (the caller then reads it in full, for
/// the exact error). Where `serde_json::from_str::<Value>` keeps the last of
/// repeated keys, so does this.
pub(super) fn event_type(text: &str) -> Option<EventType> {
    let mut de = serde_json::Deserializer::from_str(text);
    let found = de.deserialize_map(Event).ok()?;
    de.end().ok()?;
    Some(found)
}

/// The top-level object: every value checked, `event_type` kept.
struct Event;

impl<'de> Visitor<'de> for Event {
    type Value = EventType;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EventType, A::Error> {
        let mut found = EventType::Absent;
        while let Some(key) = map.next_key_seed(Checked::OTHER)? {
            if key.as_deref() == Some("event_type") {
                found = match map.next_value_seed(Checked::TYPE_NAME)? {
                    Some(name) => EventType::Named(name),
                    None => EventType::Absent,
                };
            } else {
                map.next_value_seed(Checked::OTHER)?;
            }
        }
        Ok(found)
    }
}

/// Any value, read as `serde_json::Value` would read it and then dropped;
/// a string's text is given back when it is kept: any string for the value
/// of `event_type`, else only the text `event_type` itself (which a key is
/// compared with), so that no other string is copied.
///
/// Not `serde::de::IgnoredAny`, which skips strings without decoding their
/// escapes: a lone surrogate (`"\ud800"`) would pass here and fail the full
/// read.
#[derive(Clone, Copy)]
struct Checked {
    /// Whether any string is kept, rather than only `event_type`.
    any_string: bool,
}

impl Checked {
    /// The value of `event_type`: its text when a string.
    const TYPE_NAME: Checked = Checked { any_string: true };
    /// A key, or any other value.
    const OTHER: Checked = Checked { any_string: false };
}

impl<'de> DeserializeSeed<'de> for Checked {
    /// A string's text, when the value is a string that is kept.
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Option<String>, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Option<String>, E> {
        Ok((self.any_string || text == "event_type").then(|| text.to_owned()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<String>, A::Error> {
        while seq.next_element_seed(Checked::OTHER)?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<String>, A::Error> {
        while map.next_key_seed(Checked::OTHER)?.is_some() {
            map.next_value_seed(Checked::OTHER)?;
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// What the full read says of `text`: its event type, or `None` when it
    /// is not a JSON object.
    fn by_value(text: &str) -> Option<EventType> {
        let value: Value = serde_json::from_str(text).ok()?;
        let object = value.as_object()?;
        Some(match object.get("event_type").and_then(Value::as_str) {
            Some(name) => EventType::Named(name.to_owned()),
            None => EventType::Absent,
        })
    }

    #[test]
    fn agrees_with_the_full_read_on_awkward_lines() {
        for text in [
            r#"{"event_type":"alert","alert":{"signature":"x"}}"#,
            r#"{"event_type":"dns"}"#,
            r#"{"event_type":"dns","event_type":"alert"}"#,
            r#"{"event_type":"alert","event_type":7}"#,
            r#"{"event_type":null}"#,
            r#"{"event_type":["alert"]}"#,
            r#"{"event_\u0074ype":"al\u0065rt"}"#,
            r#"{"flow":{"event_type":"alert"}}"#,
            r#"{"a":"\ud800","event_type":"dns"}"#,
            r#"{"a":"\ud83d\ude00","event_type":"dns"}"#,
            r#"{"a":1e400,"event_type":"dns"}"#,
            r#"{"a":-0.0,"b":18446744073709551616,"event_type":"dns"}"#,
            "{\"a\":\"tab\there\",\"event_type\":\"dns\"}",
            r#"{"event_type":"dns"} x"#,
            r#"{"event_type":"dns"}"#,
            r#"{"event_type":"dns",}"#,
            r#"[{"event_type":"alert"}]"#,
            r#""alert""#,
            "",
            "{}",
        ] {
            assert_eq!(event_type(text), by_value(text), "{text}");
        }
    }

    #[test]
    fn nesting_beyond_the_parsers_limit_fails_both_ways() {
        let deep = format!(
            "{{\"event_type\":\"dns\",\"a\":{}{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        assert_eq!(by_value(&deep), None);
        assert_eq!(event_type(&deep), None);
    }

    /// A JSON-ish line: objects of a few keys, among them `event_type`,
    /// with values of every kind, some of them broken.
    fn line() -> impl Strategy<Value = String> {
        let scalar = prop_oneof![
            Just("\"alert\"".to_owned()),
            Just("\"dns\"".to_owned()),
            Just("\"\\ud800\"".to_owned()),
            Just("\"\\u00e9\\n\"".to_owned()),
            Just("1e999".to_owned()),
            Just("-12.5".to_owned()),
            Just("true".to_owned()),
            Just("null".to_owned()),
            Just("[1,\"x\",{}]".to_owned()),
            Just("{\"event_type\":\"alert\"}".to_owned()),
            Just("01".to_owned()),
            "\"[a-z ]{0,6}\"",
        ];
        let key = prop_oneof![
            Just("event_type"),
            Just("event_\\u0074ype"),
            Just("alert"),
            Just("src_ip")
        ];
        proptest::collection::vec((key, scalar), 0..5).prop_map(|entries| {
            let body: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("\"{k}\":{v}"))
                .collect();
            format!("{{{}}}", body.join(","))
        })
    }

    proptest! {
        #[test]
        fn agrees_with_the_full_read(text in line()) {
            prop_assert_eq!(event_type(&text), by_value(&text));
        }
    }
}
