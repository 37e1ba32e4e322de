//! From YAML to a typed [`Condition`], checking every name and value.

use regex::RegexBuilder;

use super::{Cmp, Condition, Literal, Op, Operand, Test, TextOp};
use crate::diagnostic::{Code, Diagnostic, suggest};
use crate::record::{Value, parse_ip, parse_timestamp, parse_value};
use crate::ruleset::model::{FieldDef, FieldId, FieldType, ListId, Stage};
use crate::ruleset::reader::Cx;
use crate::ruleset::symbols::Symbols;
use crate::ruleset::yaml::{Key, Node, NodeKind};
use crate::source::Span;

/// Regular expressions in rules are bounded so that a pathological pattern
/// cannot make classification of millions of rows crawl.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// What a condition may see where it is evaluated.
pub struct Scope<'a> {
    /// The ruleset's names.
    pub symbols: &'a Symbols,
    /// The latest field stage visible here.
    pub stage: Stage,
    /// What holds the condition, for messages ("a criterion").
    pub holder: &'static str,
}

/// Every operator of the language, for suggestions.
pub const OPERATORS: &[&str] = &[
    "eq",
    "one_of",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
    "in_list",
    "cidr",
    "exists",
];

/// The operators that fit a field type.
pub fn operators_for(ty: &FieldType) -> &'static [&'static str] {
    match ty {
        FieldType::String => &[
            "eq",
            "one_of",
            "contains",
            "starts_with",
            "ends_with",
            "matches",
            "in_list",
            "exists",
        ],
        FieldType::Enum(_) => &["eq", "one_of", "in_list", "exists"],
        FieldType::Bool => &["eq", "exists"],
        FieldType::Integer | FieldType::Money => &[
            "eq", "one_of", "gt", "gte", "lt", "lte", "in_list", "exists",
        ],
        FieldType::Ip => &["eq", "one_of", "cidr", "in_list", "exists"],
        FieldType::Timestamp => &["gt", "gte", "lt", "lte", "exists"],
    }
}

const COMBINATORS: &[&str] = &["any", "all", "not"];

/// Parses a condition node (a mapping). Problems are reported through `cx`;
/// `None` means at least one was found.
pub fn parse_condition(cx: &mut Cx<'_>, scope: &Scope<'_>, node: &Node) -> Option<Condition> {
    let NodeKind::Map(entries) = &node.kind else {
        cx.wrong_type(node, "a mapping of field tests", "a condition");
        return None;
    };
    if entries.is_empty() {
        cx.report(
            Diagnostic::error(Code::WrongType, node.span, "empty condition")
                .with_label("this condition tests nothing")
                .with_help("a condition needs at least one field test; an empty one would match every record"),
        );
        return None;
    }
    all_of(
        entries
            .iter()
            .map(|(key, value)| parse_entry(cx, scope, key, value)),
        node.span,
    )
}

/// Every one of `parts` together: the single part itself, or an
/// [`Condition::All`] spanning `span`. Every part is parsed, so that all
/// of a condition's problems are reported at once; `None` if any had one.
fn all_of(parts: impl Iterator<Item = Option<Condition>>, span: Span) -> Option<Condition> {
    let mut items = Vec::new();
    let mut ok = true;
    for part in parts {
        match part {
            Some(condition) => items.push(condition),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    Some(if items.len() == 1 {
        items.pop()?
    } else {
        Condition::All(items, span)
    })
}

fn parse_entry(cx: &mut Cx<'_>, scope: &Scope<'_>, key: &Key, value: &Node) -> Option<Condition> {
    match key.name.as_str() {
        "any" | "all" => {
            let items = parse_combined(cx, scope, key, value)?;
            Some(if key.name == "any" {
                Condition::Any(items, key.span)
            } else {
                Condition::All(items, key.span)
            })
        }
        "not" => {
            let inner = parse_condition(cx, scope, value)?;
            Some(Condition::Not(Box::new(inner), key.span))
        }
        name => {
            let Some(field) = scope.symbols.field_id(name) else {
                report_unknown_field(cx, scope, key);
                return None;
            };
            let def = scope.symbols.field(field);
            if def.stage > scope.stage {
                cx.report(
                    Diagnostic::error(
                        Code::DerivedField,
                        key.span,
                        format!(
                            "{} cannot test `{name}`: it is not known yet when {} is evaluated",
                            scope.holder, scope.holder
                        ),
                    )
                    .with_label("not known here")
                    .with_help(derived_help(def)),
                );
                return None;
            }
            parse_field(cx, scope, field, def, key, value)
        }
    }
}

fn derived_help(def: &FieldDef) -> String {
    match def.stage {
        Stage::Leveled => format!(
            "`{}` is decided by the criteria; test it in a trigger or a deadline's `applies`",
            def.name.value
        ),
        Stage::Allocated => format!(
            "`{}` comes from the allocation table, after input mapping",
            def.name.value
        ),
        Stage::Input => String::new(),
    }
}

fn report_unknown_field(cx: &mut Cx<'_>, scope: &Scope<'_>, key: &Key) {
    let names = scope
        .symbols
        .fields
        .iter()
        .filter(|f| f.stage <= scope.stage)
        .map(|f| f.name.value.as_str())
        .chain(COMBINATORS.iter().copied());
    let mut diagnostic = Diagnostic::error(
        Code::UnknownField,
        key.span,
        format!("unknown field `{}` in {}", key.name, scope.holder),
    );
    diagnostic = match suggest::did_you_mean(&key.name, names) {
        Some(best) => diagnostic
            .with_label("not a field of this ruleset")
            .with_help(format!("did you mean `{best}`?")),
        None => diagnostic.with_help(
            "conditions test record fields defined under `fields:`, or combine tests with `any`, `all`, `not`",
        ),
    };
    cx.report(diagnostic);
}

/// `any:` and `all:` take a list of conditions, or a mapping whose entries
/// are combined (so `any: {a: 1, b: 2}` reads "a is 1 or b is 2").
fn parse_combined(
    cx: &mut Cx<'_>,
    scope: &Scope<'_>,
    key: &Key,
    value: &Node,
) -> Option<Vec<Condition>> {
    let mut items = Vec::new();
    let mut ok = true;
    match &value.kind {
        NodeKind::Seq(list) if !list.is_empty() => {
            for item in list {
                match parse_condition(cx, scope, item) {
                    Some(c) => items.push(c),
                    None => ok = false,
                }
            }
        }
        NodeKind::Map(entries) if !entries.is_empty() => {
            for (k, v) in entries {
                match parse_entry(cx, scope, k, v) {
                    Some(c) => items.push(c),
                    None => ok = false,
                }
            }
        }
        _ => {
            cx.wrong_type(
                value,
                "a non-empty list or mapping of conditions",
                &format!("`{}`", key.name),
            );
            return None;
        }
    }
    ok.then_some(items)
}

fn parse_field(
    cx: &mut Cx<'_>,
    scope: &Scope<'_>,
    field: FieldId,
    def: &FieldDef,
    key: &Key,
    value: &Node,
) -> Option<Condition> {
    let test = |op, span| {
        Condition::Test(Test {
            field,
            field_span: key.span,
            op,
            span,
        })
    };
    match &value.kind {
        NodeKind::Map(ops) if !ops.is_empty() => {
            let tests = ops.iter().map(|(op_key, operand)| {
                parse_operator(cx, scope, def, op_key, operand).map(|op| test(op, op_key.span))
            });
            all_of(tests, key.span)
        }
        NodeKind::Null => {
            cx.report(
                Diagnostic::error(
                    Code::WrongType,
                    value.span,
                    format!("no value to compare `{}` with", key.name),
                )
                .with_label("empty")
                .with_help(format!(
                    "to test that the field is absent, write `{}: {{exists: false}}`",
                    key.name
                )),
            );
            None
        }
        _ => {
            let op_name = if matches!(value.kind, NodeKind::Seq(_)) {
                "one_of"
            } else {
                "eq"
            };
            if !operators_for(&def.ty).contains(&op_name) {
                report_operator_type(cx, def, op_name, value.span);
                return None;
            }
            let values = literals(cx, scope, def, value)?;
            Some(test(
                Op::OneOf {
                    values,
                    lists: Vec::new(),
                },
                value.span,
            ))
        }
    }
}

fn parse_operator(
    cx: &mut Cx<'_>,
    scope: &Scope<'_>,
    def: &FieldDef,
    key: &Key,
    operand: &Node,
) -> Option<Op> {
    let name = key.name.as_str();
    if !OPERATORS.contains(&name) {
        let allowed = operators_for(&def.ty);
        let mut diagnostic = Diagnostic::error(
            Code::UnknownOperator,
            key.span,
            format!("unknown operator `{name}` for `{}`", def.name.value),
        );
        if let Some(help) = suggest::help_for(name, "operators", allowed.iter().copied()) {
            diagnostic = diagnostic.with_help(help);
        }
        cx.report(diagnostic);
        return None;
    }
    if !operators_for(&def.ty).contains(&name) {
        report_operator_type(cx, def, name, key.span);
        return None;
    }
    let cmp = match name {
        "gt" => Some(Cmp::Gt),
        "gte" => Some(Cmp::Gte),
        "lt" => Some(Cmp::Lt),
        "lte" => Some(Cmp::Lte),
        _ => None,
    };
    if let Some(cmp) = cmp {
        return comparison_operand(cx, scope, def, operand).map(|o| Op::Compare(cmp, o));
    }
    match name {
        "eq" | "one_of" => {
            let values = literals(cx, scope, def, operand)?;
            Some(Op::OneOf {
                values,
                lists: Vec::new(),
            })
        }
        "exists" => cx.bool(operand, "`exists`").map(Op::Exists),
        "contains" | "starts_with" | "ends_with" => {
            let kind = match name {
                "contains" => TextOp::Contains,
                "starts_with" => TextOp::StartsWith,
                _ => TextOp::EndsWith,
            };
            let needles = texts(cx, operand, name)?
                .into_iter()
                .map(|(t, _)| t.to_ascii_lowercase())
                .collect();
            Some(Op::Text(kind, needles))
        }
        "matches" => {
            let mut regexes = Vec::new();
            for (pattern, span) in texts(cx, operand, name)? {
                let built = cx.regexes.get_or_build(&pattern, |pattern| {
                    RegexBuilder::new(pattern)
                        .case_insensitive(true)
                        .size_limit(REGEX_SIZE_LIMIT)
                        .build()
                });
                match built {
                    Ok(re) => regexes.push(re),
                    Err(error) => {
                        cx.report(
                            Diagnostic::error(
                                Code::InvalidValue,
                                span,
                                "invalid regular expression",
                            )
                            .with_label(first_line(&error.to_string()))
                            .with_help(
                                "patterns use the syntax of the Rust `regex` crate and ignore case",
                            ),
                        );
                        return None;
                    }
                }
            }
            Some(Op::Matches(regexes))
        }
        "in_list" => in_list(cx, scope, def, operand),
        "cidr" => cidrs(cx, scope, operand),
        _ => None,
    }
}

fn first_line(text: &str) -> String {
    text.lines().last().unwrap_or(text).trim().to_owned()
}

fn report_operator_type(cx: &mut Cx<'_>, def: &FieldDef, op: &str, span: Span) {
    let allowed = operators_for(&def.ty)
        .iter()
        .map(|o| format!("`{o}`"))
        .collect::<Vec<_>>()
        .join(", ");
    cx.report(
        Diagnostic::error(
            Code::OperatorType,
            span,
            format!(
                "`{op}` does not apply to `{}`, a field of type {}",
                def.name.value,
                def.ty.name()
            ),
        )
        .with_label(format!("not for {} fields", def.ty.name()))
        .with_help(format!("operators for {} fields: {allowed}", def.ty.name())),
    );
}

/// Scalars (or a list of scalars) as text, with spans.
fn texts(cx: &mut Cx<'_>, node: &Node, what: &str) -> Option<Vec<(String, Span)>> {
    let items = cx.one_or_many(node);
    if items.is_empty() {
        cx.wrong_type(node, "a value or a non-empty list", &format!("`{what}`"));
        return None;
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(
            cx.text(item, &format!("`{what}`"))
                .map(|t| (t.value, t.span))?,
        );
    }
    Some(out)
}

/// A scalar or list of scalars, each read as a value of the field's type.
fn literals(
    cx: &mut Cx<'_>,
    scope: &Scope<'_>,
    def: &FieldDef,
    node: &Node,
) -> Option<Vec<Literal>> {
    let items = cx.one_or_many(node);
    if items.is_empty() {
        cx.wrong_type(
            node,
            "a value or a non-empty list",
            &format!("the value of `{}`", def.name.value),
        );
        return None;
    }
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for item in items {
        if matches!(def.ty, FieldType::Bool) && !matches!(item.kind, NodeKind::Bool(_)) {
            cx.wrong_type(
                item,
                "`true` or `false`",
                &format!("the value of `{}`", def.name.value),
            );
            ok = false;
            continue;
        }
        let Some(text) = cx.text(item, &format!("the value of `{}`", def.name.value)) else {
            ok = false;
            continue;
        };
        match literal(scope, def, &text.value, item.span) {
            Ok(l) => out.push(l),
            Err(diagnostic) => {
                cx.report(diagnostic);
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Reads one value written at `span` as a literal of the field's type.
fn literal(
    scope: &Scope<'_>,
    def: &FieldDef,
    text: &str,
    span: Span,
) -> Result<Literal, Diagnostic> {
    let range = (def.min, def.max);
    let name = &def.name.value;
    match parse_value(&def.ty, text, scope.symbols.timezone, range) {
        Ok(Value::Str(s)) => Ok(Literal::Str(s.to_ascii_lowercase())),
        Ok(Value::Enum(i)) => Ok(Literal::Enum(i)),
        Ok(Value::Bool(b)) => Ok(Literal::Bool(b)),
        Ok(Value::Number(n)) => Ok(Literal::Number(n)),
        Ok(Value::Ip(ip)) => Ok(Literal::Ip(ip)),
        Ok(Value::Time(_)) => Err(Diagnostic::error(
            Code::OperatorType,
            span,
            format!("timestamps like `{name}` are compared with `gt`/`lt`, not equality"),
        )),
        Err(error) => Err(match &def.ty {
            FieldType::Enum(spec) => {
                let diagnostic = Diagnostic::error(
                    Code::UnknownEnumValue,
                    span,
                    format!("`{text}` is not a value of `{name}`"),
                )
                .with_label("unknown value");
                let codes = spec.values.iter().map(|v| v.code.as_str());
                match suggest::help_for(text, "values", codes) {
                    Some(help) => diagnostic.with_help(help),
                    None => diagnostic,
                }
            }
            ty => Diagnostic::error(
                Code::InvalidValue,
                span,
                format!("invalid value for `{name}` ({}): {error}", ty.name()),
            )
            .with_label(format!("not a valid {}", ty.name())),
        }),
    }
}

fn comparison_operand(
    cx: &mut Cx<'_>,
    scope: &Scope<'_>,
    def: &FieldDef,
    node: &Node,
) -> Option<Operand> {
    if matches!(def.ty, FieldType::Timestamp) {
        let text = cx.text(node, "a timestamp bound")?;
        return match parse_timestamp(&text.value, scope.symbols.timezone) {
            Ok(t) => Some(Operand::Time(t)),
            Err(error) => {
                cx.report(
                    Diagnostic::error(Code::InvalidValue, node.span, error.to_string())
                        .with_label("not a timestamp"),
                );
                None
            }
        };
    }
    match &node.kind {
        NodeKind::Int(_) | NodeKind::Float(_) => {
            let n = cx.number(node, "a bound")?;
            Some(Operand::Number {
                value: n.value,
                threshold: None,
            })
        }
        NodeKind::Str(name) => match scope.symbols.threshold_id(name) {
            Some(id) => Some(Operand::Number {
                value: scope.symbols.threshold(id).value.value,
                threshold: Some(id),
            }),
            None => {
                let names = scope
                    .symbols
                    .thresholds
                    .iter()
                    .map(|t| t.name.value.as_str());
                let mut diagnostic = Diagnostic::error(
                    Code::DanglingReference,
                    node.span,
                    format!("no threshold named `{name}`"),
                )
                .with_label("undefined threshold");
                diagnostic = diagnostic.with_help(
                    suggest::help_for(name, "thresholds", names).unwrap_or_else(|| {
                        "define it under `thresholds:`, or write a number".to_owned()
                    }),
                );
                cx.report(diagnostic);
                None
            }
        },
        _ => {
            cx.wrong_type(node, "a number or a threshold name", "a comparison bound");
            None
        }
    }
}

fn list_ids(cx: &mut Cx<'_>, scope: &Scope<'_>, node: &Node) -> Option<Vec<(ListId, Span)>> {
    let mut out = Vec::new();
    for (name, span) in texts(cx, node, "in_list")? {
        match scope.symbols.list_id(&name) {
            Some(id) => out.push((id, span)),
            None => {
                let names = scope.symbols.lists.iter().map(|l| l.name.value.as_str());
                cx.report(
                    Diagnostic::error(
                        Code::DanglingReference,
                        span,
                        format!("no list named `{name}`"),
                    )
                    .with_label("undefined list")
                    .with_help(
                        suggest::help_for(&name, "lists", names)
                            .unwrap_or_else(|| "define it under `lists:`".to_owned()),
                    ),
                );
                return None;
            }
        }
    }
    Some(out)
}

fn in_list(cx: &mut Cx<'_>, scope: &Scope<'_>, def: &FieldDef, node: &Node) -> Option<Op> {
    let ids = list_ids(cx, scope, node)?;
    let mut values = Vec::new();
    let mut ok = true;
    for (id, use_span) in &ids {
        for item in &scope.symbols.list(*id).values {
            match literal(scope, def, &item.value, item.span) {
                Ok(l) => values.push(l),
                Err(diagnostic) => {
                    cx.report(diagnostic.with_secondary(
                        *use_span,
                        format!("list used for `{}` here", def.name.value),
                    ));
                    ok = false;
                }
            }
        }
    }
    let lists = ids.iter().map(|(id, _)| *id).collect();
    ok.then_some(Op::OneOf { values, lists })
}

fn cidrs(cx: &mut Cx<'_>, scope: &Scope<'_>, node: &Node) -> Option<Op> {
    let mut nets = Vec::new();
    let mut lists = Vec::new();
    for (text, span) in texts(cx, node, "cidr")? {
        if let Some(net) = parse_net(&text) {
            nets.push(net);
            continue;
        }
        if let Some(id) = scope.symbols.list_id(&text) {
            lists.push(id);
            for item in &scope.symbols.list(id).values {
                match parse_net(&item.value) {
                    Some(net) => nets.push(net),
                    None => {
                        cx.report(
                            Diagnostic::error(
                                Code::InvalidValue,
                                item.span,
                                format!("`{}` is not a network prefix", item.value),
                            )
                            .with_secondary(span, "list used as networks here"),
                        );
                        return None;
                    }
                }
            }
            continue;
        }
        cx.report(
            Diagnostic::error(
                Code::InvalidValue,
                span,
                format!("`{text}` is not a network prefix or a list name"),
            )
            .with_label("not a prefix")
            .with_help(
                "write prefixes like `10.0.0.0/8` or `2600:1200::/24`, or name a list of them",
            ),
        );
        return None;
    }
    Some(Op::Cidr { nets, lists })
}

/// A network prefix; a bare address is a host route. Host bits are cleared
/// (`10.1.2.3/8` means `10.0.0.0/8`).
pub fn parse_net(text: &str) -> Option<ipnet::IpNet> {
    let text = text.trim();
    if let Ok(net) = text.parse::<ipnet::IpNet>() {
        return Some(net.trunc());
    }
    parse_ip(text).map(ipnet::IpNet::from)
}
