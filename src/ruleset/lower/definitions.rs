//! The first pass: metadata, calendar and every named definition.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use super::{IdRegistry, dangling};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, suggest};
use crate::ruleset::model::{
    CalendarSpec, Closure, EnumSpec, EnumValue, EventDef, EventId, ExceptionPolicy, FieldDef,
    FieldId, FieldType, LevelDef, ListDef, Metadata, Response, SourceDocument, Stage, ThresholdDef,
    Window,
};
use crate::ruleset::reader::{Cx, MapReader};
use crate::ruleset::shape::{self, FIELD_TYPES, KeySpec};
use crate::ruleset::symbols::Symbols;
use crate::ruleset::yaml::{Node, NodeKind};
use crate::source::{Span, Spanned};

/// Names docket derives itself; a ruleset may test them but not declare them.
pub const DERIVED_FIELDS: &[&str] = &["agency", "level"];

/// The time zone used when a ruleset is too broken to name one, so that
/// checking can go on and report everything else.
const FALLBACK_TZ: Tz = chrono_tz::UTC;

/// What the first pass collects.
#[derive(Default)]
pub struct Definitions {
    meta: Option<Metadata>,
    calendar: CalendarSpec,
    allocations: Option<Spanned<PathBuf>>,
    exceptions: Option<ExceptionPolicy>,
    fields: Vec<FieldDef>,
    lists: Vec<ListDef>,
    thresholds: Vec<ThresholdDef>,
    levels: Vec<LevelDef>,
    events: Vec<EventDef>,
    /// Field index and the name of its fallback field, resolved at the end.
    pending_fallbacks: Vec<(usize, Spanned<String>)>,
    /// Level index and its response, whose `from` is resolved at the end.
    pending_responses: Vec<(usize, PendingResponse)>,
    /// Event index and the event it counts as, resolved at the end.
    pending_counts_as: Vec<(usize, Spanned<String>)>,
    /// Event index and the event it requires first, resolved at the end.
    pending_requires: Vec<(usize, Spanned<String>)>,
    field_ids: IdRegistry,
    list_ids: IdRegistry,
    threshold_ids: IdRegistry,
    level_ids: IdRegistry,
    event_ids: IdRegistry,
}

struct PendingResponse {
    from: Spanned<String>,
    window: Window,
    citation: Spanned<String>,
}

/// The result of the first pass.
pub struct DefinedNames {
    /// Metadata, if the root file had what it needs.
    pub meta: Option<Metadata>,
    /// The calendar.
    pub calendar: CalendarSpec,
    /// The allocation table path.
    pub allocations: Option<Spanned<PathBuf>>,
    /// The exception policy.
    pub exceptions: Option<ExceptionPolicy>,
    /// Every name.
    pub symbols: Symbols,
}

impl Definitions {
    /// Reads the definitions of one file. `file_path` resolves relative paths.
    pub fn read_file(
        &mut self,
        cx: &mut Cx<'_>,
        root: &MapReader<'_>,
        is_root: bool,
        file_path: &Path,
    ) {
        if is_root {
            self.read_metadata(cx, root, file_path);
        } else {
            for key in root.keys() {
                if shape::ROOT_ONLY_KEYS.contains(&key.name.as_str()) {
                    cx.report(
                        Diagnostic::error(Code::MisplacedKey, key.span, format!("`{}` belongs in the root file of the ruleset", key.name))
                            .with_label("only allowed in the root file")
                            .with_help("included files hold definitions and rules; metadata, calendar and allocations live in `ruleset.yaml`"),
                    );
                }
            }
        }
        if let Some(node) = root.get("fields") {
            for (key, value) in cx.entries(node, "`fields`") {
                self.read_field(cx, Spanned::new(key.name.clone(), key.span), value);
            }
        }
        if let Some(node) = root.get("lists") {
            for (key, value) in cx.entries(node, "`lists`") {
                self.read_list(cx, Spanned::new(key.name.clone(), key.span), value);
            }
        }
        if let Some(node) = root.get("thresholds") {
            for (key, value) in cx.entries(node, "`thresholds`") {
                self.read_threshold(cx, Spanned::new(key.name.clone(), key.span), value);
            }
        }
        if let Some(node) = root.get("levels") {
            for item in cx.list(node, "`levels`") {
                self.read_level(cx, item);
            }
        }
        if let Some(node) = root.get("events") {
            for (key, value) in cx.entries(node, "`events`") {
                self.read_event(cx, Spanned::new(key.name.clone(), key.span), value);
            }
        }
    }

    fn read_metadata(&mut self, cx: &mut Cx<'_>, root: &MapReader<'_>, file_path: &Path) {
        for required in ["id", "title", "timezone"] {
            if root.get(required).is_none() {
                cx.report(
                    Diagnostic::error(
                        Code::MissingKey,
                        root.node().span,
                        format!("the root file has no `{required}`"),
                    )
                    .with_label(format!("`{required}` is required in the root file"))
                    .with_help(doc_of(shape::RULESET, required)),
                );
            }
        }
        let id = root.ident(cx, "id");
        let title = root.text(cx, "title");
        let version = root.text(cx, "version");
        let effective = root.date(cx, "effective");
        let source = root.get("source").and_then(|node| {
            let r = MapReader::open(cx, node, shape::SOURCE, "`source`")?;
            Some(SourceDocument {
                title: r.text(cx, "title")?.value,
                document: r.text(cx, "document").map(|s| s.value),
                url: r.text(cx, "url").map(|s| s.value),
            })
        });
        let timezone = root
            .text(cx, "timezone")
            .and_then(|tz| parse_timezone(cx, &tz));
        if let Some(node) = root.get("calendar") {
            self.read_calendar(cx, node);
        } else {
            self.calendar.us_federal_holidays = true;
        }
        self.allocations = root.text(cx, "allocations").map(|p| {
            let base = file_path.parent().unwrap_or(Path::new("."));
            Spanned::new(base.join(&p.value), p.span)
        });
        self.exceptions = root.get("exceptions").and_then(|node| {
            let r = MapReader::open(cx, node, shape::EXCEPTIONS, "`exceptions`")?;
            Some(ExceptionPolicy {
                citation: r.text(cx, "citation")?,
                poam: r.flag(cx, "poam"),
                notation: r.text(cx, "notation").map(|t| t.value),
                expires_at_fiscal_year_end: r
                    .keyword(cx, "expires", &["fiscal-year-end", "never"])
                    .is_some_and(|e| e.value == "fiscal-year-end"),
                extension_approver: r.text(cx, "extension_approver").map(|t| t.value),
            })
        });
        if let (Some(id), Some(title), Some(timezone)) = (id, title, timezone) {
            self.meta = Some(Metadata {
                id,
                title,
                version,
                effective,
                source,
                timezone,
            });
        }
    }

    fn read_calendar(&mut self, cx: &mut Cx<'_>, node: &Node) {
        let Some(r) = MapReader::open(cx, node, shape::CALENDAR, "`calendar`") else {
            return;
        };
        self.calendar.us_federal_holidays = r
            .keyword(cx, "holidays", &["us-federal", "none"])
            .is_none_or(|h| h.value == "us-federal");
        if let Some(list) = r.get("closures") {
            for item in cx.list(list, "`closures`") {
                let Some(c) = MapReader::open(cx, item, shape::CLOSURE, "a closure") else {
                    continue;
                };
                if let Some(date) = c.date(cx, "date") {
                    let reason = c
                        .text(cx, "reason")
                        .map_or_else(|| "closure".to_owned(), |r| r.value);
                    self.calendar.closures.push(Closure { date, reason });
                }
            }
        }
    }

    fn read_field(&mut self, cx: &mut Cx<'_>, name: Spanned<String>, node: &Node) {
        if DERIVED_FIELDS.contains(&name.value.as_str()) {
            cx.report(
                Diagnostic::error(Code::DuplicateId, name.span, format!("`{}` is derived by docket and cannot be declared", name.value))
                    .with_label("built-in field")
                    .with_help("`agency` comes from the allocation table and `level` from the criteria; conditions can test them without declaring them"),
            );
            return;
        }
        let valid_name = crate::ruleset::reader::is_ident(&name.value);
        if !valid_name {
            cx.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    name.span,
                    format!("`{}` is not a valid field name", name.value),
                )
                .with_help("use letters, digits, `_`, `-` and `.`"),
            );
        }
        let Some(r) = MapReader::open(cx, node, shape::FIELD, &format!("field `{}`", name.value))
        else {
            return;
        };
        let Some(ty_name) = r.keyword(cx, "type", FIELD_TYPES) else {
            return;
        };
        let ty = match ty_name.value.as_str() {
            "string" => FieldType::String,
            "enum" => match read_enum(cx, &r, &name) {
                Some(spec) => FieldType::Enum(spec),
                None => return,
            },
            "bool" => FieldType::Bool,
            "integer" => FieldType::Integer,
            "money" => FieldType::Money,
            "ip" => FieldType::Ip,
            _ => FieldType::Timestamp,
        };
        if ty_name.value != "enum" {
            for key in ["values", "aliases"] {
                if let Some(span) = r.key_span(key) {
                    cx.report(
                        Diagnostic::error(
                            Code::MisplacedKey,
                            span,
                            format!("`{key}` applies only to enum fields"),
                        )
                        .with_secondary(ty_name.span, format!("this field is a {}", ty_name.value)),
                    );
                }
            }
        }
        let min = r.number(cx, "min").map(|n| n.value);
        let max = r.number(cx, "max").map(|n| n.value);
        if !ty.is_numeric() {
            for key in ["min", "max"] {
                if let Some(span) = r.key_span(key) {
                    cx.report(Diagnostic::error(
                        Code::MisplacedKey,
                        span,
                        format!("`{key}` applies only to integer and money fields"),
                    ));
                }
            }
        }
        if !valid_name || !self.field_ids.claim(cx.diagnostics, "field", &name) {
            return;
        }
        if let Some(fallback) = r.ident(cx, "fallback") {
            self.pending_fallbacks.push((self.fields.len(), fallback));
        }
        self.fields.push(FieldDef {
            name,
            ty,
            title: r.text(cx, "title").map(|t| t.value),
            citation: r.text(cx, "citation").map(|t| t.value),
            fallback: None,
            min,
            max,
            stage: Stage::Input,
        });
    }

    fn read_list(&mut self, cx: &mut Cx<'_>, name: Spanned<String>, node: &Node) {
        let Some(r) = MapReader::open(cx, node, shape::LIST, &format!("list `{}`", name.value))
        else {
            return;
        };
        let values = r
            .get("values")
            .map(|v| cx.list(v, "`values`"))
            .unwrap_or_default()
            .iter()
            .filter_map(|item| cx.text(item, "a list value"))
            .collect();
        if self.list_ids.claim(cx.diagnostics, "list", &name) {
            self.lists.push(ListDef {
                name,
                values,
                title: r.text(cx, "title").map(|t| t.value),
                citation: r.text(cx, "citation").map(|t| t.value),
            });
        }
    }

    fn read_threshold(&mut self, cx: &mut Cx<'_>, name: Spanned<String>, node: &Node) {
        let Some(r) = MapReader::open(
            cx,
            node,
            shape::THRESHOLD,
            &format!("threshold `{}`", name.value),
        ) else {
            return;
        };
        let Some(value) = r.number(cx, "value") else {
            return;
        };
        if self.threshold_ids.claim(cx.diagnostics, "threshold", &name) {
            self.thresholds.push(ThresholdDef {
                name,
                value,
                unit: r.text(cx, "unit").map(|t| t.value),
                title: r.text(cx, "title").map(|t| t.value),
                citation: r.text(cx, "citation").map(|t| t.value),
            });
        }
    }

    fn read_level(&mut self, cx: &mut Cx<'_>, node: &Node) {
        let Some(r) = MapReader::open(cx, node, shape::LEVEL, "a level") else {
            return;
        };
        let Some(id) = r.ident(cx, "id") else {
            return;
        };
        if id.value == "unclassified" {
            cx.report(
                Diagnostic::error(Code::DuplicateId, id.span, "`unclassified` is reserved")
                    .with_help("docket gives `unclassified` to records no criterion covers; choose another id"),
            );
            return;
        }
        let response = r.get("response").and_then(|node| read_response(cx, node));
        if self.level_ids.claim(cx.diagnostics, "level", &id) {
            if let Some(response) = response {
                self.pending_responses.push((self.levels.len(), response));
            }
            self.levels.push(LevelDef {
                id,
                title: r.text(cx, "title").map(|t| t.value),
                citation: r.text(cx, "citation").map(|t| t.value),
                response: None,
            });
        }
    }

    fn read_event(&mut self, cx: &mut Cx<'_>, id: Spanned<String>, node: &Node) {
        let reader = match &node.kind {
            NodeKind::Null => None,
            _ => match MapReader::open(cx, node, shape::EVENT, &format!("event `{}`", id.value)) {
                Some(r) => Some(r),
                None => return,
            },
        };
        if !crate::ruleset::reader::is_ident(&id.value) {
            cx.report(Diagnostic::error(
                Code::InvalidValue,
                id.span,
                format!("`{}` is not a valid event id", id.value),
            ));
            return;
        }
        if !self.event_ids.claim(cx.diagnostics, "event", &id) {
            return;
        }
        let mut event = EventDef {
            id,
            title: None,
            actor: None,
            citation: None,
            closes: false,
            counts_as: None,
            requires: None,
            milestone: false,
            per: None,
            by: None,
            notifies: Vec::new(),
        };
        if let Some(r) = reader {
            event.title = r.text(cx, "title").map(|t| t.value);
            event.actor = r.text(cx, "actor").map(|t| t.value);
            event.citation = r.text(cx, "citation").map(|t| t.value);
            event.closes = r.flag(cx, "closes");
            event.milestone = r.flag(cx, "milestone");
            event.per = r.ident(cx, "per");
            event.by = r.ident(cx, "by");
            if let Some(list) = r.get("notifies") {
                event.notifies = cx
                    .list(list, "`notifies`")
                    .iter()
                    .filter_map(|n| cx.ident(n, "a roster role"))
                    .collect();
            }
            if let Some(other) = r.ident(cx, "counts_as") {
                self.pending_counts_as.push((self.events.len(), other));
            }
            if let Some(other) = r.ident(cx, "requires") {
                self.pending_requires.push((self.events.len(), other));
            }
        }
        self.events.push(event);
    }

    /// Resolves the references between definitions and adds the derived
    /// fields.
    pub fn finish(mut self, diagnostics: &mut Diagnostics) -> DefinedNames {
        for (index, name) in std::mem::take(&mut self.pending_fallbacks) {
            match position(&self.fields, &name.value, |f| &f.name.value) {
                Some(target) if target == index => diagnostics.push(Diagnostic::error(
                    Code::InvalidValue,
                    name.span,
                    "a field cannot fall back to itself",
                )),
                Some(target) => {
                    let (Some(from_ty), Some(to_ty)) = (
                        self.fields.get(index).map(|f| f.ty.clone()),
                        self.fields.get(target).map(|f| f.ty.clone()),
                    ) else {
                        continue;
                    };
                    if from_ty != to_ty {
                        diagnostics.push(
                            Diagnostic::error(
                                Code::OperatorType,
                                name.span,
                                format!(
                                    "fallback `{}` is a {}, not a {}",
                                    name.value,
                                    to_ty.name(),
                                    from_ty.name()
                                ),
                            )
                            .with_help("a field can only fall back to a field of the same type"),
                        );
                    } else if let Some(field) = self.fields.get_mut(index) {
                        field.fallback = Some(FieldId::from_index(target));
                    }
                }
                None => dangling(
                    diagnostics,
                    &name,
                    "field",
                    "fields",
                    self.fields.iter().map(|f| f.name.value.as_str()),
                ),
            }
        }
        for (index, pending) in std::mem::take(&mut self.pending_responses) {
            let found = position(&self.fields, &pending.from.value, |f| &f.name.value)
                .and_then(|i| Some((i, self.fields.get(i)?)));
            match found {
                Some((field, def)) if def.ty == FieldType::Timestamp => {
                    if let Some(level) = self.levels.get_mut(index) {
                        level.response = Some(Response {
                            from: Spanned::new(FieldId::from_index(field), pending.from.span),
                            window: pending.window,
                            citation: pending.citation,
                        });
                    }
                }
                Some((_, def)) => diagnostics.push(
                    Diagnostic::error(
                        Code::OperatorType,
                        pending.from.span,
                        format!(
                            "a response window starts from a timestamp; `{}` is a {}",
                            pending.from.value,
                            def.ty.name()
                        ),
                    )
                    .with_secondary(def.name.span, "defined here"),
                ),
                None => dangling(
                    diagnostics,
                    &pending.from,
                    "field",
                    "fields",
                    self.fields.iter().map(|f| f.name.value.as_str()),
                ),
            }
        }
        for (index, name) in std::mem::take(&mut self.pending_counts_as) {
            let other = other_event(&self.events, index, &name, "count as", diagnostics);
            if let Some(event) = self.events.get_mut(index) {
                event.counts_as = other;
            }
        }
        for (index, name) in std::mem::take(&mut self.pending_requires) {
            let other = other_event(&self.events, index, &name, "require", diagnostics);
            if let Some(event) = self.events.get_mut(index) {
                event.requires = other;
            }
        }
        self.add_derived_fields();
        let timezone = self.meta.as_ref().map_or(FALLBACK_TZ, |m| m.timezone.value);
        DefinedNames {
            meta: self.meta,
            calendar: self.calendar,
            allocations: self.allocations,
            exceptions: self.exceptions,
            symbols: Symbols {
                timezone,
                fields: self.fields,
                lists: self.lists,
                thresholds: self.thresholds,
                levels: self.levels,
                events: self.events,
            },
        }
    }

    fn add_derived_fields(&mut self) {
        let builtin = Span::default();
        self.fields.push(FieldDef {
            name: Spanned::new("agency".to_owned(), builtin),
            ty: FieldType::String,
            title: Some(
                "Owning agency, from the TSO allocation table (longest-prefix match)".to_owned(),
            ),
            citation: Some("USDA 2".to_owned()),
            fallback: None,
            min: None,
            max: None,
            stage: Stage::Allocated,
        });
        let values = self
            .levels
            .iter()
            .map(|l| EnumValue {
                code: l.id.value.clone(),
                title: l.title.clone(),
                span: l.id.span,
            })
            .collect();
        self.fields.push(FieldDef {
            name: Spanned::new("level".to_owned(), builtin),
            ty: FieldType::Enum(EnumSpec::new(values, Vec::new())),
            title: Some("Level decided by the criteria".to_owned()),
            citation: None,
            fallback: None,
            min: None,
            max: None,
            stage: Stage::Leveled,
        });
    }
}

fn position<T>(items: &[T], name: &str, key: impl Fn(&T) -> &str) -> Option<usize> {
    items.iter().position(|item| key(item) == name)
}

fn read_response(cx: &mut Cx<'_>, node: &Node) -> Option<PendingResponse> {
    let r = MapReader::open(cx, node, shape::RESPONSE, "`response`")?;
    let from = r.ident(cx, "from")?;
    let citation = r.text(cx, "citation")?;
    let within = r.duration(cx, "within");
    let immediately = r.flag(cx, "immediately");
    let window = match (within, immediately) {
        (Some(d), false) => Window::Within(d.value),
        (None, true) => Window::Immediately,
        (Some(d), true) => {
            cx.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    d.span,
                    "a response is either `immediately` or `within` a duration, not both",
                )
                .with_label("remove this or `immediately`"),
            );
            return None;
        }
        (None, false) => {
            if r.get("within").is_none() {
                cx.report(
                    Diagnostic::error(
                        Code::MissingKey,
                        node.span,
                        "`response` needs `within` or `immediately: true`",
                    )
                    .with_label("no window"),
                );
            }
            return None;
        }
    };
    Some(PendingResponse {
        from,
        window,
        citation,
    })
}

fn read_enum(cx: &mut Cx<'_>, r: &MapReader<'_>, name: &Spanned<String>) -> Option<EnumSpec> {
    let Some(values_node) = r.get("values") else {
        cx.report(
            Diagnostic::error(
                Code::MissingKey,
                name.span,
                format!("enum field `{}` has no `values`", name.value),
            )
            .with_help("list the codes under `values:`"),
        );
        return None;
    };
    let mut values: Vec<EnumValue> = Vec::new();
    let mut push = |cx: &mut Cx<'_>, code: Spanned<String>, title: Option<String>| {
        if let Some(first) = values
            .iter()
            .find(|v| v.code.eq_ignore_ascii_case(&code.value))
        {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateId,
                    code.span,
                    format!("duplicate value `{}` in `{}`", code.value, name.value),
                )
                .with_secondary(first.span, "first listed here"),
            );
        } else if code.value.trim().is_empty() {
            cx.report(Diagnostic::error(
                Code::InvalidValue,
                code.span,
                "an enum value cannot be empty",
            ));
        } else {
            values.push(EnumValue {
                code: code.value,
                title,
                span: code.span,
            });
        }
    };
    match &values_node.kind {
        NodeKind::Seq(items) => {
            for item in items {
                if let Some(code) = cx.text(item, "an enum value") {
                    push(cx, code, None);
                }
            }
        }
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                let title = cx
                    .text(value, "the meaning of an enum value")
                    .map(|t| t.value);
                push(cx, Spanned::new(key.name.clone(), key.span), title);
            }
        }
        _ => cx.wrong_type(
            values_node,
            "a list of codes or a mapping from code to meaning",
            "`values`",
        ),
    }
    let mut aliases = Vec::new();
    if let Some(node) = r.get("aliases") {
        for (key, value) in cx.entries(node, "`aliases`") {
            let Some(target) = cx.text(value, "an alias target") else {
                continue;
            };
            match values.iter().position(|v| v.code == target.value) {
                Some(i) => aliases.push((
                    key.name.trim().to_lowercase(),
                    u32::try_from(i).unwrap_or(u32::MAX),
                )),
                None => {
                    let codes = values.iter().map(|v| v.code.as_str());
                    let mut diagnostic = Diagnostic::error(
                        Code::UnknownEnumValue,
                        target.span,
                        format!(
                            "alias target `{}` is not a value of `{}`",
                            target.value, name.value
                        ),
                    );
                    if let Some(help) = suggest::help_for(&target.value, "values", codes) {
                        diagnostic = diagnostic.with_help(help);
                    }
                    cx.report(diagnostic);
                }
            }
        }
    }
    if values.is_empty() {
        cx.report(Diagnostic::error(
            Code::InvalidValue,
            values_node.span,
            format!("enum field `{}` has no values", name.value),
        ));
        return None;
    }
    Some(EnumSpec::new(values, aliases))
}

fn parse_timezone(cx: &mut Cx<'_>, text: &Spanned<String>) -> Option<Spanned<Tz>> {
    match text.value.parse::<Tz>() {
        Ok(tz) => Some(Spanned::new(tz, text.span)),
        Err(_) => {
            let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
            let help = suggest::did_you_mean(&text.value, names).map_or_else(
                || "use an IANA zone name such as `America/New_York`".to_owned(),
                |best| format!("did you mean `{best}`?"),
            );
            cx.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    text.span,
                    format!("unknown time zone `{}`", text.value),
                )
                .with_label("not an IANA time zone")
                .with_help(help),
            );
            None
        }
    }
}

/// The doc line of a key, for help messages.
fn doc_of(spec: &[KeySpec], key: &str) -> String {
    spec.iter()
        .find(|k| k.name == key)
        .map_or_else(String::new, |k| format!("`{key}`: {}", k.doc))
}

/// Resolves the event `name` that the `index`-th event refers to (`counts_as`,
/// `requires`): it must exist and be another event.
fn other_event(
    events: &[EventDef],
    index: usize,
    name: &Spanned<String>,
    verb: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Spanned<EventId>> {
    match position(events, &name.value, |e| &e.id.value) {
        Some(target) if target != index => {
            Some(Spanned::new(EventId::from_index(target), name.span))
        }
        Some(_) => {
            diagnostics.push(Diagnostic::error(
                Code::InvalidValue,
                name.span,
                format!("an event cannot {verb} itself"),
            ));
            None
        }
        None => {
            dangling(
                diagnostics,
                name,
                "event",
                "events",
                events.iter().map(|e| e.id.value.as_str()),
            );
            None
        }
    }
}
