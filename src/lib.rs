//! docket turns written cyber-incident policy into declarative YAML rulesets
//! and applies them: batch classification of IDS exports and complaints,
//! compliance audits of incident histories, and CI for rule changes.

pub mod diagnostic;
pub mod source;
pub mod condition;
pub mod record;
pub mod ruleset;
pub mod check;
pub mod cli;
pub mod schema;
