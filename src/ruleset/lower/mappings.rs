//! Input mappings: how Suricata and Snort fields become record fields.

use crate::condition::parse::{Scope, parse_condition};
use crate::diagnostic::{Code, Diagnostic, suggest};
use crate::record::{Value, parse_value};
use crate::ruleset::model::{FieldId, FieldSource, MAPPABLE_FORMATS, Mapping, MappingRule, Stage};
use crate::ruleset::reader::{Cx, MapReader};
use crate::ruleset::shape;
use crate::ruleset::symbols::Symbols;
use crate::ruleset::yaml::{Key, Node, NodeKind};
use crate::source::Spanned;

/// Reads the mapping of one format.
pub fn read_mapping(
    cx: &mut Cx<'_>,
    symbols: &Symbols,
    format: &Key,
    node: &Node,
) -> Option<Mapping> {
    if !MAPPABLE_FORMATS.contains(&format.name.as_str()) {
        let mut diagnostic = Diagnostic::error(
            Code::UnknownKey,
            format.span,
            format!("docket has no mappable input format `{}`", format.name),
        )
        .with_label("unknown format");
        if let Some(help) =
            suggest::help_for(&format.name, "formats", MAPPABLE_FORMATS.iter().copied())
        {
            diagnostic = diagnostic.with_help(help);
        }
        cx.report(diagnostic);
        return None;
    }
    let r = MapReader::open(
        cx,
        node,
        shape::MAPPING,
        &format!("mapping `{}`", format.name),
    )?;
    let layouts = match r.get("columns") {
        Some(n) => read_layouts(cx, n)?,
        None => Vec::new(),
    };
    let mut fields = Vec::new();
    if let Some(n) = r.get("fields") {
        for (key, value) in cx.entries(n, "`fields`") {
            fields.push(read_field_source(cx, symbols, key, value)?);
        }
    }
    let set = match r.get("set") {
        Some(n) => record_values(cx, symbols, n)?,
        None => Vec::new(),
    };
    let mut rules = Vec::new();
    if let Some(n) = r.get("rules") {
        let scope = Scope {
            symbols,
            stage: Stage::Input,
            holder: "a mapping rule",
        };
        for item in cx.list(n, "`rules`") {
            let rule = MapReader::open(cx, item, shape::MAPPING_RULE, "a mapping rule")?;
            let when = rule
                .get("when")
                .and_then(|w| parse_condition(cx, &scope, w));
            let set = rule.get("set").and_then(|s| record_values(cx, symbols, s));
            rules.push(MappingRule {
                when: when?,
                set: set?,
                citation: rule.text(cx, "citation").map(|t| t.value),
            });
        }
    }
    Some(Mapping {
        format: Spanned::new(format.name.clone(), format.span),
        layouts,
        fields,
        set,
        rules,
    })
}

/// One layout (a list of names) or several; no two with the same length,
/// since the column count of a row chooses its layout.
fn read_layouts(cx: &mut Cx<'_>, node: &Node) -> Option<Vec<Vec<String>>> {
    let items = cx.list(node, "`columns`");
    let nested = items.iter().any(|i| matches!(i.kind, NodeKind::Seq(_)));
    let groups: Vec<&Node> = if nested {
        items.iter().collect()
    } else {
        vec![node]
    };
    let mut layouts: Vec<(Vec<String>, &Node)> = Vec::new();
    for group in groups {
        let mut names = Vec::new();
        for item in cx.list(group, "a column layout") {
            names.push(cx.text(item, "a column name")?.value);
        }
        if let Some((_, first)) = layouts.iter().find(|(l, _)| l.len() == names.len()) {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateId,
                    group.span,
                    format!("two column layouts have {} columns", names.len()),
                )
                .with_secondary(first.span, "the other one")
                .with_help(
                    "a row's column count chooses its layout, so each layout needs its own length",
                ),
            );
            return None;
        }
        layouts.push((names, group));
    }
    Some(layouts.into_iter().map(|(l, _)| l).collect())
}

fn field_id(cx: &mut Cx<'_>, symbols: &Symbols, key: &Key) -> Option<FieldId> {
    match symbols
        .field_id(&key.name)
        .filter(|f| symbols.field(*f).stage == Stage::Input)
    {
        Some(id) => Some(id),
        None => {
            let names = symbols
                .fields
                .iter()
                .filter(|f| f.stage == Stage::Input)
                .map(|f| f.name.value.as_str());
            let mut diagnostic = Diagnostic::error(
                Code::UnknownField,
                key.span,
                format!(
                    "`{}` is not a record field docket reads from input",
                    key.name
                ),
            );
            if let Some(help) = suggest::help_for(&key.name, "fields", names) {
                diagnostic = diagnostic.with_help(help);
            }
            cx.report(diagnostic);
            None
        }
    }
}

fn read_field_source(
    cx: &mut Cx<'_>,
    symbols: &Symbols,
    key: &Key,
    node: &Node,
) -> Option<FieldSource> {
    let field = field_id(cx, symbols, key)?;
    let paths_of = |cx: &mut Cx<'_>, n: &Node| -> Option<Vec<String>> {
        cx.one_or_many(n)
            .iter()
            .map(|p| cx.text(p, "an input path").map(|t| t.value))
            .collect()
    };
    if !matches!(node.kind, NodeKind::Map(_)) {
        return Some(FieldSource {
            field,
            paths: paths_of(cx, node)?,
            map: Vec::new(),
            default: None,
        });
    }
    let r = MapReader::open(
        cx,
        node,
        shape::FIELD_MAP,
        &format!("the mapping of `{}`", key.name),
    )?;
    let paths = paths_of(cx, r.get("from")?)?;
    let mut map = Vec::new();
    if let Some(n) = r.get("map") {
        for (input, target) in cx.entries(n, "`map`") {
            map.push((
                input.name.trim().to_lowercase(),
                value(cx, symbols, field, target)?,
            ));
        }
    }
    let default = match r.get("default") {
        Some(n) => Some(value(cx, symbols, field, n)?),
        None => None,
    };
    Some(FieldSource {
        field,
        paths,
        map,
        default,
    })
}

/// A mapping of field names to constant values, each checked against its type.
fn record_values(cx: &mut Cx<'_>, symbols: &Symbols, node: &Node) -> Option<Vec<(FieldId, Value)>> {
    let mut out = Vec::new();
    for (key, v) in cx.entries(node, "`set`") {
        let field = field_id(cx, symbols, key)?;
        out.push((field, value(cx, symbols, field, v)?));
    }
    Some(out)
}

fn value(cx: &mut Cx<'_>, symbols: &Symbols, field: FieldId, node: &Node) -> Option<Value> {
    let text = cx.text(node, "a value")?;
    let def = symbols.field(field);
    match parse_value(&def.ty, &text.value, symbols.timezone, (def.min, def.max)) {
        Ok(v) => Some(v),
        Err(error) => {
            cx.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    text.span,
                    format!("invalid value for `{}`: {error}", def.name.value),
                )
                .with_label(format!("not a valid {}", def.ty.name())),
            );
            None
        }
    }
}
