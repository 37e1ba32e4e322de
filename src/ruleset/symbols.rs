//! The names a ruleset defines, for resolving references while loading.

use chrono_tz::Tz;

use super::model::{
    EventDef, EventId, FieldDef, FieldId, LevelDef, LevelId, ListDef, ListId, ThresholdDef,
    ThresholdId,
};

/// Definitions collected from every file of a ruleset, before the rules that
/// reference them are read.
#[derive(Debug)]
pub struct Symbols {
    /// The ruleset's time zone, for timestamps written in conditions.
    pub timezone: Tz,
    /// Fields, declared then derived.
    pub fields: Vec<FieldDef>,
    /// Named lists.
    pub lists: Vec<ListDef>,
    /// Named thresholds.
    pub thresholds: Vec<ThresholdDef>,
    /// Levels, most severe first.
    pub levels: Vec<LevelDef>,
    /// Timeline events.
    pub events: Vec<EventDef>,
}

fn position<T>(items: &[T], name: &str, key: impl Fn(&T) -> &str) -> Option<usize> {
    items.iter().position(|item| key(item) == name)
}

impl Symbols {
    /// A field by name.
    pub fn field_id(&self, name: &str) -> Option<FieldId> {
        position(&self.fields, name, |f| &f.name.value).map(FieldId::from_index)
    }

    /// A field by id.
    #[allow(clippy::indexing_slicing)] // ids are minted by this table
    pub fn field(&self, id: FieldId) -> &FieldDef {
        &self.fields[id.index()]
    }

    /// A list by name.
    pub fn list_id(&self, name: &str) -> Option<ListId> {
        position(&self.lists, name, |l| &l.name.value).map(ListId::from_index)
    }

    /// A list by id.
    #[allow(clippy::indexing_slicing)] // ids are minted by this table
    pub fn list(&self, id: ListId) -> &ListDef {
        &self.lists[id.index()]
    }

    /// A threshold by name.
    pub fn threshold_id(&self, name: &str) -> Option<ThresholdId> {
        position(&self.thresholds, name, |t| &t.name.value).map(ThresholdId::from_index)
    }

    /// A threshold by id.
    #[allow(clippy::indexing_slicing)] // ids are minted by this table
    pub fn threshold(&self, id: ThresholdId) -> &ThresholdDef {
        &self.thresholds[id.index()]
    }

    /// A level by id.
    pub fn level_id(&self, name: &str) -> Option<LevelId> {
        position(&self.levels, name, |l| &l.id.value).map(LevelId::from_index)
    }

    /// An event by id.
    pub fn event_id(&self, name: &str) -> Option<EventId> {
        position(&self.events, name, |e| &e.id.value).map(EventId::from_index)
    }
}
