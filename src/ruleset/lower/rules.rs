//! The second pass: criteria, triggers, deadlines and tests, whose
//! conditions and references need every name of the first pass.

use std::collections::HashSet;

use super::mappings::read_mapping;
use super::tests::read_test;
use super::timeline::read_deadline;
use super::{IdRegistry, dangling};
use crate::condition::parse::{Scope, parse_condition};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ruleset::model::{
    Criterion, Deadline, Effect, FieldType, IncidentNumbering, LevelId, Mapping, OutbreakWindow,
    RuleRef, Stage, TestCase, TestOrigin, Trigger, TriggerId,
};
use crate::ruleset::reader::{Cx, MapReader};
use crate::ruleset::shape;
use crate::ruleset::symbols::Symbols;
use crate::ruleset::yaml::{Node, NodeKind};
use crate::source::Spanned;

/// What the second pass collects.
pub struct Rules<'s> {
    symbols: &'s Symbols,
    /// Criteria in file order.
    pub criteria: Vec<Criterion>,
    /// Triggers in file order.
    pub triggers: Vec<Trigger>,
    /// Deadlines in file order.
    pub deadlines: Vec<Deadline>,
    /// Test cases, inline ones where they stand.
    pub tests: Vec<TestCase>,
    /// Input mappings.
    pub mappings: Vec<Mapping>,
    pending_overrides: Vec<(usize, Spanned<String>)>,
    /// Ids of rules written with an error already reported: a test naming
    /// one is not reported again as naming an unknown rule.
    broken: HashSet<String>,
    criterion_ids: IdRegistry,
    trigger_ids: IdRegistry,
    deadline_ids: IdRegistry,
}

impl<'s> Rules<'s> {
    /// An empty pass over a ruleset with these names.
    pub fn new(symbols: &'s Symbols) -> Self {
        Rules {
            symbols,
            criteria: Vec::new(),
            triggers: Vec::new(),
            deadlines: Vec::new(),
            tests: Vec::new(),
            mappings: Vec::new(),
            pending_overrides: Vec::new(),
            broken: HashSet::new(),
            criterion_ids: IdRegistry::default(),
            trigger_ids: IdRegistry::default(),
            deadline_ids: IdRegistry::default(),
        }
    }

    /// Reads the rules of one file.
    pub fn read_file(&mut self, cx: &mut Cx<'_>, root: &MapReader<'_>) {
        if let Some(node) = root.get("criteria") {
            for item in cx.list(node, "`criteria`") {
                self.read_criterion(cx, item);
            }
        }
        if let Some(node) = root.get("triggers") {
            for item in cx.list(node, "`triggers`") {
                self.read_trigger(cx, item);
            }
        }
        if let Some(node) = root.get("deadlines") {
            for item in cx.list(node, "`deadlines`") {
                let Some((deadline, tests)) = read_deadline(cx, self.symbols, item) else {
                    self.broken.extend(written_id(item));
                    continue;
                };
                if self
                    .deadline_ids
                    .claim(cx.diagnostics, "deadline", &deadline.id)
                {
                    self.read_inline_tests(cx, tests, RuleRef::Deadline(deadline.id.value.clone()));
                    self.deadlines.push(deadline);
                }
            }
        }
        if let Some(node) = root.get("mappings") {
            for (key, value) in cx.entries(node, "`mappings`") {
                if let Some(first) = self.mappings.iter().find(|m| m.format.value == key.name) {
                    cx.report(
                        Diagnostic::error(
                            Code::DuplicateId,
                            key.span,
                            format!("duplicate mapping for `{}`", key.name),
                        )
                        .with_secondary(first.format.span, "first defined here"),
                    );
                } else if let Some(mapping) = read_mapping(cx, self.symbols, key, value) {
                    self.mappings.push(mapping);
                }
            }
        }
        if let Some(node) = root.get("tests") {
            for item in cx.list(node, "`tests`") {
                if let Some(test) = read_test(cx, self.symbols, item, TestOrigin::Suite) {
                    self.tests.push(test);
                }
            }
        }
    }

    fn read_inline_tests(&mut self, cx: &mut Cx<'_>, tests: Option<&Node>, rule: RuleRef) {
        let Some(node) = tests else {
            return;
        };
        for item in cx.list(node, "`tests`") {
            if let Some(test) = read_test(cx, self.symbols, item, TestOrigin::Inline(rule.clone()))
            {
                self.tests.push(test);
            }
        }
    }

    fn read_criterion(&mut self, cx: &mut Cx<'_>, node: &Node) {
        let Some(r) = MapReader::open(cx, node, shape::CRITERION, "a criterion") else {
            return;
        };
        let id = r.ident(cx, "id");
        let level = r.ident(cx, "level").and_then(|name| self.level(cx, &name));
        let citation = r.text(cx, "citation");
        let scope = Scope {
            symbols: self.symbols,
            stage: Stage::Allocated,
            holder: "a criterion",
        };
        let when = r.get("when").and_then(|n| parse_condition(cx, &scope, n));
        let (Some(id), Some(level), Some(citation), Some(when)) = (id, level, citation, when)
        else {
            self.broken.extend(written_id(node));
            return;
        };
        if self.criterion_ids.claim(cx.diagnostics, "criterion", &id) {
            self.read_inline_tests(cx, r.get("tests"), RuleRef::Criterion(id.value.clone()));
            self.criteria.push(Criterion {
                id,
                level,
                title: r.text(cx, "title").map(|t| t.value),
                citation,
                when,
            });
        }
    }

    fn level(&self, cx: &mut Cx<'_>, name: &Spanned<String>) -> Option<Spanned<LevelId>> {
        match self.symbols.level_id(&name.value) {
            Some(id) => Some(Spanned::new(id, name.span)),
            None => {
                dangling(
                    cx.diagnostics,
                    name,
                    "level",
                    "levels",
                    self.symbols.levels.iter().map(|l| l.id.value.as_str()),
                );
                None
            }
        }
    }

    fn read_trigger(&mut self, cx: &mut Cx<'_>, node: &Node) {
        let Some(r) = MapReader::open(cx, node, shape::TRIGGER, "a trigger") else {
            return;
        };
        let id = r.ident(cx, "id");
        let citation = r.text(cx, "citation");
        let scope = Scope {
            symbols: self.symbols,
            stage: Stage::Leveled,
            holder: "a trigger",
        };
        let when = r.get("when").and_then(|n| parse_condition(cx, &scope, n));
        let effect = match r.keyword(cx, "effect", &["declare", "withhold"]) {
            Some(e) if e.value == "withhold" => Effect::Withhold,
            _ => Effect::Declare,
        };
        let numbering = self.numbering(cx, &r);
        let (Some(id), Some(citation), Some(when), Some(numbering)) =
            (id, citation, when, numbering)
        else {
            self.broken.extend(written_id(node));
            return;
        };
        if !self.trigger_ids.claim(cx.diagnostics, "trigger", &id) {
            return;
        }
        if let Some(list) = r.get("overrides") {
            for item in cx.one_or_many(list) {
                if let Some(other) = cx.ident(item, "a trigger id") {
                    self.pending_overrides.push((self.triggers.len(), other));
                }
            }
        }
        self.read_inline_tests(cx, r.get("tests"), RuleRef::Trigger(id.value.clone()));
        self.triggers.push(Trigger {
            id,
            title: r.text(cx, "title").map(|t| t.value),
            citation,
            when,
            effect,
            numbering,
            overrides: Vec::new(),
        });
    }

    fn numbering(&self, cx: &mut Cx<'_>, r: &MapReader<'_>) -> Option<IncidentNumbering> {
        let per_outbreak = r
            .keyword(cx, "incident_number", &["per-record", "per-outbreak"])
            .is_some_and(|n| n.value == "per-outbreak");
        let key = r.get("outbreak_key");
        let window = r
            .keyword(cx, "outbreak_window", OutbreakWindow::NAMES)
            .map(|w| (OutbreakWindow::from_name(&w.value), w.span));
        if window.is_none() && r.get("outbreak_window").is_some() {
            return None; // not a window: already reported
        }
        if let (false, Some((_, span))) = (per_outbreak, window) {
            cx.report(
                Diagnostic::error(
                    Code::MisplacedKey,
                    span,
                    "`outbreak_window` needs `incident_number: per-outbreak`",
                )
                .with_label("ignored without per-outbreak numbering"),
            );
            return None;
        }
        match (per_outbreak, key) {
            (false, None) => Some(IncidentNumbering::PerRecord),
            (false, Some(node)) => {
                cx.report(
                    Diagnostic::error(
                        Code::MisplacedKey,
                        node.span,
                        "`outbreak_key` needs `incident_number: per-outbreak`",
                    )
                    .with_label("ignored without per-outbreak numbering"),
                );
                None
            }
            (true, None) => {
                cx.report(
                    Diagnostic::error(Code::MissingKey, r.node().span, "per-outbreak numbering needs an `outbreak_key`")
                        .with_help("name the fields that identify one outbreak, e.g. `outbreak_key: [malware_name]`"),
                );
                None
            }
            (true, Some(node)) => {
                let mut fields = Vec::new();
                let mut timestamp = None;
                for item in cx.one_or_many(node) {
                    let name = cx.ident(item, "a field name")?;
                    match self.symbols.field_id(&name.value) {
                        Some(id) => {
                            if self.symbols.field(id).ty == FieldType::Timestamp {
                                timestamp = Some(name.span);
                            }
                            fields.push(id);
                        }
                        None => {
                            dangling(
                                cx.diagnostics,
                                &name,
                                "field",
                                "fields",
                                self.symbols.fields.iter().map(|f| f.name.value.as_str()),
                            );
                            return None;
                        }
                    }
                }
                match (timestamp, window) {
                    (Some(span), None) => {
                        cx.report(
                            Diagnostic::error(
                                Code::MissingKey,
                                span,
                                "a timestamp in `outbreak_key` needs an `outbreak_window`",
                            )
                            .with_label("every record would be its own outbreak")
                            .with_help("say which period of it one outbreak spans, e.g. `outbreak_window: year`"),
                        );
                        None
                    }
                    (None, Some((_, span))) => {
                        cx.report(
                            Diagnostic::error(
                                Code::MisplacedKey,
                                span,
                                "`outbreak_window` needs a timestamp field in `outbreak_key`",
                            )
                            .with_label("no timestamp to take the period of")
                            .with_help("add the time field, e.g. `outbreak_key: [malware_name, occurred_at]`"),
                        );
                        None
                    }
                    (_, window) => Some(IncidentNumbering::PerOutbreak {
                        fields,
                        window: window.and_then(|(w, _)| w),
                    }),
                }
            }
        }
    }

    /// Resolves trigger overrides and checks test expectations against the
    /// rule ids now known.
    pub fn finish(&mut self, diagnostics: &mut Diagnostics) {
        for (index, name) in std::mem::take(&mut self.pending_overrides) {
            match self.triggers.iter().position(|t| t.id.value == name.value) {
                Some(target) if target != index => {
                    if let Some(trigger) = self.triggers.get_mut(index) {
                        trigger
                            .overrides
                            .push(Spanned::new(TriggerId::from_index(target), name.span));
                    }
                }
                Some(_) => diagnostics.push(Diagnostic::error(
                    Code::InvalidValue,
                    name.span,
                    "a trigger cannot override itself",
                )),
                None => dangling(
                    diagnostics,
                    &name,
                    "trigger",
                    "triggers",
                    self.triggers.iter().map(|t| t.id.value.as_str()),
                ),
            }
        }
        for test in &self.tests {
            let expect = &test.expect;
            if let Some(rule) = &expect.rule {
                if !self.criteria.iter().any(|c| c.id.value == rule.value)
                    && !self.broken.contains(&rule.value)
                {
                    dangling(
                        diagnostics,
                        rule,
                        "criterion",
                        "criteria",
                        self.criteria.iter().map(|c| c.id.value.as_str()),
                    );
                }
            }
            if let Some(trigger) = &expect.trigger {
                if !self.triggers.iter().any(|t| t.id.value == trigger.value)
                    && !self.broken.contains(&trigger.value)
                {
                    dangling(
                        diagnostics,
                        trigger,
                        "trigger",
                        "triggers",
                        self.triggers.iter().map(|t| t.id.value.as_str()),
                    );
                }
            }
            for (deadline, _) in &expect.findings {
                if !self.deadlines.iter().any(|d| d.id.value == deadline.value)
                    && !self.broken.contains(&deadline.value)
                {
                    dangling(
                        diagnostics,
                        deadline,
                        "deadline",
                        "deadlines",
                        self.deadlines.iter().map(|d| d.id.value.as_str()),
                    );
                }
            }
        }
    }
}

/// The `id` written in a rule's mapping, if it is a plain string.
fn written_id(node: &Node) -> Option<String> {
    let NodeKind::Map(entries) = &node.kind else {
        return None;
    };
    entries
        .iter()
        .find(|(key, _)| key.name == "id")
        .and_then(|(_, value)| match &value.kind {
            NodeKind::Str(id) => Some(id.clone()),
            _ => None,
        })
}
