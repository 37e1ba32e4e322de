//! Typed, spanned access to the YAML node tree, reporting every problem.
//!
//! Lowering code opens a mapping with [`MapReader::open`] against its
//! [`KeySpec`] table; unknown and missing keys are reported right there, and
//! each typed getter reports a value of the wrong shape at its own span. A
//! getter that fails returns `None` and lowering carries on, so one run of
//! `docket check` lists every mistake in a file.

use chrono::NaiveDate;

use super::model::{Duration, DurationUnit};
use super::shape::{DURATION_HELP, KeySpec};
use super::yaml::{Key, Node, NodeKind};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, suggest};
use crate::source::{FileId, SourceFile, Span, Spanned};

/// The state lowering threads through one file: where it is and where
/// diagnostics go.
pub struct Cx<'a> {
    /// The file being lowered.
    pub file: FileId,
    /// Its text.
    pub source: &'a SourceFile,
    /// Where diagnostics go.
    pub diagnostics: &'a mut Diagnostics,
    /// The regular expressions compiled so far in this file.
    pub regexes: RegexCache,
}

/// Compiled regular expressions by pattern. A file that reuses a condition
/// through a YAML alias (the USDA mappings share their IDS rules between
/// Suricata and Snort, and one exception list among five rules) would
/// otherwise compile its patterns once per use, and compiling is most of
/// the time a ruleset takes to load.
#[derive(Debug, Default)]
pub struct RegexCache(std::collections::HashMap<String, regex::Regex>);

impl RegexCache {
    /// The compiled `pattern`, built by `build` the first time; a pattern
    /// that fails is not remembered, so each use reports its error.
    pub fn get_or_build<E>(
        &mut self,
        pattern: &str,
        build: impl FnOnce(&str) -> Result<regex::Regex, E>,
    ) -> Result<regex::Regex, E> {
        if let Some(regex) = self.0.get(pattern) {
            return Ok(regex.clone());
        }
        let regex = build(pattern)?;
        self.0.insert(pattern.to_owned(), regex.clone());
        Ok(regex)
    }
}

impl Cx<'_> {
    /// Records a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports a value of the wrong shape.
    pub fn wrong_type(&mut self, node: &Node, expected: &str, what: &str) {
        self.report(
            Diagnostic::error(
                Code::WrongType,
                node.span,
                format!("{what} must be {expected}, found {}", node.shape()),
            )
            .with_label(format!("expected {expected}")),
        );
    }

    /// The text of a scalar (numbers as written), or a wrong-type error.
    pub fn text(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        match node.scalar_text(self.source) {
            Some(text) => Some(Spanned::new(text.to_owned(), node.span)),
            None => {
                self.wrong_type(node, "a string", what);
                None
            }
        }
    }

    /// An identifier: letters, digits, `_`, `-` and `.`, starting with a
    /// letter or digit, so that ids are safe in file names, CSV cells and
    /// SARIF rule ids.
    pub fn ident(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        let text = self.text(node, what)?;
        if is_ident(&text.value) {
            Some(text)
        } else {
            self.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    node.span,
                    format!("`{}` is not a valid {what}", text.value),
                )
                .with_label("not an identifier")
                .with_help(
                    "use letters, digits, `_`, `-` and `.`, starting with a letter or digit",
                ),
            );
            None
        }
    }

    /// A number.
    pub fn number(&mut self, node: &Node, what: &str) -> Option<Spanned<f64>> {
        match &node.kind {
            NodeKind::Int(i) => Some(Spanned::new(*i as f64, node.span)),
            NodeKind::Float(f) if f.is_finite() => Some(Spanned::new(*f, node.span)),
            _ => {
                self.wrong_type(node, "a number", what);
                None
            }
        }
    }

    /// A boolean.
    pub fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.kind {
            NodeKind::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, "`true` or `false`", what);
                None
            }
        }
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, node: &Node, what: &str) -> Option<Spanned<NaiveDate>> {
        let text = self.text(node, what)?;
        match NaiveDate::parse_from_str(text.value.trim(), "%Y-%m-%d") {
            Ok(date) => Some(Spanned::new(date, node.span)),
            Err(error) => {
                self.report(
                    Diagnostic::error(
                        Code::InvalidValue,
                        node.span,
                        format!("`{}` is not a valid date: {error}", text.value),
                    )
                    .with_label("not a date")
                    .with_help("write dates as YYYY-MM-DD"),
                );
                None
            }
        }
    }

    /// A duration such as `12 hours` or `3 working days`.
    pub fn duration(&mut self, node: &Node, what: &str) -> Option<Spanned<Duration>> {
        let text = self.text(node, what)?;
        match parse_duration(&text.value) {
            Some(duration) => Some(Spanned::new(duration, node.span)),
            None => {
                self.report(
                    Diagnostic::error(
                        Code::InvalidValue,
                        node.span,
                        format!("`{}` is not a duration", text.value),
                    )
                    .with_label("not a duration")
                    .with_help(DURATION_HELP),
                );
                None
            }
        }
    }

    /// The items of a list; a single scalar counts as a list of one, so
    /// `to: closed` and `to: [closed, cancelled]` both read naturally.
    pub fn one_or_many<'n>(&mut self, node: &'n Node) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Null => &[],
            _ => std::slice::from_ref(node),
        }
    }

    /// The items of a list, or a wrong-type error.
    pub fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Null => &[],
            _ => {
                self.wrong_type(node, "a list", what);
                &[]
            }
        }
    }

    /// The entries of a mapping whose keys are names (fields, events...), or
    /// a wrong-type error.
    pub fn entries<'n>(&mut self, node: &'n Node, what: &str) -> &'n [(Key, Node)] {
        match &node.kind {
            NodeKind::Map(entries) => entries,
            NodeKind::Null => &[],
            _ => {
                self.wrong_type(node, "a mapping", what);
                &[]
            }
        }
    }
}

/// Whether a string is a valid identifier.
pub fn is_ident(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Parses `N unit`: minutes, hours, days (calendar), working days; `h`, `d`,
/// `m` and `wd` are accepted as short forms. `None` if it is not one.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim().to_lowercase();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let amount: u32 = number.parse().ok()?;
    let unit = unit.trim();
    let unit = match unit {
        "m" | "min" | "mins" | "minute" | "minutes" => DurationUnit::Minutes,
        "h" | "hr" | "hrs" | "hour" | "hours" => DurationUnit::Hours,
        "d" | "day" | "days" | "calendar day" | "calendar days" => DurationUnit::CalendarDays,
        "wd" | "working day" | "working days" | "business day" | "business days" => {
            DurationUnit::WorkingDays
        }
        _ => return None,
    };
    Some(Duration { amount, unit })
}

/// Reads one mapping of the format against its key table.
pub struct MapReader<'n> {
    node: &'n Node,
    entries: &'n [(Key, Node)],
    spec: &'static [KeySpec],
}

impl<'n> MapReader<'n> {
    /// Opens `node` as a mapping of the given shape, reporting unknown keys
    /// (with a suggestion) and missing required keys. `None` if the node is
    /// not a mapping at all.
    pub fn open(
        cx: &mut Cx<'_>,
        node: &'n Node,
        spec: &'static [KeySpec],
        what: &str,
    ) -> Option<Self> {
        let NodeKind::Map(entries) = &node.kind else {
            cx.wrong_type(node, "a mapping", what);
            return None;
        };
        for (key, _) in entries {
            if !spec.iter().any(|k| k.name == key.name) {
                let names = spec.iter().map(|k| k.name);
                let mut diagnostic = Diagnostic::error(
                    Code::UnknownKey,
                    key.span,
                    format!("unknown key `{}` in {what}", key.name),
                );
                if let Some(help) = suggest::help_for(&key.name, "keys", names) {
                    diagnostic = diagnostic.with_help(help);
                }
                cx.report(diagnostic);
            }
        }
        for required in spec.iter().filter(|k| k.required) {
            if !entries.iter().any(|(k, _)| k.name == required.name) {
                cx.report(
                    Diagnostic::error(
                        Code::MissingKey,
                        node.span,
                        format!("{what} has no `{}`", required.name),
                    )
                    .with_label(format!("`{}` is required here", required.name))
                    .with_help(format!("`{}`: {}", required.name, required.doc)),
                );
            }
        }
        Some(MapReader {
            node,
            entries,
            spec,
        })
    }

    /// The mapping node itself.
    pub fn node(&self) -> &'n Node {
        self.node
    }

    /// The value of a key, if present.
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        debug_assert!(
            self.spec.iter().any(|k| k.name == key),
            "`{key}` is read but not in the shape table"
        );
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The span of a key, if present.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, _)| k.span)
    }

    /// Every key present, with its span.
    pub fn keys(&self) -> impl Iterator<Item = &'n Key> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// A text value.
    pub fn text(&self, cx: &mut Cx<'_>, key: &str) -> Option<Spanned<String>> {
        self.get(key).and_then(|n| cx.text(n, &format!("`{key}`")))
    }

    /// An identifier value.
    pub fn ident(&self, cx: &mut Cx<'_>, key: &str) -> Option<Spanned<String>> {
        self.get(key).and_then(|n| cx.ident(n, &format!("`{key}`")))
    }

    /// A boolean value; absent is `false`.
    pub fn flag(&self, cx: &mut Cx<'_>, key: &str) -> bool {
        self.get(key)
            .and_then(|n| cx.bool(n, &format!("`{key}`")))
            .unwrap_or(false)
    }

    /// A number value.
    pub fn number(&self, cx: &mut Cx<'_>, key: &str) -> Option<Spanned<f64>> {
        self.get(key)
            .and_then(|n| cx.number(n, &format!("`{key}`")))
    }

    /// A date value.
    pub fn date(&self, cx: &mut Cx<'_>, key: &str) -> Option<Spanned<NaiveDate>> {
        self.get(key).and_then(|n| cx.date(n, &format!("`{key}`")))
    }

    /// A duration value.
    pub fn duration(&self, cx: &mut Cx<'_>, key: &str) -> Option<Spanned<Duration>> {
        self.get(key)
            .and_then(|n| cx.duration(n, &format!("`{key}`")))
    }

    /// A keyword from a fixed set.
    pub fn keyword(&self, cx: &mut Cx<'_>, key: &str, allowed: &[&str]) -> Option<Spanned<String>> {
        let node = self.get(key)?;
        let text = cx.text(node, &format!("`{key}`"))?;
        if allowed.contains(&text.value.as_str()) {
            return Some(text);
        }
        let mut diagnostic = Diagnostic::error(
            Code::InvalidValue,
            node.span,
            format!("`{}` is not a valid `{key}`", text.value),
        )
        .with_label("not allowed here");
        if let Some(help) = suggest::help_for(&text.value, "values", allowed.iter().copied()) {
            diagnostic = diagnostic.with_help(help);
        }
        cx.report(diagnostic);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_policy_words() {
        let parse = |s| parse_duration(s).unwrap();
        assert_eq!(
            parse("12 hours"),
            Duration {
                amount: 12,
                unit: DurationUnit::Hours
            }
        );
        assert_eq!(
            parse("48h"),
            Duration {
                amount: 48,
                unit: DurationUnit::Hours
            }
        );
        assert_eq!(
            parse("15 days"),
            Duration {
                amount: 15,
                unit: DurationUnit::CalendarDays
            }
        );
        assert_eq!(
            parse("1 working day"),
            Duration {
                amount: 1,
                unit: DurationUnit::WorkingDays
            }
        );
        assert_eq!(
            parse("3 Working Days"),
            Duration {
                amount: 3,
                unit: DurationUnit::WorkingDays
            }
        );
        assert_eq!(
            parse("30 minutes"),
            Duration {
                amount: 30,
                unit: DurationUnit::Minutes
            }
        );
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("4 fortnights"), None);
        assert_eq!(parse_duration("-4 hours"), None);
    }

    #[test]
    fn identifiers() {
        assert!(is_ident("high.break-in"));
        assert!(is_ident("declare_3a1"));
        assert!(!is_ident("-x"));
        assert!(!is_ident("a b"));
        assert!(!is_ident(""));
    }
}
