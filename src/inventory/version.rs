//! Product versions, compared the way vendors number them.
//!
//! A version is split into runs of digits and runs of letters; dots,
//! dashes, underscores, plus signs and spaces only separate runs. Runs are
//! compared in turn: two numbers numerically (`8.00.10` is after `8.00.9`,
//! whatever the leading zeros), two words case-insensitively, and a number
//! is after a word (`1.0.1` is after `1.0rc1`). When one version runs out,
//! a remaining number makes the other later (`1.0.1` > `1.0`) and a
//! remaining word makes it earlier (`1.0rc1` < `1.0`, a pre-release).
//!
//! Text that is not a version (empty, without any number such as `unknown`,
//! or with other characters such as `8.0/sp2`) is refused: the caller lists
//! the system as unknown, never as safe.

use std::cmp::Ordering;

/// A parsed version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    text: String,
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    /// Digits with leading zeros removed (may be empty for `0`).
    Number(String),
    /// Lowercased letters.
    Word(String),
}

impl Version {
    /// Parses a version; `None` when the text is not one.
    pub fn parse(text: &str) -> Option<Version> {
        let trimmed = text.trim();
        let mut parts = Vec::new();
        let mut chars = trimmed.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() {
                let mut digits = String::new();
                while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(d);
                    chars.next();
                }
                parts.push(Part::Number(digits.trim_start_matches('0').to_owned()));
            } else if c.is_ascii_alphabetic() {
                let mut word = String::new();
                while let Some(&a) = chars.peek().filter(|a| a.is_ascii_alphabetic()) {
                    word.push(a.to_ascii_lowercase());
                    chars.next();
                }
                parts.push(Part::Word(word));
            } else if matches!(c, '.' | '-' | '_' | '+' | ' ') {
                chars.next();
            } else {
                return None;
            }
        }
        if !parts.iter().any(|p| matches!(p, Part::Number(_))) {
            return None;
        }
        Some(Version {
            text: trimmed.to_owned(),
            parts,
        })
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let mut left = self.parts.iter();
        let mut right = other.parts.iter();
        loop {
            match (left.next(), right.next()) {
                (None, None) => return Ordering::Equal,
                (Some(rest), None) => return tail(rest),
                (None, Some(rest)) => return tail(rest).reverse(),
                (Some(a), Some(b)) => match compare_parts(a, b) {
                    Ordering::Equal => {}
                    unequal => return unequal,
                },
            }
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// How a version with one more part compares with one that ended.
fn tail(extra: &Part) -> Ordering {
    match extra {
        Part::Number(_) => Ordering::Greater,
        Part::Word(_) => Ordering::Less,
    }
}

fn compare_parts(a: &Part, b: &Part) -> Ordering {
    match (a, b) {
        // Without leading zeros, a longer run of digits is a larger number.
        (Part::Number(x), Part::Number(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Part::Word(x), Part::Word(y)) => x.cmp(y),
        (Part::Number(_), Part::Word(_)) => Ordering::Greater,
        (Part::Word(_), Part::Number(_)) => Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap_or_else(|| panic!("{text} is a version"))
    }

    #[test]
    fn numbers_compare_numerically_whatever_the_zeros() {
        assert!(v("8.00.10") > v("8.00.9"));
        assert_eq!(v("8.00.194").cmp(&v("8.0.194")), Ordering::Equal);
        assert!(v("10.0") > v("9.99"));
        assert!(v("2.4.60") > v("2.4.6"));
        assert!(v("99999999999999999999999.1") > v("9999999999999999999999.1"));
    }

    #[test]
    fn longer_numeric_tail_is_later_and_a_word_tail_earlier() {
        assert!(v("1.0.1") > v("1.0"));
        assert!(v("1.0rc1") < v("1.0"));
        assert!(v("1.0.1") > v("1.0rc1"));
        assert!(v("1.1.1w") > v("1.1.1k"));
        assert!(v("2.0-BETA") < v("2.0"));
    }

    #[test]
    fn text_that_is_not_a_version_is_refused() {
        for text in ["", "  ", "unknown", "n/a", "see #12", "8.0/sp2", "8,0"] {
            assert!(Version::parse(text).is_none(), "{text:?}");
        }
    }
}
