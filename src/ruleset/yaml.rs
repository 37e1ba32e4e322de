//! The YAML node tree every ruleset file is first read into.
//!
//! Rule files are parsed with serde-saphyr into a small tree of [`Node`]s that
//! keeps the span of every key and value. The typed model is then built from
//! this tree by hand (see [`super::reader`]) rather than by `serde` derive, so
//! that one pass can report *every* unknown key, wrong type and dangling name
//! in a file with its exact location, instead of stopping at the first.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, Span};

/// Rule files larger than this are refused before parsing: a policy is a few
/// hundred kilobytes at most, and a 2 GB file is a mistake or an attack.
pub const MAX_RULE_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A YAML value with the span it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub kind: NodeKind,
    /// Where it is written. For a mapping or sequence, a zero-length span at
    /// its first entry.
    pub span: Span,
}

/// The YAML shapes docket distinguishes.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false` (YAML 1.2 spellings only: `no` stays a string, so a
    /// country code or a category named `NO` is never read as false).
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key text.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

impl Node {
    /// A short name of the node's shape, for "expected X, found Y" messages.
    pub fn shape(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// The text of a scalar as written in the file (numbers and booleans
    /// included), so that `version: 1.10` stays `1.10`. `None` for collections
    /// and null.
    pub fn scalar_text<'a>(&'a self, file: &'a SourceFile) -> Option<&'a str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => {
                Some(file.slice(self.span))
            }
            _ => None,
        }
    }
}

/// Parses one rule file into a node tree, or the diagnostic that stops it.
///
/// Anchors and aliases are allowed (policy writers use them to share a
/// condition) but bounded by serde-saphyr's budget, so an alias bomb or deep
/// nesting ends with a [`Code::YamlBudget`] error instead of eating memory.
pub fn parse(file_id: FileId, file: &SourceFile) -> Result<Node, Box<Diagnostic>> {
    let text: &str = file.text();
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    match serde_saphyr::from_str_with_options::<Option<Spanned<RawNode>>>(text, options) {
        Ok(Some(raw)) => Ok(convert(raw, file_id, file)),
        Ok(None) => Ok(Node {
            kind: NodeKind::Null,
            span: Span::new(file_id, 0, 0),
        }),
        Err(error) => {
            let message = serde_saphyr::miette::to_miette_report(&error, text, "").to_string();
            let span = error
                .location()
                .map_or(Span::new(file_id, 0, 0), |l| span_of(&l, file_id, file));
            if let Some(budget) = budget_message(&error) {
                return Err(Box::new(
                    Diagnostic::error(Code::YamlBudget, span, budget)
                        .with_label("the parser stopped here")
                        .with_help(
                            "the file expands to too many nodes or nests too deeply; \
                             rule files do not need aliases that multiply",
                        ),
                ));
            }
            let code = if message.contains("budget") || message.contains("limit") {
                Code::YamlBudget
            } else {
                Code::YamlSyntax
            };
            let mut diagnostic =
                Diagnostic::error(code, span, message.clone()).with_label(first_line(&message));
            if message.starts_with("mapping values are not allowed") {
                diagnostic = diagnostic.with_help(
                    "a plain value cannot contain `: `; put the value in quotes (\"...\")",
                );
            }
            if code == Code::YamlBudget {
                diagnostic = diagnostic.with_help(
                    "the file expands to too many nodes or nests too deeply; \
                     rule files do not need aliases that multiply",
                );
            }
            Err(Box::new(diagnostic))
        }
    }
}

/// A sentence for a budget breach, instead of serde-saphyr's debug dump
/// (`budget breached: Nodes { nodes: 250001 }`).
fn budget_message(error: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach;
    let mut error = error;
    while let serde_saphyr::Error::WithSnippet { error: inner, .. }
    | serde_saphyr::Error::AliasError { error: inner, .. } = error
    {
        error = inner;
    }
    let serde_saphyr::Error::Budget { breach, .. } = error else {
        return None;
    };
    let limits = serde_saphyr::Budget::default();
    Some(match breach {
        BudgetBreach::Nodes { .. } => format!(
            "the file expands to more than {} YAML nodes",
            limits.max_nodes
        ),
        BudgetBreach::Aliases { .. } => format!(
            "the file uses more than {} aliases (`*name`)",
            limits.max_aliases
        ),
        BudgetBreach::Events { .. } => format!(
            "the file expands to more than {} YAML events",
            limits.max_events
        ),
        BudgetBreach::Depth { .. } => {
            format!("the file nests more than {} levels deep", limits.max_depth)
        }
        other => format!("the file exceeds a YAML parser limit ({other:?})"),
    })
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_owned()
}

fn span_of(location: &Location, file_id: FileId, file: &SourceFile) -> Span {
    let span = location.span();
    match (span.byte_offset(), span.byte_len()) {
        (Some(offset), Some(len)) => Span::new(file_id, offset as usize, len as usize),
        _ => {
            let offset = file.offset_of(location.line() as usize, location.column() as usize);
            Span::new(file_id, offset, 0)
        }
    }
}

fn convert(raw: Spanned<RawNode>, file_id: FileId, file: &SourceFile) -> Node {
    let span = span_of(&raw.referenced, file_id, file);
    let kind = match raw.value {
        RawNode::Null => NodeKind::Null,
        RawNode::Bool(b) => NodeKind::Bool(b),
        RawNode::Int(i) => NodeKind::Int(i),
        RawNode::Float(f) => NodeKind::Float(f),
        RawNode::Str(s) => NodeKind::Str(s),
        RawNode::Seq(items) => NodeKind::Seq(
            items
                .into_iter()
                .map(|n| convert(n, file_id, file))
                .collect(),
        ),
        RawNode::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        span: span_of(&k.referenced, file_id, file),
                        name: k.value.into_text(),
                    };
                    (key, convert(v, file_id, file))
                })
                .collect(),
        ),
    };
    Node { kind, span }
}

/// What serde-saphyr hands over, before spans are mapped to docket's.
enum RawNode {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawKey>, Spanned<RawNode>)>),
}

/// Mapping keys are usually strings, but `1: x` or `true: y` are valid YAML;
/// docket reads them as their text and lets the model reject what it must.
struct RawKey(String);

impl RawKey {
    fn into_text(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawNodeVisitor)
    }
}

struct RawNodeVisitor;

impl<'de> Visitor<'de> for RawNodeVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(RawNode::Map(entries))
    }
}

impl<'de> Deserialize<'de> for RawKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = RawKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E>(self, v: &str) -> Result<RawKey, E> {
                Ok(RawKey(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<RawKey, E> {
                Ok(RawKey(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawKey, E> {
                Ok(RawKey(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawKey, E> {
                Ok(RawKey(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawKey, E> {
                Ok(RawKey(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawKey, E> {
                Ok(RawKey(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<RawKey, E> {
                Ok(RawKey("null".to_owned()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn parse_text(text: &str) -> (SourceMap, Result<Node, Box<Diagnostic>>) {
        let mut map = SourceMap::new();
        let id = map.add("t.yaml", text);
        let result = parse(id, map.file(id));
        (map, result)
    }

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let (map, node) = parse_text("a: 1\nb:\n  c: \"x\"\n");
        let node = node.unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!("expected a map")
        };
        let (b, inner) = &entries[1];
        assert_eq!(b.name, "b");
        assert_eq!(map.line_column(b.span), (2, 1));
        let NodeKind::Map(inner) = &inner.kind else {
            panic!("expected a map")
        };
        assert_eq!(map.line_column(inner[0].1.span), (3, 6));
    }

    #[test]
    fn yes_and_no_stay_strings() {
        let (_, node) = parse_text("a: no\nb: true\n");
        let NodeKind::Map(entries) = node.unwrap().kind else {
            panic!("expected a map")
        };
        assert_eq!(entries[0].1.kind, NodeKind::Str("no".into()));
        assert_eq!(entries[1].1.kind, NodeKind::Bool(true));
    }

    #[test]
    fn syntax_error_has_location() {
        let (map, result) = parse_text("a: 1\nb: [1, 2\nc: 3\n");
        let diagnostic = result.unwrap_err();
        assert_eq!(diagnostic.code, Code::YamlSyntax);
        assert_eq!(map.line_column(diagnostic.span().unwrap()).0, 3);
    }

    #[test]
    fn alias_bomb_is_a_budget_error() {
        let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (name, prev) in [
            ("b", "a"),
            ("c", "b"),
            ("d", "c"),
            ("e", "d"),
            ("f", "e"),
            ("g", "f"),
        ] {
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let (_, result) = parse_text(&text);
        assert_eq!(result.unwrap_err().code, Code::YamlBudget);
    }

    #[test]
    fn empty_file_is_null() {
        let (_, node) = parse_text("# only a comment\n");
        assert_eq!(node.unwrap().kind, NodeKind::Null);
    }
}
