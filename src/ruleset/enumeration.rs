//! The codes of an enumeration field, and how a cell's text is found
//! among them.
//!
//! A cell is matched against the codes ignoring ASCII case, then against
//! the aliases. Most cells spell a code exactly as the ruleset does, so the
//! codes are also kept bucketed by length with a key of their bytes: that
//! common case costs a comparison of two numbers, on the hot path of
//! `classify`.

use crate::source::Span;

/// The codes of an enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumSpec {
    /// The codes, in definition order.
    pub values: Vec<EnumValue>,
    /// Other spellings (lowercased) and the code index they stand for.
    pub aliases: Vec<(String, u32)>,
    /// The codes as written, bucketed by length in bytes, each with the
    /// index [`lookup`](Self::lookup) gives it (the first code equal to it
    /// ignoring ASCII case): a cell spelled exactly as the ruleset spells it
    /// is found by comparing it with the few codes of its length, first by
    /// [`spelling_key`] (which decides codes of up to 16 bytes without a
    /// string comparison).
    exact: Vec<Vec<ExactCode>>,
}

/// A code as written, with its [`spelling_key`] and its index.
type ExactCode = ((u64, u64), Box<str>, u32);

/// The first and last eight bytes of `text` (all of it, zero-padded, when
/// shorter): two texts of the same length up to 16 bytes are equal exactly
/// when their keys are.
fn spelling_key(bytes: &[u8]) -> (u64, u64) {
    match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
        _ => {
            let short = bytes
                .iter()
                .rev()
                .fold(0u64, |key, b| (key << 8) | u64::from(*b));
            (short, short)
        }
    }
}

impl EnumSpec {
    /// An enumeration of `values`, with `aliases` (lowercased) for them.
    pub fn new(values: Vec<EnumValue>, aliases: Vec<(String, u32)>) -> Self {
        let mut exact: Vec<Vec<ExactCode>> = Vec::new();
        for value in &values {
            let first = values
                .iter()
                .position(|v| v.code.eq_ignore_ascii_case(&value.code))
                .and_then(|i| u32::try_from(i).ok());
            let len = value.code.len();
            if exact.len() <= len {
                exact.resize_with(len + 1, Vec::new);
            }
            if let (Some(first), Some(bucket)) = (first, exact.get_mut(len)) {
                if !bucket.iter().any(|(_, code, _)| **code == *value.code) {
                    let key = spelling_key(value.code.as_bytes());
                    bucket.push((key, value.code.as_str().into(), first));
                }
            }
        }
        EnumSpec {
            values,
            aliases,
            exact,
        }
    }

    /// The index of a code or alias, ignoring case.
    pub fn lookup(&self, text: &str) -> Option<u32> {
        let text = crate::record::trim(text);
        let exact = self.lookup_exact(text.as_bytes());
        if exact.is_some() {
            return exact;
        }
        self.lookup_by_case_or_alias(text)
    }

    /// The index of the code `text` (trimmed) spells in any case, or of the
    /// code it is an alias of: what [`lookup`](Self::lookup) gives when the
    /// exact spellings do not answer, and what they must agree with.
    fn lookup_by_case_or_alias(&self, text: &str) -> Option<u32> {
        self.values
            .iter()
            .position(|v| v.code.eq_ignore_ascii_case(text))
            .and_then(|i| u32::try_from(i).ok())
            .or_else(|| {
                let lower = text.to_lowercase();
                self.aliases
                    .iter()
                    .find(|(alias, _)| *alias == lower)
                    .map(|(_, i)| *i)
            })
    }

    /// The index [`lookup`](Self::lookup) gives `bytes` (already trimmed)
    /// when they spell a code exactly as the ruleset does; `None` leaves
    /// other spellings (case, aliases) to `lookup`. Bytes, so that a CSV
    /// cell spelled as a code needs no UTF-8 check: a code is text.
    #[inline]
    pub fn lookup_exact(&self, bytes: &[u8]) -> Option<u32> {
        let bucket = self.exact.get(bytes.len())?;
        let key = spelling_key(bytes);
        bucket
            .iter()
            .find(|(k, code, _)| *k == key && (bytes.len() <= 16 || code.as_bytes() == bytes))
            .map(|(_, _, index)| *index)
    }

    /// The code at an index.
    pub fn code(&self, index: u32) -> &str {
        self.values
            .get(index as usize)
            .map_or("?", |v| v.code.as_str())
    }
}

/// One code of an enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The code, e.g. `break-in`.
    pub code: String,
    /// Its meaning.
    pub title: Option<String>,
    /// Where it is defined.
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spec(codes: &[&str]) -> EnumSpec {
        let values = codes
            .iter()
            .map(|code| EnumValue {
                code: (*code).to_owned(),
                title: None,
                span: Span::default(),
            })
            .collect();
        EnumSpec::new(values, vec![("alias one".to_owned(), 0)])
    }

    /// `lookup` as it reads without the exact-spelling buckets.
    fn plain_lookup(spec: &EnumSpec, text: &str) -> Option<u32> {
        spec.lookup_by_case_or_alias(text.trim())
    }

    const CODES: &[&str] = &[
        "ids",
        "isp",
        "oig",
        "IDS",
        "scan-probe",
        "malware",
        "critical-compromise",
        "critical-compromisf",
        "unauthorized-device",
        "misuse-unauthorized-service",
        "abcdefgh",
        "abcdefghi",
        "",
    ];

    #[test]
    fn codes_are_found_as_without_the_buckets() {
        let spec = spec(CODES);
        for text in CODES.iter().copied().chain([
            "Scan-Probe",
            " ids ",
            "alias ONE",
            "critical-compromiss",
            "x",
        ]) {
            assert_eq!(spec.lookup(text), plain_lookup(&spec, text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn near_spellings_are_found_as_without_the_buckets(
            code in proptest::sample::select(CODES),
            at in 0usize..32,
            with in "[a-zA-Z -]",
        ) {
            let spec = spec(CODES);
            let mut text = code.to_owned();
            if at < text.len() {
                text.replace_range(at..=at, &with);
            }
            prop_assert_eq!(spec.lookup(&text), plain_lookup(&spec, &text));
        }
    }
}
