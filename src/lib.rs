//! docket turns written cyber-incident policy into declarative YAML rulesets
//! and applies them: batch classification of IDS exports and complaints,
//! compliance audits of incident histories, and CI for rule changes.

pub mod calendar;
