//! The ids of both rulesets' levels, criteria and triggers as numbers, so
//! that a record's two outcomes are compared without building their text:
//! two ids get one number exactly when they are the same text.

use crate::classify::{Classification, Declared};
use crate::ruleset::Ruleset;

/// The level a record gets when no criterion covers it.
pub(super) const UNCLASSIFIED: &str = "unclassified";
/// The level of a record a ruleset cannot read.
pub(super) const REJECTED: &str = "rejected";

/// The numbers of one ruleset's ids.
#[derive(Debug)]
pub(super) struct Side {
    /// By level index, then `unclassified` and `rejected`.
    levels: Vec<u32>,
    /// By criterion index.
    rules: Vec<u32>,
    /// By trigger index.
    triggers: Vec<u32>,
}

/// An outcome as numbers: equal keys are equal outcomes in output words,
/// but for the due time (see [`Key::due`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Key {
    /// Position of the level's id in [`Vocabulary::levels`]: its severity
    /// rank, and its row or column in the level matrix.
    pub level: u32,
    /// The declaration.
    pub declared: Declared,
    /// The deciding criterion's id, or the empty text.
    pub rule: u32,
    /// The deciding trigger's id, or the empty text.
    pub trigger: u32,
    /// The due instant and the zone it is shown in: equal ones show the
    /// same text, but so may unequal ones (two zones with one offset, two
    /// instants within a second), which only their text tells apart.
    pub due: Option<(chrono::DateTime<chrono::Utc>, chrono_tz::Tz)>,
}

/// The numbers of both rulesets' ids.
#[derive(Debug)]
pub(super) struct Vocabulary {
    /// Level ids in severity order: head's order, then base-only levels,
    /// then `unclassified`, then `rejected`.
    pub levels: Vec<String>,
    /// The key of the `rejected` level: a record both rulesets give it is
    /// unreadable.
    pub rejected: u32,
    /// The base ruleset's numbers.
    pub base: Side,
    /// The head ruleset's numbers.
    pub head: Side,
}

impl Vocabulary {
    /// The numbers of the ids of `base` and `head`.
    pub(super) fn new(base: &Ruleset, head: &Ruleset) -> Self {
        let mut levels: Vec<String> = head.levels.iter().map(|l| l.id.value.clone()).collect();
        for level in &base.levels {
            if !levels.contains(&level.id.value) {
                levels.push(level.id.value.clone());
            }
        }
        levels.push(UNCLASSIFIED.to_owned());
        levels.push(REJECTED.to_owned());
        // Criteria and triggers share one list of texts: a key only ever
        // meets keys of its own kind, and the empty text (no rule, no
        // trigger) is a text like the others.
        let mut texts: Vec<String> = vec![String::new()];
        let sides = [base, head].map(|ruleset| Side {
            levels: ruleset
                .levels
                .iter()
                .map(|l| l.id.value.as_str())
                .chain([UNCLASSIFIED, REJECTED])
                .map(|id| number(&levels, id))
                .collect(),
            rules: ruleset
                .criteria
                .iter()
                .map(|c| intern(&mut texts, &c.id.value))
                .collect(),
            triggers: ruleset
                .triggers
                .iter()
                .map(|t| intern(&mut texts, &t.id.value))
                .collect(),
        });
        let [base, head] = sides;
        let rejected = number(&levels, REJECTED);
        Vocabulary {
            levels,
            rejected,
            base,
            head,
        }
    }

    /// The level's id for a matrix key.
    pub(super) fn level(&self, key: u32) -> &str {
        self.levels
            .get(key as usize)
            .map_or(REJECTED, String::as_str)
    }
}

impl Side {
    /// The key of a classification.
    pub(super) fn key(&self, c: &Classification<'_>) -> Key {
        let unclassified = self.levels.len().saturating_sub(2);
        Key {
            level: self.level(c.level.map_or(unclassified, |l| l.index())),
            declared: c.declared,
            rule: c
                .rule
                .map_or(0, |i| self.rules.get(i).copied().unwrap_or(0)),
            trigger: c
                .trigger
                .map_or(0, |t| self.triggers.get(t.index()).copied().unwrap_or(0)),
            due: c.due.map(|d| (d.at, d.tz)),
        }
    }

    /// The key of a record the ruleset cannot read.
    pub(super) fn rejected(&self) -> Key {
        Key {
            level: self.level(self.levels.len().saturating_sub(1)),
            declared: Declared::No,
            rule: 0,
            trigger: 0,
            due: None,
        }
    }

    fn level(&self, index: usize) -> u32 {
        self.levels.get(index).copied().unwrap_or(u32::MAX)
    }
}

/// The position of `id` in `levels` (the first, should a ruleset name a
/// level `unclassified`: the matrix and the ranks go by text).
fn number(levels: &[String], id: &str) -> u32 {
    levels.iter().position(|l| l == id).unwrap_or(levels.len()) as u32
}

/// The number of `text` in `texts`, added when new.
fn intern(texts: &mut Vec<String>, text: &str) -> u32 {
    match texts.iter().position(|t| t == text) {
        Some(i) => i as u32,
        None => {
            texts.push(text.to_owned());
            (texts.len() - 1) as u32
        }
    }
}
